"""The records callbackd keeps: accounts, callback profiles, deliveries and attempts.

Secret material (encryption keys and IVs, secret header values, signing secrets) is held
here only in its sealed form; see `domain.secretbox`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from catalog import BodyFormat, ChannelKind, HttpMethod
from domain.ids import sortable_id

if TYPE_CHECKING:
    from domain.authentication import Authentication


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    region: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One of an account's API keys, kept as the SHA-256 hash of the key."""

    key_hash: str
    account_id: str
    prefix: str
    """The key's first characters, shown so people can tell keys apart; unique per account."""
    label: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class EncryptionAlgorithm(Enum):
    AES_128_CFB = "AES_128_CFB"
    AES_192_CFB = "AES_192_CFB"
    AES_256_CFB = "AES_256_CFB"
    AES_128_GCM = "AES_128_GCM"
    AES_192_GCM = "AES_192_GCM"
    AES_256_GCM = "AES_256_GCM"

    @property
    def key_bytes(self) -> int:
        return int(self.value.split("_")[1]) // 8

    @property
    def mode(self) -> str:
        return self.value.rsplit("_", 1)[1]


class SecretEncoding(Enum):
    TEXT = "TEXT"
    HEX = "HEX"
    BASE64 = "BASE64"


@dataclass(frozen=True, slots=True)
class Header:
    name: str
    value: str
    """The plain value, or for a secret header the sealed value."""
    secret: bool = False


@dataclass(frozen=True, slots=True)
class Encryption:
    algorithm: EncryptionAlgorithm
    sealed_key: str
    sealed_iv: str
    parameters: tuple[str, ...]
    random_iv: bool


class ProfileStatus(Enum):
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"
    AUTO_DISABLED = "AUTO_DISABLED"


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    account_id: str
    title: str
    channel: ChannelKind
    event: str
    http_method: HttpMethod
    endpoint: str
    variables: tuple[str, ...]
    body_template: Any
    body_format: BodyFormat
    headers: tuple[Header, ...]
    encryption: Encryption | None
    response_message: str | None
    sealed_signing_secrets: tuple[SigningSecret, ...]
    created_at: datetime
    updated_at: datetime
    authentication: Authentication | None = None
    status: ProfileStatus = ProfileStatus.ACTIVE
    status_changed_at: datetime | None = None
    status_reason: str | None = None
    # Sends per second to the endpoint, counted across every process; None: no limit.
    max_per_second: float | None = None
    # Set by a 429 with Retry-After: nothing is sent to the endpoint before then.
    paused_until: datetime | None = None
    # Attempts that failed since the last success, and when the first of them started.
    failures: int = 0
    failing_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class SigningSecret:
    sealed: str
    created_at: datetime
    expires_at: datetime | None = None


class DeliveryStatus(Enum):
    PENDING = "PENDING"
    DELIVERING = "DELIVERING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class AttemptTrigger(Enum):
    TEST = "TEST"
    EVENT = "EVENT"
    RETRY = "RETRY"
    MANUAL = "MANUAL"


def trigger_of(number: int, manual_retry: bool) -> AttemptTrigger:
    """What caused attempt `number` of a delivery."""
    if manual_retry:
        return AttemptTrigger.MANUAL
    return AttemptTrigger.EVENT if number == 1 else AttemptTrigger.RETRY


class AttemptOutcome(Enum):
    SUCCEEDED = "SUCCEEDED"
    HTTP_ERROR = "HTTP_ERROR"
    UNEXPECTED_RESPONSE = "UNEXPECTED_RESPONSE"
    TIMEOUT = "TIMEOUT"
    CONNECTION_ERROR = "CONNECTION_ERROR"
    BLOCKED = "BLOCKED"
    INVALID_REQUEST = "INVALID_REQUEST"
    """The profile and values made no request that can be sent, so none went out."""
    LOST = "LOST"
    """The process sending it stopped before recording how it ended; sent again as the next
    attempt."""
    AUTH_FAILED = "AUTH_FAILED"
    """The profile's authentication could not be applied (no token from its token URL, or a
    credential that does not open), so the callback was not sent."""


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    account_id: str
    profile_id: str
    channel: ChannelKind
    values: dict[str, Any]
    idempotency_key: str | None
    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: datetime | None
    lease_owner: str | None
    lease_expires_at: datetime | None
    manual_retry: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def new(
        cls,
        account_id: str,
        profile_id: str,
        channel: ChannelKind,
        values: dict[str, Any],
        idempotency_key: str | None,
        now: datetime,
    ) -> Delivery:
        """A report just accepted: pending, due at once, no attempt made."""
        return cls(
            id=sortable_id("dlv"),
            account_id=account_id,
            profile_id=profile_id,
            channel=channel,
            values=values,
            idempotency_key=idempotency_key,
            status=DeliveryStatus.PENDING,
            attempt_count=0,
            next_attempt_at=now,
            lease_owner=None,
            lease_expires_at=None,
            manual_retry=False,
            created_at=now,
            updated_at=now,
        )


class ProfileEventKind(Enum):
    DISABLED = "DISABLED"
    AUTO_DISABLED = "AUTO_DISABLED"
    ENABLED = "ENABLED"
    PAUSED = "PAUSED"
    REPLAYED = "REPLAYED"


@dataclass(frozen=True, slots=True)
class ProfileEvent:
    """Something that happened to a profile as a whole, for the account's operators."""

    id: str
    account_id: str
    profile_id: str
    kind: ProfileEventKind
    # The profile's status once this happened.
    status: ProfileStatus
    reason: str | None
    at: datetime
    paused_until: datetime | None = None
    replayed: int | None = None


@dataclass(frozen=True, slots=True)
class SentRequest:
    """An outgoing request as recorded: secret header values and encrypted values redacted."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str | None


@dataclass(frozen=True, slots=True)
class Attempt:
    id: str
    account_id: str
    profile_id: str | None
    delivery_id: str | None
    channel: ChannelKind
    number: int
    trigger: AttemptTrigger
    outcome: AttemptOutcome
    request: SentRequest
    status_code: int | None
    response_body: str | None
    duration_ms: float
    error: str | None
    started_at: datetime
