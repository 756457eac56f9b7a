"""channels and channel(kind:): the catalog as the reference documents give it."""

from __future__ import annotations

from tests.support.api import Api

CHANNELS = """
query {
  channels {
    kind label events { key name } httpMethods allowedHttpMethods bodyFormats
    supportsResponseMessage
    dynamicVariables { name description example type allowedValues placeholder }
  }
}
"""

CHANNEL = """
query ($kind: ChannelKind!) { channel(kind: $kind) { kind label } }
"""

SMS_VARIABLES = [
    "flash",
    "sent_time",
    "total",
    "source",
    "sender",
    "price",
    "iso_code",
    "country_name",
    "campaign_name",
    "length",
    "units",
    "type",
    "id",
    "description",
    "status",
    "message_id",
    "recipient",
    "status_trace",
    "ref",
    "ref1",
    "ref2",
]
EMAIL_VARIABLES = [
    "message_id",
    "delivery_status",
    "from_mail",
    "recipient_mail",
    "delivery_time",
    "error_code",
    "error_status",
    "error_message",
]


async def test_lists_sms_and_email_with_their_rules(api: Api, key: str) -> None:
    data = await api.run(CHANNELS, key=key)

    sms, email = data["channels"]
    assert sms["kind"] == "SMS"
    assert sms["label"] == "SMS - callback dynamic variables and types from SMS"
    assert sms["events"] == [{"key": "SMS_SEND", "name": "SMS Send"}]
    assert sms["httpMethods"] == ["GET", "POST", "PUT", "DELETE"]
    assert sms["allowedHttpMethods"] == ["GET", "POST"]
    assert sms["bodyFormats"] == ["JSON"]
    assert sms["supportsResponseMessage"] is True
    assert [v["name"] for v in sms["dynamicVariables"]] == SMS_VARIABLES

    assert email["kind"] == "EMAIL"
    assert email["label"] == "email - Email Gateway APIs"
    assert email["events"] == [{"key": "EMAIL_SEND", "name": "Email Send"}]
    assert email["allowedHttpMethods"] == ["POST"]
    assert email["bodyFormats"] == ["JSON", "FORM_DATA", "URLENCODED"]
    assert email["supportsResponseMessage"] is False
    assert [v["name"] for v in email["dynamicVariables"]] == EMAIL_VARIABLES


async def test_variables_carry_type_example_placeholder_and_allowed_values(
    api: Api, key: str
) -> None:
    data = await api.run(CHANNELS, key=key)
    sms, email = data["channels"]
    by_name = {v["name"]: v for v in sms["dynamicVariables"]}
    email_by_name = {v["name"]: v for v in email["dynamicVariables"]}

    assert by_name["flash"]["type"] == "BOOLEAN"
    assert by_name["flash"]["example"] == "1"
    assert by_name["type"]["allowedValues"] == ["OTP", "TXN", "MKT"]
    assert by_name["status"]["placeholder"] == "<status>"
    assert by_name["status"]["allowedValues"] is None
    assert email_by_name["delivery_status"]["type"] == "ENUM"
    assert email_by_name["delivery_status"]["allowedValues"] == [
        "Blocked",
        "Bounce",
        "Deferred",
        "Delivered",
        "Accepted",
        "Failed",
        "Open",
        "Suppressed",
    ]
    assert email_by_name["delivery_time"]["example"] == "2023-09-29T11:23:35.586Z"
    assert all(v["description"] for v in sms["dynamicVariables"] + email["dynamicVariables"])


async def test_channel_by_kind(api: Api, key: str) -> None:
    email = await api.run(CHANNEL, {"kind": "EMAIL"}, key=key)
    voice = await api.run(CHANNEL, {"kind": "VOICE"}, key=key)

    assert email["channel"] == {"kind": "EMAIL", "label": "email - Email Gateway APIs"}
    assert voice["channel"] is None
