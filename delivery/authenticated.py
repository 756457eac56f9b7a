"""Sends a callback authenticated as its profile says: a Basic header, or a bearer token from
the customer's token URL, fetched again once when the endpoint answers 401."""

from __future__ import annotations

import base64
import time
from dataclasses import replace

from delivery.render import REDACTED, Request
from delivery.sender import Result, Sender
from delivery.tokens import TokenFailed, Tokens
from domain.authentication import CallbackAuthType
from domain.models import AttemptOutcome, Profile
from domain.secretbox import SecretBox

UNAUTHORIZED = 401


def with_authorization(request: Request, value: str) -> Request:
    """The request with `value` as its Authorization header, recorded redacted."""
    return replace(
        request,
        headers=[*request.headers, ("authorization", value)],
        recorded=replace(
            request.recorded, headers=(*request.recorded.headers, ("authorization", REDACTED))
        ),
    )


class AuthenticatedSender:
    def __init__(self, sender: Sender, tokens: Tokens, box: SecretBox) -> None:
        self._sender = sender
        self._tokens = tokens
        self._box = box

    async def send(self, profile: Profile, request: Request, saved: bool) -> tuple[Request, Result]:
        """Sends `request` for `profile`; answers the request as sent and its result. An
        unsaved draft's token is fetched for this send alone."""
        auth = profile.authentication
        expects = profile.response_message
        if auth is None or auth.type is CallbackAuthType.NONE:
            return request, await self._sender.send(request, expects)
        if auth.type is CallbackAuthType.BASIC:
            assert auth.username is not None and auth.sealed_password is not None
            pair = f"{auth.username}:{self._box.open(auth.sealed_password)}"
            sent = with_authorization(request, "Basic " + base64.b64encode(pair.encode()).decode())
            return sent, await self._sender.send(sent, expects)
        assert auth.token is not None
        started = time.perf_counter()
        key = profile.id if saved else None
        try:
            token = await self._tokens.token(key, auth.token)
            sent = with_authorization(request, f"Bearer {token}")
            result = await self._sender.send(sent, expects)
            if result.status_code == UNAUTHORIZED:
                token = await self._tokens.token(key, auth.token, rejected=token)
                sent = with_authorization(request, f"Bearer {token}")
                result = await self._sender.send(sent, expects)
        except TokenFailed as failure:
            return request, Result(
                AttemptOutcome.AUTH_FAILED,
                failure.status_code,
                failure.excerpt,
                _since(started),
                failure.error,
                None,
            )
        return sent, replace(result, duration_ms=_since(started))


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
