"""The one interface every store offers, and the types it speaks; the server and the delivery
engine see only this, and storage/ implements it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from catalog import ChannelKind
from domain.authentication import Authentication
from domain.models import (
    Account,
    ApiKey,
    Attempt,
    Delivery,
    DeliveryStatus,
    Profile,
    ProfileEvent,
    ProfileStatus,
    SigningSecret,
)

# How long a copy of a profile read for sending may serve sends in a process that is never
# told of a change another process wrote to it (a notice lost, or a feed that wrapped).
PROFILES_FOR_SENDING_KEPT_FOR = 1.0


class DuplicateRecord(Exception):
    """A record with the same id (or, for accounts, the same key hash) is already stored."""


@dataclass(frozen=True, slots=True)
class Keyset:
    """A position in a newest-first listing: rows strictly older than this one follow."""

    created_at: datetime
    id: str


@dataclass(frozen=True, slots=True)
class ProfileFilter:
    search: str | None = None
    channel: ChannelKind | None = None
    status: ProfileStatus | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A profile's new status. Becoming active also forgets its failures and any pause."""

    status: ProfileStatus
    reason: str | None
    at: datetime
    # The statuses the profile may have for the change to apply.
    allowed_from: frozenset[ProfileStatus]


@dataclass(frozen=True, slots=True)
class Slot:
    """A time slot of a rate-limited profile: one callback may go out in it."""

    id: str
    at: datetime
    # A slot long past, whose document the winner of this one drops.
    previous: str


@dataclass(frozen=True, slots=True)
class Span:
    """Finished deliveries of one profile created in [since, until), in one status."""

    profile_id: str
    status: DeliveryStatus
    since: datetime
    until: datetime | None


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    profile_id: str | None = None
    status: DeliveryStatus | None = None


@dataclass(frozen=True, slots=True)
class Expired:
    """What one expiry run deleted."""

    deliveries: int
    attempts: int


@dataclass(frozen=True, slots=True)
class Backlog:
    """Deliveries of every account, for operators: how many in each status, how many are due
    now (pending and due, or held by a worker whose lease ran out), and since when the
    longest-waiting of those has been due."""

    by_status: Mapping[DeliveryStatus, int]
    due: int
    oldest_due_since: datetime | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a claimed delivery leaves its lease after one attempt."""

    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: datetime | None


class Store(Protocol):
    """Persistence for accounts, profiles, deliveries and attempts.

    Every read and write of customer data takes the account id, so one account can never
    reach another's rows through this interface.
    """

    description: str

    async def start(self) -> None:
        """Connects and creates indexes; safe to call on every start."""

    async def close(self) -> None: ...

    async def insert_account(self, account: Account) -> None: ...

    async def find_account_by_key_hash(self, key_hash: str) -> Account | None:
        """The account of an active (unrevoked) key."""

    async def get_account(self, account_id: str) -> Account | None: ...

    async def list_accounts(self) -> list[Account]:
        """Every account, oldest first."""

    # API keys: an account has any number, each stored once, by the hash of the key.

    async def insert_api_key(self, key: ApiKey) -> None:
        """Raises DuplicateRecord when a key with the same hash is stored."""

    async def find_api_key(self, key_hash: str) -> ApiKey | None:
        """The key with this hash, revoked or not."""

    async def find_api_keys(self, key_hashes: Sequence[str]) -> list[ApiKey]:
        """The keys among `key_hashes` that exist, in any order."""

    async def list_api_keys(self, account_id: str) -> list[ApiKey]:
        """The account's keys, oldest first, revoked ones included."""

    async def set_api_key_revoked(
        self, key_hash: str, was: datetime | None, revoked_at: datetime | None
    ) -> ApiKey | None:
        """Sets the key's revocation time to `revoked_at` if it is still `was` (None: not
        revoked); answers the key after the change, or None when the key is missing or its
        revocation time is no longer `was`."""

    async def touch_api_key(self, key_hash: str, used_at: datetime, unless_after: datetime) -> bool:
        """Records `used_at` as the key's last use, unless a use after `unless_after` is
        recorded already; answers whether it wrote."""

    async def insert_profile(self, profile: Profile) -> None: ...

    async def get_profile(self, account_id: str, profile_id: str) -> Profile | None: ...

    async def get_profiles(self, account_id: str, profile_ids: Sequence[str]) -> list[Profile]:
        """The profiles among `profile_ids` that exist, in any order."""

    async def profiles_for_sending(
        self, account_id: str, profile_ids: Sequence[str]
    ) -> list[Profile]:
        """As `get_profiles`, for the sends of claimed deliveries, which may be answered
        from copies read a moment ago: a change this store wrote is in the answer at once,
        one another process wrote once this store hears of it (a store shared by processes
        tells the others of each change it writes that a send depends on), and at most
        `PROFILES_FOR_SENDING_KEPT_FOR` seconds after it was written if it never does."""

    async def list_profiles(
        self, account_id: str, where: ProfileFilter, after: Keyset | None, limit: int
    ) -> list[Profile]:
        """Newest first; title search is a case-insensitive substring match."""

    async def update_profile_template(
        self,
        account_id: str,
        profile_id: str,
        variables: tuple[str, ...],
        body_template: Any,
        updated_at: datetime,
    ) -> Profile | None: ...

    async def update_signing_secrets(
        self,
        account_id: str,
        profile_id: str,
        secrets: tuple[SigningSecret, ...],
        updated_at: datetime,
    ) -> Profile | None: ...

    async def update_profile_authentication(
        self,
        account_id: str,
        profile_id: str,
        authentication: Authentication | None,
        updated_at: datetime,
    ) -> Profile | None: ...

    async def delete_profile(self, account_id: str, profile_id: str) -> bool: ...

    def profiles_in_id_order(
        self, after: str | None, batch_size: int
    ) -> AsyncIterator[list[Profile]]:
        """Every account's profiles in batches, in `_id` order, from the first id after
        `after` on; for maintenance that visits all of them once."""
        ...

    async def replace_sealed(self, changes: Sequence[tuple[Profile, Profile]]) -> list[bool]:
        """For each (old, new) pair, writes the new profile's sealed fields (headers,
        encryption, signing secrets) where the stored ones still equal the old profile's;
        answers, pair by pair, whether it wrote. Nothing else of the profile changes."""

    async def change_profile_status(
        self, account_id: str, profile_id: str, change: StatusChange
    ) -> Profile | None:
        """Applies `change` if the profile's status is one it allows; answers the profile
        as changed, or None when it is missing or its status is not allowed."""

    async def set_rate_limit(
        self, account_id: str, profile_id: str, max_per_second: float | None, now: datetime
    ) -> Profile | None: ...

    async def count_failure(self, account_id: str, profile_id: str, at: datetime) -> Profile | None:
        """Adds one failed attempt to the profile's count; the first since a success also
        sets `failing_since` to `at`. Answers the profile as counted."""

    async def forget_failures(self, account_id: str, profile_id: str) -> None:
        """A success: the count of failures starts again."""

    async def pause_profile(
        self, account_id: str, profile_id: str, until: datetime
    ) -> Profile | None:
        """Nothing goes to the profile's endpoint before `until` (a later pause wins)."""

    async def take_send_slots(self, slots: Sequence[Slot]) -> list[bool]:
        """Takes what it can of the time slots of a rate-limited profile: each is won
        (true) by exactly one caller in all processes sharing the store. Drops the
        `previous` slot of each slot won; expiry drops the others."""

    async def insert_deliveries(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        """Stores new deliveries; where an idempotency key was already used by the account,
        answers the stored delivery in that place instead of writing a new one."""

    async def get_delivery(self, account_id: str, delivery_id: str) -> Delivery | None: ...

    async def get_deliveries(
        self, account_id: str, delivery_ids: Sequence[str]
    ) -> list[Delivery]: ...

    async def list_deliveries(
        self, account_id: str, where: DeliveryFilter, after: Keyset | None, limit: int
    ) -> list[Delivery]:
        """Newest first."""

    async def claim_due(
        self, owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        """Leases up to `limit` deliveries that are due, or whose lease ran out, to `owner`.

        Each answers the attempt it was claimed for as `attempt_count + 1`; no attempt number
        of a delivery is answered twice, to any client of the store. Claiming a delivery whose
        lease ran out records the attempt of that lease as LOST, so the resend counts as the
        next attempt."""

    def wake_on_work(self, wake: Callable[[], None]) -> None:
        """Calls `wake` whenever work this process may claim is queued, so that its claimer
        need not wait for its next poll: work this process queues as soon as it is queued
        (a new delivery before the call storing it returns), work another process sharing
        the store queues once its notice arrives."""

    async def release(self, delivery_id: str, owner: str, outcome: Outcome, now: datetime) -> bool:
        """Ends `owner`'s lease with `outcome`; false when the lease was lost meanwhile."""

    async def requeue(self, account_id: str, delivery_id: str, now: datetime) -> Delivery | None:
        """Makes a failed delivery due again for a manual retry."""

    async def defer(
        self, delivery_id: str, owner: str, until: datetime | None, now: datetime
    ) -> bool:
        """Gives `owner`'s leased attempt back unsent, due again at `until` or, when None,
        held until `resume_held`; false when the lease was lost meanwhile."""

    async def resume_held(self, account_id: str, profile_id: str, now: datetime) -> int:
        """Makes the profile's held deliveries due now; answers how many."""

    async def finished_deliveries(self, account_id: str, span: Span, limit: int) -> list[Delivery]:
        """Deliveries in the span, oldest first (as they were published)."""

    async def requeue_all(
        self, account_id: str, deliveries: Sequence[Delivery], now: datetime
    ) -> int:
        """Queues finished deliveries again for one manual attempt each, due now in the
        order given; those queued meanwhile are left as they are. Answers how many."""

    async def take_replay_key(
        self, account_id: str, key: str, count: int, now: datetime
    ) -> int | None:
        """Records a replay under `key`; when the key was used before, answers the count it
        was recorded with and records nothing."""

    async def cancel_pending(self, account_id: str, profile_id: str, now: datetime) -> int:
        """Cancels the profile's deliveries that wait for an attempt; one that a worker
        claims meanwhile is sent instead. Answers how many were cancelled."""

    async def insert_attempt(self, attempt: Attempt) -> None:
        """Stores the attempt and announces it to `follow_attempts` readers everywhere."""

    async def list_attempts(self, account_id: str, delivery_ids: Sequence[str]) -> list[Attempt]:
        """Attempts of the given deliveries, oldest first."""

    async def expire(self, before: datetime) -> Expired:
        """Deletes the deliveries that finished (succeeded, failed or were cancelled) before
        `before`, with their attempts and idempotency keys, and the attempts of test
        callbacks made before it. Pending and delivering deliveries are kept, however old."""

    async def backlog(self, now: datetime) -> Backlog:
        """The figures of `Backlog` as of `now`, from indexed counts on MongoDB."""

    def follow_attempts(self) -> AsyncIterator[Attempt]:
        """Attempts recorded from now on by any process sharing this store, of all accounts."""
        ...

    async def announce_profile_event(self, event: ProfileEvent) -> None:
        """Hands the event to `follow_profile_events` readers in every process."""

    def follow_profile_events(self) -> AsyncIterator[ProfileEvent]:
        """Profile events announced from now on by any process sharing this store."""
        ...
