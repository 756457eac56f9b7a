"""A string that is not valid Unicode (half of a UTF-16 surrogate pair, which JSON can
escape) is refused in any argument before a resolver runs: one top-level error naming the
variable, with code BAD_USER_INPUT, a request error (400, no data) for clients accepting
application/graphql-response+json, and nothing written, on either store."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.api import Api

LONE = "\ud800"
PROFILES = "query { callbackProfiles(first: 100) { edges { node { id } } } }"
DELIVERIES = "query { deliveries(first: 100) { edges { node { id } } } }"
CREATE = """
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) { callbackProfile { id } userErrors { code } }
}
"""
PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { deliveries { id } userErrors { code } }
}
"""


def profile_input(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Unicode",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": "https://hooks.example.com/a",
        "variables": ["status", "message_id"],
        **changes,
    }


def event(**changes: Any) -> dict[str, Any]:
    return {"callbackProfileId": "IN_x", "values": {"status": "Delivered"}, **changes}


CASES = [
    pytest.param(
        "query ($s: String) { callbackProfiles(search: $s) { edges { cursor } } }",
        {"s": f"ab{LONE}"},
        "$s",
        id="search",
    ),
    pytest.param(
        "query ($id: ID!) { callbackProfile(id: $id) { id } }", {"id": LONE}, "$id", id="profile-id"
    ),
    pytest.param(
        "query ($id: ID!) { delivery(id: $id) { id } }", {"id": LONE}, "$id", id="delivery-id"
    ),
    pytest.param(
        "query ($p: ID) { deliveries(profileId: $p) { edges { cursor } } }",
        {"p": LONE},
        "$p",
        id="deliveries-profile-id",
    ),
    pytest.param(
        "query ($a: String) { deliveries(after: $a) { edges { cursor } } }",
        {"a": LONE},
        "$a",
        id="cursor",
    ),
    pytest.param(CREATE, {"input": profile_input(title=LONE)}, "$input.title", id="title"),
    pytest.param(
        CREATE,
        {"input": profile_input(endpoint=f"https://hooks.example.com/{LONE}")},
        "$input.endpoint",
        id="endpoint",
    ),
    pytest.param(
        CREATE,
        {"input": profile_input(headers=[{"name": f"X-{LONE}", "value": "v"}])},
        "$input.headers.0.name",
        id="header-name",
    ),
    pytest.param(
        CREATE,
        {"input": profile_input(headers=[{"name": "X-A", "value": LONE, "secret": True}])},
        "$input.headers.0.value",
        id="header-value",
    ),
    pytest.param(
        CREATE,
        {"input": profile_input(variables=None, bodyTemplate={"s": "<status>", "c": [LONE]})},
        "$input.bodyTemplate.c.0",
        id="template-value",
    ),
    pytest.param(
        CREATE,
        {"input": profile_input(variables=None, bodyTemplate={"s": "<status>", LONE: 1})},
        "$input.bodyTemplate (a key)",
        id="template-key",
    ),
    pytest.param(
        CREATE, {"input": profile_input(variables=[LONE])}, "$input.variables.0", id="variable"
    ),
    pytest.param(
        CREATE,
        {"input": profile_input(responseMessage=LONE)},
        "$input.responseMessage",
        id="response-message",
    ),
    pytest.param(
        CREATE,
        {"input": profile_input(encryption={"algorithm": "AES_128_GCM", "key": LONE, "iv": "i"})},
        "$input.encryption.key",
        id="encryption-key",
    ),
    pytest.param(
        PUBLISH,
        {"events": [event(), event(values={"message_id": f"m-{LONE}"})]},
        "$events.1.values.message_id",
        id="message-id",
    ),
    pytest.param(
        PUBLISH,
        {"events": [event(idempotencyKey=LONE)]},
        "$events.0.idempotencyKey",
        id="idempotency-key",
    ),
    pytest.param(
        PUBLISH,
        {"events": [event(callbackProfileId=LONE)]},
        "$events.0.callbackProfileId",
        id="event-profile-id",
    ),
    pytest.param(
        PUBLISH,
        {"events": [event(values={LONE: "x"})]},
        "$events.0.values (a key)",
        id="values-key",
    ),
    pytest.param(
        "mutation ($id: ID!, $input: EditCallbackProfileVariablesInput!) {"
        " editCallbackProfileVariables(id: $id, input: $input) { userErrors { code } } }",
        {"id": "IN_x", "input": {"variables": [LONE]}},
        "$input.variables.0",
        id="edit-variables",
    ),
    pytest.param(
        "mutation ($id: ID!) { deleteCallbackProfile(id: $id) { userErrors { code } } }",
        {"id": LONE},
        "$id",
        id="delete-id",
    ),
    pytest.param(
        "mutation ($id: ID!) { retryDelivery(id: $id) { userErrors { code } } }",
        {"id": LONE},
        "$id",
        id="retry-id",
    ),
    pytest.param(
        "mutation ($d: CreateCallbackProfileInput) {"
        " testCallbackProfile(draft: $d) { userErrors { code } } }",
        {"d": profile_input(headers=[{"name": "X-A", "value": f"x{LONE}"}])},
        "$d.headers.0.value",
        id="draft-header",
    ),
]


async def post(
    api: Api, key: str, query: str, variables: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    # json.dumps writes a lone surrogate as the escape `\ud800`, as a hostile client would.
    response = await api.http.post(
        "/graphql",
        content=json.dumps({"query": query, "variables": variables}),
        headers={
            "authorization": f"Bearer {key}",
            "content-type": "application/json",
            "accept": "application/graphql-response+json",
        },
    )
    body: dict[str, Any] = response.json()
    return response.status_code, body


@pytest.mark.parametrize(("query", "variables", "path"), CASES)
async def test_lone_surrogate_in_any_argument_is_a_bad_user_input_error(
    api_on_each_store: Api, query: str, variables: dict[str, Any], path: str
) -> None:
    api = api_on_each_store
    key = await api.account()

    status, body = await post(api, key, query, variables)

    assert status == 400
    assert body == {
        "errors": [
            {
                "message": f"Variable {path} is not valid Unicode text: it holds half of a "
                "UTF-16 surrogate pair. Send whole characters, in UTF-8 or as \\u escapes of "
                "pairs.",
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ],
    }
    assert (await api.run(PROFILES, key=key))["callbackProfiles"]["edges"] == []
    assert (await api.run(DELIVERIES, key=key))["deliveries"]["edges"] == []


async def test_a_whole_surrogate_pair_is_text_like_any_other(api_on_each_store: Api) -> None:
    api = api_on_each_store
    key = await api.account()

    status, body = await post(
        api, key, CREATE, {"input": profile_input(responseMessage="ok \ud83d\ude00")}
    )

    assert status == 200
    assert body["data"]["createCallbackProfile"]["userErrors"] == []
