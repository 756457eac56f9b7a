"""A stored profile that makes no request that can be sent (written straight into the store,
past every check) ends each of its deliveries FAILED after the attempt limit, every attempt
recorded as INVALID_REQUEST and streamed; a test of it answers that attempt. No delivery
loops, on either store."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from delivery import tester
from delivery.dispatch import Dispatcher
from delivery.engine import Engine, EngineSettings
from delivery.guard import Guard
from delivery.health import DisableRule, Health
from delivery.recorder import Recorder
from delivery.retry import RetryPolicy
from delivery.sender import Sender, new_client
from delivery.tokens import Tokens
from domain.deliveries import Deliveries, StatusEvent
from domain.models import (
    Account,
    Attempt,
    AttemptOutcome,
    AttemptTrigger,
    DeliveryStatus,
    Encryption,
    EncryptionAlgorithm,
    Header,
    Profile,
)
from domain.profiles import Profiles
from domain.secretbox import SecretBox, generate_server_key, key_id, parse_server_keys
from domain.statuses import Statuses
from domain.store import Store
from live.hub import Hub
from tests.support import factories
from tests.support.api import Api
from tests.support.receiver import Receiver

MAX_ATTEMPTS = 3
REPORTS = 2
VALUE_RULE = (
    "visible ASCII characters only, with spaces or tabs between them (RFC 9110): no control "
    "characters, no non-ASCII text, no leading or trailing space"
)
BOX = SecretBox(parse_server_keys(generate_server_key()))
# Secrets sealed under a server key that is not the one running, as after a lost key.
OTHER_KEYS = parse_server_keys(generate_server_key())
OTHER_BOX = SecretBox(OTHER_KEYS)
NOT_CONFIGURED = f"sealed with key {key_id(OTHER_KEYS[0])}, which is not configured"


def _planted(endpoint: str) -> dict[str, tuple[dict[str, Any], str]]:
    """Profile changes that no check would let through, and the error each attempt gives."""
    return {
        "non-ASCII header value": (
            {"headers": (Header("X-Name", "日本"),)},
            f"header X-Name value must hold {VALUE_RULE}",
        ),
        "control character in a header value": (
            {"headers": (Header("X-Name", "a\x01b"),)},
            f"header X-Name value must hold {VALUE_RULE}",
        ),
        "header name that is not a token": (
            {"headers": (Header("X Name", "a"),)},
            "header 1 has a name that is not an HTTP token",
        ),
        "secret header sealed under another server key": (
            {"headers": (Header("Authorization", OTHER_BOX.seal("Bearer t"), secret=True),)},
            f"the value of header 1 cannot be opened: {NOT_CONFIGURED}",
        ),
        "encryption key sealed under another server key": (
            {
                "encryption": Encryption(
                    algorithm=EncryptionAlgorithm.AES_128_GCM,
                    sealed_key=OTHER_BOX.seal("MDEyMzQ1Njc4OWFiY2RlZg=="),
                    sealed_iv=OTHER_BOX.seal("MDEyMzQ1Njc4OWFi"),
                    parameters=("status",),
                    random_iv=False,
                )
            },
            f"the encryption key cannot be opened: {NOT_CONFIGURED}",
        ),
        "template number JSON cannot write": (
            {"body_template": {"status": "<status>", "weight": float("nan")}},
            "writing the query string or body failed (ValueError)",
        ),
        "endpoint port beyond 65535": (
            {"endpoint": endpoint.replace(endpoint.split("/")[2], "127.0.0.1:99999")},
            "the endpoint is refused: Endpoint is not a valid URL.",
        ),
    }


CASES = list(_planted("http://127.0.0.1:1/hook"))


async def plant(store: Store, account: Account, endpoint: str, case: str) -> tuple[Profile, str]:
    changes, error = _planted(endpoint)[case]
    sendable: dict[str, Any] = {
        "endpoint": endpoint,
        "variables": ("status",),
        "body_template": {"status": "<status>"},
        "headers": (),
        "encryption": None,
        "response_message": None,
        "sealed_signing_secrets": (),
    }
    profile = factories.profile(account.id, **{**sendable, **changes})
    await store.insert_profile(profile)
    return profile, error


@dataclass
class Workers:
    engine: Engine
    dispatcher: Dispatcher
    recorder: Recorder
    hub: Hub


@pytest.fixture
async def workers(store: Store) -> AsyncIterator[Workers]:
    guard = Guard((ipaddress.ip_network("127.0.0.0/8"),))
    async with new_client(guard, timeout=2, connections=4) as client:
        dispatcher = Dispatcher(Sender(client, 2), Tokens(client, BOX, 2), BOX)
        recorder = Recorder(store)
        engine = Engine(
            store,
            dispatcher,
            recorder,
            RetryPolicy(MAX_ATTEMPTS, base_seconds=0.01, min_throttle_seconds=0.01),
            EngineSettings(concurrency=4, lease_seconds=5, poll_seconds=0.05),
            Health(store, Statuses(store), DisableRule(timedelta(hours=120), 100)),
        )
        hub = Hub(store)
        yield Workers(engine, dispatcher, recorder, hub)
        await engine.stop()
        await hub.stop()


async def collect(hub: Hub, account_id: str, into: list[Attempt]) -> None:
    async for attempt in hub.subscribe(account_id):
        into.append(attempt)


async def settled(store: Store, account_id: str, delivery_ids: list[str]) -> None:
    async with asyncio.timeout(30):
        while True:
            found = await store.get_deliveries(account_id, delivery_ids)
            if all(d.status is DeliveryStatus.FAILED for d in found):
                return
            await asyncio.sleep(0.05)


@pytest.mark.parametrize("case", CASES)
async def test_deliveries_fail_after_the_attempt_limit_and_a_test_answers_the_attempt(
    store: Store, workers: Workers, receiver: Receiver, case: str
) -> None:
    account = factories.account()
    await store.insert_account(account)
    profile, error = await plant(store, account, receiver.url, case)
    streamed: list[Attempt] = []
    subscriber = asyncio.create_task(collect(workers.hub, account.id, streamed))
    await asyncio.sleep(0)
    deliveries = Deliveries(store)

    queued, errors = await deliveries.publish(
        account, [StatusEvent(profile.id, {"status": "Delivered"})] * REPORTS
    )
    delivery_ids = [d.id for d in queued if d is not None]
    workers.engine.start()
    await settled(store, account.id, delivery_ids)
    tested, test_errors = await tester.Tester(
        Profiles(store, BOX), workers.dispatcher, workers.recorder
    ).test(account, profile.id, None)

    assert errors == []
    final = await store.get_deliveries(account.id, delivery_ids)
    assert [(d.status, d.attempt_count) for d in final] == [
        (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    ] * REPORTS
    recorded = await store.list_attempts(account.id, delivery_ids)
    for delivery_id in delivery_ids:
        assert sorted(
            (a.number, a.trigger, a.outcome, a.status_code, a.error)
            for a in recorded
            if a.delivery_id == delivery_id
        ) == [
            (1, AttemptTrigger.EVENT, AttemptOutcome.INVALID_REQUEST, None, error),
            (2, AttemptTrigger.RETRY, AttemptOutcome.INVALID_REQUEST, None, error),
            (3, AttemptTrigger.RETRY, AttemptOutcome.INVALID_REQUEST, None, error),
        ]
    assert test_errors == []
    assert tested is not None
    assert (tested.trigger, tested.outcome, tested.error) == (
        AttemptTrigger.TEST,
        AttemptOutcome.INVALID_REQUEST,
        error,
    )
    async with asyncio.timeout(10):
        while len(streamed) < len(recorded) + 1:
            await asyncio.sleep(0.02)
    subscriber.cancel()
    assert {a.id for a in streamed} == {a.id for a in recorded} | {tested.id}
    assert receiver.received == []


TEST = """
mutation ($id: ID!) {
  testCallbackProfile(id: $id) {
    attempt { trigger outcome statusCode error request { method url headers { name } body } }
    userErrors { field message code }
  }
}
"""


async def test_test_callback_profile_answers_the_attempt_not_an_internal_error(
    api: Api, key: str, receiver: Receiver
) -> None:
    store = api.runtime.services.store
    account = await api.runtime.services.accounts.authenticate(f"Bearer {key}")
    assert account is not None
    profile = factories.profile(
        account.id,
        endpoint=receiver.url,
        variables=("status",),
        body_template={"status": "<status>"},
        headers=(Header("X-Name", "日本"),),
        encryption=None,
        response_message=None,
        sealed_signing_secrets=(),
    )
    await store.insert_profile(profile)

    data = await api.run(TEST, {"id": profile.id}, key=key)

    assert data["testCallbackProfile"] == {
        "attempt": {
            "trigger": "TEST",
            "outcome": "INVALID_REQUEST",
            "statusCode": None,
            "error": f"header X-Name value must hold {VALUE_RULE}",
            "request": {"method": "POST", "url": receiver.url, "headers": [], "body": None},
        },
        "userErrors": [],
    }
    assert receiver.received == []
