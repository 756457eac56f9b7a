"""The GraphQL input of a profile's authentication, and its conversion into a domain draft."""

from __future__ import annotations

import strawberry

from domain.authentication import AuthenticationDraft
from domain.drafts import HeaderDraft
from graph.authentication_types import (
    CallbackAuthTypeEnum,
    TokenCredentialsEnum,
    TokenMethodEnum,
    auth_type,
    token_credentials,
    token_method,
)
from graph.profile_inputs import HeaderInput


@strawberry.input(
    description="How callbacks authenticate to the customer's endpoint. Give the fields of the "
    "chosen type only. Passwords and client secrets are write-only (stored encrypted, never "
    "shown); a change of authentication replaces it whole, secrets included."
)
class CallbackAuthenticationInput:
    type: CallbackAuthTypeEnum = strawberry.field(description="The kind of authentication.")
    username: str | None = strawberry.field(
        default=None, description="BASIC, required: the user name; no colon."
    )
    password: str | None = strawberry.field(
        default=None, description="BASIC, required: the password; write-only."
    )
    token_url: str | None = strawberry.field(
        default=None,
        description="TOKEN, required: http(s) URL tokens are fetched from; the same address "
        "rules as callbacks apply.",
    )
    token_method: TokenMethodEnum | None = strawberry.field(
        default=None, description="TOKEN: method of the token request; POST by default."
    )
    credentials: TokenCredentialsEnum | None = strawberry.field(
        default=None,
        description="TOKEN: where the client id and secret go; OAUTH2_FORM for POST and "
        "BASIC_HEADER for GET by default.",
    )
    client_id: str | None = strawberry.field(
        default=None, description="TOKEN, required: the client id."
    )
    client_secret: str | None = strawberry.field(
        default=None, description="TOKEN, required: the client secret; write-only."
    )
    token_field: str | None = strawberry.field(
        default=None,
        description="TOKEN: dotted path of the token in the JSON answer, e.g. `data.token`; "
        "`access_token` by default.",
    )
    expires_in_field: str | None = strawberry.field(
        default=None,
        description="TOKEN: dotted path of the token's lifetime in seconds, a number or a "
        "numeric string; `expires_in` by default. An answer without one is used for 60 s.",
    )
    headers: list[HeaderInput] | None = strawberry.field(
        default=None, description="TOKEN: extra headers of the token request."
    )

    def draft(self) -> AuthenticationDraft:
        return AuthenticationDraft(
            type=auth_type(self.type),
            username=self.username,
            password=self.password,
            token_url=self.token_url,
            token_method=token_method(self.token_method),
            credentials=token_credentials(self.credentials),
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_field=self.token_field,
            expires_in_field=self.expires_in_field,
            headers=None
            if self.headers is None
            else tuple(HeaderDraft(h.name, h.value, bool(h.secret)) for h in self.headers),
        )
