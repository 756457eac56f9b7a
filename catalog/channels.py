"""The channels callbackd delivers, as data taken from the platform's reference pages."""

from __future__ import annotations

from catalog.model import (
    BodyFormat,
    Channel,
    ChannelKind,
    Event,
    HttpMethod,
    ValueType,
    Variable,
)

_ALL_METHODS = (HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE)

EMAIL_DELIVERY_STATUSES = (
    "Blocked",
    "Bounce",
    "Deferred",
    "Delivered",
    "Accepted",
    "Failed",
    "Open",
    "Suppressed",
)

SMS_TYPES = ("OTP", "TXN", "MKT")

SMS = Channel(
    kind=ChannelKind.SMS,
    label="SMS - callback dynamic variables and types from SMS",
    events=(Event(key="SMS_SEND", name="SMS Send"),),
    http_methods=_ALL_METHODS,
    allowed_http_methods=(HttpMethod.GET, HttpMethod.POST),
    body_formats=(BodyFormat.JSON,),
    supports_response_message=True,
    variables=(
        Variable(
            "flash",
            "Indicates if the SMS is a flash message or not (1/0). '1' means the SMS is sent as "
            "a flash message and '0' means the SMS is not a flash message.",
            "1",
            ValueType.BOOLEAN,
        ),
        Variable(
            "sent_time",
            "Indicates the time at which the SMS is sent. This is based on the country "
            "specified using the iso_code.",
            "2023-05-17 12:05:14",
            ValueType.DATETIME,
        ),
        Variable("total", "The total SMS units sent on a given day.", "1", ValueType.INTEGER),
        Variable(
            "source",
            "The source of the request to send the SMS. For example, API or campaign.",
            "API",
            ValueType.STRING,
        ),
        Variable(
            "sender",
            "This is the sender ID. A Sender ID is a unique name or standard mobile number that "
            "shows in the 'from' field of your text messages on your phone. It could be a phone "
            "number, an alpha-numeric, an alphabetic, or a numeric alias.",
            "abc",
            ValueType.STRING,
        ),
        Variable(
            "price",
            "The unit price charged for the SMS based on the currency of the account.",
            "0",
            ValueType.NUMBER,
        ),
        Variable(
            "iso_code", "The country specific code of the SMS recipient.", "IN", ValueType.STRING
        ),
        Variable(
            "country_name",
            "The country name(region) to which recipient's mobile number is associated.",
            "India",
            ValueType.STRING,
        ),
        Variable(
            "campaign_name",
            "The name of the campaign through which the SMS is sent. If the SMS is sent through "
            "a campaign, the campaign name is shown; if the SMS is sent through an API request, "
            "the value provided in the campaign_name field is shown.",
            "test_camp",
            ValueType.STRING,
        ),
        Variable("length", "The length of the SMS in characters.", "12", ValueType.INTEGER),
        Variable(
            "units",
            "The number of units billed for SMS service. The value '1' means that the whole text "
            "has been sent as one single SMS and a value more than '1' means that the SMS text "
            "has been sent in several concatenated SMS.",
            "1",
            ValueType.INTEGER,
        ),
        Variable(
            "type",
            "The SMS type. The options are OTP, TXN, or MKT.",
            "OTP",
            ValueType.ENUM,
            SMS_TYPES,
        ),
        Variable(
            "id",
            "The ID represents the campaign part of the message. If the same API request has "
            "multiple mobile numbers, the id field represents all the mobile numbers to which "
            "the message is sent.",
            "e097772a-cd55-4f00-af4f-b7b1433347f8",
            ValueType.STRING,
        ),
        Variable(
            "description",
            "The description of the message.",
            "Message successfully delivered to the user",
            ValueType.STRING,
        ),
        Variable("status", "The delivery status of the SMS.", "Delivered", ValueType.STRING),
        Variable(
            "message_id",
            "The message id: <id>:<order of the mobile number in the campaign>.",
            "e097772a-cd55-4f00-af4f-b7b1433347f8:1",
            ValueType.STRING,
        ),
        Variable(
            "recipient",
            "The recipient phone number to which the message has been sent.",
            "9170227xxxxx",
            ValueType.STRING,
        ),
        Variable(
            "status_trace",
            "The sub-status of the SMS that further helps understand more about the delivery "
            "status.",
            "DELIVRD",
            ValueType.STRING,
        ),
        *(
            Variable(
                name,
                "An additional parameter the customer can use for its own reference; its value "
                "is returned in the callback.",
                "product name",
                ValueType.STRING,
            )
            for name in ("ref", "ref1", "ref2")
        ),
    ),
)

EMAIL = Channel(
    kind=ChannelKind.EMAIL,
    label="email - Email Gateway APIs",
    events=(Event(key="EMAIL_SEND", name="Email Send"),),
    http_methods=_ALL_METHODS,
    allowed_http_methods=(HttpMethod.POST,),
    body_formats=(BodyFormat.JSON, BodyFormat.FORM_DATA, BodyFormat.URLENCODED),
    supports_response_message=False,
    variables=(
        Variable(
            "message_id",
            "The unique identification number of the email.",
            "64702e3a-7596-47a1-bc50-fa4bbf9b0f9d:1",
            ValueType.STRING,
        ),
        Variable(
            "delivery_status",
            "The delivery status of the email sent: Blocked, Bounce, Deferred, Delivered, "
            "Accepted, Failed, Open or Suppressed.",
            "Bounce",
            ValueType.ENUM,
            EMAIL_DELIVERY_STATUSES,
        ),
        Variable(
            "from_mail", "The from address of the email.", "sender@example.com", ValueType.STRING
        ),
        Variable(
            "recipient_mail",
            "The recipient's address for the email.",
            "recipient@example.com",
            ValueType.STRING,
        ),
        Variable(
            "delivery_time",
            "The time at which the email is delivered.",
            "2023-09-29T11:23:35.586Z",
            ValueType.DATETIME,
        ),
        Variable(
            "error_code",
            "The error code in case of an error in the email delivery (an SMTP code, not an API "
            "error code).",
            "550",
            ValueType.STRING,
        ),
        Variable(
            "error_status", "The error status in case of an error.", "5.1.1", ValueType.STRING
        ),
        Variable(
            "error_message",
            "The error message of the error that occurred during the email delivery.",
            "550 5.1.1 The email account that you tried to reach does not exist.",
            ValueType.STRING,
        ),
    ),
)

CHANNELS: dict[ChannelKind, Channel] = {c.kind: c for c in (SMS, EMAIL)}


class NotInCatalog(LookupError):
    """A channel kind that takes no callback profiles."""


def channel_of(kind: ChannelKind) -> Channel:
    """The catalog's channel of this kind; raises NotInCatalog for a kind that takes no
    profiles, which only a caller's input can name: every stored profile's kind is here."""
    found = CHANNELS.get(kind)
    if found is None:
        raise NotInCatalog(f"{kind.value} takes no callback profiles")
    return found
