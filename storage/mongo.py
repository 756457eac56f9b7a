"""The MongoDB store, through motor; shared by any number of server and worker processes.

Uses only what MongoDB 6+ and FerretDB 1.24 both offer: no transactions, no change streams,
no TTL or partial indexes. What shapes this module:

- Idempotency keys live in their own collection, one document per (account, key) with the
  key as `_id`, because a unique index over deliveries would also forbid two deliveries
  without a key, and the partial index that avoids that is missing from FerretDB.
- Attempts, profile events and notices of queued work reach other processes through
  `attempt_feed`, a capped collection read with a tailable cursor; an entry carries one of
  them and names its kind, which is what a tail asks for (`storage.mongo_feed`).
- Unfinished deliveries have an entry in `delivery_queue` and each attempt taken a claim in
  `delivery_claims` (see `storage.transitions`). While an entry exists it holds the
  delivery as it stands, so claims and leases touch in-flight rows only. The document in
  `deliveries` is first written when the delivery finishes, as an insert, unless a key
  names it (then at once, which tells a later writer with the key that it was queued);
  it is written again when the delivery is queued again by hand and finishes again. Reads
  of deliveries take the queue's entries first and the stored documents for the rest.
- A process with workers claims what it queued itself by id, when due, from a heap of its
  own, and wakes its claimers as it queues it. What a process queues and will not claim
  itself promptly (it has no workers, its heap is full, or the entry is a retry, which
  whoever is free then should send) it announces in a notice on the feed: ids and due
  times, which processes with workers put in their heaps, waking their claimers, and claim
  by id when due. Reading the queue for due entries is left to recovery: leases that ran
  out and notices missed (a process that was not reading, a feed that wrapped), once per
  sweep period (`SWEEP_SECONDS` unless configured).
- A process keeps the profiles it read for sending (`profiles_for_sending`), so a busy
  profile's sends do not each read it, until it writes a change to one or hears of one: a
  process that changes a profile in a way a send depends on says so in a notice, which
  comes before the notices of whatever it queues after the change. A copy whose notice is
  missed serves for `PROFILES_FOR_SENDING_KEPT_FOR` at most.
- Every server gets the same commands. A write that depends on what a document holds
  (revoking a key, noting its last use, changing a profile's status, counting its
  failures, pausing it, rekeying its secrets, resuming held entries, expiring old
  deliveries) is one update or delete with the condition in its filter: atomic on
  MongoDB. FerretDB 1.24 evaluates such a filter itself, reading the documents and then
  writing those that matched, so two such writes to one document at once may both apply;
  it also reads the whole collection for any filter but `{_id: value}`, so reads by id
  filter by `_id` alone and check the account here. Delivery correctness does not rest on
  those writes: who sends an attempt, and that a delivery is stored once, is decided by
  inserts whose `_id` is unique (claims, queue entries, idempotency keys), which are
  exclusive on every server, and only the holder of a claim moves its entry on. Expiry's
  delete is the one such write that touches deliveries: on FerretDB it could remove a
  delivery that reached the retention age in the very moment it was queued again by hand.
- The claims alone decide who sends, so the leases a claim puts on the entries are written
  only once their attempts have been in flight for `LEASE_WRITTEN_AFTER_SECONDS`, most of
  them never (`storage.leases`); this process writes and waits for them before it reads
  the entries or the queue, and passes over its own claims when it sweeps. The lease
  holder releases from the entry its claim left, without reading it again, while the
  lease has `LEASE_MARGIN` to run. A claim whose claimer stopped before its lease was
  written is passed once its lease would have run out, and the next attempt claimed.
  Deliveries finished at about the same time are written together, and so are attempts
  recorded at about the same time (`storage.grouped`), up to `GROUP_WRITERS` groups at
  once; a group started while none is being written waits `GROUP_GATHER_SECONDS` for
  company, or until `GROUP_FULL` writes wait; the per-document writes of a claim or a
  group (updates and deletes by `_id`) go as up to `WRITES_APART` commands at once, as
  FerretDB applies a command's writes one after another.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pymongo
from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, DeleteOne, IndexModel, ReturnDocument, UpdateOne
from pymongo.errors import (
    BulkWriteError,
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
)

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
from domain.recent import Recent
from domain.store import (
    PROFILES_FOR_SENDING_KEPT_FOR,
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
from live.fanout import FanOut, Subscription
from storage import health, transitions
from storage.authentication_codec import authentication_to_doc
from storage.codec import (
    ACTIVE_STATUSES,
    FINISHED_STATUSES,
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
    legacy_api_key_doc,
    profile_event_from_doc,
    profile_event_to_doc,
    profile_from_doc,
    profile_to_doc,
    sealed_fields_to_doc,
    signing_secrets_to_docs,
)
from storage.commands import CommandWatch, Observer
from storage.grouped import Grouped, Refused
from storage.leases import Leases
from storage.mongo_feed import Kind, MongoFeed

log = logging.getLogger("callbackd.storage")

# When a queued delivery falls due, and its id.
Due = tuple[datetime, str]
# A profile's account and id.
ProfileKey = tuple[str, str]
SendingProfiles = Recent[ProfileKey, Profile]


@dataclass(frozen=True, slots=True)
class Notice:
    """What a process tells processes with workers over the feed: deliveries it queued and
    when they fall due, and profiles it changed, whose copies kept for sending go."""

    due: list[Due] = field(default_factory=list)
    profiles: list[ProfileKey] = field(default_factory=list)


_DUPLICATE_KEY = 11000

# How long an operation waits for an unreachable database before it is reported unavailable.
UNAVAILABLE_AFTER_SECONDS = 3.0

# How often a claimer reads the queue for due entries, unless configured otherwise: only
# leases that ran out and work no notice told of are found this way, so it can be rare.
SWEEP_SECONDS = 1.0
# A lease this far from running out cannot have been claimed by another process yet, as long
# as the processes' clocks agree to within it (which leases assume anyway).
LEASE_MARGIN = timedelta(seconds=2)
# How long an attempt is in flight before its lease is written: most callbacks are answered
# well within it, and their entries then go or move on without a lease ever written.
LEASE_WRITTEN_AFTER_SECONDS = 0.5
# How many entries a process remembers to claim, of its own and of those notices told it
# of, each; it announces its own beyond that, and a sweep finds noticed ones beyond it.
OWN_ENTRIES = 20_000
# Deliveries per notice, which keeps each feed entry small beside the feed.
NOTICE_SIZE = 1_000
# Groups of finished deliveries, and of attempts, written at once: FerretDB applies a
# command's writes one after another, so one group at a time kept a busy engine's workers
# waiting on it (half of each send's time on FerretDB/PostgreSQL).
GROUP_WRITERS = 4
# How long a finish, or an attempt's record, waits for others to go in the same command. At a
# steady rate of reports each callback is mostly alone in flight, and without a wait each
# cost the database a command of its own for each; the wait delays only what is written
# after the callback was sent, never a send.
GROUP_GATHER_SECONDS = 0.02
# ... unless that many are waiting already: a batch claimed together is mostly answered
# together, and waiting on would hold up its workers and the next batch's claim.
GROUP_FULL = 8
# Commands one bulk write of a hot path is split into, sent at once (`_write_apart`).
WRITES_APART = 4
# ... each with at least this many writes: a few writes split apart cost FerretDB more CPU
# in commands than they save in waiting, which showed at 100 reports a second.
WRITES_TOGETHER = 8
# The unique index of accounts' single key hash, before accounts had several keys.
_LEGACY_KEY_INDEX = "key_hash_1"
# Deliveries deleted per round of expiry: bounds the size of each `$in`.
_EXPIRY_BATCH = 500


def _older_than(after: Keyset | None, prefix: str = "") -> Doc:
    if after is None:
        return {}
    return {
        "$or": [
            {f"{prefix}created_at": {"$lt": after.created_at}},
            {f"{prefix}created_at": after.created_at, "_id": {"$lt": after.id}},
        ]
    }


_NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]
_QUEUED_NEWEST_FIRST = [("delivery.created_at", DESCENDING), ("_id", DESCENDING)]


def _update(change: transitions.Change) -> Doc:
    """The update that applies `change` to a queue entry."""
    assert change.entry is not None
    update: Doc = {
        "$set": {**change.entry, **{f"delivery.{k}": v for k, v in change.delivery.items()}}
    }
    if change.next_at_least is not None:
        update["$max"] = {"next": change.next_at_least}
    return update


def _key_id(account_id: str, key: str) -> str:
    # JSON rather than a separator, which an account id or a key could contain.
    return json.dumps([account_id, key], ensure_ascii=False)


def _owned(doc: Doc | None, account_id: str) -> Doc | None:
    return doc if doc is not None and doc.get("account_id") == account_id else None


def _refused_one_by_one(error: BulkWriteError) -> list[Doc]:
    """The writes of a bulk write the database refused, each alone; raises `error` when a
    write concern was not met, which fails the whole write, as it would one insert."""
    if error.details.get("writeConcernErrors"):
        raise error
    refused: list[Doc] = error.details["writeErrors"]
    return refused


async def _insert_new(collection: AsyncIOMotorCollection[Doc], docs: list[Doc]) -> set[int]:
    """Inserts `docs`; answers the positions of those whose `_id` was already taken. Any
    other refusal fails the whole call, as it would one insert."""
    if not docs:
        return set()
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as e:
        errors = _refused_one_by_one(e)
        if any(error["code"] != _DUPLICATE_KEY for error in errors):
            raise
        return {error["index"] for error in errors}
    return set()


async def _by_id(collection: AsyncIOMotorCollection[Doc], ids: Sequence[str]) -> dict[str, Doc]:
    """The documents of `ids` that exist, by `_id`. One id is asked for by equality, the
    filter FerretDB hands to its backend; several with one `$in`."""
    if len(ids) == 1:
        doc = await collection.find_one({"_id": ids[0]})
        return {} if doc is None else {doc["_id"]: doc}
    if not ids:
        return {}
    return {d["_id"]: d async for d in collection.find({"_id": {"$in": list(ids)}})}


async def _write_apart(
    collection: AsyncIOMotorCollection[Doc], ops: Sequence[UpdateOne | DeleteOne]
) -> None:
    """Applies `ops`, none of which depends on another, in up to `WRITES_APART` commands sent
    at once: FerretDB applies a command's writes one after another, each a transaction of
    its own, and works on several commands at a time."""
    if not ops:
        return
    size = max(WRITES_TOGETHER, -(-len(ops) // WRITES_APART))
    # Every command is waited for, so none is still running when the caller hears of a failure.
    results = await asyncio.gather(
        *(
            collection.bulk_write(ops[first : first + size], ordered=False)
            for first in range(0, len(ops), size)
        ),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, BaseException):
            raise result


class MongoStore:
    def __init__(
        self,
        url: str,
        database: str,
        *,
        sweep_seconds: float = SWEEP_SECONDS,
        claims: bool = True,
        on_command: Observer | None = None,
        lease_written_after: float = LEASE_WRITTEN_AFTER_SECONDS,
        sending_profiles: SendingProfiles | None = None,
    ) -> None:
        """`claims` says whether this process claims deliveries (has workers): one that does
        not announces everything it queues. `on_command` is told of every command sent.
        A lease is written once its attempt is in flight for `lease_written_after` seconds.
        `sending_profiles` keeps the profiles read for sending (`profiles_for_sending`)."""
        self._client: AsyncIOMotorClient[Doc] = AsyncIOMotorClient(
            url,
            tz_aware=True,
            tzinfo=UTC,
            serverSelectionTimeoutMS=int(UNAVAILABLE_AFTER_SECONDS * 1000),
            connectTimeoutMS=int(UNAVAILABLE_AFTER_SECONDS * 1000),
            event_listeners=[] if on_command is None else [CommandWatch(on_command)],
        )
        self._db: AsyncIOMotorDatabase[Doc] = self._client[database]
        self._accounts = self._db["accounts"]
        self._api_keys = self._db["api_keys"]
        self._profiles = self._db["profiles"]
        self._deliveries = self._db["deliveries"]
        self._keys = self._db["idempotency_keys"]
        self._attempts = self._db["attempts"]
        self._queue = self._db["delivery_queue"]
        self._claims = self._db["delivery_claims"]
        self._feed = MongoFeed(self._db)
        self._slots = self._db["send_slots"]
        self._replay_keys = self._db["replay_keys"]
        self._followers: FanOut[Attempt] = FanOut()
        self._event_followers: FanOut[ProfileEvent] = FanOut()
        self._notice_followers: FanOut[Notice] = FanOut()
        self._has_workers = claims
        self._listener: asyncio.Task[None] | None = None
        # The claimers of this process to wake when work is queued (`wake_on_work`).
        self._wakes: list[Callable[[], None]] = []
        # Entries this process queued, by when they fall due: (due_at, id, next).
        self._own_due: list[tuple[datetime, str, int]] = []
        self._own_entries: dict[tuple[str, int], Doc] = {}
        # Entries other processes announced: (due_at, id).
        self._noticed_due: list[Due] = []
        self._for_sending = (
            sending_profiles
            if sending_profiles is not None
            else SendingProfiles(PROFILES_FOR_SENDING_KEPT_FOR)
        )
        # Entries this process holds the lease of, as its claim left them; their leases are
        # written once their attempts outlast `lease_written_after`, if ever.
        self._leased: Leases[UpdateOne] = Leases(
            lambda writes: _write_apart(self._queue, writes), lease_written_after
        )
        # Deliveries finished by this process's workers at about the same time are written
        # together: a few commands for the group rather than two for each.
        self._leaving: Grouped[tuple[Doc, transitions.Change]] = Grouped(
            self._leave_all, GROUP_WRITERS, GROUP_GATHER_SECONDS, GROUP_FULL
        )
        # Attempts recorded at about the same time likewise: one insert of the attempts and
        # one of their feed entries for the group.
        self._recording: Grouped[Doc] = Grouped(
            self._record_all, GROUP_WRITERS, GROUP_GATHER_SECONDS, GROUP_FULL
        )
        self._sweep_seconds = sweep_seconds
        self._swept_at: datetime | None = None
        self.description = f"MongoDB database {database!r}"

    async def start(self) -> None:
        indexes: list[tuple[AsyncIOMotorCollection[Doc], IndexModel]] = [
            (self._api_keys, IndexModel([("account_id", ASCENDING), ("created_at", ASCENDING)])),
            (self._profiles, IndexModel([("account_id", ASCENDING), *_NEWEST_FIRST])),
            (self._deliveries, IndexModel([("account_id", ASCENDING), *_NEWEST_FIRST])),
            (
                self._deliveries,
                IndexModel([("account_id", ASCENDING), ("profile_id", ASCENDING), *_NEWEST_FIRST]),
            ),
            (self._deliveries, IndexModel([("status", ASCENDING), ("updated_at", ASCENDING)])),
            (self._queue, IndexModel([("due_at", ASCENDING), ("_id", ASCENDING)])),
            (
                self._queue,
                IndexModel(
                    [
                        ("delivery.account_id", ASCENDING),
                        ("delivery.status", ASCENDING),
                        *_QUEUED_NEWEST_FIRST,
                    ]
                ),
            ),
            (self._queue, IndexModel([("delivery.account_id", ASCENDING), *_QUEUED_NEWEST_FIRST])),
            (self._claims, IndexModel("delivery_id")),
            (
                self._attempts,
                IndexModel(
                    [("delivery_id", ASCENDING), ("started_at", ASCENDING), ("_id", ASCENDING)]
                ),
            ),
        ]
        # One index per command: FerretDB 1.24 drops the connection (a panic inside) when one
        # createIndexes names several indexes that all exist already.
        for collection, index in indexes:
            await collection.create_indexes([index])
        await self._adopt_single_keys()
        await self._feed.create()

    async def _adopt_single_keys(self) -> None:
        """Moves the one key of accounts stored before accounts had several keys into
        `api_keys`. The key document is written before the account's hash is dropped, so a
        start stopped halfway is finished by the next one and the key works throughout."""
        if _LEGACY_KEY_INDEX in await self._accounts.index_information():
            # It was unique, and accounts no longer hold a key hash at all.
            await self._accounts.drop_index(_LEGACY_KEY_INDEX)
        async for account in self._accounts.find({"key_hash": {"$exists": True}}):
            await _insert_new(self._api_keys, [legacy_api_key_doc(account)])
            await self._accounts.update_one({"_id": account["_id"]}, {"$unset": {"key_hash": ""}})

    async def close(self) -> None:
        await self._leased.close()
        await self._recording.drain()
        await self._leaving.drain()
        self._followers.end_all()
        self._event_followers.end_all()
        self._notice_followers.end_all()
        await self._feed.close()
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        self._client.close()

    async def _modify(
        self, collection: AsyncIOMotorCollection[Doc], doc_id: str, condition: Doc, update: Doc
    ) -> Doc | None:
        """Applies `update` to the document `doc_id` if it meets `condition`; answers the
        document after the update, or None when it is missing or does not meet it."""
        return await collection.find_one_and_update(
            {"_id": doc_id, **condition}, update, return_document=ReturnDocument.AFTER
        )

    async def _remove(
        self, collection: AsyncIOMotorCollection[Doc], doc_id: str, condition: Doc
    ) -> bool:
        result = await collection.delete_one({"_id": doc_id, **condition})
        return result.deleted_count == 1

    # Accounts

    async def insert_account(self, account: Account) -> None:
        try:
            await self._accounts.insert_one(account_to_doc(account))
        except DuplicateKeyError as e:
            raise DuplicateRecord(f"account {account.id} is already stored") from e

    async def find_account_by_key_hash(self, key_hash: str) -> Account | None:
        key = await self.find_api_key(key_hash)
        if key is None or key.revoked_at is not None:
            return None
        return await self.get_account(key.account_id)

    async def get_account(self, account_id: str) -> Account | None:
        # Requests wait on this lookup too (see find_api_key).
        with pymongo.timeout(UNAVAILABLE_AFTER_SECONDS):
            doc = await self._accounts.find_one({"_id": account_id})
        return None if doc is None else account_from_doc(doc)

    async def list_accounts(self) -> list[Account]:
        cursor = self._accounts.find({}).sort([("created_at", ASCENDING), ("_id", ASCENDING)])
        return [account_from_doc(d) async for d in cursor]

    # API keys

    async def insert_api_key(self, key: ApiKey) -> None:
        try:
            await self._api_keys.insert_one(api_key_to_doc(key))
        except DuplicateKeyError as e:
            raise DuplicateRecord("an API key with this hash is already stored") from e

    async def find_api_key(self, key_hash: str) -> ApiKey | None:
        # Every request waits on this lookup: with the database away, answer soon that it
        # is, rather than after the driver's 30 s default.
        with pymongo.timeout(UNAVAILABLE_AFTER_SECONDS):
            doc = await self._api_keys.find_one({"_id": key_hash})
        return None if doc is None else api_key_from_doc(doc)

    async def find_api_keys(self, key_hashes: Sequence[str]) -> list[ApiKey]:
        cursor = self._api_keys.find({"_id": {"$in": list(key_hashes)}})
        return [api_key_from_doc(d) async for d in cursor]

    async def list_api_keys(self, account_id: str) -> list[ApiKey]:
        cursor = self._api_keys.find({"account_id": account_id}).sort(
            [("created_at", ASCENDING), ("_id", ASCENDING)]
        )
        return [api_key_from_doc(d) async for d in cursor]

    async def set_api_key_revoked(
        self, key_hash: str, was: datetime | None, revoked_at: datetime | None
    ) -> ApiKey | None:
        doc = await self._modify(
            self._api_keys, key_hash, {"revoked_at": was}, {"$set": {"revoked_at": revoked_at}}
        )
        return None if doc is None else api_key_from_doc(doc)

    async def touch_api_key(self, key_hash: str, used_at: datetime, unless_after: datetime) -> bool:
        where = {
            "_id": key_hash,
            "$or": [{"last_used_at": None}, {"last_used_at": {"$lte": unless_after}}],
        }
        result = await self._api_keys.update_one(where, {"$set": {"last_used_at": used_at}})
        return result.matched_count == 1

    # Profiles

    async def insert_profile(self, profile: Profile) -> None:
        try:
            await self._profiles.insert_one(profile_to_doc(profile))
        except DuplicateKeyError as e:
            raise DuplicateRecord(f"profile {profile.id} is already stored") from e

    async def get_profile(self, account_id: str, profile_id: str) -> Profile | None:
        doc = _owned(await self._profiles.find_one({"_id": profile_id}), account_id)
        return None if doc is None else profile_from_doc(doc)

    async def get_profiles(self, account_id: str, profile_ids: Sequence[str]) -> list[Profile]:
        # One id, the usual batch, asked by equality: FerretDB hands that to its backend,
        # where for an `$in` it reads every profile of the account itself.
        wanted = profile_ids[0] if len(profile_ids) == 1 else {"$in": list(profile_ids)}
        cursor = self._profiles.find({"_id": wanted, "account_id": account_id})
        return [profile_from_doc(d) async for d in cursor]

    async def profiles_for_sending(
        self, account_id: str, profile_ids: Sequence[str]
    ) -> list[Profile]:
        """Kept from one read for a moment, so that a busy profile's sends do not each read
        it; the copies go when this process changes the profile or hears that another one
        did (`_changed_profile`), which is why this process starts hearing notices first."""
        self._hear_notices()
        found: list[Profile] = []
        wanted: list[str] = []
        for profile_id in dict.fromkeys(profile_ids):
            kept = self._for_sending.get((account_id, profile_id))
            if kept is None:
                wanted.append(profile_id)
            else:
                found.append(kept)
        if wanted:
            reading = self._for_sending.reading()
            for profile in await self.get_profiles(account_id, wanted):
                self._for_sending.keep((account_id, profile.id), profile, reading)
                found.append(profile)
        return found

    async def _changed_profile(
        self, account_id: str, profile_id: str, *, tell_others: bool = True
    ) -> None:
        """After a write to a profile: this process's copy for sending goes, and, unless the
        change is one no send depends on, a notice tells the other processes to drop theirs.
        Old processes read the notice as one of no deliveries."""
        self._for_sending.forget((account_id, profile_id))
        if not tell_others:
            return
        try:
            await self._feed.write(
                "notice", [{"due": [], "profiles": [{"account_id": account_id, "id": profile_id}]}]
            )
        except PyMongoError as e:
            log.warning(
                "profile %s is changed but other processes are not told; they read it again "
                "within %g s: %s",
                profile_id,
                PROFILES_FOR_SENDING_KEPT_FOR,
                e,
            )

    async def list_profiles(
        self, account_id: str, where: ProfileFilter, after: Keyset | None, limit: int
    ) -> list[Profile]:
        query: Doc = {"account_id": account_id, **_older_than(after)}
        if where.channel is not None:
            query["channel"] = where.channel.value
        if where.status is not None:
            query["status"] = where.status.value
        if where.search is not None:
            # Escaped, so a search for "a.b" or "(x" means those characters. Python escapes
            # only ASCII punctuation and space, which PCRE (MongoDB) and RE2 (FerretDB) both
            # read as literals.
            query["title"] = {"$regex": re.escape(where.search), "$options": "i"}
        cursor = self._profiles.find(query).sort(_NEWEST_FIRST).limit(limit)
        return [profile_from_doc(d) async for d in cursor]

    async def _update_profile(
        self, account_id: str, profile_id: str, changes: Doc
    ) -> Profile | None:
        doc = await self._modify(
            self._profiles, profile_id, {"account_id": account_id}, {"$set": changes}
        )
        if doc is None:
            return None
        await self._changed_profile(account_id, profile_id)
        return profile_from_doc(doc)

    async def update_profile_template(
        self,
        account_id: str,
        profile_id: str,
        variables: tuple[str, ...],
        body_template: Any,
        updated_at: datetime,
    ) -> Profile | None:
        return await self._update_profile(
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
        return await self._update_profile(
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
        return await self._update_profile(
            account_id,
            profile_id,
            {"authentication": authentication_to_doc(authentication), "updated_at": updated_at},
        )

    async def delete_profile(self, account_id: str, profile_id: str) -> bool:
        removed = await self._remove(self._profiles, profile_id, {"account_id": account_id})
        if removed:
            await self._changed_profile(account_id, profile_id)
        return removed

    async def profiles_in_id_order(
        self, after: str | None, batch_size: int
    ) -> AsyncIterator[list[Profile]]:
        # One cursor for the whole walk: each query with a range on `_id` would make FerretDB
        # decode the whole collection again.
        query: Doc = {} if after is None else {"_id": {"$gt": after}}
        cursor = self._profiles.find(query).sort("_id", ASCENDING).batch_size(batch_size)
        batch: list[Profile] = []
        async for doc in cursor:
            batch.append(profile_from_doc(doc))
            if len(batch) == batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    async def replace_sealed(self, changes: Sequence[tuple[Profile, Profile]]) -> list[bool]:
        # One at a time: a server that takes one write at a time (FerretDB's SQLite) only
        # queues parallel ones for its lock, and fails them past its busy timeout.
        written = []
        for old, new in changes:
            result = await self._profiles.update_one(
                {"_id": old.id, **sealed_fields_to_doc(old)},
                {"$set": sealed_fields_to_doc(new)},
            )
            written.append(result.matched_count == 1)
            if written[-1]:
                await self._changed_profile(old.account_id, old.id)
        return written

    async def change_profile_status(
        self, account_id: str, profile_id: str, change: StatusChange
    ) -> Profile | None:
        current = _owned(await self._profiles.find_one({"_id": profile_id}), account_id)
        if current is None or not health.status_allows(current, change):
            return None
        # Written only while the status is still the one just read.
        doc = await self._modify(
            self._profiles,
            profile_id,
            {"account_id": account_id, "status": current.get("status")},
            {"$set": health.status_fields(change)},
        )
        if doc is None:
            return None
        await self._changed_profile(account_id, profile_id)
        return profile_from_doc(doc)

    async def set_rate_limit(
        self, account_id: str, profile_id: str, max_per_second: float | None, now: datetime
    ) -> Profile | None:
        return await self._update_profile(
            account_id, profile_id, {"max_per_second": max_per_second, "updated_at": now}
        )

    async def count_failure(self, account_id: str, profile_id: str, at: datetime) -> Profile | None:
        doc = await self._modify(
            self._profiles, profile_id, {"account_id": account_id}, {"$inc": {"failures": 1}}
        )
        if doc is None:
            return None
        began = doc["failing_since"] is None
        if began:
            await self._profiles.update_one({"_id": profile_id}, {"$set": {"failing_since": at}})
            doc["failing_since"] = at
        # Others are told only when the failures begin: a send reads the count only to see
        # whether a success has failures to forget.
        await self._changed_profile(account_id, profile_id, tell_others=began)
        return profile_from_doc(doc)

    async def forget_failures(self, account_id: str, profile_id: str) -> None:
        await self._update_profile(account_id, profile_id, {"failures": 0, "failing_since": None})

    async def pause_profile(
        self, account_id: str, profile_id: str, until: datetime
    ) -> Profile | None:
        doc = await self._modify(
            self._profiles,
            profile_id,
            {"account_id": account_id},
            {"$max": {"paused_until": until}},
        )
        if doc is None:
            return None
        await self._changed_profile(account_id, profile_id)
        return profile_from_doc(doc)

    async def take_send_slots(self, slots: Sequence[Slot]) -> list[bool]:
        if not slots:
            return []
        lost = await _insert_new(self._slots, [{"_id": s.id, "at": s.at} for s in slots])
        won = [i not in lost for i in range(len(slots))]
        # One delete per id, in one command: each filters by `_id` alone (see above).
        drops = [DeleteOne({"_id": s.previous}) for s, w in zip(slots, won, strict=True) if w]
        if drops:
            await self._slots.bulk_write(drops, ordered=False)
        return won

    # Deliveries

    async def insert_deliveries(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        """Each key is taken by inserting its key document, which carries the whole new
        delivery. The queue entries are written next, then the documents of the deliveries
        a key names; whoever finds a key taken writes the delivery from the key document too
        (a duplicate write is ignored), so a writer that stopped between the writes leaves no
        key without its delivery, and no stored delivery without its entry. A delivery
        without a key is only queued: its document is first written when it finishes, so
        publishing it is one write and finishing it an insert (`_leave_all`)."""
        docs = [delivery_to_doc(d) for d in deliveries]
        first_with_key: dict[str, int] = {}
        key_docs: list[Doc] = []
        for i, d in enumerate(deliveries):
            if d.idempotency_key is not None:
                key_id = _key_id(d.account_id, d.idempotency_key)
                if key_id not in first_with_key:
                    first_with_key[key_id] = i
                    key_docs.append({"_id": key_id, "delivery": docs[i]})
        taken = {key_docs[j]["_id"] for j in await _insert_new(self._keys, key_docs)}
        earlier = [d async for d in self._keys.find({"_id": {"$in": list(taken)}})] if taken else []
        stored_id = {k["_id"]: k["delivery"]["_id"] for k in earlier}

        answer_ids: list[str] = []
        mine: list[int] = []
        for i, d in enumerate(deliveries):
            if d.idempotency_key is None:
                answer_ids.append(d.id)
                mine.append(i)
                continue
            key_id = _key_id(d.account_id, d.idempotency_key)
            if key_id in taken:
                answer_ids.append(stored_id[key_id])
            else:
                answer_ids.append(deliveries[first_with_key[key_id]].id)
                if first_with_key[key_id] == i:
                    mine.append(i)

        own = [docs[i] for i in mine]
        # Written now: those a key names, and those with nothing to queue.
        kept = [
            d for d in own if d["idempotency_key"] is not None or transitions.entry_for(d) is None
        ]
        taken_entries, queued = await self._enqueue(own, {d["_id"] for d in kept})
        if taken_entries:
            raise DuplicateRecord("a delivery id is already stored")
        # Claimable while the deliveries are written: a delivery finished first is stored
        # by its finish, and its publisher's write of it is then ignored.
        await self._schedule(queued)
        to_write = kept + [k["delivery"] for k in earlier]
        duplicates = await _insert_new(self._deliveries, to_write)
        if any(to_write[j]["idempotency_key"] is None for j in duplicates):
            raise DuplicateRecord("a delivery id is already stored")
        # Deliveries of earlier writers that stopped before writing them.
        recovered = [d for j, d in enumerate(to_write) if j >= len(kept) and j not in duplicates]
        _, requeued = await self._enqueue(recovered, {d["_id"] for d in recovered})
        await self._schedule(requeued)

        fresh = {deliveries[i].id: deliveries[i] for i in mine}
        others = [i for i in dict.fromkeys(answer_ids) if i not in fresh]
        found = {d.id: d for d in await self._read_deliveries(others)}
        return [fresh[i] if i in fresh else found[i] for i in answer_ids]

    async def _enqueue(self, docs: list[Doc], stored: set[str]) -> tuple[set[int], list[Doc]]:
        """Writes the queue entries of new deliveries, those in `stored` marked as having
        their document in `deliveries`; answers the positions of those that already had an
        entry, and the entries written, to be scheduled."""
        entries = [
            (i, {**e, "stored": True} if d["_id"] in stored else e)
            for i, d in enumerate(docs)
            if (e := transitions.entry_for(d))
        ]
        taken = await _insert_new(self._queue, [e for _, e in entries])
        written = [e for j, (_, e) in enumerate(entries) if j not in taken]
        return {entries[j][0] for j in taken}, written

    async def _schedule(self, entries: Sequence[Doc], *, retry: bool = False) -> None:
        """Sees to it that entries just queued or changed are claimed when due: remembered,
        if this process claims and has room, and announced to processes with workers if
        not. A `retry` is announced anyway: whichever process is free when it falls due
        should send it, and the process that scheduled it may be busy or gone by then."""
        unclaimed = [e for e in entries if not self._remember(e) or retry]
        await self._announce([e for e in unclaimed if e["due_at"] is not None])

    def _remember(self, entry: Doc) -> bool:
        if (
            not self._has_workers
            or len(self._own_entries) >= OWN_ENTRIES
            or entry["due_at"] is None
        ):
            return False
        key = (entry["_id"], entry["next"])
        self._own_entries[key] = entry
        heapq.heappush(self._own_due, (entry["due_at"], *key))
        self._wake()
        return True

    async def _announce(self, entries: Sequence[Doc]) -> None:
        for first in range(0, len(entries), NOTICE_SIZE):
            due = [
                {"id": e["_id"], "at": e["due_at"]} for e in entries[first : first + NOTICE_SIZE]
            ]
            try:
                await self._feed.write("notice", [{"due": due}])
            except PyMongoError as e:
                # They are queued; a sweep finds them.
                log.warning("%d queued deliveries are not announced: %s", len(due), e)

    async def _settled(self, delivery_ids: Iterable[str] | None = None) -> None:
        """Writes the leases this process holds, of `delivery_ids` or of all, and waits for
        them, so that what it reads of the queue shows every claim it made."""
        await self._leased.written(delivery_ids)

    async def _live(self, docs: list[Doc]) -> list[Delivery]:
        """The deliveries stored as `docs`, each as its queue entry has it, if it has one."""
        if not docs:
            return []
        entries = await self._entries_of([d["_id"] for d in docs])
        return [
            delivery_from_doc(entries[d["_id"]]["delivery"] if d["_id"] in entries else d)
            for d in docs
        ]

    async def _entries_of(self, delivery_ids: Sequence[str]) -> dict[str, Doc]:
        """The queue entries of `delivery_ids` that have one, by id."""
        if not delivery_ids:
            return {}
        await self._settled(delivery_ids)
        return await _by_id(self._queue, delivery_ids)

    async def _read_deliveries(self, delivery_ids: Sequence[str]) -> list[Delivery]:
        """The deliveries `delivery_ids` that exist, in that order, each as its queue entry
        has it if it has one, else as stored. The queue is read first: a finish stores the
        delivery before it drops the entry, so one finishing meanwhile is found in either."""
        ids = list(dict.fromkeys(delivery_ids))
        entries = await self._entries_of(ids)
        stored = await _by_id(self._deliveries, [i for i in ids if i not in entries])
        return [
            delivery_from_doc(entries[i]["delivery"] if i in entries else stored[i])
            for i in ids
            if i in entries or i in stored
        ]

    async def get_delivery(self, account_id: str, delivery_id: str) -> Delivery | None:
        found = await self._read_deliveries([delivery_id])
        return found[0] if found and found[0].account_id == account_id else None

    async def get_deliveries(self, account_id: str, delivery_ids: Sequence[str]) -> list[Delivery]:
        found = await self._read_deliveries(delivery_ids)
        return [d for d in found if d.account_id == account_id]

    async def list_deliveries(
        self, account_id: str, where: DeliveryFilter, after: Keyset | None, limit: int
    ) -> list[Delivery]:
        if where.status is not None and where.status.value in ACTIVE_STATUSES:
            # Only the queue knows which deliveries are waiting and which are in flight.
            return [
                delivery_from_doc(d) for d in await self._queued(account_id, where, after, limit)
            ]
        query: Doc = {"account_id": account_id, **_older_than(after)}
        if where.profile_id is not None:
            query["profile_id"] = where.profile_id
        if where.status is not None:
            query["status"] = where.status.value
            cursor = self._deliveries.find(query).sort(_NEWEST_FIRST).limit(limit)
            return await self._live([d async for d in cursor])
        # Unfinished deliveries without a key are only in the queue, which is read first (see
        # `_read_deliveries`). A delivery among the first `limit` of both has its entry on the
        # queue's page, if it has one, since whatever precedes it there precedes it here.
        queued = await self._queued(account_id, where, after, limit)
        cursor = self._deliveries.find(query).sort(_NEWEST_FIRST).limit(limit)
        newest = {d["_id"]: d for d in queued}
        async for doc in cursor:
            newest.setdefault(doc["_id"], doc)
        page = sorted(newest.values(), key=lambda d: (d["created_at"], d["_id"]), reverse=True)
        return [delivery_from_doc(d) for d in page[:limit]]

    async def _queued(
        self, account_id: str, where: DeliveryFilter, after: Keyset | None, limit: int
    ) -> list[Doc]:
        """A page of the account's unfinished deliveries, newest first, as their entries hold
        them."""
        query: Doc = {"delivery.account_id": account_id, **_older_than(after, "delivery.")}
        if where.profile_id is not None:
            query["delivery.profile_id"] = where.profile_id
        if where.status is not None:
            query["delivery.status"] = where.status.value
        await self._settled()
        cursor = self._queue.find(query).sort(_QUEUED_NEWEST_FIRST).limit(limit)
        return [e["delivery"] async for e in cursor]

    async def claim_due(
        self, owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        """Takes the due entries this process queued itself, then those notices told of,
        then, when they were too few and no sweep ran for the sweep period, due entries
        read from the queue."""
        self._hear_notices()
        await self._leased.run_out(now)
        claimed = await self._take(self._own_due_now(now, limit), owner, now, lease_until)
        if len(claimed) < limit:
            noticed = await self._noticed_now(now, limit - len(claimed), claimed)
            claimed += await self._take(noticed, owner, now, lease_until)
        if len(claimed) < limit and self._sweep_due(now):
            # Entries this process holds may show as due (their leases are not written yet):
            # they are read too, and passed over.
            swept = await (
                self._queue.find({"due_at": {"$lte": now}})
                .sort([("due_at", ASCENDING), ("_id", ASCENDING)])
                .limit(limit + len(self._leased))
                .to_list(None)
            )
            mine = {d["_id"] for d in claimed}
            swept = [e for e in swept if e["_id"] not in mine and e["_id"] not in self._leased]
            swept = swept[: limit - len(claimed)]
            claimed += await self._take(swept, owner, now, lease_until, recover=True)
        return [delivery_from_doc(d) for d in claimed]

    def wake_on_work(self, wake: Callable[[], None]) -> None:
        self._wakes.append(wake)
        self._hear_notices()

    def _wake(self) -> None:
        for wake in self._wakes:
            wake()

    def _hear_notices(self) -> None:
        """Puts the entries other processes announce from now on in this process's heap;
        the first sweep finds those announced before."""
        if self._listener is not None or self._feed.closed:
            return
        notices = self._feed.follow(self._notice_followers, Kind("notice", _notice_from_doc))
        self._listener = asyncio.get_running_loop().create_task(
            self._listen(notices), name="notice-listener"
        )

    async def _listen(self, notices: Subscription[Notice]) -> None:
        async for notice in notices:
            for key in notice.profiles:
                self._for_sending.forget(key)
            for item in notice.due:
                if len(self._noticed_due) < OWN_ENTRIES:
                    heapq.heappush(self._noticed_due, item)
            if notice.due:
                # Also for work due later: a claim that finds nothing due costs no command.
                self._wake()

    async def _noticed_now(self, now: datetime, limit: int, claimed: list[Doc]) -> list[Doc]:
        """The entries notices told of that are due now, read by id; those that are not
        (claimed or rescheduled meanwhile) are left to whoever has them."""
        ids: set[str] = set()
        mine = {d["_id"] for d in claimed}
        while self._noticed_due and len(ids) < limit and self._noticed_due[0][0] <= now:
            _, delivery_id = heapq.heappop(self._noticed_due)
            if delivery_id not in mine and delivery_id not in self._leased:
                ids.add(delivery_id)
        entries = await _by_id(self._queue, sorted(ids))
        return [e for e in entries.values() if e["due_at"] is not None and e["due_at"] <= now]

    def _own_due_now(self, now: datetime, limit: int) -> list[Doc]:
        found: dict[str, Doc] = {}
        while self._own_due and len(found) < limit and self._own_due[0][0] <= now:
            _, delivery_id, number = heapq.heappop(self._own_due)
            entry = self._own_entries.pop((delivery_id, number), None)
            if entry is not None:
                found[delivery_id] = entry
        return list(found.values())

    def _sweep_due(self, now: datetime) -> bool:
        last = self._swept_at
        if last is not None and last <= now and (now - last).total_seconds() < self._sweep_seconds:
            return False
        self._swept_at = now
        return True

    async def _take(
        self,
        entries: list[Doc],
        owner: str,
        now: datetime,
        until: datetime,
        recover: bool = False,
    ) -> list[Doc]:
        """Claims the next attempt of each entry; answers the deliveries of the claims won.
        With `recover`, entries whose claim a stopped claimer holds are moved on past it,
        and their next attempts claimed too."""
        if not entries:
            return []
        claims = [transitions.claim(e, owner, now, until) for e in entries]
        lost = await _insert_new(self._claims, claims)
        won = [e for i, e in enumerate(entries) if i not in lost]
        if recover:
            moved = [
                entry
                for i in sorted(lost)
                if transitions.stuck(entries[i], now, until - now)
                and (entry := await self._unstick(entries[i], claims[i]["_id"], now)) is not None
            ]
            again = [transitions.claim(e, owner, now, until) for e in moved]
            lost_again = await _insert_new(self._claims, again)
            won += [e for i, e in enumerate(moved) if i not in lost_again]
        if not won:
            return []
        changes = [transitions.claimed(e, owner, now, until) for e in won]
        taken = [transitions.apply(e, c) for e, c in zip(won, changes, strict=True)]
        # The claims decide who sends; the leases on the entries are for readers and for
        # recovery, so they are written later, if at all (`storage.leases`).
        self._leased.hold(
            [
                (e, UpdateOne({"_id": e["_id"]}, _update(c)))
                for e, c in zip(taken, changes, strict=True)
            ],
            (until - now).total_seconds(),
        )
        gone = [
            (e, attempt)
            for e, before in zip(taken, won, strict=True)
            if (attempt := transitions.lost(before, now)) is not None
        ]
        if gone:
            await self._settled(e["_id"] for e, _ in gone)
        done: set[str] = set()
        for entry, attempt in gone:
            if await self._finished_after_all(entry, attempt, now):
                await self._leased.let_go(entry["_id"])
                done.add(entry["_id"])
        return [e["delivery"] for e in taken if e["_id"] not in done]

    async def _finished_after_all(self, entry: Doc, lost: Attempt, now: datetime) -> bool:
        """Records the attempt whose lease ran out as `lost`, unless its outcome was recorded
        after all; if that outcome was a success, finishes the delivery rather than sending
        it again, and answers True."""
        try:
            await self.insert_attempt(lost)
            return False
        except DuplicateRecord:
            recorded = await self._attempts.find_one({"_id": lost.id})
        change = None if recorded is None else transitions.succeeded_after_all(recorded, now)
        if change is None:
            return False
        await self._leave(entry, change)
        return True

    async def _leased_entry(self, delivery_id: str, owner: str, now: datetime) -> Doc | None:
        """The entry of a delivery this process leased, for `owner` to give up (another
        owner gets it as it is, which it may not release). While the lease has a margin left, no
        other process may have claimed it since, so the entry is as the claim left it and
        needs no read; past that, it is read, and may be another claimer's by then (its
        lease was written a quarter of the lease in, at the latest)."""
        entry = self._leased.entry(delivery_id)
        if entry is not None and not transitions.may_release(entry, owner):
            return entry
        if entry is not None and entry["lease"]["until"] - now > LEASE_MARGIN:
            return await self._leased.let_go(delivery_id)
        await self._settled([delivery_id])
        await self._leased.let_go(delivery_id)
        return await self._queue.find_one({"_id": delivery_id})

    async def _unstick(self, entry: Doc, claim_id: str, now: datetime) -> Doc | None:
        """The entry moved past its claim `claim_id`, if that claim's lease ran out."""
        claim = await self._claims.find_one({"_id": claim_id})
        change = None if claim is None else transitions.unstuck(claim, now)
        if change is None:
            return None
        await self._queue.update_one({"_id": entry["_id"]}, _update(change))
        return transitions.apply(entry, change)

    async def _leave(self, entry: Doc, change: transitions.Change) -> None:
        await self._leaving((entry, change))

    async def _leave_all(self, left: list[tuple[Doc, transitions.Change]]) -> Refused:
        """Writes the deliveries as they end up, then drops their entries: a process stopped
        between the two leaves entries that are claimed again once their leases run out.
        A delivery only queued so far is inserted, which FerretDB checks against its `_id`
        index where an update by `_id` reads the whole collection; one stored already (a key
        names it, it was queued again by hand, or a finish is repeated after a process
        stopped) is updated, or stored as it ends up if its publisher has yet to write it."""
        finals = [({**entry["delivery"], **change.delivery}, entry) for entry, change in left]
        new = [final for final, entry in finals if not entry.get("stored")]
        there = await _insert_new(self._deliveries, new)
        again = [final for final, entry in finals if entry.get("stored")]
        again += [new[j] for j in sorted(there)]
        await _write_apart(
            self._deliveries,
            [
                UpdateOne(
                    {"_id": final["_id"]},
                    {"$set": {k: v for k, v in final.items() if k != "_id"}},
                    upsert=True,
                )
                for final in again
            ],
        )
        # One delete by `_id` each rather than one `$in`: an `_id` alone is the filter FerretDB
        # hands to its backend's index, where it reads the whole queue for an `$in`.
        await _write_apart(self._queue, [DeleteOne({"_id": entry["_id"]}) for entry, _ in left])
        return {}

    async def release(self, delivery_id: str, owner: str, outcome: Outcome, now: datetime) -> bool:
        entry = await self._leased_entry(delivery_id, owner, now)
        if entry is None or not transitions.may_release(entry, owner):
            return False
        change = transitions.released(outcome, now)
        if change.entry is None:
            await self._leave(entry, change)
        else:
            await self._queue.update_one({"_id": delivery_id}, _update(change))
            await self._schedule([transitions.apply(entry, change)], retry=True)
        return True

    async def defer(
        self, delivery_id: str, owner: str, until: datetime | None, now: datetime
    ) -> bool:
        entry = await self._leased_entry(delivery_id, owner, now)
        if entry is None or not transitions.may_release(entry, owner):
            return False
        number = entry["lease"]["number"]
        change = transitions.deferred(entry, until, now)
        await self._queue.update_one({"_id": delivery_id}, _update(change))
        await self._claims.delete_one({"_id": transitions.claim_id(delivery_id, number)})
        await self._schedule([transitions.apply(entry, change)])
        return True

    async def resume_held(self, account_id: str, profile_id: str, now: datetime) -> int:
        held = [
            e
            async for e in self._queue.find(
                {
                    "delivery.account_id": account_id,
                    "delivery.profile_id": profile_id,
                    "due_at": None,
                }
            )
            if transitions.may_resume(e, account_id, profile_id)
        ]
        if not held:
            return 0
        change = transitions.resumed(now)
        result = await self._queue.update_many(
            {"_id": {"$in": [e["_id"] for e in held]}, "due_at": None, "lease": None},
            _update(change),
        )
        # Any that changed meanwhile are not claimed by this: a claim of a stale entry's
        # attempt finds it taken.
        await self._schedule([transitions.apply(e, change) for e in held])
        return result.modified_count

    async def finished_deliveries(self, account_id: str, span: Span, limit: int) -> list[Delivery]:
        created: Doc = {"$gte": span.since}
        if span.until is not None:
            created["$lt"] = span.until
        cursor = (
            self._deliveries.find(
                {
                    "account_id": account_id,
                    "profile_id": span.profile_id,
                    "status": span.status.value,
                    "created_at": created,
                }
            )
            .sort([("created_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [delivery_from_doc(d) async for d in cursor]

    async def requeue_all(
        self, account_id: str, deliveries: Sequence[Delivery], now: datetime
    ) -> int:
        if not deliveries:
            return 0
        statuses = frozenset(d.status.value for d in deliveries)
        order = {d.id: i for i, d in enumerate(deliveries)}
        stored = {d["_id"]: d async for d in self._deliveries.find({"_id": {"$in": list(order)}})}
        changes: Doc = {}
        entries: list[Doc] = []
        for delivery_id in order:
            requeued = transitions.requeued(stored.get(delivery_id), account_id, now, statuses)
            if requeued is not None:
                changes, entry = requeued
                entries.append({**entry, "stored": True})
        taken = await _insert_new(self._queue, entries)
        won = [e for i, e in enumerate(entries) if i not in taken]
        if not won:
            return 0
        await self._deliveries.update_many(
            {"_id": {"$in": [e["_id"] for e in won]}}, {"$set": changes}
        )
        await self._schedule(won)
        return len(won)

    async def take_replay_key(
        self, account_id: str, key: str, count: int, now: datetime
    ) -> int | None:
        key_id = _key_id(account_id, key)
        try:
            await self._replay_keys.insert_one({"_id": key_id, "count": count, "at": now})
        except DuplicateKeyError:
            earlier = await self._replay_keys.find_one({"_id": key_id})
            return None if earlier is None else int(earlier["count"])
        return None

    async def requeue(self, account_id: str, delivery_id: str, now: datetime) -> Delivery | None:
        doc = await self._deliveries.find_one({"_id": delivery_id})
        requeued = transitions.requeued(doc, account_id, now)
        if requeued is None:
            return None
        changes, entry = requeued
        entry["stored"] = True
        if await _insert_new(self._queue, [entry]):
            return None
        await self._deliveries.update_one({"_id": delivery_id}, {"$set": changes})
        await self._schedule([entry])
        return delivery_from_doc(entry["delivery"])

    async def cancel_pending(self, account_id: str, profile_id: str, now: datetime) -> int:
        waiting = [
            e
            async for e in self._queue.find(
                {
                    "delivery.account_id": account_id,
                    "delivery.profile_id": profile_id,
                    "lease": None,
                }
            )
            if transitions.may_cancel(e, account_id, profile_id)
        ]
        claims = [transitions.claim(e, transitions.CANCELLED_BY, now, now) for e in waiting]
        lost = await _insert_new(self._claims, claims)
        won = [e for i, e in enumerate(waiting) if i not in lost]
        for entry in won:
            await self._leave(entry, transitions.cancelled(now))
        return len(won)

    # Attempts

    async def insert_attempt(self, attempt: Attempt) -> None:
        await self._recording(attempt_to_doc(attempt))
        self._followers.publish(attempt)

    async def _record_all(self, docs: list[Doc]) -> Refused:
        """Stores and announces a group of attempts; refuses each attempt the database
        refused, alone, so that one bad attempt fails no other's delivery."""
        refused: dict[int, Exception] = {}
        try:
            await self._attempts.insert_many(docs, ordered=False)
        except BulkWriteError as e:
            for error in _refused_one_by_one(e):
                i = error["index"]
                refused[i] = (
                    DuplicateRecord(f"attempt {docs[i]['_id']} is already stored")
                    if error["code"] == _DUPLICATE_KEY
                    else OperationFailure(error.get("errmsg", "write refused"), error["code"])
                )
        stored = [d for i, d in enumerate(docs) if i not in refused]
        try:
            await self._feed.write("attempt", stored)
        except PyMongoError as e:
            # The attempts are stored; failing their deliveries over the live feed would leave
            # them leased until the leases ran out, and then send them again.
            log.warning(
                "%d attempts are stored but not announced to other processes: %s", len(stored), e
            )
        return refused

    async def list_attempts(self, account_id: str, delivery_ids: Sequence[str]) -> list[Attempt]:
        cursor = self._attempts.find(
            {"account_id": account_id, "delivery_id": {"$in": list(delivery_ids)}}
        ).sort([("started_at", ASCENDING), ("_id", ASCENDING)])
        return [attempt_from_doc(d) async for d in cursor]

    # Expiry

    async def expire(self, before: datetime) -> Expired:
        """Deliveries go first, each only if it is still finished and old (a failed one may
        be queued again meanwhile), then the attempts and keys of those that went. A process
        stopped in between leaves attempts of deleted deliveries behind, which nothing shows."""
        old_and_finished: Doc = {
            "status": {"$in": sorted(FINISHED_STATUSES)},
            "updated_at": {"$lt": before},
        }
        ids = [d["_id"] async for d in self._deliveries.find(old_and_finished, {"_id": 1})]
        deliveries = attempts = 0
        for first in range(0, len(ids), _EXPIRY_BATCH):
            batch = ids[first : first + _EXPIRY_BATCH]
            result = await self._deliveries.delete_many({"_id": {"$in": batch}, **old_and_finished})
            deliveries += result.deleted_count
            kept = {
                d["_id"] async for d in self._deliveries.find({"_id": {"$in": batch}}, {"_id": 1})
            }
            gone = [i for i in batch if i not in kept]
            result = await self._attempts.delete_many({"delivery_id": {"$in": gone}})
            attempts += result.deleted_count
            await self._keys.delete_many({"delivery._id": {"$in": gone}})
            await self._claims.delete_many({"delivery_id": {"$in": gone}})
        result = await self._attempts.delete_many(
            {"delivery_id": None, "started_at": {"$lt": before}}
        )
        await self._slots.delete_many({"at": {"$lt": before}})
        await self._replay_keys.delete_many({"at": {"$lt": before}})
        return Expired(deliveries=deliveries, attempts=attempts + result.deleted_count)

    async def backlog(self, now: datetime) -> Backlog:
        """Unfinished deliveries counted in the queue, which holds only them and their state
        as it stands; finished ones by the (status, updated_at) index of `deliveries`; then
        the queue's due entries counted and the earliest found by its (due_at, _id) index."""

        async def count(status: DeliveryStatus) -> int:
            if status.value in ACTIVE_STATUSES:
                return await self._queue.count_documents({"delivery.status": status.value})
            return await self._deliveries.count_documents({"status": status.value})

        await self._settled()
        counts = await asyncio.gather(*(count(s) for s in DeliveryStatus))
        due: Doc = {"due_at": {"$lte": now}}
        waiting = await self._queue.count_documents(due)
        first = await self._queue.find_one(due, {"due_at": 1}, sort=[("due_at", ASCENDING)])
        since = None if first is None else first["due_at"]
        return Backlog(dict(zip(DeliveryStatus, counts, strict=True)), waiting, since)

    def follow_attempts(self) -> AsyncIterator[Attempt]:
        """This process's attempts come straight from `insert_attempt`; a task tails the feed
        for those of other processes, and stops once the subscription is dropped."""
        return self._feed.follow(self._followers, Kind("attempt", attempt_from_doc))

    async def announce_profile_event(self, event: ProfileEvent) -> None:
        self._event_followers.publish(event)
        await self._feed.write("event", [profile_event_to_doc(event)])

    def follow_profile_events(self) -> AsyncIterator[ProfileEvent]:
        return self._feed.follow(self._event_followers, Kind("event", profile_event_from_doc))

    @property
    def feed_readers(self) -> int:
        """How many tasks read the feed for this process's followers: one per follower, each
        ending soon after its follower is dropped."""
        return self._feed.readers


def _notice_from_doc(notice: Doc) -> Notice:
    return Notice(
        due=[(d["at"], d["id"]) for d in notice["due"]],
        profiles=[(p["account_id"], p["id"]) for p in notice.get("profiles", [])],
    )
