"""render: a profile and a report's values become the HTTP request to send, and the copy of
it to record.

POST bodies are the filled template as compact JSON, form data or a urlencoded form; GET
callbacks append the template's pairs to the endpoint's query string. A whole-string
placeholder takes the value as it is, one inside a longer string its text form. Headers go
in a fixed order, and the recorded copy shows secret header values redacted."""

from __future__ import annotations

import base64
import json
import os
from datetime import timedelta
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from standardwebhooks.webhooks import Webhook

from catalog import BodyFormat, ChannelKind, HttpMethod
from delivery.render import render
from domain import templates
from domain.http_fields import SET_BY_CALLBACKD
from domain.models import Encryption, EncryptionAlgorithm, Header, Profile, SigningSecret
from domain.secretbox import SecretBox
from tests.support import factories

BOX = SecretBox([os.urandom(32)])
SECRET = "whsec_" + base64.b64encode(b"s" * 32).decode()
MESSAGE_ID = "dlv_0001"
SENT_AT = 1_750_000_000
VALUES = {"status": "Delivered", "total": 3, "flash": 1, "message_id": "m-1"}


def sms_profile(**changes: Any) -> Profile:
    given: dict[str, Any] = {
        "channel": ChannelKind.SMS,
        "http_method": HttpMethod.POST,
        "endpoint": "https://hooks.example.com/sms",
        "variables": ("status", "total", "flash"),
        "body_template": {"state": "<status>", "count": "<total>", "flash": "<flash>"},
        "body_format": BodyFormat.JSON,
        "headers": (),
        "encryption": None,
        "sealed_signing_secrets": (SigningSecret(BOX.seal(SECRET), factories.T0),),
    }
    return factories.profile("acc_1", **(given | changes))


def email_profile(body_format: BodyFormat, template: dict[str, str]) -> Profile:
    return sms_profile(
        channel=ChannelKind.EMAIL,
        variables=tuple(templates.placeholders(template)),
        body_template=template,
        body_format=body_format,
        response_message=None,
    )


def test_a_json_post_body_is_the_filled_template_in_its_order() -> None:
    request = render(sms_profile(), VALUES, BOX, MESSAGE_ID, SENT_AT)

    assert request.method == "POST"
    assert request.url == "https://hooks.example.com/sms"
    assert request.body == b'{"state":"Delivered","count":3,"flash":1}'
    assert ("content-type", "application/json") in request.headers


def test_a_placeholder_inside_a_longer_string_takes_the_text_form() -> None:
    profile = sms_profile(
        body_template={"text": "<status> after <total> tries", "nested": {"n": ["<total>"]}}
    )

    request = render(profile, VALUES, BOX, MESSAGE_ID, SENT_AT)

    assert json.loads(request.body) == {"text": "Delivered after 3 tries", "nested": {"n": [3]}}


def test_a_value_missing_from_the_report_is_null_or_empty_text() -> None:
    profile = sms_profile(body_template={"ref": "<ref>", "line": "ref=<ref>"})

    request = render(profile, VALUES, BOX, MESSAGE_ID, SENT_AT)

    assert json.loads(request.body) == {"ref": None, "line": "ref="}


def test_text_that_is_no_variable_stays_as_written() -> None:
    profile = sms_profile(body_template={"state": "<status>", "note": "<b>bold</b>"})

    request = render(profile, VALUES, BOX, MESSAGE_ID, SENT_AT)

    assert json.loads(request.body) == {"state": "Delivered", "note": "<b>bold</b>"}


def test_a_get_callback_appends_the_pairs_to_the_endpoints_query() -> None:
    profile = sms_profile(
        http_method=HttpMethod.GET,
        endpoint="https://hooks.example.com/sms?team=a",
        body_template={"state": "<status>", "count": "<total>"},
    )

    request = render(profile, VALUES, BOX, MESSAGE_ID, SENT_AT)

    assert request.method == "GET"
    assert request.url == "https://hooks.example.com/sms?team=a&state=Delivered&count=3"
    assert request.body == b""
    assert request.recorded.body is None
    assert [name for name, _ in request.headers if name == "content-type"] == []


def test_a_urlencoded_post_body_is_the_pairs_as_a_form() -> None:
    profile = email_profile(
        BodyFormat.URLENCODED, {"status": "<delivery_status>", "why": "<error_message>"}
    )

    request = render(
        profile, {"delivery_status": "Bounce", "error_message": "no such user & box"}, BOX, "d"
    )

    assert request.body == b"status=Bounce&why=no+such+user+%26+box"
    assert ("content-type", "application/x-www-form-urlencoded") in request.headers


def test_a_form_data_post_body_has_one_part_per_pair() -> None:
    profile = email_profile(
        BodyFormat.FORM_DATA, {"status": "<delivery_status>", "id": "<message_id>"}
    )

    request = render(profile, {"delivery_status": "Open", "message_id": "m-9"}, BOX, "d")

    content_type = dict(request.headers)["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + request.body
    )
    parts = [
        (p.get_param("name", header="content-disposition"), p.get_content())
        for p in message.iter_parts()
    ]
    assert parts == [("status", "Open"), ("id", "m-9")]


def test_headers_go_in_a_fixed_order_and_secret_values_are_redacted_in_the_record() -> None:
    profile = sms_profile(
        headers=(Header("X-Team", "billing"), Header("Authorization", BOX.seal("Bearer t"), True))
    )

    request = render(profile, VALUES, BOX, MESSAGE_ID, SENT_AT)

    names = [name for name, _ in request.headers]
    assert names == [
        "user-agent",
        "X-Team",
        "Authorization",
        "content-type",
        "callbackd-delivery-id",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    ]
    assert {n for n in names if n not in ("X-Team", "Authorization")} == set(SET_BY_CALLBACKD)
    wire = dict(request.headers)
    recorded = dict(request.recorded.headers)
    assert wire["Authorization"] == "Bearer t"
    assert recorded["Authorization"] == "[redacted]"
    assert {k: v for k, v in wire.items() if k != "Authorization"} == {
        k: v for k, v in recorded.items() if k != "Authorization"
    }
    assert wire["callbackd-delivery-id"] == wire["webhook-id"] == MESSAGE_ID
    assert wire["webhook-timestamp"] == str(SENT_AT)


def test_the_record_is_the_request_as_sent() -> None:
    request = render(sms_profile(), VALUES, BOX, MESSAGE_ID, SENT_AT)

    assert request.recorded.method == "POST"
    assert request.recorded.url == request.url
    assert request.recorded.body == '{"state":"Delivered","count":3,"flash":1}'


def test_the_signature_verifies_with_the_profiles_secret() -> None:
    request = render(sms_profile(), VALUES, BOX, MESSAGE_ID)

    assert Webhook(SECRET).verify(request.body, dict(request.headers)) == {
        "state": "Delivered",
        "count": 3,
        "flash": 1,
    }


def test_an_expired_signing_secret_no_longer_signs() -> None:
    expired = SigningSecret(
        BOX.seal(SECRET), factories.T0, expires_at=factories.T0 + timedelta(hours=24)
    )
    profile = sms_profile(sealed_signing_secrets=(expired,))
    after_expiry = int((factories.T0 + timedelta(hours=25)).timestamp())

    request = render(profile, VALUES, BOX, MESSAGE_ID, after_expiry)

    assert "webhook-signature" not in dict(request.headers)


def test_only_the_chosen_parameters_are_encrypted() -> None:
    key, iv = b"k" * 32, b"i" * 12
    profile = sms_profile(
        encryption=Encryption(
            algorithm=EncryptionAlgorithm.AES_256_GCM,
            sealed_key=BOX.seal(base64.b64encode(key).decode()),
            sealed_iv=BOX.seal(base64.b64encode(iv).decode()),
            parameters=("status",),
            random_iv=False,
        )
    )

    request = render(profile, VALUES, BOX, MESSAGE_ID, SENT_AT)

    body = json.loads(request.body)
    assert AESGCM(key).decrypt(iv, base64.b64decode(body["state"]), None) == b"Delivered"
    assert (body["count"], body["flash"]) == (3, 1)
