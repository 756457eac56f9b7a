"""The MongoDB store's feed: `attempt_feed`, a capped collection that carries attempts,
profile events and notices of queued work between the processes sharing a database, each
entry one of them, read with a tailable cursor.

Each entry names its kind in a `kind` field, and a tail asks for its kind by equality: the
one filter FerretDB hands to its backend, which then returns only those entries, where for
any other filter FerretDB decodes every entry of the feed at each read.

A process's own entries reach its readers directly through the store's fan-outs (the feed
contract of `live.fanout`); a tail hands each reader the entries of other processes, and
stops soon after its reader is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar, cast

from bson import ObjectId
from bson.son import SON
from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import DESCENDING
from pymongo.errors import CollectionInvalid, OperationFailure, PyMongoError

from domain import clock
from live.fanout import FanOut, Subscription
from storage.codec import Doc

log = logging.getLogger("callbackd.storage")

T = TypeVar("T")

_NAMESPACE_EXISTS = 48

FEED = "attempt_feed"
# The feed only has to outlast how far a reader can fall behind; older attempts are in
# `attempts`. Kept small because FerretDB rescans the whole collection at every read.
FEED_BYTES = 16 * 1024 * 1024
FEED_DOCS = 10_000
# How long a tail waits after a read that found no new entries before reading again. The
# tail waits itself rather than having the server await data: FerretDB (1.24) ends such a
# wait by its deadline even in the middle of rereading the feed, and then drops the entries
# that read had found, or leaves the cursor behind entries it returned, which come again.
FEED_POLL_SECONDS = 0.1
FEED_REOPEN_SECONDS = 0.5
# Feed entries are dated by the clock of the process that wrote them; a reader also takes
# entries this much older than its starting point, in case that clock runs behind.
FEED_CLOCK_SKEW = timedelta(minutes=5)


class _TailCursor(Protocol):
    """What the feed reader uses of motor's command cursor, whose stubs lack `try_next` and
    declare the `alive` property a method."""

    @property
    def alive(self) -> bool: ...

    def batch_size(self, batch_size: int) -> object: ...

    async def try_next(self) -> Doc | None: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Kind(Generic[T]):
    """What a feed reader takes from each entry: the field it reads and how to decode it."""

    field: str
    decode: Callable[[Doc], T]


class MongoFeed:
    def __init__(self, db: AsyncIOMotorDatabase[Doc]) -> None:
        self._db = db
        self._entries = db[FEED]
        # Tells this process's entries apart, which its own readers got directly.
        self._origin = uuid.uuid4().hex
        self._tails: set[asyncio.Task[None]] = set()
        self.closed = False

    async def create(self) -> None:
        try:
            await self._db.create_collection(FEED, capped=True, size=FEED_BYTES, max=FEED_DOCS)
        except CollectionInvalid:
            return
        except OperationFailure as e:
            # Another process created it between the existence check and the create.
            if e.code == _NAMESPACE_EXISTS:
                return
            raise

    async def close(self) -> None:
        self.closed = True
        for tail in list(self._tails):
            tail.cancel()
        for tail in list(self._tails):
            with contextlib.suppress(asyncio.CancelledError):
                await tail

    async def write(self, kind: str, items: Sequence[Doc | None]) -> None:
        """Appends an entry of this process of `kind` for each of `items`, in order, dated
        now, in one command."""
        if not items:
            return
        at = clock.now()
        await self._entries.insert_many(
            [
                {"_id": ObjectId(), "at": at, "origin": self._origin, "kind": kind, kind: item}
                for item in items
            ]
        )

    @property
    def readers(self) -> int:
        """How many tails read the feed: one per follower, each ending soon after its
        follower is dropped."""
        return len(self._tails)

    def follow(self, followers: FanOut[T], kind: Kind[T]) -> Subscription[T]:
        """A subscription to `followers`, which this process publishes its own items to, and
        to which a tail hands the items of `kind` that other processes write."""
        subscription = followers.subscribe()
        # After close the subscription just waits, rather than a reader that follows again
        # whenever it ends spinning through ended subscriptions.
        if not self.closed:
            tail = asyncio.get_running_loop().create_task(
                self._tail(weakref.ref(subscription), kind, clock.now()), name=f"{kind.field}-feed"
            )
            self._tails.add(tail)
            tail.add_done_callback(self._tails.discard)
        return subscription

    async def _tail(
        self, subscription: weakref.ref[Subscription[T]], kind: Kind[T], since: datetime
    ) -> None:
        position: ObjectId | None = None
        while True:
            try:
                position, since = await self._tail_once(subscription, kind, position, since)
            except PyMongoError as e:
                log.warning("reading the attempt feed failed (%s); reading again", e)
            except Exception as e:
                # Not a database failure: a reader waiting forever would never learn of it.
                if (reader := subscription()) is not None:
                    reader.fail(e)
                return
            if subscription() is None:
                return
            await asyncio.sleep(FEED_REOPEN_SECONDS)

    async def _tail_once(
        self,
        subscription: weakref.ref[Subscription[T]],
        kind: Kind[T],
        position: ObjectId | None,
        since: datetime,
    ) -> tuple[ObjectId | None, datetime]:
        """Reads the feed until the cursor dies or the reader is gone; answers where it
        stopped. Resumes after `position` while that entry is still there; otherwise starts
        after the newest entry, also taking the entries before it dated from `since` on."""
        boundary = None
        if position is not None:
            boundary = await self._entries.find_one({"_id": position}, {"at": 1})
        resuming = boundary is not None
        if boundary is None:
            boundary = await self._entries.find_one(
                {"kind": kind.field}, {"at": 1}, sort=[("$natural", DESCENDING)]
            )
        if boundary is None:
            # A tailable cursor needs an entry to stand on, and FerretDB's only finds new
            # entries once it has returned one: an empty one of this kind, which readers skip.
            await self.write(kind.field, [None])
            return position, since
        oldest = min(since, boundary["at"]) - FEED_CLOCK_SKEW
        wanted_entries = {"kind": kind.field, "at": {"$gte": oldest}}
        cursor = cast(
            _TailCursor,
            await self._db.cursor_command(
                SON(
                    [
                        ("find", FEED),
                        ("filter", wanted_entries),
                        ("tailable", True),
                        # FerretDB ends a tailable cursor whose first batch is short of batchSize.
                        ("batchSize", 1),
                    ]
                ),
                codec_options=self._db.codec_options,
            ),
        )
        cursor.batch_size(100)
        passed = False
        try:
            while cursor.alive:
                entry = await cursor.try_next()
                if subscription() is None:
                    break
                if entry is None:
                    await asyncio.sleep(FEED_POLL_SECONDS)
                    continue
                if passed:
                    wanted = True
                else:
                    passed = entry["_id"] == boundary["_id"]
                    wanted = not resuming and entry["at"] >= since
                if passed:
                    position, since = entry["_id"], entry["at"]
                item = entry.get(kind.field)
                if wanted and item is not None and entry["origin"] != self._origin:
                    _hand_over(subscription, kind.decode(item))
        finally:
            await cursor.close()
        return position, since


def _hand_over(subscription: weakref.ref[Subscription[T]], item: T) -> None:
    # A function of its own so that no reference to the reader outlives the call: the tail
    # must not keep alive a subscription its reader has dropped.
    reader = subscription()
    if reader is not None:
        reader.put(item)
