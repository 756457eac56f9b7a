"""Sends a callback authenticated as its profile says: a Basic header, or a bearer token from
the customer's token URL, fetched again once when the endpoint answers 401."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from dataclasses import replace

from delivery.render import REDACTED, Request
from delivery.sender import Result, Sender
from delivery.tokens import TokenFailed, Tokens
from domain.authentication import CallbackAuthType
from domain.models import AttemptOutcome, Profile
from domain.secretbox import SecretBox

UNAUTHORIZED = 401

log = logging.getLogger("callbackd.delivery")


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

    async def _authorization(
        self, profile: Profile, saved: bool, rejected: str | None = None
    ) -> tuple[str, str | None]:
        """The Authorization value for `profile`, and the token in it if any; raises
        TokenFailed when none can be had."""
        auth = profile.authentication
        assert auth is not None
        try:
            if auth.type is CallbackAuthType.BASIC:
                assert auth.username is not None and auth.sealed_password is not None
                pair = f"{auth.username}:{self._box.open(auth.sealed_password)}"
                return "Basic " + base64.b64encode(pair.encode()).decode(), None
            assert auth.token is not None
            # An unsaved draft's token is fetched for this send alone.
            token = await self._tokens.token(profile.id if saved else None, auth.token, rejected)
            return f"Bearer {token}", token
        except TokenFailed:
            raise
        except ValueError as exc:
            # SecretBox says why in words of its own, which hold nothing secret.
            raise TokenFailed(f"the profile's credentials cannot be opened: {exc}") from exc
        except Exception as exc:
            # A fault of ours; recorded all the same, so no delivery can crash its worker.
            log.exception("authenticating a callback failed unexpectedly")
            raise TokenFailed(f"authentication failed ({type(exc).__name__})") from exc

    async def send(self, profile: Profile, request: Request, saved: bool) -> tuple[Request, Result]:
        """Sends `request` for `profile`; answers the request as sent and its result.

        With a token, the whole attempt (waiting for a token, fetching it, sending, and on a
        401 fetching again and resending) takes at most the request timeout, so a worker's
        lease, which outlasts that timeout, still covers it.
        """
        auth = profile.authentication
        expects = profile.response_message
        if auth is None or auth.type is CallbackAuthType.NONE:
            return request, await self._sender.send(request, expects)
        started = time.perf_counter()
        budget = self._tokens.timeout
        sent, fetching = request, True
        try:
            async with asyncio.timeout(budget):
                authorization, token = await self._authorization(profile, saved)
                sent, fetching = with_authorization(request, authorization), False
                result = await self._sender.send(sent, expects)
                if result.status_code == UNAUTHORIZED and token is not None:
                    fetching = True
                    authorization, _ = await self._authorization(profile, saved, rejected=token)
                    sent, fetching = with_authorization(request, authorization), False
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
        except TimeoutError:
            if fetching:
                error = f"no token within {budget:g} s"
                return request, Result(
                    AttemptOutcome.AUTH_FAILED, None, None, _since(started), error, None
                )
            error = f"no answer within {budget:g} s, the token fetch included"
            return sent, Result(AttemptOutcome.TIMEOUT, None, None, _since(started), error, None)
        return sent, replace(result, duration_ms=_since(started))


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
