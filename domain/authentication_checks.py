"""Checks of authentication input, and sealing it into the stored record. Checks answer the
user errors they found, with paths relative to the authentication input, never raise."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from domain import validation
from domain.authentication import (
    DEFAULT_EXPIRES_IN_FIELD,
    DEFAULT_TOKEN_FIELD,
    Authentication,
    AuthenticationDraft,
    CallbackAuthType,
    TokenCredentials,
    TokenMethod,
    TokenSettings,
)
from domain.bounds import CREDENTIAL_MAX, ENDPOINT_MAX, FIELD_PATH_MAX
from domain.errors import ErrorCode, UserError
from domain.models import Header
from domain.secretbox import SecretBox

# Dot-separated keys; a key of digits also indexes a list.
FIELD_PATH = re.compile(r"^[^.\s]+(\.[^.\s]+)*$")

_BASIC_FIELDS = ("username", "password")
_TOKEN_FIELDS = (
    "tokenUrl",
    "tokenMethod",
    "credentials",
    "clientId",
    "clientSecret",
    "tokenField",
    "expiresInField",
    "headers",
)


def _given(draft: AuthenticationDraft) -> dict[str, object]:
    return {
        "username": draft.username,
        "password": draft.password,
        "tokenUrl": draft.token_url,
        "tokenMethod": draft.token_method,
        "credentials": draft.credentials,
        "clientId": draft.client_id,
        "clientSecret": draft.client_secret,
        "tokenField": draft.token_field,
        "expiresInField": draft.expires_in_field,
        "headers": draft.headers,
    }


def _credential(field: str, value: str | None, label: str) -> list[UserError]:
    if not value:
        return [UserError((field,), f"{label} is required.", ErrorCode.REQUIRED)]
    if len(value) > CREDENTIAL_MAX:
        return [
            UserError(
                (field,), f"{label} takes at most {CREDENTIAL_MAX} characters.", ErrorCode.TOO_LONG
            )
        ]
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return [
            UserError(
                (field,), f"{label} must not contain control characters.", ErrorCode.INVALID_VALUE
            )
        ]
    return []


def _token_url(value: str | None) -> list[UserError]:
    where = ("tokenUrl",)
    text = (value or "").strip()
    if not text:
        return [UserError(where, "Token URL is required.", ErrorCode.REQUIRED)]
    if len(text) > ENDPOINT_MAX:
        return [
            UserError(
                where, f"Token URL takes at most {ENDPOINT_MAX} characters.", ErrorCode.TOO_LONG
            )
        ]
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return [UserError(where, "Token URL is not a valid URL.", ErrorCode.INVALID_URL)]
    problem = None
    if any(c.isspace() or ord(c) < 32 for c in text):
        problem = "Token URL must not contain spaces or control characters."
    elif parts.scheme not in ("http", "https"):
        problem = "Token URL must be an http:// or https:// URL."
    elif not parts.hostname or port == 0:
        problem = "Token URL must name a host and a port between 1 and 65535."
    elif parts.username is not None or parts.password is not None:
        problem = "Token URL must not carry credentials; give clientId and clientSecret."
    elif parts.fragment:
        problem = "Token URL must not have a #fragment."
    return [] if problem is None else [UserError(where, problem, ErrorCode.INVALID_URL)]


def _field_path(field: str, value: str | None) -> list[UserError]:
    if value is None:
        return []
    if len(value) > FIELD_PATH_MAX:
        return [
            UserError(
                (field,),
                f"A field path takes at most {FIELD_PATH_MAX} characters.",
                ErrorCode.TOO_LONG,
            )
        ]
    if not FIELD_PATH.match(value):
        return [
            UserError(
                (field,),
                f"{value!r} is not a dotted path such as `access_token` or `data.token`.",
                ErrorCode.INVALID_VALUE,
            )
        ]
    return []


def _token(draft: AuthenticationDraft) -> list[UserError]:
    errors = [
        *_token_url(draft.token_url),
        *_credential("clientId", draft.client_id, "Client id"),
        *_credential("clientSecret", draft.client_secret, "Client secret"),
        *_field_path("tokenField", draft.token_field),
        *_field_path("expiresInField", draft.expires_in_field),
    ]
    if (
        draft.method is TokenMethod.GET
        and draft.credentials_in is not TokenCredentials.BASIC_HEADER
    ):
        errors.append(
            UserError(
                ("credentials",),
                "A GET token request has no body: send the credentials as BASIC_HEADER.",
                ErrorCode.NOT_SUPPORTED,
            )
        )
    headers = draft.headers or ()
    errors += validation.headers(headers)
    if draft.credentials_in is TokenCredentials.BASIC_HEADER:
        errors += [
            UserError(
                ("headers", str(i), "name"),
                "The token request's Authorization header carries the client credentials.",
                ErrorCode.CONFLICT,
            )
            for i, h in enumerate(headers)
            if h.name.lower() == "authorization"
        ]
    return errors


def check(draft: AuthenticationDraft, profile_headers: Iterable[str]) -> list[UserError]:
    """Checks `draft` for a profile whose own headers have the names `profile_headers`."""
    if draft.type is CallbackAuthType.NONE:
        own: tuple[str, ...] = ()
    elif draft.type is CallbackAuthType.BASIC:
        own = _BASIC_FIELDS
    else:
        own = _TOKEN_FIELDS
    errors = [
        UserError(
            (name,),
            f"{name} does not apply to {draft.type.value} authentication.",
            ErrorCode.NOT_SUPPORTED,
        )
        for name, value in _given(draft).items()
        if value not in (None, "", ()) and name not in own
    ]
    if draft.type is CallbackAuthType.NONE:
        return errors
    if any(name.lower() == "authorization" for name in profile_headers):
        errors.append(
            UserError(
                ("type",),
                f"{draft.type.value} authentication sets the Authorization header, which the "
                "profile's headers already set; remove that header first.",
                ErrorCode.CONFLICT,
            )
        )
    if draft.type is CallbackAuthType.BASIC:
        errors += _credential("username", draft.username, "Username")
        if draft.username and ":" in draft.username:
            errors.append(
                UserError(
                    ("username",),
                    "A Basic username must not contain a colon.",
                    ErrorCode.INVALID_CHARACTERS,
                )
            )
        errors += _credential("password", draft.password, "Password")
        return errors
    return errors + _token(draft)


def seal(draft: AuthenticationDraft, box: SecretBox) -> Authentication | None:
    """The stored form of a draft that passed `check`; None for no authentication."""
    if draft.type is CallbackAuthType.NONE:
        return None
    if draft.type is CallbackAuthType.BASIC:
        assert draft.username is not None and draft.password is not None
        return Authentication(
            draft.type, username=draft.username, sealed_password=box.seal(draft.password)
        )
    assert draft.token_url and draft.client_id and draft.client_secret
    return Authentication(
        draft.type,
        token=TokenSettings(
            url=draft.token_url.strip(),
            method=draft.method,
            credentials=draft.credentials_in,
            client_id=draft.client_id,
            sealed_client_secret=box.seal(draft.client_secret),
            token_field=draft.token_field or DEFAULT_TOKEN_FIELD,
            expires_in_field=draft.expires_in_field or DEFAULT_EXPIRES_IN_FIELD,
            headers=tuple(
                Header(h.name, box.seal(h.value) if h.secret else h.value, h.secret)
                for h in draft.headers or ()
            ),
        ),
    )
