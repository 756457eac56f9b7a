"""A customer's token endpoint and a callback endpoint that accepts only its current tokens,
both real HTTP servers on loopback (see `tests.support.receiver`)."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.responses import JSONResponse, Response

from tests.support.receiver import Received, Receiver

CLIENT_ID = "acme-callbacks"
CLIENT_SECRET = "cs-7f3a9d2e41b8c6f0"
PASSWORD = "pw-5e1c0b9a7d3f"


def _sent_credentials(got: Received) -> tuple[str | None, str | None]:
    """The client id and secret a token request carries, wherever it put them."""
    auth = got.headers.get("authorization", "")
    if auth.startswith("Basic "):
        user, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        return user, secret
    if got.headers.get("content-type") == "application/json":
        body = json.loads(got.body)
        return body.get("client_id"), body.get("client_secret")
    form = {k: v[0] for k, v in parse_qs(got.body.decode()).items()}
    if form.get("grant_type") != "client_credentials":
        return None, None
    return form.get("client_id"), form.get("client_secret")


def oauth2_answer(token: str, lifetime: float) -> dict[str, Any]:
    return {"token_type": "Bearer", "expires_in": f"{lifetime:g}", "access_token": token}


@dataclass
class TokenIssuer:
    """Issues `tok-N` tokens living `lifetime` seconds to the right client id and secret.

    `answer` shapes the JSON answer from a token and its lifetime; by default the OAuth 2.0
    shape with `expires_in` as a string, as the platform's customers send it.
    """

    endpoint: Receiver
    lifetime: float = 60
    delay: float = 0
    expiries: dict[str, float] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    shape: Callable[[str, float], dict[str, Any]] = oauth2_answer

    def __post_init__(self) -> None:
        self.endpoint.answer = self._issue

    @property
    def url(self) -> str:
        return self.endpoint.url.replace("/hook", "/oauth/token")

    @property
    def fetches(self) -> int:
        return len(self.endpoint.received)

    async def _issue(self, got: Received) -> Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        if _sent_credentials(got) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        token = f"tok-{len(self.expiries) + 1}"
        self.expiries[token] = time.monotonic() + self.lifetime
        return JSONResponse(self.shape(token, self.lifetime))

    def current(self, authorization: str | None) -> bool:
        token = (authorization or "").removeprefix("Bearer ")
        expiry = self.expiries.get(token)
        return expiry is not None and expiry > time.monotonic() and token not in self.revoked

    async def guard(self, got: Received) -> Response:
        """A callback endpoint's answer: 200 for a current token, else 401."""
        if self.current(got.headers.get("authorization")):
            return Response("ok")
        return Response("expired or unknown token", status_code=401)
