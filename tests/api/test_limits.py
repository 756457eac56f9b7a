"""Documents are bounded in depth, aliases and tokens; internal failures are masked."""

from __future__ import annotations

import pytest

from domain.profiles import Profiles
from graph.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.support.api import Api


async def test_too_deep_a_document_is_refused(api: Api, key: str) -> None:
    inner = "id"
    for _ in range(MAX_DEPTH + 1):
        inner = f"... on DeliveryAttempt {{ delivery {{ attempts {{ {inner} }} }} }}"
    query = f'query {{ node(id: "x") {{ {inner} }} }}'

    body = await api.raw(query, key=key)

    assert body["data"] is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_too_many_aliases_are_refused(api: Api, key: str) -> None:
    fields = " ".join(f"a{i}: channels {{ kind }}" for i in range(MAX_ALIASES + 1))

    body = await api.raw(f"query {{ {fields} }}", key=key)

    assert body["errors"][0]["message"] == (
        f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}"
    )


async def test_too_many_tokens_are_refused(api: Api, key: str) -> None:
    fields = " ".join("kind" for _ in range(MAX_TOKENS))

    body = await api.raw(f"query {{ channels {{ {fields} }} }}", key=key)

    assert "Syntax Error: Document contains more than" in body["errors"][0]["message"]


async def test_internal_errors_are_masked(
    api: Api, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(Profiles, "get", broken)

    body = await api.raw('query { callbackProfile(id: "IN_x") { id } }', key=key)

    assert body["errors"][0]["message"] == "Internal server error."
    assert "hunter2" not in str(body)
