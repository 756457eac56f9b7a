"""Documents are bounded before validation; each refusal names its limit; internal
failures are masked."""

from __future__ import annotations

import pytest

from domain.profiles import Profiles
from graph.document_limits import MAX_ALIASES, MAX_DEPTH, MAX_REPEATS, MAX_SELECTIONS
from graph.limits import MAX_TOKENS
from tests.support.api import Api


async def test_too_deep_a_document_is_refused(api: Api, key: str) -> None:
    inner = "id"
    for _ in range(MAX_DEPTH + 1):
        inner = f"... on DeliveryAttempt {{ delivery {{ attempts {{ {inner} }} }} }}"
    query = f'query {{ node(id: "x") {{ {inner} }} }}'

    body = await api.raw(query, key=key)

    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "depth", "maximum": MAX_DEPTH}
    assert f"at most {MAX_DEPTH} are allowed" in error["message"]


async def test_too_many_aliases_are_refused(api: Api, key: str) -> None:
    fields = " ".join(f"a{i}: channels {{ kind }}" for i in range(MAX_ALIASES + 1))

    body = await api.raw(f"query {{ {fields} }}", key=key)

    assert body["errors"] == [
        {
            "message": f"The document has {MAX_ALIASES + 1} aliases; at most {MAX_ALIASES} "
            "are allowed.",
            "extensions": {"code": "LIMIT_EXCEEDED", "limit": "aliases", "maximum": MAX_ALIASES},
        }
    ]


async def test_a_field_repeated_past_the_limit_is_refused_before_validation(
    api: Api, key: str
) -> None:
    fields = " ".join("channels { kind }" for _ in range(MAX_REPEATS + 1))

    body = await api.raw(f"query {{ {fields} }}", key=key)

    assert body["errors"] == [
        {
            "message": f"`channels` is selected more than {MAX_REPEATS} times.",
            "extensions": {"code": "LIMIT_EXCEEDED", "limit": "repeats", "maximum": MAX_REPEATS},
        }
    ]


async def test_repeats_multiply_through_nesting(api: Api, key: str) -> None:
    # Four copies of channels, each asking three copies of kind: twelve `channels.kind`.
    inner = " ".join("kind" for _ in range(3))
    fields = " ".join(f"channels {{ {inner} }}" for _ in range(4))

    body = await api.raw(f"query {{ {fields} }}", key=key)

    assert body["errors"][0]["extensions"]["limit"] == "repeats"
    assert body["errors"][0]["message"].startswith("`channels.kind` is selected")


async def test_fragments_spreading_each_other_are_refused_without_expanding_them_all(
    api: Api, key: str
) -> None:
    fragments = "\n".join(
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 40)
    )
    query = f"fragment F0 on Query {{ ...Missing }}\n{fragments}\nquery {{ ...F39 }}"

    body = await api.raw(query, key=key)

    assert body["errors"][0]["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "limit": "selections",
        "maximum": MAX_SELECTIONS,
    }


async def test_a_repeated_typename_says_which_limit(api: Api, key: str) -> None:
    fields = " ".join("__typename" for _ in range(1000))

    body = await api.raw(f"query {{ {fields} }}", key=key)

    assert body["errors"][0]["message"] == (
        f"`__typename` is selected more than {MAX_REPEATS} times."
    )


async def test_too_many_tokens_are_refused(api: Api, key: str) -> None:
    fields = " ".join("kind" for _ in range(MAX_TOKENS))

    body = await api.raw(f"query {{ channels {{ {fields} }} }}", key=key)

    [error] = body["errors"]
    assert "Document contains more than" in error["message"]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "tokens"}


async def test_internal_errors_are_masked_with_a_code(
    api: Api, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(Profiles, "get", broken)

    body = await api.raw('query { callbackProfile(id: "IN_x") { id } }', key=key)

    assert body["errors"] == [
        {
            "message": "Internal server error.",
            "locations": [{"line": 1, "column": 9}],
            "path": ["callbackProfile"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    ]
    assert "hunter2" not in str(body)
