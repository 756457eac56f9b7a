"""GraphQL enums, each the domain's own enum with API descriptions."""

from __future__ import annotations

import strawberry

from catalog import BodyFormat, ChannelKind, HttpMethod, ValueType
from domain.errors import ErrorCode
from domain.models import (
    AttemptOutcome,
    AttemptTrigger,
    DeliveryStatus,
    EncryptionAlgorithm,
    SecretEncoding,
)

ChannelKindEnum = strawberry.enum(
    ChannelKind,
    name="ChannelKind",
    description="A messaging channel. VOICE and WHATSAPP are known to the platform but not yet "
    "delivered by this server: `channels` lists those that take callback profiles.",
)
HttpMethodEnum = strawberry.enum(
    HttpMethod,
    name="HttpMethod",
    description="HTTP method of callbacks; each channel allows only some (see Channel).",
)
BodyFormatEnum = strawberry.enum(
    BodyFormat,
    name="BodyFormat",
    description="How a POST callback body is encoded: JSON, multipart form data or "
    "application/x-www-form-urlencoded.",
)
VariableTypeEnum = strawberry.enum(
    ValueType,
    name="VariableType",
    description="Value type of a dynamic variable. BOOLEAN is sent as 1 or 0; ENUM takes one "
    "of allowedValues; DATETIME is a date-time text.",
)
EncryptionAlgorithmEnum = strawberry.enum(
    EncryptionAlgorithm,
    name="EncryptionAlgorithm",
    description="AES with a 128-, 192- or 256-bit key in CFB (CFB128) or GCM mode. A parameter's "
    "value on the wire is standard base64 of the ciphertext (GCM: ciphertext followed by the "
    "16-byte tag, no additional data); with randomIv the fresh IV comes first.",
)
SecretEncodingEnum = strawberry.enum(
    SecretEncoding,
    name="SecretEncoding",
    description="How a key or IV is written: TEXT (its UTF-8 bytes, as OpenSSL-based "
    "libraries take them), HEX or BASE64.",
)
DeliveryStatusEnum = strawberry.enum(
    DeliveryStatus,
    name="DeliveryStatus",
    description="Where a delivery stands: waiting, being sent, done, failed after its last "
    "attempt, or cancelled because its profile was deleted.",
)
AttemptTriggerEnum = strawberry.enum(
    AttemptTrigger,
    name="AttemptTrigger",
    description="What caused an attempt: a profile test, a status event, an automatic retry or "
    "a manual retry.",
)
AttemptOutcomeEnum = strawberry.enum(
    AttemptOutcome,
    name="AttemptOutcome",
    description="How an attempt ended. UNEXPECTED_RESPONSE: a 2xx answer without the profile's "
    "response message; BLOCKED: the endpoint resolves to an address the server may not reach; "
    "INVALID_REQUEST: the profile and values made no request that can be sent (a header that "
    "is not valid HTTP, a template that cannot be filled, a key that no longer opens), so "
    "nothing was sent; retried like a connection error; "
    "LOST: the process sending it stopped before recording how it ended, so the delivery was "
    "sent again as the next attempt.",
)
UserErrorCodeEnum = strawberry.enum(
    ErrorCode,
    name="UserErrorCode",
    description="Stable code of a user error, for clients to branch on.",
)
