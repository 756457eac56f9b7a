"""How a profile authenticates itself to the customer's endpoint: HTTP Basic, or a bearer
token fetched from the customer's token URL with a client id and secret.

Passwords and client secrets are held here only sealed (see `domain.secretbox`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.drafts import HeaderDraft
from domain.models import Header


class CallbackAuthType(Enum):
    NONE = "NONE"
    BASIC = "BASIC"
    TOKEN = "TOKEN"


class TokenMethod(Enum):
    GET = "GET"
    POST = "POST"


class TokenCredentials(Enum):
    """Where the client id and secret go in the token request."""

    OAUTH2_FORM = "OAUTH2_FORM"
    JSON_BODY = "JSON_BODY"
    BASIC_HEADER = "BASIC_HEADER"


DEFAULT_TOKEN_FIELD = "access_token"
DEFAULT_EXPIRES_IN_FIELD = "expires_in"


@dataclass(frozen=True, slots=True)
class TokenSettings:
    url: str
    method: TokenMethod
    credentials: TokenCredentials
    client_id: str
    sealed_client_secret: str
    token_field: str
    expires_in_field: str
    headers: tuple[Header, ...]
    """Extra headers of the token request; a secret one holds its sealed value."""


@dataclass(frozen=True, slots=True)
class Authentication:
    type: CallbackAuthType
    username: str | None = None
    sealed_password: str | None = None
    token: TokenSettings | None = None


@dataclass(frozen=True, slots=True)
class AuthenticationDraft:
    type: CallbackAuthType
    username: str | None = None
    password: str | None = None
    token_url: str | None = None
    token_method: TokenMethod | None = None
    credentials: TokenCredentials | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_field: str | None = None
    expires_in_field: str | None = None
    headers: tuple[HeaderDraft, ...] | None = None

    @property
    def method(self) -> TokenMethod:
        return self.token_method or TokenMethod.POST

    @property
    def credentials_in(self) -> TokenCredentials:
        """The credentials style given, else the one the method can carry: a GET has no body."""
        if self.credentials is not None:
            return self.credentials
        if self.method is TokenMethod.GET:
            return TokenCredentials.BASIC_HEADER
        return TokenCredentials.OAUTH2_FORM
