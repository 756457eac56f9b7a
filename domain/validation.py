"""Checks of profile input. Each check answers the user errors it found, never raises."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from catalog import BodyFormat, Channel, HttpMethod
from domain import http_fields, numbers, templates
from domain.bounds import (
    ENDPOINT_MAX,
    HEADER_NAME_MAX,
    HEADER_VALUE_MAX,
    HEADERS_MAX,
    RESPONSE_MESSAGE_MAX,
    SECRET_TEXT_MAX,
    TEMPLATE_BYTES_MAX,
    TEMPLATE_DEPTH_MAX,
    TITLE_MAX,
    TITLE_MIN,
    VARIABLE_NAME_MAX,
    VARIABLES_MAX,
)
from domain.drafts import EncryptionDraft, HeaderDraft, TemplateDraft
from domain.errors import ErrorCode, UserError
from domain.models import SecretEncoding

TITLE = re.compile(r"[A-Za-z0-9 _-]+")
# A limit below one callback a minute, or above what one endpoint can be sent, is a mistake.
MAX_PER_SECOND_RANGE = (1 / 60, 10_000.0)


def _error(field: tuple[str, ...], message: str, code: ErrorCode) -> list[UserError]:
    return [UserError(field, message, code)]


def title(value: str) -> list[UserError]:
    text = value.strip()
    where = ("title",)
    if not text:
        return _error(where, "Title is required.", ErrorCode.REQUIRED)
    if len(text) < TITLE_MIN:
        return _error(where, f"Title needs at least {TITLE_MIN} characters.", ErrorCode.TOO_SHORT)
    if len(text) > TITLE_MAX:
        return _error(where, f"Title takes at most {TITLE_MAX} characters.", ErrorCode.TOO_LONG)
    if not TITLE.fullmatch(text):
        return _error(
            where,
            "Title may hold only letters, digits, spaces, hyphens and underscores.",
            ErrorCode.INVALID_CHARACTERS,
        )
    return []


def http_method(channel: Channel, method: HttpMethod) -> list[UserError]:
    if method in channel.allowed_http_methods:
        return []
    allowed = ", ".join(m.value for m in channel.allowed_http_methods)
    return _error(
        ("httpMethod",),
        f"{channel.kind.value} callbacks cannot use {method.value}; allowed: {allowed}.",
        ErrorCode.METHOD_NOT_ALLOWED,
    )


def body_format(channel: Channel, method: HttpMethod, fmt: BodyFormat) -> list[UserError]:
    if fmt not in channel.body_formats:
        allowed = ", ".join(f.value for f in channel.body_formats)
        return _error(
            ("bodyFormat",),
            f"{channel.kind.value} callbacks cannot be sent as {fmt.value}; allowed: {allowed}.",
            ErrorCode.BODY_FORMAT_NOT_ALLOWED,
        )
    if method is HttpMethod.GET and fmt is not BodyFormat.JSON:
        return _error(
            ("bodyFormat",),
            "GET callbacks carry their values in the query string and have no body format.",
            ErrorCode.BODY_FORMAT_NOT_ALLOWED,
        )
    return []


def endpoint(value: str) -> list[UserError]:
    where = ("endpoint",)
    text = value.strip()
    if not text:
        return _error(where, "Endpoint is required.", ErrorCode.REQUIRED)
    if len(text) > ENDPOINT_MAX:
        return _error(
            where, f"Endpoint takes at most {ENDPOINT_MAX} characters.", ErrorCode.TOO_LONG
        )
    if any(c.isspace() or ord(c) < 32 for c in text):
        return _error(
            where, "Endpoint must not contain spaces or control characters.", ErrorCode.INVALID_URL
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return _error(where, "Endpoint is not a valid URL.", ErrorCode.INVALID_URL)
    if parts.scheme not in ("http", "https"):
        return _error(where, "Endpoint must be an http:// or https:// URL.", ErrorCode.INVALID_URL)
    if not parts.hostname:
        return _error(where, "Endpoint must name a host.", ErrorCode.INVALID_URL)
    if port == 0:
        return _error(where, "Endpoint port must be between 1 and 65535.", ErrorCode.INVALID_URL)
    if parts.username is not None or parts.password is not None:
        return _error(
            where,
            "Endpoint must not carry credentials; send them in an Authorization header "
            "marked secret.",
            ErrorCode.INVALID_URL,
        )
    if parts.fragment:
        return _error(where, "Endpoint must not have a #fragment.", ErrorCode.INVALID_URL)
    return []


def headers(items: tuple[HeaderDraft, ...]) -> list[UserError]:
    if len(items) > HEADERS_MAX:
        return _error(("headers",), f"At most {HEADERS_MAX} headers.", ErrorCode.TOO_MANY)
    errors: list[UserError] = []
    seen: set[str] = set()
    for i, h in enumerate(items):
        where = ("headers", str(i))
        lowered = h.name.lower()
        if len(h.name) > HEADER_NAME_MAX:
            errors += _error(
                (*where, "name"),
                f"Header names take at most {HEADER_NAME_MAX} characters.",
                ErrorCode.TOO_LONG,
            )
        elif not http_fields.is_name(h.name):
            errors += _error(
                (*where, "name"),
                f"Header name {h.name!r} is not a valid HTTP header name "
                f"({http_fields.NAME_RULE}).",
                ErrorCode.INVALID_HEADER,
            )
        elif lowered in http_fields.RESERVED:
            errors += _error(
                (*where, "name"),
                f"Header {h.name} is set by callbackd itself and cannot be configured.",
                ErrorCode.INVALID_HEADER,
            )
        elif lowered in seen:
            errors += _error(
                (*where, "name"), f"Header {h.name} is given twice.", ErrorCode.INVALID_HEADER
            )
        seen.add(lowered)
        if len(h.value) > HEADER_VALUE_MAX:
            errors += _error(
                (*where, "value"),
                f"Header values take at most {HEADER_VALUE_MAX} characters.",
                ErrorCode.TOO_LONG,
            )
        elif not http_fields.is_value(h.value):
            # The value itself is not repeated: it may be a secret.
            named = h.name if http_fields.is_name(h.name) else f"number {i + 1}"
            errors += _error(
                (*where, "value"),
                f"Header {named} value may hold {http_fields.VALUE_RULE}.",
                ErrorCode.INVALID_HEADER,
            )
    return errors


def _valid_names(channel: Channel) -> str:
    return ", ".join(channel.variable_names)


@dataclass(frozen=True, slots=True)
class CheckedTemplate:
    variables: tuple[str, ...]
    template: templates.Template


def template(
    channel: Channel, method: HttpMethod, fmt: BodyFormat, draft: TemplateDraft
) -> tuple[CheckedTemplate | None, list[UserError]]:
    """Resolves selected variables and an optional own template into one checked template."""
    selected = draft.variables or ()
    if len(selected) > VARIABLES_MAX:
        return None, _error(
            ("variables",), f"Select at most {VARIABLES_MAX} variables.", ErrorCode.TOO_MANY
        )
    errors: list[UserError] = []
    for i, name in enumerate(selected):
        if len(name) > VARIABLE_NAME_MAX:
            errors += _error(
                ("variables", str(i)),
                f"Variable names take at most {VARIABLE_NAME_MAX} characters.",
                ErrorCode.TOO_LONG,
            )
        elif channel.variable(name) is None:
            errors += _error(
                ("variables", str(i)),
                f"Unknown {channel.kind.value} variable {name!r}; valid: {_valid_names(channel)}.",
                ErrorCode.UNKNOWN_VARIABLE,
            )
    if len(set(selected)) != len(selected):
        errors += _error(("variables",), "A variable is selected twice.", ErrorCode.INVALID_VALUE)
    if draft.body_template is None:
        if not selected:
            errors += _error(
                ("variables",),
                "Select at least one variable or give a bodyTemplate.",
                ErrorCode.REQUIRED,
            )
        if errors:
            return None, errors
        return CheckedTemplate(tuple(selected), templates.generate(tuple(selected))), []
    return _own_template(channel, method, fmt, selected, draft.body_template, errors)


def _own_template(
    channel: Channel,
    method: HttpMethod,
    fmt: BodyFormat,
    selected: tuple[str, ...],
    given: Any,
    errors: list[UserError],
) -> tuple[CheckedTemplate | None, list[UserError]]:
    where = ("bodyTemplate",)
    if not isinstance(given, dict) or not given:
        return None, [
            *errors,
            *_error(
                where, "bodyTemplate must be a non-empty JSON object.", ErrorCode.INVALID_TEMPLATE
            ),
        ]
    # Depth first: measuring the size writes the template out, which a deep one would not
    # survive.
    if templates.depth(given) > TEMPLATE_DEPTH_MAX:
        return None, [
            *errors,
            *_error(
                where,
                f"bodyTemplate nests at most {TEMPLATE_DEPTH_MAX} levels.",
                ErrorCode.INVALID_TEMPLATE,
            ),
        ]
    if templates.size(given) > TEMPLATE_BYTES_MAX:
        return None, [
            *errors,
            *_error(
                where,
                f"bodyTemplate takes at most {TEMPLATE_BYTES_MAX} bytes.",
                ErrorCode.TOO_LONG,
            ),
        ]
    if templates.unstorable_number(given) is not None:
        return None, [
            *errors,
            *_error(
                where,
                f"bodyTemplate numbers must each be {numbers.RANGE}.",
                ErrorCode.INVALID_VALUE,
            ),
        ]
    if (method is HttpMethod.GET or fmt is not BodyFormat.JSON) and not templates.is_flat(given):
        return None, [
            *errors,
            *_error(
                where,
                "Query-string and form templates must be flat: no nested objects or lists.",
                ErrorCode.INVALID_TEMPLATE,
            ),
        ]
    used = templates.placeholders(given)
    unknown = [name for name in used if channel.variable(name) is None]
    errors += [
        UserError(
            where,
            f"Unknown placeholder <{name}>; valid: "
            + ", ".join(v.placeholder for v in channel.variables)
            + ".",
            ErrorCode.UNKNOWN_PLACEHOLDER,
        )
        for name in unknown
    ]
    unused = [name for name in selected if name not in used]
    if unused:
        errors += _error(
            ("variables",),
            "Selected variables missing from bodyTemplate: " + ", ".join(unused) + ".",
            ErrorCode.INVALID_TEMPLATE,
        )
    if not used and not errors:
        errors += _error(where, "bodyTemplate uses no placeholder.", ErrorCode.INVALID_TEMPLATE)
    if errors:
        return None, errors
    return CheckedTemplate(tuple(used), given), []


def _decode(text: str, encoding: SecretEncoding) -> bytes | None:
    try:
        if encoding is SecretEncoding.HEX:
            return bytes.fromhex(text)
        if encoding is SecretEncoding.BASE64:
            return base64.b64decode(text, validate=True)
        return text.encode()
    except (ValueError, binascii.Error):
        return None


def encryption(draft: EncryptionDraft, variables: tuple[str, ...]) -> list[UserError]:
    errors: list[UserError] = []
    for name, label, text in (("key", "Key", draft.key), ("iv", "IV", draft.iv)):
        if len(text) > SECRET_TEXT_MAX:
            errors += _error(
                ("encryption", name),
                f"{label} takes at most {SECRET_TEXT_MAX} characters as written.",
                ErrorCode.TOO_LONG,
            )
    if len(draft.parameters) > VARIABLES_MAX:
        errors += _error(
            ("encryption", "parameters"),
            f"Encrypt at most {VARIABLES_MAX} parameters.",
            ErrorCode.TOO_MANY,
        )
    if errors:
        return errors
    want = draft.algorithm.key_bytes
    key = _decode(draft.key, draft.key_encoding)
    if key is None:
        errors += _error(
            ("encryption", "key"),
            f"Key is not valid {draft.key_encoding.value.lower()}.",
            ErrorCode.INVALID_KEY,
        )
    elif len(key) != want:
        errors += _error(
            ("encryption", "key"),
            f"{draft.algorithm.value} needs a {want}-byte key; this one is {len(key)} bytes.",
            ErrorCode.INVALID_KEY,
        )
    iv = _decode(draft.iv, draft.iv_encoding)
    sizes = (16,) if draft.algorithm.mode == "CFB" else (12, 16)
    if iv is None:
        errors += _error(
            ("encryption", "iv"),
            f"IV is not valid {draft.iv_encoding.value.lower()}.",
            ErrorCode.INVALID_IV,
        )
    elif len(iv) not in sizes:
        allowed = " or ".join(str(s) for s in sizes)
        errors += _error(
            ("encryption", "iv"),
            f"{draft.algorithm.value} needs a {allowed}-byte IV; this one is {len(iv)} bytes.",
            ErrorCode.INVALID_IV,
        )
    for i, name in enumerate(draft.parameters):
        if name not in variables:
            errors += _error(
                ("encryption", "parameters", str(i)),
                f"{name!r} is not a variable of this profile; choose from: "
                + ", ".join(variables)
                + ".",
                ErrorCode.UNKNOWN_VARIABLE,
            )
    return errors


def decoded_key_and_iv(draft: EncryptionDraft) -> tuple[bytes, bytes]:
    """The raw key and IV of a draft that passed `encryption`."""
    key = _decode(draft.key, draft.key_encoding)
    iv = _decode(draft.iv, draft.iv_encoding)
    assert key is not None and iv is not None
    return key, iv


def max_per_second(value: float | None, field: tuple[str, ...]) -> list[UserError]:
    low, high = MAX_PER_SECOND_RANGE
    if value is None or low <= value <= high:
        return []
    return _error(
        field,
        f"maxPerSecond takes {low:.4f} (one a minute) to {high:g}, or null for no limit.",
        ErrorCode.INVALID_VALUE,
    )


def response_message(channel: Channel, value: str | None) -> list[UserError]:
    if value is None:
        return []
    where = ("responseMessage",)
    if not channel.supports_response_message:
        return _error(
            where,
            f"{channel.kind.value} profiles do not support a response message.",
            ErrorCode.NOT_SUPPORTED,
        )
    if not value.strip():
        return _error(where, "Response message must not be blank.", ErrorCode.REQUIRED)
    if len(value) > RESPONSE_MESSAGE_MAX:
        return _error(
            where,
            f"Response message takes at most {RESPONSE_MESSAGE_MAX} characters.",
            ErrorCode.TOO_LONG,
        )
    return []
