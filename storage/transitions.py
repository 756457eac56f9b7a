"""Each change of a delivery's state, decided once for every store.

An unfinished delivery has a queue entry: a small document of its own, `_id` the delivery
id, holding a copy of the delivery as it stands now (`delivery`), when it is next due
(`due_at`), the number of its next attempt (`next`) and the lease of the attempt in flight
(`lease`). Finished deliveries have none, so whatever works the queue costs what is in
flight, not what was ever stored.

Attempt n of a delivery is taken by inserting its claim, a document whose `_id` is derived
from (delivery id, n): the unique `_id` index lets exactly one insert win on every backend,
so exactly one process sends attempt n. Whoever takes a claim moves the entry on to n + 1
with its lease, or, when a store writes the lease late or never (the attempt was over
first), with the release that schedules the next attempt; a lease that runs out without an
outcome leaves attempt n to be recorded as LOST by whoever claims n + 1, so the resend
counts toward the attempt limit. If attempt n's
outcome was recorded after all, and it succeeded (the claimer stopped between recording it
and finishing the delivery), the claimer of n + 1 finishes the delivery as succeeded with n
and sends nothing. Cancelling takes the claim of the pending attempt too, so it and a
worker never both win.

A claimer that must not send now (the profile is disabled, paused or at its rate limit)
defers: it gives the lease up in the entry, which goes back to attempt n, and only then
deletes its claim, so attempt n is taken again later and no attempt is used. While the
claim exists nobody else can take n; once it is gone the deferring claimer does nothing more.
An entry deferred without a time (`due_at` null) is held: no read of due entries finds it
until its profile is enabled again.

The stores apply these rules: the functions here say what to write and when a change is
allowed; the stores only say how.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from catalog import ChannelKind
from domain.ids import attempt_id
from domain.models import Attempt, AttemptOutcome, DeliveryStatus, SentRequest, trigger_of
from domain.store import Outcome
from storage.codec import Doc

# Who holds the claims that cancelling takes.
CANCELLED_BY = "cancel"

LOST_ERROR = (
    "The process sending this attempt stopped before recording its outcome; "
    "the delivery was sent again as the next attempt."
)


def claim_id(delivery_id: str, number: int) -> str:
    return f"{delivery_id}/{number}"


def entry_for(doc: Doc) -> Doc | None:
    """The queue entry of a delivery stored as `doc`; None when it waits for nothing."""
    status = doc["status"]
    if status == DeliveryStatus.PENDING.value and doc["next_attempt_at"] is not None:
        return {
            "_id": doc["_id"],
            "due_at": doc["next_attempt_at"],
            "next": doc["attempt_count"] + 1,
            "lease": None,
            "delivery": doc,
        }
    if status == DeliveryStatus.DELIVERING.value:
        number = doc["attempt_count"] + 1
        return {
            "_id": doc["_id"],
            "due_at": doc["lease_expires_at"],
            "next": number + 1,
            "lease": _lease(number, doc["lease_owner"], doc["updated_at"], doc["lease_expires_at"]),
            "delivery": doc,
        }
    return None


def _lease(number: int, owner: str, since: datetime, until: datetime) -> Doc:
    return {"number": number, "owner": owner, "since": since, "until": until}


def claim(entry: Doc, owner: str, now: datetime, until: datetime) -> Doc:
    """The claim document that takes the entry's next attempt."""
    return {
        "_id": claim_id(entry["_id"], entry["next"]),
        "delivery_id": entry["_id"],
        "number": entry["next"],
        "owner": owner,
        "since": now,
        "until": until,
    }


@dataclass(frozen=True, slots=True)
class Change:
    """What one transition writes: fields of the delivery (also kept in the entry's copy),
    and the entry's own fields; `entry` None removes the entry."""

    delivery: Doc
    entry: Doc | None
    # The least `next` the entry may have after the change; it never goes back.
    next_at_least: int | None = None


def claimed(entry: Doc, owner: str, now: datetime, until: datetime) -> Change:
    number = entry["next"]
    delivery = {
        "status": DeliveryStatus.DELIVERING.value,
        "attempt_count": number - 1,
        "lease_owner": owner,
        "lease_expires_at": until,
        "updated_at": now,
    }
    return Change(
        delivery, {"due_at": until, "lease": _lease(number, owner, now, until)}, number + 1
    )


def stuck(entry: Doc, now: datetime, lease_length: timedelta) -> bool:
    """True when the entry's next attempt has been due longer than a lease although its
    claim is taken: the claimer stopped between taking the claim and moving the entry on."""
    due_at: datetime = entry["due_at"]
    return bool(due_at + lease_length <= now)


def unstuck(claim_doc: Doc, now: datetime) -> Change | None:
    """Moves an entry past the claim of a claimer that stopped: its attempt is in flight
    under a lease that has run out, so the next claimer records it as lost."""
    if claim_doc["until"] > now:
        return None
    number = claim_doc["number"]
    lease = _lease(number, claim_doc["owner"], claim_doc["since"], claim_doc["until"])
    return Change({}, {"due_at": now, "lease": lease}, number + 1)


def lost(entry: Doc, now: datetime) -> Attempt | None:
    """The attempt to record for a lease that ran out before its outcome was recorded."""
    lease = entry["lease"]
    if lease is None:
        return None
    d = entry["delivery"]
    number = lease["number"]
    return Attempt(
        id=attempt_id(entry["_id"], number),
        account_id=d["account_id"],
        profile_id=d["profile_id"],
        delivery_id=entry["_id"],
        channel=ChannelKind(d["channel"]),
        number=number,
        trigger=trigger_of(number, d["manual_retry"]),
        outcome=AttemptOutcome.LOST,
        request=SentRequest(method="", url="", headers=(), body=None),
        status_code=None,
        response_body=None,
        duration_ms=(now - lease["since"]).total_seconds() * 1000,
        error=LOST_ERROR,
        started_at=lease["since"],
    )


def succeeded_after_all(recorded: Doc, now: datetime) -> Change | None:
    """For the claimer of the attempt after a lost one that finds that attempt `recorded`
    already: the delivery's change if it succeeded, so that it is not sent again; None if it
    did not, and the claimer sends the next attempt as for a lost one."""
    if recorded["outcome"] != AttemptOutcome.SUCCEEDED.value:
        return None
    return released(Outcome(DeliveryStatus.SUCCEEDED, recorded["number"], None), now)


def may_release(entry: Doc | None, owner: str) -> bool:
    return entry is not None and entry["lease"] is not None and entry["lease"]["owner"] == owner


def released(outcome: Outcome, now: datetime) -> Change:
    delivery = {
        "status": outcome.status.value,
        "attempt_count": outcome.attempt_count,
        "next_attempt_at": outcome.next_attempt_at,
        "lease_owner": None,
        "lease_expires_at": None,
        "updated_at": now,
    }
    if outcome.status is not DeliveryStatus.PENDING:
        return Change(delivery, None)
    # The claim's own move of the entry to the next attempt may never have been written.
    return Change(
        delivery,
        {"due_at": outcome.next_attempt_at, "lease": None},
        outcome.attempt_count + 1,
    )


def deferred(entry: Doc, until: datetime | None, now: datetime) -> Change:
    """Gives the entry's leased attempt back unsent: due again at `until`, or held when None."""
    number = entry["lease"]["number"]
    delivery = {
        "status": DeliveryStatus.PENDING.value,
        "attempt_count": number - 1,
        "next_attempt_at": until,
        "lease_owner": None,
        "lease_expires_at": None,
        "updated_at": now,
    }
    return Change(delivery, {"due_at": until, "lease": None, "next": number})


def resumed(now: datetime) -> Change:
    """Makes a held entry due now."""
    return Change({"next_attempt_at": now, "updated_at": now}, {"due_at": now})


def may_resume(entry: Doc, account_id: str, profile_id: str) -> bool:
    d = entry["delivery"]
    return (
        entry["due_at"] is None
        and entry["lease"] is None
        and d["account_id"] == account_id
        and d["profile_id"] == profile_id
    )


def requeued(
    doc: Doc | None,
    account_id: str,
    now: datetime,
    statuses: frozenset[str] = frozenset({DeliveryStatus.FAILED.value}),
) -> tuple[Doc, Doc] | None:
    """The changed fields and the new entry of a finished delivery queued for a manual
    attempt; None when `doc` is not a delivery of the account in one of `statuses`."""
    if doc is None or doc["account_id"] != account_id or doc["status"] not in statuses:
        return None
    changes = {
        "status": DeliveryStatus.PENDING.value,
        "next_attempt_at": now,
        "manual_retry": True,
        "updated_at": now,
    }
    entry = entry_for({**doc, **changes})
    assert entry is not None
    return changes, entry


def may_cancel(entry: Doc, account_id: str, profile_id: str) -> bool:
    """Only deliveries waiting for an attempt are cancelled; one in flight finishes."""
    d = entry["delivery"]
    return (
        entry["lease"] is None and d["account_id"] == account_id and d["profile_id"] == profile_id
    )


def cancelled(now: datetime) -> Change:
    return Change(
        {"status": DeliveryStatus.CANCELLED.value, "next_attempt_at": None, "updated_at": now},
        None,
    )


def apply(entry: Doc, change: Change) -> Doc:
    """The entry after `change` (for a store that holds entries in memory, and for the copy a
    store answers from)."""
    assert change.entry is not None
    after = {**entry, **change.entry, "delivery": {**entry["delivery"], **change.delivery}}
    if change.next_at_least is not None:
        after["next"] = max(after["next"], change.next_at_least)
    return after
