"""How the engine claims: work queued while a claim is on its way to the store is claimed as
soon as that claim returns, not at the engine's next poll; a batch holding several accounts'
deliveries sends each with its own account's profile; a last attempt lost with its process
is not followed by another."""

from __future__ import annotations

import asyncio
import ipaddress
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import pytest

from delivery.dispatch import Dispatcher
from delivery.engine import Engine, EngineSettings
from delivery.guard import Guard
from delivery.health import DisableRule, Health
from delivery.recorder import Recorder
from delivery.retry import RetryPolicy
from delivery.sender import Sender, new_client
from delivery.tokens import Tokens
from domain.deliveries import Deliveries, StatusEvent
from domain.models import Account, AttemptOutcome, Delivery, DeliveryStatus, Profile
from domain.secretbox import SecretBox, generate_server_key, parse_server_keys
from domain.statuses import Statuses
from domain.store import Store
from storage.memory import MemoryStore
from tests.support import factories
from tests.support.receiver import Receiver

BOX = SecretBox(parse_server_keys(generate_server_key()))
# Far longer than the test waits for the callback: only a wake-up can deliver it in time.
POLL_SECONDS = 60.0


class HeldClaims(MemoryStore):
    """The embedded store, whose claims return only once the test lets them."""

    def __init__(self) -> None:
        super().__init__()
        self.claiming = asyncio.Event()
        self.let_return = asyncio.Event()

    async def claim_due(
        self, owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        claimed = await super().claim_due(owner, now, lease_until, limit)
        self.claiming.set()
        await self.let_return.wait()
        return claimed


@asynccontextmanager
async def engine_on(store: Store) -> AsyncIterator[Engine]:
    guard = Guard((ipaddress.ip_network("127.0.0.0/8"),))
    async with new_client(guard, timeout=2, connections=4) as client:
        engine = Engine(
            store,
            Dispatcher(Sender(client, 2), Tokens(client, BOX, 2), BOX),
            Recorder(store),
            RetryPolicy(3, base_seconds=0.01, min_throttle_seconds=0.01),
            EngineSettings(concurrency=4, lease_seconds=5, poll_seconds=POLL_SECONDS),
            Health(store, Statuses(store), DisableRule(timedelta(hours=120), 100)),
        )
        try:
            yield engine
        finally:
            await engine.stop()


async def sendable_profile(
    store: Store, receiver: Receiver, marker: str
) -> tuple[Account, Profile]:
    """A new account with a profile whose callbacks carry `marker` and the status."""
    account = factories.account()
    await store.insert_account(account)
    profile = factories.profile(
        account.id,
        endpoint=receiver.url,
        variables=("status",),
        body_template={"marker": marker, "status": "<status>"},
        headers=(),
        encryption=None,
        response_message=None,
        sealed_signing_secrets=(),
    )
    await store.insert_profile(profile)
    return account, profile


@pytest.fixture
def held() -> HeldClaims:
    return HeldClaims()


@pytest.fixture
async def engine(held: HeldClaims) -> AsyncIterator[Engine]:
    async with engine_on(held) as engine:
        yield engine


async def test_a_report_queued_during_an_empty_claim_is_sent_without_waiting_for_the_poll(
    held: HeldClaims, engine: Engine, receiver: Receiver
) -> None:
    # Given an engine whose first claim found nothing and has not returned yet
    account, profile = await sendable_profile(held, receiver, "only")
    engine.start()
    await asyncio.wait_for(held.claiming.wait(), 5)

    # When a report is published (its store wakes the engine), and only then the claim returns
    deliveries = Deliveries(held)
    queued, errors = await deliveries.publish(
        account, [StatusEvent(profile.id, {"status": "Delivered"})]
    )
    held.let_return.set()

    # Then its callback arrives long before the engine's next poll
    received = await receiver.wait_for(1, timeout=10)
    assert errors == []
    assert len(queued) == 1
    assert [json.loads(r.body) for r in received] == [{"marker": "only", "status": "Delivered"}]


async def test_a_batch_of_several_accounts_deliveries_sends_each_with_its_accounts_profile(
    store: Store, receiver: Receiver
) -> None:
    # Given two accounts' reports, queued before the engine starts, so one claim takes both
    one, one_profile = await sendable_profile(store, receiver, "one")
    two, two_profile = await sendable_profile(store, receiver, "two")
    deliveries = Deliveries(store)
    for account, profile, status in ((one, one_profile, "Delivered"), (two, two_profile, "Failed")):
        _, errors = await deliveries.publish(account, [StatusEvent(profile.id, {"status": status})])
        assert errors == []

    # When the engine runs
    async with engine_on(store) as engine:
        engine.start()
        received = await receiver.wait_for(2, timeout=10)

    # Then each callback is its own profile's
    bodies = sorted((json.loads(r.body) for r in received), key=lambda b: b["marker"])
    assert bodies == [
        {"marker": "one", "status": "Delivered"},
        {"marker": "two", "status": "Failed"},
    ]


async def test_a_last_attempt_lost_with_its_process_fails_the_delivery_unsent(
    store: Store, receiver: Receiver
) -> None:
    # Given a delivery on its last attempt (the engine allows 3), whose worker claimed it and
    # stopped without recording how it went, its lease since run out
    account, profile = await sendable_profile(store, receiver, "limit")
    given = factories.delivery(
        account.id, profile.id, attempt_count=2, next_attempt_at=factories.at(0)
    )
    await store.insert_deliveries([given])
    await store.claim_due("stopped-worker", factories.at(10), factories.at(70), 10)

    # When the engine claims it
    async with engine_on(store) as engine:
        engine.start()
        async with asyncio.timeout(10):
            while (stored := await store.get_delivery(account.id, given.id)) is None or (
                stored.status is DeliveryStatus.DELIVERING
            ):
                await asyncio.sleep(0.02)

    # Then the lost attempt is the third and last: the delivery failed and nothing was sent
    attempts = await store.list_attempts(account.id, [given.id])
    assert (stored.status, stored.attempt_count) == (DeliveryStatus.FAILED, 3)
    assert [(a.number, a.outcome) for a in attempts] == [(3, AttemptOutcome.LOST)]
    assert receiver.received == []
