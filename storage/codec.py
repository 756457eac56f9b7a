"""Turns records into MongoDB documents and back; both stores keep exactly these documents."""

from __future__ import annotations

import json
from typing import Any

from catalog import BodyFormat, ChannelKind, HttpMethod
from domain.models import (
    Account,
    ApiKey,
    Attempt,
    AttemptOutcome,
    AttemptTrigger,
    Delivery,
    DeliveryStatus,
    Encryption,
    EncryptionAlgorithm,
    Header,
    Profile,
    ProfileEvent,
    ProfileEventKind,
    ProfileStatus,
    SentRequest,
    SigningSecret,
)
from storage.authentication_codec import authentication_from_doc, authentication_to_doc

Doc = dict[str, Any]

# A delivery's stored status, by whether more attempts may come: the workers look through the
# active ones, expiry deletes old finished ones.
ACTIVE_STATUSES = frozenset({DeliveryStatus.PENDING.value, DeliveryStatus.DELIVERING.value})
FINISHED_STATUSES = frozenset(s.value for s in DeliveryStatus) - ACTIVE_STATUSES


def account_to_doc(a: Account) -> Doc:
    return {"_id": a.id, "name": a.name, "region": a.region, "created_at": a.created_at}


def account_from_doc(d: Doc) -> Account:
    return Account(id=d["_id"], name=d["name"], region=d["region"], created_at=d["created_at"])


def api_key_to_doc(k: ApiKey) -> Doc:
    """Keyed by the hash, so authenticating is a read by `_id`, which FerretDB serves from
    its index."""
    return {
        "_id": k.key_hash,
        "account_id": k.account_id,
        "prefix": k.prefix,
        "label": k.label,
        "created_at": k.created_at,
        "last_used_at": k.last_used_at,
        "revoked_at": k.revoked_at,
    }


def api_key_from_doc(d: Doc) -> ApiKey:
    return ApiKey(
        key_hash=d["_id"],
        account_id=d["account_id"],
        prefix=d["prefix"],
        label=d["label"],
        created_at=d["created_at"],
        last_used_at=d["last_used_at"],
        revoked_at=d["revoked_at"],
    )


# The prefix shown for a key stored before accounts had several keys: only its hash is
# known, so part of the hash stands in for the key's first characters.
LEGACY_PREFIX = "legacy_"
LEGACY_LABEL = "created with the account"


def legacy_api_key_doc(account: Doc) -> Doc:
    """The key document of an account document from before key management, which held
    its one key's hash in `key_hash`."""
    return {
        "_id": account["key_hash"],
        "account_id": account["_id"],
        "prefix": LEGACY_PREFIX + account["key_hash"][:8],
        "label": LEGACY_LABEL,
        "created_at": account["created_at"],
        "last_used_at": None,
        "revoked_at": None,
    }


def body_template_to_doc(template: Any) -> str:
    """A template is user-shaped JSON: keys with dots or a leading `$` and nested arrays are
    fine in JSON but refused by FerretDB (and `$` keys by MongoDB updates), so it is kept as
    JSON text."""
    return json.dumps(template, ensure_ascii=False, separators=(",", ":"))


def signing_secrets_to_docs(secrets: tuple[SigningSecret, ...]) -> list[Doc]:
    return [
        {"sealed": s.sealed, "created_at": s.created_at, "expires_at": s.expires_at}
        for s in secrets
    ]


def profile_to_doc(p: Profile) -> Doc:
    return {
        "_id": p.id,
        "account_id": p.account_id,
        "title": p.title,
        "channel": p.channel.value,
        "event": p.event,
        "http_method": p.http_method.value,
        "endpoint": p.endpoint,
        "variables": list(p.variables),
        "body_template": body_template_to_doc(p.body_template),
        "body_format": p.body_format.value,
        "headers": [{"name": h.name, "value": h.value, "secret": h.secret} for h in p.headers],
        "encryption": None
        if p.encryption is None
        else {
            "algorithm": p.encryption.algorithm.value,
            "sealed_key": p.encryption.sealed_key,
            "sealed_iv": p.encryption.sealed_iv,
            "parameters": list(p.encryption.parameters),
            "random_iv": p.encryption.random_iv,
        },
        "response_message": p.response_message,
        "signing_secrets": signing_secrets_to_docs(p.sealed_signing_secrets),
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "authentication": authentication_to_doc(p.authentication),
        "status": p.status.value,
        "status_changed_at": p.status_changed_at,
        "status_reason": p.status_reason,
        "max_per_second": p.max_per_second,
        "paused_until": p.paused_until,
        "failures": p.failures,
        "failing_since": p.failing_since,
    }


def profile_from_doc(d: Doc) -> Profile:
    enc = d["encryption"]
    return Profile(
        id=d["_id"],
        account_id=d["account_id"],
        title=d["title"],
        channel=ChannelKind(d["channel"]),
        event=d["event"],
        http_method=HttpMethod(d["http_method"]),
        endpoint=d["endpoint"],
        variables=tuple(d["variables"]),
        body_template=json.loads(d["body_template"]),
        body_format=BodyFormat(d["body_format"]),
        headers=tuple(Header(h["name"], h["value"], h["secret"]) for h in d["headers"]),
        encryption=None
        if enc is None
        else Encryption(
            algorithm=EncryptionAlgorithm(enc["algorithm"]),
            sealed_key=enc["sealed_key"],
            sealed_iv=enc["sealed_iv"],
            parameters=tuple(enc["parameters"]),
            random_iv=enc["random_iv"],
        ),
        response_message=d["response_message"],
        sealed_signing_secrets=tuple(
            SigningSecret(s["sealed"], s["created_at"], s["expires_at"])
            for s in d["signing_secrets"]
        ),
        created_at=d["created_at"],
        updated_at=d["updated_at"],
        # Profiles stored before authentication existed have no such field.
        authentication=authentication_from_doc(d.get("authentication")),
        # Profiles stored before endpoint health was kept are active and unlimited.
        status=ProfileStatus(d.get("status", ProfileStatus.ACTIVE.value)),
        status_changed_at=d.get("status_changed_at"),
        status_reason=d.get("status_reason"),
        max_per_second=d.get("max_per_second"),
        paused_until=d.get("paused_until"),
        failures=d.get("failures", 0),
        failing_since=d.get("failing_since"),
    )


# Every field of a profile document that holds sealed values (among plain ones).
SEALED_FIELDS = ("headers", "encryption", "signing_secrets", "authentication")


def sealed_fields_to_doc(p: Profile) -> Doc:
    doc = profile_to_doc(p)
    return {field: doc[field] for field in SEALED_FIELDS}


def delivery_to_doc(x: Delivery) -> Doc:
    return {
        "_id": x.id,
        "account_id": x.account_id,
        "profile_id": x.profile_id,
        "channel": x.channel.value,
        "values": x.values,
        "idempotency_key": x.idempotency_key,
        "status": x.status.value,
        "attempt_count": x.attempt_count,
        "next_attempt_at": x.next_attempt_at,
        "lease_owner": x.lease_owner,
        "lease_expires_at": x.lease_expires_at,
        "manual_retry": x.manual_retry,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def delivery_from_doc(d: Doc) -> Delivery:
    return Delivery(
        id=d["_id"],
        account_id=d["account_id"],
        profile_id=d["profile_id"],
        channel=ChannelKind(d["channel"]),
        values=d["values"],
        idempotency_key=d["idempotency_key"],
        status=DeliveryStatus(d["status"]),
        attempt_count=d["attempt_count"],
        next_attempt_at=d["next_attempt_at"],
        lease_owner=d["lease_owner"],
        lease_expires_at=d["lease_expires_at"],
        manual_retry=d["manual_retry"],
        created_at=d["created_at"],
        updated_at=d["updated_at"],
    )


def attempt_to_doc(a: Attempt) -> Doc:
    return {
        "_id": a.id,
        "account_id": a.account_id,
        "profile_id": a.profile_id,
        "delivery_id": a.delivery_id,
        "channel": a.channel.value,
        "number": a.number,
        "trigger": a.trigger.value,
        "outcome": a.outcome.value,
        "request": {
            "method": a.request.method,
            "url": a.request.url,
            # Pairs as documents, not two-item arrays: FerretDB refuses nested arrays.
            "headers": [{"name": name, "value": value} for name, value in a.request.headers],
            "body": a.request.body,
        },
        "status_code": a.status_code,
        "response_body": a.response_body,
        "duration_ms": a.duration_ms,
        "error": a.error,
        "started_at": a.started_at,
    }


def attempt_from_doc(d: Doc) -> Attempt:
    r = d["request"]
    return Attempt(
        id=d["_id"],
        account_id=d["account_id"],
        profile_id=d["profile_id"],
        delivery_id=d["delivery_id"],
        channel=ChannelKind(d["channel"]),
        number=d["number"],
        trigger=AttemptTrigger(d["trigger"]),
        outcome=AttemptOutcome(d["outcome"]),
        request=SentRequest(
            method=r["method"],
            url=r["url"],
            headers=tuple((h["name"], h["value"]) for h in r["headers"]),
            body=r["body"],
        ),
        status_code=d["status_code"],
        response_body=d["response_body"],
        duration_ms=d["duration_ms"],
        error=d["error"],
        started_at=d["started_at"],
    )


def profile_event_to_doc(e: ProfileEvent) -> Doc:
    return {
        "_id": e.id,
        "account_id": e.account_id,
        "profile_id": e.profile_id,
        "kind": e.kind.value,
        "status": e.status.value,
        "reason": e.reason,
        "at": e.at,
        "paused_until": e.paused_until,
        "replayed": e.replayed,
    }


def profile_event_from_doc(d: Doc) -> ProfileEvent:
    return ProfileEvent(
        id=d["_id"],
        account_id=d["account_id"],
        profile_id=d["profile_id"],
        kind=ProfileEventKind(d["kind"]),
        status=ProfileStatus(d["status"]),
        reason=d["reason"],
        at=d["at"],
        paused_until=d["paused_until"],
        replayed=d["replayed"],
    )
