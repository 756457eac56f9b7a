"""One callback on the wire: rendered from the profile and the values, authenticated and sent;
what went out and how it ended, for the recorder to store."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from delivery.authenticated import AuthenticatedSender
from delivery.render import Unrenderable, render
from delivery.sender import Result, Sender
from delivery.tokens import Tokens
from domain import clock
from domain.models import AttemptOutcome, Profile, SentRequest
from domain.secretbox import SecretBox

log = logging.getLogger("callbackd.delivery")


@dataclass(frozen=True, slots=True)
class Dispatched:
    started_at: datetime
    request: SentRequest
    result: Result


class Dispatcher:
    def __init__(self, sender: Sender, tokens: Tokens, box: SecretBox) -> None:
        self._sender = AuthenticatedSender(sender, tokens, box)
        self._box = box

    async def dispatch(
        self, profile: Profile, values: Mapping[str, Any], message_id: str, saved: bool
    ) -> Dispatched:
        """Sends the callback `values` make of `profile`, as message `message_id`. A profile
        that renders no request (a template or a sealed value that no longer works) sends
        nothing and ends INVALID_REQUEST."""
        started_at = clock.now()
        started = time.perf_counter()
        try:
            request = render(profile, values, self._box, message_id)
        except Unrenderable as exc:
            log.warning("profile %s: no request to send: %s", profile.id, exc)
            recorded = SentRequest(profile.http_method.value, profile.endpoint, (), None)
            elapsed = round((time.perf_counter() - started) * 1000, 3)
            result = Result(AttemptOutcome.INVALID_REQUEST, None, None, elapsed, str(exc), None)
            return Dispatched(started_at, recorded, result)
        request, result = await self._sender.send(profile, request, saved)
        return Dispatched(started_at, request.recorded, result)
