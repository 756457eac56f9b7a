"""Profile input as callers give it, before any check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from catalog import BodyFormat, ChannelKind, HttpMethod
from domain.models import EncryptionAlgorithm, SecretEncoding

if TYPE_CHECKING:
    from domain.authentication import AuthenticationDraft


@dataclass(frozen=True, slots=True)
class HeaderDraft:
    name: str
    value: str
    secret: bool = False


@dataclass(frozen=True, slots=True)
class EncryptionDraft:
    algorithm: EncryptionAlgorithm
    key: str
    iv: str
    key_encoding: SecretEncoding = SecretEncoding.TEXT
    iv_encoding: SecretEncoding = SecretEncoding.TEXT
    parameters: tuple[str, ...] = ()
    random_iv: bool = False


@dataclass(frozen=True, slots=True)
class ProfileDraft:
    title: str
    channel: ChannelKind
    http_method: HttpMethod
    endpoint: str
    variables: tuple[str, ...] | None = None
    body_template: Any = None
    body_format: BodyFormat | None = None
    headers: tuple[HeaderDraft, ...] = ()
    encryption: EncryptionDraft | None = None
    response_message: str | None = None
    authentication: AuthenticationDraft | None = None
    max_per_second: float | None = None


@dataclass(frozen=True, slots=True)
class TemplateDraft:
    variables: tuple[str, ...] | None = None
    body_template: Any = None
