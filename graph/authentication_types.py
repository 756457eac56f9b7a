"""GraphQL enums and views of a profile's authentication to the customer's endpoint. No
view ever shows a password, a client secret or a token."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.authentication import Authentication, CallbackAuthType, TokenCredentials, TokenMethod
from graph.common import Header


@strawberry.enum(
    name="CallbackAuthType",
    description="How callbacks authenticate to the customer's endpoint.",
)
class CallbackAuthTypeEnum(Enum):
    NONE = strawberry.enum_value(
        "NONE", description="No authentication beyond the profile's own headers."
    )
    BASIC = strawberry.enum_value(
        "BASIC", description="HTTP Basic: `Authorization: Basic base64(username:password)`."
    )
    TOKEN = strawberry.enum_value(
        "TOKEN",
        description="A token fetched from tokenUrl with the client id and secret, sent as "
        "`Authorization: Bearer <token>` until shortly before it expires.",
    )


@strawberry.enum(name="TokenMethod", description="HTTP method of the token request.")
class TokenMethodEnum(Enum):
    GET = strawberry.enum_value("GET", description="No body: the credentials go in a Basic header.")
    POST = strawberry.enum_value(
        "POST", description="The default; the credentials may go in the body."
    )


@strawberry.enum(
    name="TokenCredentials",
    description="Where the client id and secret go in the token request.",
)
class TokenCredentialsEnum(Enum):
    OAUTH2_FORM = strawberry.enum_value(
        "OAUTH2_FORM",
        description="OAuth 2.0 client credentials in the form body: "
        "`grant_type=client_credentials&client_id=...&client_secret=...` "
        "(application/x-www-form-urlencoded). The default for POST.",
    )
    JSON_BODY = strawberry.enum_value(
        "JSON_BODY",
        description='A JSON body: `{"client_id": "...", "client_secret": "..."}`.',
    )
    BASIC_HEADER = strawberry.enum_value(
        "BASIC_HEADER",
        description="`Authorization: Basic base64(clientId:clientSecret)`, and for POST the "
        "form body `grant_type=client_credentials` (OAuth 2.0 client_secret_basic). The "
        "default, and the only choice, for GET.",
    )


def auth_type(value: CallbackAuthTypeEnum) -> CallbackAuthType:
    return CallbackAuthType(value.value)


def token_method(value: TokenMethodEnum | None) -> TokenMethod | None:
    return None if value is None else TokenMethod(value.value)


def token_credentials(value: TokenCredentialsEnum | None) -> TokenCredentials | None:
    return None if value is None else TokenCredentials(value.value)


@strawberry.type(
    description="How callbacks authenticate to the endpoint. Passwords, client secrets and "
    "tokens are write-only and never shown."
)
class CallbackAuthentication:
    type: CallbackAuthTypeEnum = strawberry.field(description="The kind of authentication.")
    username: str | None = strawberry.field(description="BASIC: the user name.")
    token_url: str | None = strawberry.field(description="TOKEN: where tokens are fetched.")
    token_method: TokenMethodEnum | None = strawberry.field(
        description="TOKEN: method of the token request."
    )
    credentials: TokenCredentialsEnum | None = strawberry.field(
        description="TOKEN: where the client id and secret go in the token request."
    )
    client_id: str | None = strawberry.field(description="TOKEN: the client id.")
    token_field: str | None = strawberry.field(
        description="TOKEN: dotted path of the token in the token endpoint's JSON answer."
    )
    expires_in_field: str | None = strawberry.field(
        description="TOKEN: dotted path of the token's lifetime in seconds."
    )
    headers: list[Header] = strawberry.field(
        description="TOKEN: extra headers of the token request; secret values masked."
    )


def authentication_view(data: Authentication | None) -> CallbackAuthentication:
    if data is None:
        return CallbackAuthentication(
            type=CallbackAuthTypeEnum.NONE,
            username=None,
            token_url=None,
            token_method=None,
            credentials=None,
            client_id=None,
            token_field=None,
            expires_in_field=None,
            headers=[],
        )
    t = data.token
    return CallbackAuthentication(
        type=CallbackAuthTypeEnum(data.type.value),
        username=data.username,
        token_url=t.url if t else None,
        token_method=TokenMethodEnum(t.method.value) if t else None,
        credentials=TokenCredentialsEnum(t.credentials.value) if t else None,
        client_id=t.client_id if t else None,
        token_field=t.token_field if t else None,
        expires_in_field=t.expires_in_field if t else None,
        headers=[Header.of(h) for h in (t.headers if t else ())],
    )
