"""The rules a profile's input must meet, each answering the user errors it finds with the
input field at fault and a stable code; input that meets them answers none."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from catalog import BodyFormat, Channel, ChannelKind, HttpMethod, channel_of
from domain import validation
from domain.drafts import EncryptionDraft, TemplateDraft
from domain.errors import ErrorCode, UserError
from domain.models import EncryptionAlgorithm, SecretEncoding

SMS = channel_of(ChannelKind.SMS)
EMAIL = channel_of(ChannelKind.EMAIL)
KEY_128 = "0123456789abcdef"
IV_16 = "fedcba9876543210"


def codes(errors: list[UserError]) -> list[tuple[tuple[str, ...], ErrorCode]]:
    return [(e.field, e.code) for e in errors]


# Title


@pytest.mark.parametrize("title", ["Order updates", "sms_2-prod", "  Abc  "])
def test_a_title_of_letters_digits_spaces_hyphens_and_underscores_passes(title: str) -> None:
    assert validation.title(title) == []


def test_a_blank_title_is_required() -> None:
    assert validation.title("   ") == [
        UserError(("title",), "Title is required.", ErrorCode.REQUIRED)
    ]


def test_a_title_with_other_characters_is_refused() -> None:
    assert validation.title("Orders!") == [
        UserError(
            ("title",),
            "Title may hold only letters, digits, spaces, hyphens and underscores.",
            ErrorCode.INVALID_CHARACTERS,
        )
    ]


# HTTP method and body format


def test_a_method_the_channel_allows_passes() -> None:
    assert validation.http_method(SMS, HttpMethod.GET) == []
    assert validation.http_method(EMAIL, HttpMethod.POST) == []


def test_a_method_the_channel_does_not_allow_is_refused_naming_the_allowed_ones() -> None:
    assert validation.http_method(EMAIL, HttpMethod.GET) == [
        UserError(
            ("httpMethod",),
            "EMAIL callbacks cannot use GET; allowed: POST.",
            ErrorCode.METHOD_NOT_ALLOWED,
        )
    ]


def test_a_body_format_the_channel_does_not_offer_is_refused() -> None:
    assert validation.body_format(SMS, HttpMethod.POST, BodyFormat.FORM_DATA) == [
        UserError(
            ("bodyFormat",),
            "SMS callbacks cannot be sent as FORM_DATA; allowed: JSON.",
            ErrorCode.BODY_FORMAT_NOT_ALLOWED,
        )
    ]


def test_email_posts_may_use_every_body_format() -> None:
    for fmt in BodyFormat:
        assert validation.body_format(EMAIL, HttpMethod.POST, fmt) == []


def test_a_get_callback_has_no_body_format_but_the_default() -> None:
    assert validation.body_format(SMS, HttpMethod.GET, BodyFormat.JSON) == []


# Endpoint


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/sms",
        "http://127.0.0.1:8080/cb?team=a",
        "https://[2001:db8::1]/cb",
    ],
)
def test_an_http_or_https_url_with_a_host_passes(url: str) -> None:
    assert validation.endpoint(url) == []


@pytest.mark.parametrize(
    ("url", "message", "code"),
    [
        ("", "Endpoint is required.", ErrorCode.REQUIRED),
        (
            "https://hooks.example.com/a b",
            "Endpoint must not contain spaces or control characters.",
            ErrorCode.INVALID_URL,
        ),
        (
            "ftp://hooks.example.com/",
            "Endpoint must be an http:// or https:// URL.",
            ErrorCode.INVALID_URL,
        ),
        ("https:///path", "Endpoint must name a host.", ErrorCode.INVALID_URL),
        ("https://[::1/", "Endpoint is not a valid URL.", ErrorCode.INVALID_URL),
        (
            "https://hooks.example.com:0/",
            "Endpoint port must be between 1 and 65535.",
            ErrorCode.INVALID_URL,
        ),
        (
            "https://user:pw@hooks.example.com/",
            "Endpoint must not carry credentials; send them in an Authorization header "
            "marked secret.",
            ErrorCode.INVALID_URL,
        ),
        (
            "https://hooks.example.com/#top",
            "Endpoint must not have a #fragment.",
            ErrorCode.INVALID_URL,
        ),
    ],
)
def test_an_endpoint_callbacks_cannot_go_to_is_refused(
    url: str, message: str, code: ErrorCode
) -> None:
    assert validation.endpoint(url) == [UserError(("endpoint",), message, code)]


# Variables and template


def test_selected_variables_alone_generate_the_template() -> None:
    checked, errors = validation.template(
        SMS, HttpMethod.POST, BodyFormat.JSON, TemplateDraft(variables=("status", "total"))
    )

    assert errors == []
    assert checked is not None
    assert checked.variables == ("status", "total")
    assert checked.template == {"status": "<status>", "total": "<total>"}


def test_an_own_template_selects_the_variables_it_uses_in_order() -> None:
    own = {"report": {"state": "<status>", "note": "sent <sent_time> by <sender>"}}

    checked, errors = validation.template(
        SMS, HttpMethod.POST, BodyFormat.JSON, TemplateDraft(body_template=own)
    )

    assert errors == []
    assert checked is not None
    assert checked.variables == ("status", "sent_time", "sender")
    assert checked.template == own


def test_neither_variables_nor_a_template_is_refused() -> None:
    checked, errors = validation.template(SMS, HttpMethod.POST, BodyFormat.JSON, TemplateDraft())

    assert checked is None
    assert errors == [
        UserError(
            ("variables",),
            "Select at least one variable or give a bodyTemplate.",
            ErrorCode.REQUIRED,
        )
    ]


def test_unknown_and_twice_selected_variables_are_refused() -> None:
    checked, errors = validation.template(
        EMAIL,
        HttpMethod.POST,
        BodyFormat.JSON,
        TemplateDraft(variables=("message_id", "status", "message_id")),
    )

    assert checked is None
    assert codes(errors) == [
        (("variables", "1"), ErrorCode.UNKNOWN_VARIABLE),
        (("variables",), ErrorCode.INVALID_VALUE),
    ]
    assert errors[0].message.startswith("Unknown EMAIL variable 'status'; valid: message_id, ")


def test_a_placeholder_the_channel_does_not_have_is_refused() -> None:
    checked, errors = validation.template(
        EMAIL,
        HttpMethod.POST,
        BodyFormat.JSON,
        TemplateDraft(body_template={"id": "<message_id>", "s": "<status>"}),
    )

    assert checked is None
    assert codes(errors) == [(("bodyTemplate",), ErrorCode.UNKNOWN_PLACEHOLDER)]
    assert errors[0].message.startswith("Unknown placeholder <status>; valid: <message_id>, ")


@pytest.mark.parametrize("given", [{}, [], "<status>"])
def test_a_template_that_is_no_object_with_content_is_refused(given: object) -> None:
    checked, errors = validation.template(
        SMS, HttpMethod.POST, BodyFormat.JSON, TemplateDraft(body_template=given)
    )

    assert checked is None
    assert errors == [
        UserError(
            ("bodyTemplate",),
            "bodyTemplate must be a non-empty JSON object.",
            ErrorCode.INVALID_TEMPLATE,
        )
    ]


@pytest.mark.parametrize(
    ("method", "fmt", "channel_of"),
    [
        (HttpMethod.GET, BodyFormat.JSON, SMS),
        (HttpMethod.POST, BodyFormat.URLENCODED, EMAIL),
        (HttpMethod.POST, BodyFormat.FORM_DATA, EMAIL),
    ],
)
def test_query_string_and_form_templates_must_be_flat(
    method: HttpMethod, fmt: BodyFormat, channel_of: Channel
) -> None:
    nested = {"report": {"id": "<message_id>"}}

    checked, errors = validation.template(
        channel_of, method, fmt, TemplateDraft(body_template=nested)
    )

    assert checked is None
    assert errors == [
        UserError(
            ("bodyTemplate",),
            "Query-string and form templates must be flat: no nested objects or lists.",
            ErrorCode.INVALID_TEMPLATE,
        )
    ]


def test_selected_variables_the_template_leaves_out_are_refused() -> None:
    checked, errors = validation.template(
        SMS,
        HttpMethod.POST,
        BodyFormat.JSON,
        TemplateDraft(variables=("status", "total"), body_template={"s": "<status>"}),
    )

    assert checked is None
    assert errors == [
        UserError(
            ("variables",),
            "Selected variables missing from bodyTemplate: total.",
            ErrorCode.INVALID_TEMPLATE,
        )
    ]


def test_a_template_without_placeholders_is_refused() -> None:
    checked, errors = validation.template(
        SMS, HttpMethod.POST, BodyFormat.JSON, TemplateDraft(body_template={"s": "fixed"})
    )

    assert checked is None
    assert errors == [
        UserError(
            ("bodyTemplate",), "bodyTemplate uses no placeholder.", ErrorCode.INVALID_TEMPLATE
        )
    ]


# Encryption


def encryption(**changes: Any) -> EncryptionDraft:
    """AES-128-CFB of `status` with a good key and IV, but for `changes`."""
    base = EncryptionDraft(
        algorithm=EncryptionAlgorithm.AES_128_CFB, key=KEY_128, iv=IV_16, parameters=("status",)
    )
    return replace(base, **changes)


def test_a_key_and_iv_of_the_algorithms_sizes_pass() -> None:
    assert validation.encryption(encryption(), ("status", "total")) == []


def test_gcm_takes_a_twelve_byte_iv_and_keys_in_hex_or_base64() -> None:
    draft = encryption(
        algorithm=EncryptionAlgorithm.AES_256_GCM,
        key="00" * 32,
        key_encoding=SecretEncoding.HEX,
        iv="AAAAAAAAAAAAAAAA",
        iv_encoding=SecretEncoding.BASE64,
    )

    assert validation.encryption(draft, ("status",)) == []


def test_a_key_of_the_wrong_length_is_refused_saying_the_length_needed() -> None:
    draft = encryption(algorithm=EncryptionAlgorithm.AES_256_CFB)

    assert validation.encryption(draft, ("status",)) == [
        UserError(
            ("encryption", "key"),
            "AES_256_CFB needs a 32-byte key; this one is 16 bytes.",
            ErrorCode.INVALID_KEY,
        )
    ]


def test_a_key_not_in_its_encoding_is_refused() -> None:
    draft = encryption(key="zz" * 16, key_encoding=SecretEncoding.HEX)

    assert validation.encryption(draft, ("status",)) == [
        UserError(("encryption", "key"), "Key is not valid hex.", ErrorCode.INVALID_KEY)
    ]


def test_an_iv_of_the_wrong_length_is_refused_saying_the_lengths_allowed() -> None:
    cfb = encryption(iv="short")
    gcm = encryption(algorithm=EncryptionAlgorithm.AES_128_GCM, iv="short")

    assert validation.encryption(cfb, ("status",)) == [
        UserError(
            ("encryption", "iv"),
            "AES_128_CFB needs a 16-byte IV; this one is 5 bytes.",
            ErrorCode.INVALID_IV,
        )
    ]
    assert validation.encryption(gcm, ("status",)) == [
        UserError(
            ("encryption", "iv"),
            "AES_128_GCM needs a 12 or 16-byte IV; this one is 5 bytes.",
            ErrorCode.INVALID_IV,
        )
    ]


def test_an_encrypted_parameter_must_be_a_variable_of_the_profile() -> None:
    draft = encryption(parameters=("status", "price"))

    assert validation.encryption(draft, ("status", "total")) == [
        UserError(
            ("encryption", "parameters", "1"),
            "'price' is not a variable of this profile; choose from: status, total.",
            ErrorCode.UNKNOWN_VARIABLE,
        )
    ]


# Response message


def test_no_response_message_passes_on_every_channel() -> None:
    assert validation.response_message(SMS, None) == []
    assert validation.response_message(EMAIL, None) == []


def test_an_sms_profile_may_require_a_response_message() -> None:
    assert validation.response_message(SMS, "OK") == []


def test_a_channel_without_response_messages_refuses_one() -> None:
    assert validation.response_message(EMAIL, "OK") == [
        UserError(
            ("responseMessage",),
            "EMAIL profiles do not support a response message.",
            ErrorCode.NOT_SUPPORTED,
        )
    ]


def test_a_blank_response_message_is_refused() -> None:
    assert validation.response_message(SMS, "  ") == [
        UserError(("responseMessage",), "Response message must not be blank.", ErrorCode.REQUIRED)
    ]
