"""The embedded store: everything in this process's memory, gone when it exits.

It keeps the very documents `storage.codec` makes for MongoDB, copied in and out the way a
round trip through MongoDB would change them (UTC dates to the millisecond, lists for tuples,
8-byte integers at most), so code that works here works there.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from domain.authentication import Authentication
from domain.models import (
    Account,
    ApiKey,
    Attempt,
    Delivery,
    DeliveryStatus,
    Profile,
    ProfileEvent,
    SigningSecret,
)
from domain.store import (
    Backlog,
    DeliveryFilter,
    DuplicateRecord,
    Expired,
    Keyset,
    Outcome,
    ProfileFilter,
    Slot,
    Span,
    StatusChange,
)
from live.fanout import FanOut
from storage import health, transitions
from storage.authentication_codec import authentication_to_doc
from storage.codec import (
    ACTIVE_STATUSES,
    SEALED_FIELDS,
    Doc,
    account_from_doc,
    account_to_doc,
    api_key_from_doc,
    api_key_to_doc,
    attempt_from_doc,
    attempt_to_doc,
    body_template_to_doc,
    delivery_from_doc,
    delivery_to_doc,
    profile_event_from_doc,
    profile_event_to_doc,
    profile_from_doc,
    profile_to_doc,
    sealed_fields_to_doc,
    signing_secrets_to_docs,
)

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def _date(value: datetime) -> datetime:
    """A date as MongoDB keeps it; a naive one is taken as UTC, as the driver does."""
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


# Values that come back as they went in; looked up by exact type first, as nearly every
# value of a document is one of them (subclasses, such as enums, take the longer way).
_AS_IS = frozenset({str, float, bool, bytes, type(None)})


def _bson(value: Any) -> Any:
    """A deep copy of `value` as it would come back from MongoDB; refuses what BSON cannot
    hold, as the driver would."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("document keys must be strings")
        return {k: _bson(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_bson(v) for v in value]
    if isinstance(value, datetime):
        return _date(value)
    if isinstance(value, bool) or value is None or isinstance(value, str | float | bytes):
        return value
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise OverflowError("MongoDB can only handle up to 8-byte ints")
        return value
    raise TypeError(f"cannot store a {type(value).__name__}")


Position = tuple[datetime, str]


class _Timeline:
    """One account's rows ordered by (created_at, id), so newest-first pages cost the page,
    not the whole collection."""

    def __init__(self) -> None:
        self._positions: list[Position] = []

    def add(self, doc: Doc) -> None:
        bisect.insort(self._positions, (doc["created_at"], doc["_id"]))

    def remove(self, doc: Doc) -> None:
        i = bisect.bisect_left(self._positions, (doc["created_at"], doc["_id"]))
        if i < len(self._positions) and self._positions[i][1] == doc["_id"]:
            del self._positions[i]

    def remove_all(self, ids: set[str]) -> None:
        """Removes many rows in one pass, where one `remove` each would move the list each
        time."""
        self._positions = [p for p in self._positions if p[1] not in ids]

    def newest_first(self, after: Keyset | None) -> Iterator[str]:
        end = len(self._positions)
        if after is not None:
            end = bisect.bisect_left(self._positions, (_date(after.created_at), after.id))
        for i in range(end - 1, -1, -1):
            yield self._positions[i][1]


def _page(ids: Iterable[str], rows: dict[str, Doc], keep: Any, limit: int) -> list[Doc]:
    page: list[Doc] = []
    for row_id in ids:
        if len(page) >= limit:
            break
        doc = rows.get(row_id)
        if doc is not None and keep(doc):
            page.append(doc)
    return page


class MemoryStore:
    description = "embedded in-memory store (data lives as long as the process)"

    def __init__(self) -> None:
        self._accounts: dict[str, Doc] = {}
        self._api_keys: dict[str, Doc] = {}
        self._profiles: dict[str, Doc] = {}
        self._profile_timelines: dict[str, _Timeline] = {}
        self._deliveries: dict[str, Doc] = {}
        self._delivery_timelines: dict[str, _Timeline] = {}
        # By account and status too, and the status each delivery is filed under: a page of
        # FAILED deliveries then costs the page, not a walk past every SUCCEEDED one.
        self._status_timelines: dict[tuple[str, str], _Timeline] = {}
        self._filed_status: dict[str, str] = {}
        # The queue entries of unfinished deliveries (see `storage.transitions`), and when
        # each falls due: (due_at, id) pushed on every change and checked against the entry
        # when popped, so a claim costs what it takes, not a sort of everything queued.
        self._entries: dict[str, Doc] = {}
        self._due: list[tuple[datetime, str]] = []
        # The claimers of this process to wake when work is queued (`wake_on_work`).
        self._wakes: list[Callable[[], None]] = []
        self._claims: dict[str, Doc] = {}
        self._claims_by_delivery: dict[str, list[str]] = {}
        self._delivery_by_key: dict[tuple[str, str], str] = {}
        self._attempts: dict[str, Doc] = {}
        self._attempts_by_delivery: dict[str, list[Doc]] = {}
        self._followers: FanOut[Attempt] = FanOut()
        self._slots: dict[str, datetime] = {}
        self._replay_keys: dict[tuple[str, str], int] = {}
        self._event_followers: FanOut[ProfileEvent] = FanOut()

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        self._followers.end_all()
        self._event_followers.end_all()

    # Accounts

    async def insert_account(self, account: Account) -> None:
        doc = _bson(account_to_doc(account))
        if doc["_id"] in self._accounts:
            raise DuplicateRecord(f"account {account.id} is already stored")
        self._accounts[doc["_id"]] = doc

    async def find_account_by_key_hash(self, key_hash: str) -> Account | None:
        key = self._api_keys.get(key_hash)
        if key is None or key["revoked_at"] is not None:
            return None
        return await self.get_account(key["account_id"])

    async def get_account(self, account_id: str) -> Account | None:
        doc = self._accounts.get(account_id)
        return None if doc is None else account_from_doc(_bson(doc))

    async def list_accounts(self) -> list[Account]:
        docs = sorted(self._accounts.values(), key=lambda d: (d["created_at"], d["_id"]))
        return [account_from_doc(_bson(d)) for d in docs]

    # API keys

    async def insert_api_key(self, key: ApiKey) -> None:
        if key.key_hash in self._api_keys:
            raise DuplicateRecord("an API key with this hash is already stored")
        self._api_keys[key.key_hash] = _bson(api_key_to_doc(key))

    async def find_api_key(self, key_hash: str) -> ApiKey | None:
        doc = self._api_keys.get(key_hash)
        return None if doc is None else api_key_from_doc(_bson(doc))

    async def find_api_keys(self, key_hashes: Sequence[str]) -> list[ApiKey]:
        docs = (self._api_keys.get(h) for h in dict.fromkeys(key_hashes))
        return [api_key_from_doc(_bson(d)) for d in docs if d is not None]

    async def list_api_keys(self, account_id: str) -> list[ApiKey]:
        docs = sorted(
            (d for d in self._api_keys.values() if d["account_id"] == account_id),
            key=lambda d: (d["created_at"], d["_id"]),
        )
        return [api_key_from_doc(_bson(d)) for d in docs]

    async def set_api_key_revoked(
        self, key_hash: str, was: datetime | None, revoked_at: datetime | None
    ) -> ApiKey | None:
        doc = self._api_keys.get(key_hash)
        if doc is None or doc["revoked_at"] != _bson(was):
            return None
        doc["revoked_at"] = _bson(revoked_at)
        return api_key_from_doc(_bson(doc))

    async def touch_api_key(self, key_hash: str, used_at: datetime, unless_after: datetime) -> bool:
        doc = self._api_keys.get(key_hash)
        if doc is None or (
            doc["last_used_at"] is not None and doc["last_used_at"] > _date(unless_after)
        ):
            return False
        doc["last_used_at"] = _date(used_at)
        return True

    # Profiles

    def _profile_doc(self, account_id: str, profile_id: str) -> Doc | None:
        doc = self._profiles.get(profile_id)
        return doc if doc is not None and doc["account_id"] == account_id else None

    async def insert_profile(self, profile: Profile) -> None:
        if profile.id in self._profiles:
            raise DuplicateRecord(f"profile {profile.id} is already stored")
        doc = _bson(profile_to_doc(profile))
        self._profiles[profile.id] = doc
        self._profile_timelines.setdefault(profile.account_id, _Timeline()).add(doc)

    async def get_profile(self, account_id: str, profile_id: str) -> Profile | None:
        doc = self._profile_doc(account_id, profile_id)
        return None if doc is None else profile_from_doc(_bson(doc))

    async def get_profiles(self, account_id: str, profile_ids: Sequence[str]) -> list[Profile]:
        docs = (self._profile_doc(account_id, i) for i in dict.fromkeys(profile_ids))
        return [profile_from_doc(_bson(d)) for d in docs if d is not None]

    async def profiles_for_sending(
        self, account_id: str, profile_ids: Sequence[str]
    ) -> list[Profile]:
        # One process, and its reads are free: always the profiles as they are.
        return await self.get_profiles(account_id, profile_ids)

    async def list_profiles(
        self, account_id: str, where: ProfileFilter, after: Keyset | None, limit: int
    ) -> list[Profile]:
        search = None if where.search is None else where.search.lower()
        channel = None if where.channel is None else where.channel.value
        status = None if where.status is None else where.status.value
        timeline = self._profile_timelines.get(account_id, _Timeline())
        docs = _page(
            timeline.newest_first(after),
            self._profiles,
            lambda d: (
                (channel is None or d["channel"] == channel)
                and (status is None or d["status"] == status)
                and (search is None or search in d["title"].lower())
            ),
            limit,
        )
        return [profile_from_doc(_bson(d)) for d in docs]

    def _update_profile(self, account_id: str, profile_id: str, changes: Doc) -> Profile | None:
        doc = self._profile_doc(account_id, profile_id)
        if doc is None:
            return None
        doc.update(_bson(changes))
        return profile_from_doc(_bson(doc))

    async def update_profile_template(
        self,
        account_id: str,
        profile_id: str,
        variables: tuple[str, ...],
        body_template: Any,
        updated_at: datetime,
    ) -> Profile | None:
        return self._update_profile(
            account_id,
            profile_id,
            {
                "variables": list(variables),
                "body_template": body_template_to_doc(body_template),
                "updated_at": updated_at,
            },
        )

    async def update_signing_secrets(
        self,
        account_id: str,
        profile_id: str,
        secrets: tuple[SigningSecret, ...],
        updated_at: datetime,
    ) -> Profile | None:
        return self._update_profile(
            account_id,
            profile_id,
            {"signing_secrets": signing_secrets_to_docs(secrets), "updated_at": updated_at},
        )

    async def update_profile_authentication(
        self,
        account_id: str,
        profile_id: str,
        authentication: Authentication | None,
        updated_at: datetime,
    ) -> Profile | None:
        return self._update_profile(
            account_id,
            profile_id,
            {"authentication": authentication_to_doc(authentication), "updated_at": updated_at},
        )

    async def delete_profile(self, account_id: str, profile_id: str) -> bool:
        doc = self._profile_doc(account_id, profile_id)
        if doc is None:
            return False
        del self._profiles[profile_id]
        self._profile_timelines[account_id].remove(doc)
        return True

    async def profiles_in_id_order(
        self, after: str | None, batch_size: int
    ) -> AsyncIterator[list[Profile]]:
        ids = sorted(i for i in self._profiles if after is None or i > after)
        for first in range(0, len(ids), batch_size):
            docs = (self._profiles.get(i) for i in ids[first : first + batch_size])
            batch = [profile_from_doc(_bson(d)) for d in docs if d is not None]
            if batch:
                yield batch

    async def replace_sealed(self, changes: Sequence[tuple[Profile, Profile]]) -> list[bool]:
        written: list[bool] = []
        for old, new in changes:
            doc = self._profiles.get(old.id)
            before = _bson(sealed_fields_to_doc(old))
            if doc is None or any(doc.get(f) != before[f] for f in SEALED_FIELDS):
                written.append(False)
                continue
            doc.update(_bson(sealed_fields_to_doc(new)))
            written.append(True)
        return written

    async def change_profile_status(
        self, account_id: str, profile_id: str, change: StatusChange
    ) -> Profile | None:
        doc = self._profile_doc(account_id, profile_id)
        if doc is None or not health.status_allows(doc, change):
            return None
        return self._update_profile(account_id, profile_id, health.status_fields(change))

    async def set_rate_limit(
        self, account_id: str, profile_id: str, max_per_second: float | None, now: datetime
    ) -> Profile | None:
        return self._update_profile(
            account_id, profile_id, {"max_per_second": max_per_second, "updated_at": now}
        )

    async def count_failure(self, account_id: str, profile_id: str, at: datetime) -> Profile | None:
        doc = self._profile_doc(account_id, profile_id)
        if doc is None:
            return None
        return self._update_profile(
            account_id,
            profile_id,
            {"failures": doc["failures"] + 1, "failing_since": doc["failing_since"] or at},
        )

    async def forget_failures(self, account_id: str, profile_id: str) -> None:
        self._update_profile(account_id, profile_id, {"failures": 0, "failing_since": None})

    async def pause_profile(
        self, account_id: str, profile_id: str, until: datetime
    ) -> Profile | None:
        doc = self._profile_doc(account_id, profile_id)
        if doc is None:
            return None
        paused = doc["paused_until"]
        later = until if paused is None else max(paused, _date(until))
        return self._update_profile(account_id, profile_id, {"paused_until": later})

    async def take_send_slots(self, slots: Sequence[Slot]) -> list[bool]:
        won = [s.id not in self._slots for s in slots]
        for slot, taken in zip(slots, won, strict=True):
            if taken:
                self._slots[slot.id] = _date(slot.at)
                self._slots.pop(slot.previous, None)
        return won

    # Deliveries

    def _delivery_doc(self, account_id: str, delivery_id: str) -> Doc | None:
        doc = self._deliveries.get(delivery_id)
        return doc if doc is not None and doc["account_id"] == account_id else None

    async def insert_deliveries(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        new_ids = [d.id for d in deliveries]
        if len(set(new_ids)) != len(new_ids) or any(i in self._deliveries for i in new_ids):
            raise DuplicateRecord("a delivery id is already stored")
        answered: list[Delivery] = []
        for delivery in deliveries:
            key = delivery.idempotency_key
            if key is not None:
                stored_id = self._delivery_by_key.get((delivery.account_id, key))
                if stored_id is not None:
                    answered.append(delivery_from_doc(_bson(self._deliveries[stored_id])))
                    continue
                self._delivery_by_key[(delivery.account_id, key)] = delivery.id
            doc = _bson(delivery_to_doc(delivery))
            self._deliveries[delivery.id] = doc
            self._delivery_timelines.setdefault(delivery.account_id, _Timeline()).add(doc)
            self._file_status(doc)
            entry = transitions.entry_for(doc)
            if entry is not None:
                self._queue({**entry, "delivery": doc})
            answered.append(delivery_from_doc(_bson(doc)))
        return answered

    async def get_delivery(self, account_id: str, delivery_id: str) -> Delivery | None:
        doc = self._delivery_doc(account_id, delivery_id)
        return None if doc is None else delivery_from_doc(_bson(doc))

    async def get_deliveries(self, account_id: str, delivery_ids: Sequence[str]) -> list[Delivery]:
        docs = (self._delivery_doc(account_id, i) for i in dict.fromkeys(delivery_ids))
        return [delivery_from_doc(_bson(d)) for d in docs if d is not None]

    async def list_deliveries(
        self, account_id: str, where: DeliveryFilter, after: Keyset | None, limit: int
    ) -> list[Delivery]:
        if where.status is None:
            timeline = self._delivery_timelines.get(account_id)
        else:
            timeline = self._status_timelines.get((account_id, where.status.value))
        if timeline is None:
            return []
        docs = _page(
            timeline.newest_first(after),
            self._deliveries,
            lambda d: where.profile_id is None or d["profile_id"] == where.profile_id,
            limit,
        )
        return [delivery_from_doc(_bson(d)) for d in docs]

    def _file_status(self, doc: Doc) -> None:
        filed = self._filed_status.get(doc["_id"])
        if filed == doc["status"]:
            return
        if filed is not None:
            self._status_timelines[(doc["account_id"], filed)].remove(doc)
        key = (doc["account_id"], doc["status"])
        self._status_timelines.setdefault(key, _Timeline()).add(doc)
        self._filed_status[doc["_id"]] = doc["status"]

    def _queue(self, entry: Doc) -> None:
        """Files a new entry; its `delivery` is the stored document itself."""
        self._entries[entry["_id"]] = entry
        self._file_due(entry)

    def _file_due(self, entry: Doc) -> None:
        # A held entry is due at no time: only resuming files it again.
        if entry["due_at"] is not None:
            heapq.heappush(self._due, (entry["due_at"], entry["_id"]))
            self._wake()

    def _change(self, delivery_id: str, change: transitions.Change) -> Doc:
        doc = self._deliveries[delivery_id]
        doc.update(_bson(change.delivery))
        self._file_status(doc)
        entry = self._entries.get(delivery_id)
        if change.entry is None:
            self._entries.pop(delivery_id, None)
        elif entry is not None:
            entry.update(_bson(change.entry))
            if change.next_at_least is not None:
                entry["next"] = max(entry["next"], change.next_at_least)
            self._file_due(entry)
        return doc

    def _take_claim(self, claim: Doc) -> bool:
        if claim["_id"] in self._claims:
            return False
        self._claims[claim["_id"]] = _bson(claim)
        self._claims_by_delivery.setdefault(claim["delivery_id"], []).append(claim["_id"])
        return True

    def _pop_due(self, now: datetime, limit: int) -> list[Doc]:
        """Up to `limit` entries due by `now`, earliest first; stale heap items (the entry
        changed since) are dropped on the way."""
        found: dict[str, Doc] = {}
        while self._due and len(found) < limit and self._due[0][0] <= now:
            at, row_id = heapq.heappop(self._due)
            entry = self._entries.get(row_id)
            if entry is not None and entry["due_at"] == at:
                found[row_id] = entry
        return list(found.values())

    def wake_on_work(self, wake: Callable[[], None]) -> None:
        self._wakes.append(wake)

    def _wake(self) -> None:
        for wake in self._wakes:
            wake()

    async def claim_due(
        self, owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        now, lease_until = _date(now), _date(lease_until)
        claimed: list[Delivery] = []
        for entry in self._pop_due(now, limit):
            if not self._take_claim(transitions.claim(entry, owner, now, lease_until)):
                continue
            lost = transitions.lost(entry, now)
            if lost is not None and not self._record(lost):
                done = transitions.succeeded_after_all(self._attempts[lost.id], now)
                if done is not None:
                    self._change(entry["_id"], done)
                    continue
            doc = self._change(entry["_id"], transitions.claimed(entry, owner, now, lease_until))
            claimed.append(delivery_from_doc(_bson(doc)))
        return claimed

    async def release(self, delivery_id: str, owner: str, outcome: Outcome, now: datetime) -> bool:
        if not transitions.may_release(self._entries.get(delivery_id), owner):
            return False
        self._change(delivery_id, transitions.released(outcome, _date(now)))
        return True

    async def defer(
        self, delivery_id: str, owner: str, until: datetime | None, now: datetime
    ) -> bool:
        entry = self._entries.get(delivery_id)
        if entry is None or not transitions.may_release(entry, owner):
            return False
        number = entry["lease"]["number"]
        self._change(
            delivery_id,
            transitions.deferred(entry, None if until is None else _date(until), _date(now)),
        )
        del self._claims[transitions.claim_id(delivery_id, number)]
        self._claims_by_delivery[delivery_id].remove(transitions.claim_id(delivery_id, number))
        return True

    async def resume_held(self, account_id: str, profile_id: str, now: datetime) -> int:
        held = [
            e for e in self._entries.values() if transitions.may_resume(e, account_id, profile_id)
        ]
        for entry in held:
            self._change(entry["_id"], transitions.resumed(_date(now)))
        return len(held)

    async def requeue(self, account_id: str, delivery_id: str, now: datetime) -> Delivery | None:
        doc = self._deliveries.get(delivery_id)
        requeued = transitions.requeued(doc, account_id, _date(now))
        if doc is None or requeued is None:
            return None
        changes, entry = requeued
        doc.update(_bson(changes))
        self._file_status(doc)
        self._queue({**_bson(entry), "delivery": doc})
        return delivery_from_doc(_bson(doc))

    async def finished_deliveries(self, account_id: str, span: Span, limit: int) -> list[Delivery]:
        timeline = self._status_timelines.get((account_id, span.status.value))
        if timeline is None:
            return []
        since = _date(span.since)
        until = None if span.until is None else _date(span.until)
        found: list[Doc] = []
        for row_id in timeline.newest_first(None):
            doc = self._deliveries[row_id]
            if until is not None and doc["created_at"] >= until:
                continue
            if doc["created_at"] < since:
                break
            if doc["profile_id"] == span.profile_id:
                found.append(doc)
        found.reverse()
        return [delivery_from_doc(_bson(d)) for d in found[:limit]]

    async def requeue_all(
        self, account_id: str, deliveries: Sequence[Delivery], now: datetime
    ) -> int:
        now = _date(now)
        statuses = frozenset(d.status.value for d in deliveries)
        requeued = 0
        for delivery in deliveries:
            doc = self._deliveries.get(delivery.id)
            change = transitions.requeued(doc, account_id, now, statuses)
            if doc is None or change is None or delivery.id in self._entries:
                continue
            changes, entry = change
            doc.update(_bson(changes))
            self._file_status(doc)
            self._queue({**_bson(entry), "delivery": doc})
            requeued += 1
        return requeued

    async def take_replay_key(
        self, account_id: str, key: str, count: int, now: datetime
    ) -> int | None:
        earlier = self._replay_keys.get((account_id, key))
        if earlier is None:
            self._replay_keys[(account_id, key)] = count
        return earlier

    async def cancel_pending(self, account_id: str, profile_id: str, now: datetime) -> int:
        now = _date(now)
        waiting = [
            e for e in self._entries.values() if transitions.may_cancel(e, account_id, profile_id)
        ]
        cancelled = 0
        for entry in waiting:
            claim = transitions.claim(entry, transitions.CANCELLED_BY, now, now)
            if self._take_claim(claim):
                self._change(entry["_id"], transitions.cancelled(now))
                cancelled += 1
        return cancelled

    # Attempts

    async def insert_attempt(self, attempt: Attempt) -> None:
        if not self._record(attempt):
            raise DuplicateRecord(f"attempt {attempt.id} is already stored")

    def _record(self, attempt: Attempt) -> bool:
        """Stores and announces the attempt; false when its id is taken."""
        if attempt.id in self._attempts:
            return False
        doc = _bson(attempt_to_doc(attempt))
        self._attempts[attempt.id] = doc
        if attempt.delivery_id is not None:
            self._attempts_by_delivery.setdefault(attempt.delivery_id, []).append(doc)
        self._followers.publish(attempt_from_doc(_bson(doc)))
        return True

    async def list_attempts(self, account_id: str, delivery_ids: Sequence[str]) -> list[Attempt]:
        docs = sorted(
            (
                d
                for delivery_id in dict.fromkeys(delivery_ids)
                for d in self._attempts_by_delivery.get(delivery_id, ())
                if d["account_id"] == account_id
            ),
            key=lambda d: (d["started_at"], d["_id"]),
        )
        return [attempt_from_doc(_bson(d)) for d in docs]

    def follow_attempts(self) -> AsyncIterator[Attempt]:
        return self._followers.subscribe()

    # Profile events

    async def announce_profile_event(self, event: ProfileEvent) -> None:
        self._event_followers.publish(profile_event_from_doc(_bson(profile_event_to_doc(event))))

    def follow_profile_events(self) -> AsyncIterator[ProfileEvent]:
        return self._event_followers.subscribe()

    # Expiry

    async def backlog(self, now: datetime) -> Backlog:
        now = _date(now)
        by_status = dict.fromkeys(DeliveryStatus, 0)
        for doc in self._deliveries.values():
            by_status[DeliveryStatus(doc["status"])] += 1
        # Held entries (due at no time) wait for their profile, not for a worker.
        due_since = [
            due for e in self._entries.values() if (due := e["due_at"]) is not None and due <= now
        ]
        return Backlog(by_status, len(due_since), min(due_since, default=None))

    async def expire(self, before: datetime) -> Expired:
        before = _date(before)
        gone = {
            delivery_id: doc
            for delivery_id, doc in self._deliveries.items()
            if doc["status"] not in ACTIVE_STATUSES and doc["updated_at"] < before
        }
        attempts = 0
        for delivery_id, doc in gone.items():
            del self._deliveries[delivery_id]
            del self._filed_status[delivery_id]
            key = (doc["account_id"], doc["idempotency_key"])
            if self._delivery_by_key.get(key) == delivery_id:
                del self._delivery_by_key[key]
            for claim_id in self._claims_by_delivery.pop(delivery_id, ()):
                del self._claims[claim_id]
            for attempt in self._attempts_by_delivery.pop(delivery_id, ()):
                del self._attempts[attempt["_id"]]
                attempts += 1
        if gone:
            ids = set(gone)
            for timeline in (*self._delivery_timelines.values(), *self._status_timelines.values()):
                timeline.remove_all(ids)
        tests = [
            attempt_id
            for attempt_id, doc in self._attempts.items()
            if doc["delivery_id"] is None and doc["started_at"] < before
        ]
        for attempt_id in tests:
            del self._attempts[attempt_id]
        for slot in [s for s, at in self._slots.items() if at < before]:
            del self._slots[slot]
        return Expired(deliveries=len(gone), attempts=attempts + len(tests))
