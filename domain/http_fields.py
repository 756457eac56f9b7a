"""HTTP field syntax (RFC 9110, section 5): which header names and values can be sent."""

from __future__ import annotations

_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)
# Visible ASCII (VCHAR), and space and tab between them. RFC 9110 also tolerates obs-text
# (bytes 0x80-0xFF), but no character set is agreed for them, so text such as 日本 has no one
# right encoding on the wire.
_VALUE_CHARS = frozenset(chr(c) for c in range(0x21, 0x7F)) | {" ", "\t"}

# Headers callbackd writes on callbacks itself; delivery.render sets exactly these.
SET_BY_CALLBACKD = (
    "user-agent",
    "content-type",
    "callbackd-delivery-id",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
)
# Headers the HTTP transport owns.
SET_BY_TRANSPORT = ("host", "content-length", "transfer-encoding", "connection")
# What a profile may not set: sent twice, or breaking the transport or the signature.
RESERVED = frozenset(SET_BY_CALLBACKD + SET_BY_TRANSPORT)

NAME_RULE = "letters, digits and !#$%&'*+-.^_`|~ only"
VALUE_RULE = (
    "visible ASCII characters only, with spaces or tabs between them "
    "(RFC 9110): no control characters, no non-ASCII text, no leading or trailing space"
)


def is_name(text: str) -> bool:
    return bool(text) and all(c in _TOKEN_CHARS for c in text)


def is_value(text: str) -> bool:
    return all(c in _VALUE_CHARS for c in text) and text == text.strip(" \t")
