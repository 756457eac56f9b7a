"""Every bound on what callers may send, in one place; README.md ("Limits") lists them.

Each keeps one input small enough to check, store and send without surprise: a value beyond
it is refused where it enters, never stored.
"""

from __future__ import annotations

TITLE_MIN = 3
TITLE_MAX = 100
ENDPOINT_MAX = 2048
HEADERS_MAX = 30
HEADER_NAME_MAX = 256
HEADER_VALUE_MAX = 4096
RESPONSE_MESSAGE_MAX = 500
# A channel has some twenty variables; the lists and objects naming them need few more.
VARIABLES_MAX = 50
VARIABLE_NAME_MAX = 64
TEMPLATE_BYTES_MAX = 16_384
TEMPLATE_DEPTH_MAX = 8
# Key and IV as written: 32 bytes are 64 hex digits or 44 base64 characters.
SECRET_TEXT_MAX = 128
# Basic usernames and passwords, OAuth client ids and secrets, as customers' systems issue them.
CREDENTIAL_MAX = 1024
# Dotted paths into a token endpoint's answer.
FIELD_PATH_MAX = 200
EVENTS_MAX = 1000
VALUES_MAX = 50
VALUE_TEXT_MAX = 2000
IDEMPOTENCY_KEY_MAX = 200
SEARCH_MAX = TITLE_MAX
PAGE_MAX = 100
# What a BSON document holds: 64-bit signed integers and finite doubles.
INTEGER_MIN = -(2**63)
INTEGER_MAX = 2**63 - 1
