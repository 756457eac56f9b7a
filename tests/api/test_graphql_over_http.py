"""Every request gets a GraphQL answer with a code, shaped by the GraphQL-over-HTTP spec:
`application/graphql-response+json` with its status codes when the client accepts it,
`application/json` (status 200 for any document that was read) otherwise."""

from __future__ import annotations

import pytest

from tests.support.api import Api

GRAPHQL_RESPONSE = "application/graphql-response+json"
CHANNELS = "query { channels { kind } }"
PROFILE = "query ($id: ID!) { callbackProfile(id: $id) { id } }"


def _headers(key: str | None, accept: str | None) -> dict[str, str]:
    headers = {}
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    if accept is not None:
        headers["accept"] = accept
    return headers


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("query { channels { kind }", {}, "GRAPHQL_PARSE_FAILED"),
        ("query { channels { nope } }", {}, "GRAPHQL_VALIDATION_FAILED"),
        (PROFILE, {"id": 12.5}, "BAD_USER_INPUT"),
    ],
    ids=["parse", "validation", "variables"],
)
async def test_a_request_error_is_4xx_without_data_for_graphql_response_clients(
    api: Api, key: str, query: str, variables: dict[str, object], code: str
) -> None:
    response = await api.http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers=_headers(key, GRAPHQL_RESPONSE),
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]


async def test_a_request_error_is_200_without_data_for_json_clients(api: Api, key: str) -> None:
    response = await api.http.post(
        "/graphql",
        json={"query": "query { channels { kind }"},
        headers=_headers(key, "application/json"),
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, f"{GRAPHQL_RESPONSE}, application/json"])
async def test_an_executed_document_is_200_in_the_accepted_type(
    api: Api, key: str, accept: str
) -> None:
    response = await api.http.post(
        "/graphql", json={"query": CHANNELS}, headers=_headers(key, accept)
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json() == {"data": {"channels": [{"kind": "SMS"}, {"kind": "EMAIL"}]}}


async def test_graphql_response_refused_with_q_0_falls_back_to_json(api: Api, key: str) -> None:
    response = await api.http.post(
        "/graphql",
        json={"query": CHANNELS},
        headers=_headers(key, f"{GRAPHQL_RESPONSE};q=0, application/json"),
    )

    assert response.headers["content-type"] == "application/json"


async def test_a_missing_key_is_401_in_either_type(api: Api) -> None:
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        response = await api.http.post(
            "/graphql", json={"query": CHANNELS}, headers=_headers(None, accept)
        )

        assert response.status_code == 401
        assert response.headers["content-type"] == accept
        assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": "{ channels { kind } }", "x": "\xff\xfe"}', "not valid UTF-8 (byte 41)"),
        (b'{"query": ', "not valid JSON: Expecting value (line 1, column 11)"),
        (
            b'{"query": "query ($v: JSON) { channels { kind } }", "variables": {"v": '
            + b"[" * 10_000
            + b"]" * 10_000
            + b"}}",
            "nested deeper than 64 levels",
        ),
        (
            b'{"query": "{ channels { kind } }", "variables": {"v": '
            + b"[" * 100
            + b"]" * 100
            + b"}}",
            "nested deeper than 64 levels",
        ),
    ],
    ids=["invalid-utf8", "malformed", "deep-10000", "deep-100"],
)
async def test_a_body_that_is_not_json_is_400(
    api: Api, key: str, body: bytes, message: str
) -> None:
    response = await api.http.post(
        "/graphql",
        content=body,
        headers={**_headers(key, GRAPHQL_RESPONSE), "content-type": "application/json"},
    )

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert message in error["message"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}


async def test_a_declared_body_over_the_limit_is_413_before_it_is_read(api: Api, key: str) -> None:
    limit = api.runtime.max_body_bytes

    response = await api.http.post(
        "/graphql",
        content=b" " * (limit + 1),
        headers={**_headers(key, None), "content-type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["errors"] == [
        {
            "message": f"The request body is larger than {limit} bytes.",
            "extensions": {"code": "LIMIT_EXCEEDED", "limit": limit},
        }
    ]


async def test_a_streamed_body_over_the_limit_is_413(api: Api, key: str) -> None:
    limit = api.runtime.max_body_bytes
    chunk = b" " * 65536
    sent = 0

    async def chunks() -> object:
        nonlocal sent
        # Twice the limit at most, then the client stops on its own.
        while sent <= 2 * limit:
            sent += len(chunk)
            yield chunk

    response = await api.http.post(
        "/graphql",
        content=chunks(),  # type: ignore[arg-type]
        headers={**_headers(key, None), "content-type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


async def test_a_failure_outside_execution_is_a_coded_500_not_a_bare_one(
    api: Api, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("accounts table is on fire")

    monkeypatch.setattr(api.runtime.services.accounts, "authenticate", broken)

    response = await api.http.post(
        "/graphql", json={"query": CHANNELS}, headers=_headers(key, None)
    )

    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {"message": "Internal server error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        ]
    }


async def test_a_subscription_over_http_is_refused_with_where_to_go(api: Api, key: str) -> None:
    response = await api.http.post(
        "/graphql",
        json={"query": "subscription { deliveryAttempts { id } }"},
        headers=_headers(key, GRAPHQL_RESPONSE),
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": "Subscriptions are served over WebSocket (graphql-transport-ws) at "
                "/graphql.",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }
