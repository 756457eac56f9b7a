"""GraphQL enums, each the domain's own enum with API descriptions of it and of every value."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry
from strawberry.types.enum import has_enum_definition

from catalog import BodyFormat, ChannelKind, HttpMethod, ValueType
from domain.errors import ErrorCode
from domain.models import (
    AttemptOutcome,
    AttemptTrigger,
    DeliveryStatus,
    EncryptionAlgorithm,
    SecretEncoding,
)

E = TypeVar("E", bound=Enum)


def _graphql_enum(cls: type[E], name: str, description: str, values: Mapping[E, str]) -> type[E]:
    """`cls` as the GraphQL enum `name`. The domain imports nothing from Strawberry, so its
    members cannot be `strawberry.enum_value`s; their descriptions go on the definition
    `strawberry.enum` builds instead. A value missing from `values` has none, which
    tests/test_schema.py reports."""
    graphql_enum = strawberry.enum(cls, name=name, description=description)
    if not has_enum_definition(graphql_enum):
        raise TypeError(f"strawberry.enum gave {cls.__name__} no enum definition")
    definition = graphql_enum.__strawberry_definition__
    definition.values = [
        dataclasses.replace(value, description=values.get(cls[value.name]))
        for value in definition.values
    ]
    return cls


ChannelKindEnum = _graphql_enum(
    ChannelKind,
    "ChannelKind",
    "A messaging channel. VOICE and WHATSAPP are known to the platform but not yet "
    "delivered by this server: `channels` lists those that take callback profiles.",
    {
        ChannelKind.SMS: "Text messages; takes callback profiles.",
        ChannelKind.EMAIL: "Emails; takes callback profiles.",
        ChannelKind.VOICE: "Voice calls; takes no callback profiles yet.",
        ChannelKind.WHATSAPP: "WhatsApp messages; takes no callback profiles yet.",
    },
)
HttpMethodEnum = _graphql_enum(
    HttpMethod,
    "HttpMethod",
    "HTTP method of callbacks; each channel allows only some (see Channel).",
    {
        HttpMethod.GET: "Values go in the endpoint's query string; no body.",
        HttpMethod.POST: "Values go in the body, encoded as the profile's bodyFormat says.",
        HttpMethod.PUT: "Offered by the profile form; no channel allows it yet.",
        HttpMethod.DELETE: "Offered by the profile form; no channel allows it yet.",
    },
)
BodyFormatEnum = _graphql_enum(
    BodyFormat,
    "BodyFormat",
    "How a POST callback body is encoded: JSON, multipart form data or "
    "application/x-www-form-urlencoded.",
    {
        BodyFormat.JSON: "application/json: the template filled in, nesting kept.",
        BodyFormat.FORM_DATA: "multipart/form-data: one part per pair of a flat template.",
        BodyFormat.URLENCODED: "application/x-www-form-urlencoded: the pairs of a flat "
        "template, as in a query string.",
    },
)
VariableTypeEnum = _graphql_enum(
    ValueType,
    "VariableType",
    "Value type of a dynamic variable. BOOLEAN is sent as 1 or 0; ENUM takes one "
    "of allowedValues; DATETIME is a date-time text.",
    {
        ValueType.STRING: "Text of at most 2,000 characters; numbers are taken as their text.",
        ValueType.INTEGER: 'A whole number, or its text such as "42".',
        ValueType.NUMBER: 'A finite number, or its text such as "0.05".',
        ValueType.BOOLEAN: 'Sent as 1 or 0; takes true, false, 1, 0, "1", "0", "true" and "false".',
        ValueType.DATETIME: "An ISO 8601 date-time text such as 2023-05-17 12:05:14; sent as "
        "given.",
        ValueType.ENUM: "One of the variable's allowedValues, matched without regard to case "
        "and sent as listed there.",
    },
)
EncryptionAlgorithmEnum = _graphql_enum(
    EncryptionAlgorithm,
    "EncryptionAlgorithm",
    "AES with a 128-, 192- or 256-bit key in CFB (CFB128) or GCM mode. A parameter's "
    "value on the wire is standard base64 of the ciphertext (GCM: ciphertext followed by the "
    "16-byte tag, no additional data); with randomIv the fresh IV comes first.",
    {
        EncryptionAlgorithm.AES_128_CFB: "AES-128 in CFB mode: a 16-byte key and a 16-byte IV.",
        EncryptionAlgorithm.AES_192_CFB: "AES-192 in CFB mode: a 24-byte key and a 16-byte IV.",
        EncryptionAlgorithm.AES_256_CFB: "AES-256 in CFB mode: a 32-byte key and a 16-byte IV.",
        EncryptionAlgorithm.AES_128_GCM: "AES-128 in GCM mode: a 16-byte key and a 12- or "
        "16-byte IV.",
        EncryptionAlgorithm.AES_192_GCM: "AES-192 in GCM mode: a 24-byte key and a 12- or "
        "16-byte IV.",
        EncryptionAlgorithm.AES_256_GCM: "AES-256 in GCM mode: a 32-byte key and a 12- or "
        "16-byte IV.",
    },
)
SecretEncodingEnum = _graphql_enum(
    SecretEncoding,
    "SecretEncoding",
    "How a key or IV is written: TEXT (its UTF-8 bytes, as OpenSSL-based "
    "libraries take them), HEX or BASE64.",
    {
        SecretEncoding.TEXT: "The UTF-8 bytes of the text are the key or IV.",
        SecretEncoding.HEX: "Hexadecimal digits, two per byte.",
        SecretEncoding.BASE64: "Standard base64, with padding.",
    },
)
DeliveryStatusEnum = _graphql_enum(
    DeliveryStatus,
    "DeliveryStatus",
    "Where a delivery stands: waiting, being sent, done, failed after its last "
    "attempt, or cancelled because its profile was deleted.",
    {
        DeliveryStatus.PENDING: "Waiting for its next attempt, due at nextAttemptAt.",
        DeliveryStatus.DELIVERING: "An attempt is being sent now.",
        DeliveryStatus.SUCCEEDED: "The endpoint accepted it; no more attempts.",
        DeliveryStatus.FAILED: "Its last attempt failed and no retry is left or allowed; "
        "retryDelivery queues it again.",
        DeliveryStatus.CANCELLED: "Its profile was deleted before it succeeded; no more attempts.",
    },
)
AttemptTriggerEnum = _graphql_enum(
    AttemptTrigger,
    "AttemptTrigger",
    "What caused an attempt: a profile test, a status event, an automatic retry or a manual retry.",
    {
        AttemptTrigger.TEST: "testCallbackProfile; belongs to no delivery.",
        AttemptTrigger.EVENT: "The first attempt of a delivery, after publishStatusEvents.",
        AttemptTrigger.RETRY: "An automatic retry after a failed attempt.",
        AttemptTrigger.MANUAL: (
            "An attempt of a delivery queued again by retryDelivery or replayDeliveries."
        ),
    },
)
AttemptOutcomeEnum = _graphql_enum(
    AttemptOutcome,
    "AttemptOutcome",
    "How an attempt ended.",
    {
        AttemptOutcome.SUCCEEDED: "A 2xx answer (containing the response message, when the "
        "profile has one).",
        AttemptOutcome.HTTP_ERROR: "An answer outside 2xx; see statusCode. 408, 429 and 5xx "
        "are retried, other codes are not.",
        AttemptOutcome.UNEXPECTED_RESPONSE: "A 2xx answer without the profile's response "
        "message; retried.",
        AttemptOutcome.TIMEOUT: "No complete answer within the request timeout; retried.",
        AttemptOutcome.CONNECTION_ERROR: "No connection, or it broke before an answer; retried.",
        AttemptOutcome.BLOCKED: "The endpoint resolves to an address the server may not "
        "reach; not sent, not retried.",
        AttemptOutcome.INVALID_REQUEST: "The profile and values made no request that can be "
        "sent (a header that is not valid HTTP, a template that cannot be filled, a key that "
        "no longer opens), so nothing went out; retried like a connection error.",
        AttemptOutcome.LOST: "The process sending it stopped before recording how it ended; "
        "the delivery was sent again as the next attempt.",
        AttemptOutcome.AUTH_FAILED: "The profile's authentication could not be applied: no "
        "token from its token URL (statusCode and responseBody are then the token endpoint's) "
        "or a credential that no longer opens. Nothing went out; retried.",
    },
)
UserErrorCodeEnum = _graphql_enum(
    ErrorCode,
    "UserErrorCode",
    "Stable code of a user error, for clients to branch on.",
    {
        ErrorCode.REQUIRED: "A value is missing or blank.",
        ErrorCode.TOO_SHORT: "A text is shorter than allowed.",
        ErrorCode.TOO_LONG: "A text or template is longer than allowed.",
        ErrorCode.INVALID_CHARACTERS: "A text holds characters it may not.",
        ErrorCode.UNKNOWN_CHANNEL: "The channel takes no callback profiles.",
        ErrorCode.METHOD_NOT_ALLOWED: "The channel does not allow this HTTP method.",
        ErrorCode.BODY_FORMAT_NOT_ALLOWED: "The channel or method does not allow this body format.",
        ErrorCode.INVALID_URL: "The endpoint is not an http(s) URL callbacks can go to.",
        ErrorCode.UNKNOWN_VARIABLE: "A name is not a variable of the channel, or of the profile.",
        ErrorCode.UNKNOWN_PLACEHOLDER: "The template names a placeholder the channel does not "
        "have.",
        ErrorCode.INVALID_TEMPLATE: "The template is not a usable template (not an object, "
        "too deep, not flat, or without placeholders).",
        ErrorCode.NOT_SUPPORTED: "The channel does not support this setting.",
        ErrorCode.INVALID_KEY: "The encryption key is not in its encoding or has the wrong length.",
        ErrorCode.INVALID_IV: "The IV is not in its encoding or has the wrong length.",
        ErrorCode.INVALID_HEADER: "A header name or value cannot be sent, is reserved, or is "
        "given twice.",
        ErrorCode.INVALID_VALUE: "A value does not have the type or form the field needs.",
        ErrorCode.TOO_MANY: "More items than allowed in one call or one profile.",
        ErrorCode.NOT_FOUND: "No object of the caller's account has this id.",
        ErrorCode.CONFLICT: "The object is not in a state that allows this change, or "
        "changed meanwhile; read it again.",
        ErrorCode.LAST_KEY: "The API key is the account's last active one, so it cannot be "
        "revoked; create another first.",
        ErrorCode.ALREADY_REVOKED: "The API key is revoked already.",
        ErrorCode.PROFILE_NOT_ACTIVE: "The callback profile is disabled or auto-disabled; "
        "enable it with enableCallbackProfile first.",
    },
)
