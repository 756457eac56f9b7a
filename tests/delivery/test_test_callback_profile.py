"""testCallbackProfile: one callback now with example values, for a saved profile or a draft,
and the attempt as answer; a down, slow or forbidden receiver is an outcome, not an error."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.responses import Response

from tests.support.api import Api, running_api, settings
from tests.support.profiles import create_profile
from tests.support.receiver import Received, Receiver, free_port

TEST = """
mutation ($id: ID, $draft: CreateCallbackProfileInput) {
  testCallbackProfile(id: $id, draft: $draft) {
    attempt {
      number trigger outcome statusCode responseBody durationMs error
      request { method url headers { name value } body }
      profile { id } delivery { id }
    }
    userErrors { field message code }
  }
}
"""


async def run_test(api: Api, key: str, **variables: Any) -> dict[str, Any]:
    data = await api.run(TEST, variables, key=key)
    payload: dict[str, Any] = data["testCallbackProfile"]
    return payload


async def test_saved_profile_sends_example_values(api: Api, key: str, receiver: Receiver) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status", "flash", "price", "type"],
        headers=[{"name": "api-key", "value": "A71151f2c0ac28bb", "secret": True}],
    )

    payload = await run_test(api, key, id=profile_id)

    [got] = receiver.received
    assert json.loads(got.body) == {"status": "Delivered", "flash": 1, "price": 0, "type": "OTP"}
    assert got.headers["api-key"] == "A71151f2c0ac28bb"
    attempt = payload["attempt"]
    assert payload["userErrors"] == []
    assert attempt["trigger"] == "TEST"
    assert attempt["outcome"] == "SUCCEEDED"
    assert attempt["statusCode"] == 200
    assert attempt["responseBody"] == "ok"
    assert attempt["durationMs"] > 0
    assert attempt["profile"] == {"id": profile_id}
    assert attempt["delivery"] is None
    assert {"name": "api-key", "value": "[redacted]"} in attempt["request"]["headers"]
    assert "A71151f2c0ac28bb" not in json.dumps(payload)


async def test_draft_is_tested_without_saving(api: Api, key: str, receiver: Receiver) -> None:
    draft = {
        "title": "Draft",
        "channel": "EMAIL",
        "httpMethod": "POST",
        "endpoint": receiver.url,
        "variables": ["delivery_status", "delivery_time"],
        "bodyFormat": "URLENCODED",
    }

    payload = await run_test(api, key, draft=draft)

    [got] = receiver.received
    assert got.body == b"delivery_status=Bounce&delivery_time=2023-09-29T11%3A23%3A35.586Z"
    assert payload["attempt"]["profile"] is None
    listing = await api.run("query { callbackProfiles { edges { cursor } } }", key=key)
    assert listing["callbackProfiles"]["edges"] == []


async def test_invalid_draft_answers_user_errors_under_draft(api: Api, key: str) -> None:
    draft = {
        "title": "x",
        "channel": "EMAIL",
        "httpMethod": "GET",
        "endpoint": "nowhere",
        "variables": ["status"],
    }

    payload = await run_test(api, key, draft=draft)

    assert payload["attempt"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["draft", "title"], "TOO_SHORT"),
        (["draft", "httpMethod"], "METHOD_NOT_ALLOWED"),
        (["draft", "endpoint"], "INVALID_URL"),
        (["draft", "variables", "0"], "UNKNOWN_VARIABLE"),
    ]


async def test_neither_id_nor_draft_is_a_user_error(api: Api, key: str) -> None:
    payload = await run_test(api, key)

    assert payload["userErrors"] == [
        {
            "field": ["id"],
            "message": "Give the id of a saved profile or a draft.",
            "code": "REQUIRED",
        }
    ]


async def test_receiver_down_is_a_connection_error(api: Api, key: str) -> None:
    draft = {
        "title": "Down",
        "channel": "SMS",
        "httpMethod": "GET",
        "endpoint": f"http://127.0.0.1:{free_port()}/hook",
        "variables": ["status"],
    }

    payload = await run_test(api, key, draft=draft)

    assert payload["attempt"]["outcome"] == "CONNECTION_ERROR"
    assert payload["attempt"]["statusCode"] is None
    assert payload["attempt"]["error"]


async def test_slow_receiver_is_a_timeout(key: str, receiver: Receiver) -> None:
    async def slow(_: Received) -> Response:
        await asyncio.sleep(1)
        return Response("late")

    receiver.answer = slow
    async with running_api(settings(CALLBACKD_REQUEST_TIMEOUT_SECONDS="0.2")) as api:
        own_key = await api.account()
        draft = {
            "title": "Slow",
            "channel": "SMS",
            "httpMethod": "POST",
            "endpoint": receiver.url,
            "variables": ["status"],
        }

        payload = await run_test(api, own_key, draft=draft)

    assert payload["attempt"]["outcome"] == "TIMEOUT"
    assert payload["attempt"]["error"] == "no answer within 0.2 s"


async def test_private_addresses_are_blocked_unless_allowed(receiver: Receiver) -> None:
    async with running_api(settings(CALLBACKD_ALLOW_NETWORKS="")) as api:
        own_key = await api.account()
        for endpoint in (
            receiver.url,
            "http://169.254.169.254/latest/meta-data",
            "http://10.1.2.3/hook",
            "http://[::1]:9/hook",
        ):
            draft = {
                "title": "Inside",
                "channel": "SMS",
                "httpMethod": "POST",
                "endpoint": endpoint,
                "variables": ["status"],
            }

            payload = await run_test(api, own_key, draft=draft)

            assert payload["attempt"]["outcome"] == "BLOCKED", endpoint
    assert receiver.received == []


async def test_redirects_are_not_followed(api: Api, key: str, receiver: Receiver) -> None:
    async def redirect(_: Received) -> Response:
        return Response(status_code=302, headers={"location": "http://127.0.0.1:1/elsewhere"})

    receiver.answer = redirect
    draft = {
        "title": "Moved",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": receiver.url,
        "variables": ["status"],
    }

    payload = await run_test(api, key, draft=draft)

    assert payload["attempt"]["outcome"] == "HTTP_ERROR"
    assert payload["attempt"]["statusCode"] == 302
    assert len(receiver.received) == 1


async def test_response_body_is_cut_to_an_excerpt(api: Api, key: str, receiver: Receiver) -> None:
    async def big(_: Received) -> Response:
        return Response("x" * 5_000_000)

    receiver.answer = big
    draft = {
        "title": "Chatty",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": receiver.url,
        "variables": ["status"],
    }

    payload = await run_test(api, key, draft=draft)

    assert payload["attempt"]["outcome"] == "SUCCEEDED"
    assert payload["attempt"]["responseBody"] == "x" * 1024
