"""Turns a profile and a report's values into the HTTP request to send, and the copy of it
to record (secret header values redacted)."""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from catalog import BodyFormat, HttpMethod, NotInCatalog, channel_of
from delivery.encryption import encrypt_value
from delivery.signing import signature
from domain import http_fields, templates, validation
from domain.models import Profile, SentRequest
from domain.secretbox import SecretBox

REDACTED = "[redacted]"
USER_AGENT = "callbackd/0.1"


class Unrenderable(Exception):
    """The profile and values make no request that can be sent. The message says which part
    failed and never holds a secret."""


@contextlib.contextmanager
def _failing_as(part: str) -> Iterator[None]:
    # Profiles are checked when written, but a stored one may still fail here: written by an
    # older version, its secrets sealed with a key since replaced, or planted in the store.
    # Whatever fails becomes an attempt that names the part, never a loop of crashed sends.
    try:
        yield
    except Unrenderable:
        raise
    except Exception as exc:
        raise Unrenderable(f"{part} failed ({type(exc).__name__})") from exc


def _open(box: SecretBox, sealed: str, what: str) -> str:
    try:
        return box.open(sealed)
    except ValueError as exc:
        # SecretBox says why in words of its own, which hold nothing secret.
        raise Unrenderable(f"{what} cannot be opened: {exc}") from exc


def _endpoint(endpoint: str) -> None:
    if refused := validation.endpoint(endpoint):
        raise Unrenderable(f"the endpoint is refused: {refused[0].message}")


def _header(position: int, name: str, value: str) -> None:
    if not http_fields.is_name(name):
        raise Unrenderable(f"header {position} has a name that is not an HTTP token")
    if not http_fields.is_value(value):
        raise Unrenderable(f"header {name} value must hold {http_fields.VALUE_RULE}")


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes
    recorded: SentRequest


def _encrypt(profile: Profile, box: SecretBox, values: Mapping[str, Any]) -> dict[str, Any]:
    enc = profile.encryption
    if enc is None:
        return dict(values)
    key = base64.b64decode(_open(box, enc.sealed_key, "the encryption key"))
    iv = base64.b64decode(_open(box, enc.sealed_iv, "the encryption IV"))
    chosen = enc.parameters or profile.variables
    return {
        name: encrypt_value(enc.algorithm, key, iv, templates.text_form(value), enc.random_iv)
        if name in chosen and value is not None
        else value
        for name, value in values.items()
    }


def _with_query(endpoint: str, pairs: dict[str, Any]) -> str:
    parts = urlsplit(endpoint)
    extra = urlencode([(k, templates.text_form(v)) for k, v in pairs.items()])
    query = f"{parts.query}&{extra}" if parts.query and extra else parts.query or extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _multipart(fields: dict[str, Any]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    chunks = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{templates.text_form(value)}\r\n"
        for name, value in fields.items()
    ]
    body = "".join(chunks) + f"--{boundary}--\r\n"
    return body.encode(), f"multipart/form-data; boundary={boundary}"


def render(
    profile: Profile,
    values: Mapping[str, Any],
    box: SecretBox,
    message_id: str,
    timestamp: int | None = None,
) -> Request:
    """The request to send; raises Unrenderable when the profile and values make none."""
    try:
        channel = channel_of(profile.channel)
    except NotInCatalog:
        raise Unrenderable(f"channel {profile.channel.value} is not in the catalog") from None
    _endpoint(profile.endpoint)
    with _failing_as("encrypting the values"):
        encrypted = _encrypt(profile, box, values)
    with _failing_as("filling the body template"):
        filled = templates.fill(profile.body_template, encrypted, channel)
    url, body, content_type = profile.endpoint, b"", None
    with _failing_as("writing the query string or body"):
        if profile.http_method is HttpMethod.GET:
            url = _with_query(profile.endpoint, filled)
        elif profile.body_format is BodyFormat.URLENCODED:
            body = urlencode([(k, templates.text_form(v)) for k, v in filled.items()]).encode()
            content_type = "application/x-www-form-urlencoded"
        elif profile.body_format is BodyFormat.FORM_DATA:
            body, content_type = _multipart(filled)
        else:
            body = json.dumps(
                filled, separators=(",", ":"), ensure_ascii=False, allow_nan=False
            ).encode()
            content_type = "application/json"
    sent_at = int(time.time()) if timestamp is None else timestamp
    signing = [
        _open(box, s.sealed, "a signing secret")
        for s in profile.sealed_signing_secrets
        if s.expires_at is None or s.expires_at.timestamp() > sent_at
    ]
    wire: list[tuple[str, str]] = [("user-agent", USER_AGENT)]
    shown: list[tuple[str, str]] = list(wire)
    for position, h in enumerate(profile.headers, start=1):
        value = _open(box, h.value, f"the value of header {position}") if h.secret else h.value
        _header(position, h.name, value)
        wire.append((h.name, value))
        shown.append((h.name, REDACTED if h.secret else h.value))
    standard = [
        ("callbackd-delivery-id", message_id),
        ("webhook-id", message_id),
        ("webhook-timestamp", str(sent_at)),
    ]
    if content_type:
        standard.insert(0, ("content-type", content_type))
    with _failing_as("signing the body"):
        if signing:
            standard.append(("webhook-signature", signature(signing, message_id, sent_at, body)))
    wire += standard
    shown += standard
    return Request(
        method=profile.http_method.value,
        url=url,
        headers=wire,
        body=body,
        recorded=SentRequest(
            method=profile.http_method.value,
            url=url,
            headers=tuple(shown),
            body=body.decode(errors="replace") if body else None,
        ),
    )
