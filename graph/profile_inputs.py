"""GraphQL inputs for profiles, and their conversion into domain drafts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from catalog import BodyFormat, ChannelKind, HttpMethod
from domain.drafts import EncryptionDraft, HeaderDraft, ProfileDraft, TemplateDraft
from domain.models import EncryptionAlgorithm, SecretEncoding

if TYPE_CHECKING:
    from graph.authentication_inputs import CallbackAuthenticationInput

# Lazy: the authentication input takes this module's HeaderInput for its token headers.
AuthenticationInput = Annotated[
    "CallbackAuthenticationInput", strawberry.lazy("graph.authentication_inputs")
]


@strawberry.input(description="A header to send with every callback.")
class HeaderInput:
    name: str = strawberry.field(description="Header name (an HTTP token).")
    value: str = strawberry.field(
        description="Header value: visible ASCII, with spaces or tabs only between characters "
        "(RFC 9110)."
    )
    secret: bool | None = strawberry.field(
        default=False,
        description="Make the value write-only: stored encrypted, masked in every answer.",
    )


@strawberry.input(
    description="Encryption of parameter values. Key and IV are write-only. Key length must "
    "match the algorithm (16, 24 or 32 bytes); the IV is 16 bytes for CFB, 12 (or 16) for GCM. "
    "A fixed IV reused with GCM weakens it: prefer randomIv."
)
class EncryptionInput:
    algorithm: EncryptionAlgorithm = strawberry.field(description="Cipher and mode.")
    key: str = strawberry.field(description="The key, written in keyEncoding.")
    iv: str = strawberry.field(description="The initialization vector, written in ivEncoding.")
    key_encoding: SecretEncoding | None = strawberry.field(
        default=SecretEncoding.TEXT, description="How `key` is written; TEXT by default."
    )
    iv_encoding: SecretEncoding | None = strawberry.field(
        default=SecretEncoding.TEXT, description="How `iv` is written; TEXT by default."
    )
    parameters: list[str] | None = strawberry.field(
        default=None, description="Variables whose values are encrypted; none means all."
    )
    random_iv: bool | None = strawberry.field(
        default=False,
        description="Draw a fresh IV per value and send it in front of the ciphertext: "
        "base64(iv || ciphertext [|| tag]).",
    )

    def draft(self) -> EncryptionDraft:
        return EncryptionDraft(
            algorithm=self.algorithm,
            key=self.key,
            iv=self.iv,
            key_encoding=self.key_encoding or SecretEncoding.TEXT,
            iv_encoding=self.iv_encoding or SecretEncoding.TEXT,
            parameters=tuple(self.parameters or ()),
            random_iv=bool(self.random_iv),
        )


@strawberry.input(description="A new callback profile, or a draft to test.")
class CreateCallbackProfileInput:
    title: str = strawberry.field(
        description="3 to 100 letters, digits, spaces, hyphens or underscores."
    )
    channel: ChannelKind = strawberry.field(description="Channel; cannot change later.")
    http_method: HttpMethod = strawberry.field(
        description="Method; SMS allows GET and POST, Email POST."
    )
    endpoint: str = strawberry.field(description="http(s) URL callbacks go to.")
    variables: list[str] | None = strawberry.field(
        default=None,
        description="Variables to send; the template is generated from them unless "
        "bodyTemplate is given.",
    )
    body_template: JSON | None = strawberry.field(
        default=None,
        description="Own template: a JSON object with `<name>` placeholders in string values "
        "(flat for GET and form bodies).",
    )
    body_format: BodyFormat | None = strawberry.field(
        default=None, description="Body encoding of POST callbacks; JSON by default."
    )
    headers: list[HeaderInput] | None = strawberry.field(
        default=None, description="Headers to send."
    )
    encryption: EncryptionInput | None = strawberry.field(
        default=None, description="Encrypt parameter values."
    )
    response_message: str | None = strawberry.field(
        default=None,
        description="SMS only: text a 2xx answer must contain to count as delivered.",
    )
    authentication: AuthenticationInput | None = strawberry.field(
        default=None,
        description="How callbacks authenticate to the endpoint (Basic or a fetched token); "
        "none by default.",
    )
    max_per_second: float | None = strawberry.field(
        default=None,
        description="Most callbacks to send to the endpoint per second, counted across every "
        "process (1/60 to 10,000); none for no limit. Held-back callbacks wait; they do not "
        "fail or use an attempt.",
    )

    def draft(self) -> ProfileDraft:
        return ProfileDraft(
            title=self.title,
            channel=self.channel,
            http_method=self.http_method,
            endpoint=self.endpoint,
            variables=tuple(self.variables) if self.variables is not None else None,
            body_template=self.body_template,
            body_format=self.body_format,
            headers=tuple(HeaderDraft(h.name, h.value, bool(h.secret)) for h in self.headers or ()),
            encryption=self.encryption.draft() if self.encryption else None,
            response_message=self.response_message,
            authentication=self.authentication.draft() if self.authentication else None,
            max_per_second=self.max_per_second,
        )


@strawberry.input(description="New variables, or a new own template, for a profile.")
class EditCallbackProfileVariablesInput:
    variables: list[str] | None = strawberry.field(
        default=None, description="Variables to send; regenerates the template."
    )
    body_template: JSON | None = strawberry.field(
        default=None, description="Own template with `<name>` placeholders."
    )

    def draft(self) -> TemplateDraft:
        return TemplateDraft(
            variables=tuple(self.variables) if self.variables is not None else None,
            body_template=self.body_template,
        )
