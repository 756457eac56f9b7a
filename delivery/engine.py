"""Workers: claim due deliveries with a lease, send them, record the attempt, finish or
reschedule. Any number of engines, in any number of processes, may share one store.

A delivery of a profile that is not active is held, unsent, until the profile is enabled; one
of a paused profile, or one over the profile's rate limit, waits. Neither uses an attempt."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from delivery import tasks
from delivery.dispatch import Dispatcher
from delivery.health import Health
from delivery.recorder import Recorder
from delivery.retry import RetryPolicy
from delivery.throttle import Throttle
from domain import clock
from domain.models import (
    Delivery,
    DeliveryStatus,
    Profile,
    ProfileStatus,
    trigger_of,
)
from domain.store import DuplicateRecord, Outcome, Store

log = logging.getLogger("callbackd.delivery")


@dataclass(frozen=True, slots=True)
class EngineSettings:
    concurrency: int
    lease_seconds: float
    # Polls are cheap (the store claims by id what it queued or was told of, and reads the
    # queue only once per sweep period), and a retry fires at the first poll after it is due.
    poll_seconds: float = 0.05


class Engine:
    def __init__(
        self,
        store: Store,
        dispatcher: Dispatcher,
        recorder: Recorder,
        policy: RetryPolicy,
        settings: EngineSettings,
        health: Health,
        on_released: Callable[[DeliveryStatus], None] = lambda _: None,
    ) -> None:
        self._store = store
        self._dispatcher = dispatcher
        self._recorder = recorder
        self._policy = policy
        self._settings = settings
        self._on_released = on_released
        self._health = health
        self._throttle = Throttle(store)
        self.owner = f"worker-{uuid.uuid4().hex[:12]}"
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._tasks: dict[asyncio.Task[None], Delivery] = {}
        self._runner: asyncio.Task[None] | None = None

    @property
    def claiming(self) -> bool:
        """Whether the loop claiming due deliveries is alive."""
        return self._runner is not None and not self._runner.done()

    def wake(self) -> None:
        """Tells the engine new work was queued, so it need not wait for its next poll."""
        self._wake.set()

    def start(self) -> None:
        self._store.wake_on_work(self.wake)
        self._runner = asyncio.create_task(self._run(), name=self.owner)

    async def stop_claiming(self) -> None:
        await tasks.cancel(self._runner)

    async def stop(self, grace_seconds: float | None = None) -> None:
        """Claims nothing more and lets in-flight sends finish, for at most `grace_seconds`
        (None: however long they take). Those still running then are cancelled and their
        deliveries handed back due now, so another process takes them at once rather than
        after their lease; the interrupted send counts as an attempt, as it may have
        reached the receiver."""
        await self.stop_claiming()
        if not self._tasks:
            return
        _, running = await asyncio.wait(list(self._tasks), timeout=grace_seconds)
        held = [self._tasks[task] for task in running]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        now = clock.now()
        for delivery in held:
            handed_back = Outcome(DeliveryStatus.PENDING, delivery.attempt_count + 1, now)
            await self._store.release(delivery.id, self.owner, handed_back, now)

    async def _run(self) -> None:
        while True:
            # Cleared before claiming, not after: work queued while a claim is on its way to
            # the store wakes the next wait rather than being missed until the next poll.
            self._wake.clear()
            try:
                claimed = await self._claim()
            except Exception:
                log.exception("claiming deliveries failed; retrying")
                claimed = 0
            if claimed == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._settings.poll_seconds)

    async def _claim(self) -> int:
        free = self._settings.concurrency - len(self._tasks)
        if free <= 0:
            await self._slot_freed()
            return 1
        now = clock.now()
        lease_until = now + timedelta(seconds=self._settings.lease_seconds)
        batch = await self._store.claim_due(self.owner, now, lease_until, free)
        profiles = await self._profiles_of(batch)
        for delivery in batch:
            profile = profiles.get((delivery.account_id, delivery.profile_id))
            task = asyncio.create_task(self._deliver(delivery, profile))
            self._tasks[task] = delivery
            task.add_done_callback(self._finished)
        return len(batch)

    async def _profiles_of(self, batch: list[Delivery]) -> dict[tuple[str, str], Profile]:
        """The profiles of a claimed batch, one read per account rather than one per delivery
        (a batch is mostly a few busy profiles' deliveries), the accounts' reads at once; a
        store may answer them from copies it keeps up to date (`profiles_for_sending`)."""
        wanted: dict[str, set[str]] = {}
        for delivery in batch:
            wanted.setdefault(delivery.account_id, set()).add(delivery.profile_id)
        read = await asyncio.gather(
            *(self._store.profiles_for_sending(a, sorted(ids)) for a, ids in wanted.items())
        )
        return {(p.account_id, p.id): p for profiles in read for p in profiles}

    async def _slot_freed(self) -> None:
        await asyncio.wait(list(self._tasks), return_when=asyncio.FIRST_COMPLETED)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.pop(task, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery task failed", exc_info=task.exception())

    async def _deliver(self, delivery: Delivery, profile: Profile | None) -> None:
        now = clock.now()
        if profile is None:
            await self._release(
                delivery, Outcome(DeliveryStatus.CANCELLED, delivery.attempt_count, None), now
            )
            return
        number = delivery.attempt_count + 1
        if not self._policy.allows(number, delivery.manual_retry):
            await self._release(
                delivery, Outcome(DeliveryStatus.FAILED, delivery.attempt_count, None), now
            )
            return
        if not await self._may_send(delivery, profile):
            return
        trigger = trigger_of(number, delivery.manual_retry)
        dispatched = await self._dispatcher.dispatch(
            profile, delivery.values, delivery.id, saved=True
        )
        try:
            await self._recorder.record(profile, dispatched, delivery.id, number, trigger)
        except DuplicateRecord:
            # The lease ran out and the next claimer recorded this attempt as lost: the
            # delivery is its now.
            log.warning("attempt %d of %s was sent after its lease ran out", number, delivery.id)
            return
        # Judged before the delivery is released, so its next attempt already sees the
        # profile auto-disabled or paused.
        result = dispatched.result
        await self._health.judge(profile, result, clock.now())
        now = clock.now()
        outcome = self._policy.decide(number, result, delivery.manual_retry, now)
        await self._release(delivery, outcome, now)

    async def _release(self, delivery: Delivery, outcome: Outcome, now: datetime) -> None:
        if await self._store.release(delivery.id, self.owner, outcome, now):
            self._on_released(outcome.status)

    async def _may_send(self, delivery: Delivery, profile: Profile) -> bool:
        """Whether to send now; if not, the delivery is given back to wait, or held."""
        now = clock.now()
        if profile.status is not ProfileStatus.ACTIVE:
            await self._store.defer(delivery.id, self.owner, None, now)
            # Enabled meanwhile: enabling found nothing held yet, so this resumes it.
            current = await self._store.get_profile(profile.account_id, profile.id)
            if current is not None and current.status is ProfileStatus.ACTIVE:
                await self._store.resume_held(profile.account_id, profile.id, clock.now())
            return False
        if profile.paused_until is not None and profile.paused_until > now:
            await self._store.defer(delivery.id, self.owner, profile.paused_until, now)
            return False
        if profile.max_per_second is None:
            return True
        if await self._throttle.wait_for_slot(profile, clock.now):
            return True
        now = clock.now()
        await self._store.defer(delivery.id, self.owner, self._throttle.later(profile, now), now)
        return False
