"""Bearer tokens from the customer's token URL.

Tokens are fetched with the client callbacks go out with, so the address guard, the
timeout and a size bound apply to the token URL too. Each profile's token is kept until
shortly before it expires and shared by every send of this process; while it is being
fetched, other sends of that profile wait for it rather than fetch their own, and share its
failure too.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlencode

import httpx

from delivery.guard import Blocked
from delivery.render import REDACTED, USER_AGENT
from domain.authentication import TokenCredentials, TokenMethod, TokenSettings
from domain.secretbox import SecretBox

EXCERPT_CHARS = 1024
# A token answer is a small JSON object; anything longer is not one.
READ_LIMIT = 16 * 1024
# Used when the answer gives no lifetime: short enough that a revoked token is not kept
# long, and a 401 from the endpoint refetches sooner anyway.
DEFAULT_LIFETIME_SECONDS = 60.0
MAX_LIFETIME_SECONDS = 24 * 3600.0
# A token is replaced this long before it expires (a tenth of its lifetime, at most 30 s),
# so a callback never goes out with one that expires on the way.
MAX_REFRESH_MARGIN_SECONDS = 30.0


class TokenFailed(Exception):
    """The token endpoint gave no usable token; `excerpt` has every secret redacted."""

    def __init__(self, error: str, status_code: int | None = None, excerpt: str | None = None):
        super().__init__(error)
        self.error = error
        self.status_code = status_code
        self.excerpt = excerpt


@dataclass(frozen=True, slots=True)
class _Cached:
    token: str
    settings: TokenSettings
    refresh_at: float


@dataclass(slots=True)
class _Slot:
    """One profile's token, and the lock that lets one send at a time fetch it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    fetches: int = 0
    """Fetches finished, so a send can tell whether one ended while it waited."""
    cached: _Cached | None = None
    failure: tuple[TokenSettings, TokenFailed] | None = None


def _at_path(document: Any, path: str) -> Any:
    """The value at a dotted path; a part of digits also indexes a list."""
    value = document
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _lifetime(value: Any) -> float | None:
    """Seconds from a number or a numeric string (answers send `"3599"` as often as 3599)."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def _header_safe(token: Any) -> bool:
    """Whether `token` can follow `Bearer ` in a header: visible ASCII, as RFC 6750 has it."""
    return (
        isinstance(token, str)
        and token.isascii()
        and token.isprintable()
        and " " not in token
        and bool(token)
    )


def _spellings(client_id: str, secret: str) -> list[str]:
    """The ways a token endpoint may echo the client secret back, each to be redacted."""
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return [secret, quote_plus(secret), json.dumps(secret)[1:-1], pair]


def refresh_margin(lifetime: float) -> float:
    return min(MAX_REFRESH_MARGIN_SECONDS, lifetime / 10)


class Tokens:
    def __init__(
        self,
        client: httpx.AsyncClient,
        box: SecretBox,
        timeout: float,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._box = box
        self.timeout = timeout
        """Of each token request, and of a whole attempt of a TOKEN profile."""
        self._now = now
        self._slots: dict[str, _Slot] = {}

    def _usable(self, slot: _Slot, settings: TokenSettings, rejected: str | None) -> str | None:
        cached = slot.cached
        if (
            cached is None
            # Edited authentication is sealed anew, so equal settings mean the same ones.
            or cached.settings != settings
            or cached.token == rejected
            or self._now() >= cached.refresh_at
        ):
            return None
        return cached.token

    async def token(
        self, key: str | None, settings: TokenSettings, rejected: str | None = None
    ) -> str:
        """A current token for the profile `key` (None: an unsaved draft, never cached);
        `rejected` is a token the endpoint refused, which is never answered again."""
        if key is None:
            fresh, _ = await self._fetch(settings)
            return fresh
        slot = self._slots.get(key) or self._slots.setdefault(key, _Slot())
        if (cached := self._usable(slot, settings, rejected)) is not None:
            return cached
        seen = slot.fetches
        async with slot.lock:
            if (cached := self._usable(slot, settings, rejected)) is not None:
                return cached
            if slot.fetches != seen and slot.failure and slot.failure[0] == settings:
                # The fetch this send waited for failed: its answer stands for this send too,
                # rather than each waiting send asking a failing endpoint in turn.
                failed = slot.failure[1]
                raise TokenFailed(failed.error, failed.status_code, failed.excerpt)
            try:
                token, lifetime = await self._fetch(settings)
            except TokenFailed as failure:
                slot.failure = (settings, failure)
                raise
            finally:
                slot.fetches += 1
            slot.failure = None
            refresh_at = self._now() + lifetime - refresh_margin(lifetime)
            slot.cached = _Cached(token, settings, refresh_at)
            return token

    def _request(self, settings: TokenSettings, secret: str) -> tuple[list[tuple[str, str]], bytes]:
        headers = [("user-agent", USER_AGENT), ("accept", "application/json")]
        headers += [
            (h.name, self._box.open(h.value) if h.secret else h.value) for h in settings.headers
        ]
        form = {"grant_type": "client_credentials"}
        if settings.credentials is TokenCredentials.BASIC_HEADER:
            pair = base64.b64encode(f"{settings.client_id}:{secret}".encode()).decode()
            headers.append(("authorization", f"Basic {pair}"))
        else:
            form |= {"client_id": settings.client_id, "client_secret": secret}
        if settings.method is TokenMethod.GET:
            return headers, b""
        if settings.credentials is TokenCredentials.JSON_BODY:
            body = {"client_id": settings.client_id, "client_secret": secret}
            headers.append(("content-type", "application/json"))
            return headers, json.dumps(body).encode()
        headers.append(("content-type", "application/x-www-form-urlencoded"))
        return headers, urlencode(form).encode()

    async def _fetch(self, settings: TokenSettings) -> tuple[str, float]:
        secret = self._box.open(settings.sealed_client_secret)
        hidden = _spellings(settings.client_id, secret) + [
            self._box.open(h.value) for h in settings.headers if h.secret
        ]
        headers, body = self._request(settings, secret)
        try:
            async with self._client.stream(
                settings.method.value,
                settings.url,
                headers=headers,
                content=body or None,
                timeout=self.timeout,
            ) as response:
                raw = bytearray()
                async for chunk in response.aiter_bytes():
                    raw += chunk
                    if len(raw) > READ_LIMIT:
                        break
        except Blocked as exc:
            raise TokenFailed(f"token URL blocked: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise TokenFailed(f"token endpoint: no answer within {self.timeout:g} s") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
            # Said in words of our own: these errors may quote a header value, maybe a secret.
            raise TokenFailed(f"token request is not valid HTTP ({type(exc).__name__})") from exc
        except UnicodeError as exc:
            raise TokenFailed("token request headers must be ASCII text") from exc
        except (httpx.TransportError, OSError) as exc:
            raise TokenFailed(f"token endpoint unreachable: {exc or type(exc).__name__}") from exc
        text = bytes(raw[:READ_LIMIT]).decode(errors="replace")
        status = response.status_code

        def failed(error: str, *found: str) -> TokenFailed:
            excerpt = text
            for value in (*hidden, *found):
                excerpt = excerpt.replace(value, REDACTED)
            return TokenFailed(error, status, excerpt[:EXCERPT_CHARS])

        if not 200 <= status < 300:
            raise failed(f"token endpoint answered HTTP {status}")
        if len(raw) > READ_LIMIT:
            raise failed(f"token endpoint answer is longer than {READ_LIMIT} bytes")
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            # RecursionError: arrays nested thousands deep, which fit in the read limit.
            raise failed("token endpoint answer is not JSON") from None
        token = _at_path(document, settings.token_field)
        if not _header_safe(token):
            # Whatever stands at the token's place is redacted all the same.
            unusable = [token] if isinstance(token, str) and token else []
            raise failed(
                f"token endpoint answer has no token at `{settings.token_field}`", *unusable
            )
        expires = _at_path(document, settings.expires_in_field)
        if expires is None:
            return token, DEFAULT_LIFETIME_SECONDS
        lifetime = _lifetime(expires)
        if lifetime is None:
            raise failed(
                f"token lifetime at `{settings.expires_in_field}` is not a number of seconds",
                token,
            )
        return token, min(lifetime, MAX_LIFETIME_SECONDS)
