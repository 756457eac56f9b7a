"""Records for tests: complete and valid by default, with the fields a test cares about
given as keyword arguments."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from catalog import BodyFormat, ChannelKind, HttpMethod
from domain.models import (
    Account,
    ApiKey,
    Attempt,
    AttemptOutcome,
    AttemptTrigger,
    Delivery,
    Encryption,
    EncryptionAlgorithm,
    Header,
    Profile,
    SentRequest,
    SigningSecret,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """A moment `seconds` after T0 (to the millisecond, as the stores keep time)."""
    return T0 + timedelta(milliseconds=round(seconds * 1000))


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def account(**changes: Any) -> Account:
    base = Account(
        id=new_id("acc"),
        name="Acme",
        region="IN",
        created_at=T0,
    )
    return replace(base, **changes)


def api_key(account_id: str, **changes: Any) -> ApiKey:
    base = ApiKey(
        key_hash=uuid.uuid4().hex,
        account_id=account_id,
        prefix="cbk_" + uuid.uuid4().hex[:8],
        label="deploy bot",
        created_at=T0,
        last_used_at=None,
        revoked_at=None,
    )
    return replace(base, **changes)


def profile(account_id: str, **changes: Any) -> Profile:
    base = Profile(
        id=new_id("prf"),
        account_id=account_id,
        title="Order updates",
        channel=ChannelKind.SMS,
        event="DELIVERY_REPORT",
        http_method=HttpMethod.POST,
        endpoint="https://hooks.example.com/sms",
        variables=("message_id", "status"),
        body_template={"id": "<message_id>", "state": "<status>"},
        body_format=BodyFormat.JSON,
        headers=(Header("X-Team", "billing"), Header("Authorization", "sealed:abc", secret=True)),
        encryption=Encryption(
            algorithm=EncryptionAlgorithm.AES_256_GCM,
            sealed_key="sealed:key",
            sealed_iv="sealed:iv",
            parameters=("status",),
            random_iv=False,
        ),
        response_message="OK",
        sealed_signing_secrets=(SigningSecret("sealed:whsec", T0, None),),
        created_at=T0,
        updated_at=T0,
    )
    return replace(base, **changes)


def delivery(account_id: str, profile_id: str, **changes: Any) -> Delivery:
    values = {"message_id": "m-1", "status": "DELIVERED"}
    base = Delivery.new(account_id, profile_id, ChannelKind.SMS, values, None, T0)
    return replace(base, **changes)


def attempt(account_id: str, delivery_id: str | None, **changes: Any) -> Attempt:
    base = Attempt(
        id=new_id("att"),
        account_id=account_id,
        profile_id=new_id("prf"),
        delivery_id=delivery_id,
        channel=ChannelKind.SMS,
        number=1,
        trigger=AttemptTrigger.EVENT,
        outcome=AttemptOutcome.HTTP_ERROR,
        request=SentRequest(
            method="POST",
            url="https://hooks.example.com/sms",
            headers=(("content-type", "application/json"), ("webhook-id", "dlv_1")),
            body='{"id":"m-1"}',
        ),
        status_code=503,
        response_body="busy",
        duration_ms=12.5,
        error=None,
        started_at=T0,
    )
    return replace(base, **changes)
