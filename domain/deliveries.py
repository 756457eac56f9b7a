"""Status reports become durable deliveries; reading and re-queueing them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from catalog import channel_of
from domain import clock, values
from domain.bounds import EVENTS_MAX, IDEMPOTENCY_KEY_MAX
from domain.errors import ErrorCode, UserError
from domain.models import Account, Delivery, DeliveryStatus, Profile, ProfileStatus
from domain.pagination import decode_cursor, page_size
from domain.recent import Recent
from domain.store import DeliveryFilter, Store

# The active profiles publishing has read, by account and profile id, kept so that a busy
# profile's reports do not each read it. Whatever disables or deletes a profile in this
# process forgets it there; another process publishes for it at most `PROFILES_KEPT_FOR`
# seconds longer, and the engine holds or cancels what was published meanwhile, as it does
# for a report that raced the change.
ActiveProfiles = Recent[tuple[str, str], Profile]
PROFILES_KEPT_FOR = 1.0


def kept_nowhere() -> ActiveProfiles:
    """For a service built on its own: every publish reads its profiles."""
    return ActiveProfiles(0)


@dataclass(frozen=True, slots=True)
class StatusEvent:
    profile_id: str
    values: Any
    idempotency_key: str | None = None


def delivery_not_found() -> UserError:
    return UserError(("id",), "No delivery with this id.", ErrorCode.NOT_FOUND)


def not_active(field: tuple[str, ...], profile: Profile) -> UserError:
    # The account's own reason would only repeat who disabled it; callbackd's says why.
    if profile.status is ProfileStatus.DISABLED:
        who = "its account."
    elif profile.status_reason:
        who = f"callbackd: {profile.status_reason}"
    else:
        who = "callbackd."
    return UserError(
        field,
        f"Callback profile {profile.id} was disabled by {who} "
        "Enable it with enableCallbackProfile to publish reports for it again.",
        ErrorCode.PROFILE_NOT_ACTIVE,
    )


class Deliveries:
    def __init__(
        self,
        store: Store,
        on_published: Callable[[int], None] = lambda _: None,
        active_profiles: ActiveProfiles | None = None,
    ) -> None:
        self._store = store
        # Told how many reports each accepted batch held.
        self._on_published = on_published
        self._active = active_profiles if active_profiles is not None else kept_nowhere()

    async def publish(
        self, account: Account, events: Sequence[StatusEvent]
    ) -> tuple[list[Delivery | None], list[UserError]]:
        """Stores one delivery per event, or none at all when any event is at fault."""
        if not 1 <= len(events) <= EVENTS_MAX:
            return [], [
                UserError(
                    ("events",), f"Send 1 to {EVENTS_MAX} events per call.", ErrorCode.TOO_MANY
                )
            ]
        profiles = await self._profiles(account, [e.profile_id for e in events])
        now = clock.now()
        batch: list[Delivery] = []
        errors: list[UserError] = []
        for i, event in enumerate(events):
            where = ("events", str(i))
            profile = profiles.get(event.profile_id)
            if profile is None:
                errors.append(
                    UserError(
                        (*where, "callbackProfileId"),
                        "No callback profile with this id.",
                        ErrorCode.NOT_FOUND,
                    )
                )
                continue
            if profile.status is not ProfileStatus.ACTIVE:
                errors.append(not_active((*where, "callbackProfileId"), profile))
                continue
            key = event.idempotency_key
            if key is not None and not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX:
                errors.append(
                    UserError(
                        (*where, "idempotencyKey"),
                        f"Idempotency keys take 1 to {IDEMPOTENCY_KEY_MAX} characters.",
                        ErrorCode.INVALID_VALUE,
                    )
                )
                continue
            clean, value_errors = values.check(
                channel_of(profile.channel), event.values, (*where, "values")
            )
            errors += value_errors
            if clean is None:
                continue
            batch.append(Delivery.new(account.id, profile.id, profile.channel, clean, key, now))
        if errors:
            return [None] * len(events), errors
        stored = await self._store.insert_deliveries(batch)
        self._on_published(len(stored))
        return list(stored), []

    async def _profiles(self, account: Account, profile_ids: list[str]) -> dict[str, Profile]:
        """The profiles these ids name that exist, by id; only active ones are kept."""
        found: dict[str, Profile] = {}
        for profile_id in profile_ids:
            if (kept := self._active.get((account.id, profile_id))) is not None:
                found[profile_id] = kept
        wanted = [i for i in dict.fromkeys(profile_ids) if i not in found]
        if wanted:
            reading = self._active.reading()
            for profile in await self._store.get_profiles(account.id, wanted):
                found[profile.id] = profile
                if profile.status is ProfileStatus.ACTIVE:
                    self._active.keep((account.id, profile.id), profile, reading)
        return found

    async def get(self, account: Account, delivery_id: str) -> Delivery | None:
        return await self._store.get_delivery(account.id, delivery_id)

    async def page(
        self,
        account: Account,
        first: int | None,
        after: str | None,
        profile_id: str | None,
        status: DeliveryStatus | None,
    ) -> tuple[list[Delivery], bool]:
        limit = page_size(first)
        where = DeliveryFilter(profile_id=profile_id, status=status)
        rows = await self._store.list_deliveries(account.id, where, decode_cursor(after), limit + 1)
        return rows[:limit], len(rows) > limit

    async def retry(
        self, account: Account, delivery_id: str
    ) -> tuple[Delivery | None, list[UserError]]:
        current = await self._store.get_delivery(account.id, delivery_id)
        if current is None:
            return None, [delivery_not_found()]
        if current.status is not DeliveryStatus.FAILED:
            return None, [
                UserError(
                    ("id",),
                    f"Only failed deliveries can be retried; this one is {current.status.value}.",
                    ErrorCode.CONFLICT,
                )
            ]
        requeued = await self._store.requeue(account.id, delivery_id, clock.now())
        if requeued is None:
            return None, [
                UserError(("id",), "The delivery changed meanwhile; try again.", ErrorCode.CONFLICT)
            ]
        return requeued, []
