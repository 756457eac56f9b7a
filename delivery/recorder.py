"""One attempt end to end: render, send, record, and so announce it to subscribers."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from delivery.authenticated import AuthenticatedSender
from delivery.render import Unrenderable, render
from delivery.sender import Result, Sender
from delivery.tokens import Tokens
from domain import clock
from domain.ids import attempt_id, sortable_id
from domain.models import Attempt, AttemptOutcome, AttemptTrigger, Profile, SentRequest
from domain.secretbox import SecretBox
from domain.store import Store

log = logging.getLogger("callbackd.delivery")


class Recorder:
    def __init__(
        self,
        store: Store,
        sender: Sender,
        box: SecretBox,
        tokens: Tokens,
        on_attempt: Callable[[Attempt], None] = lambda _: None,
    ) -> None:
        self._store = store
        self._sender = AuthenticatedSender(sender, tokens, box)
        self._box = box
        self._on_attempt = on_attempt

    async def attempt(
        self,
        profile: Profile,
        values: Mapping[str, Any],
        delivery_id: str | None,
        number: int,
        trigger: AttemptTrigger,
        saved: bool = True,
    ) -> tuple[Attempt, Result]:
        started_at = clock.now()
        message_id = delivery_id or f"test_{uuid.uuid4().hex}"
        started = time.perf_counter()
        try:
            request = render(profile, values, self._box, message_id)
        except Unrenderable as exc:
            log.warning("profile %s: no request to send: %s", profile.id, exc)
            recorded = SentRequest(profile.http_method.value, profile.endpoint, (), None)
            elapsed = round((time.perf_counter() - started) * 1000, 3)
            result = Result(AttemptOutcome.INVALID_REQUEST, None, None, elapsed, str(exc), None)
        else:
            request, result = await self._sender.send(profile, request, saved)
            recorded = request.recorded
        attempt = Attempt(
            id=sortable_id("att") if delivery_id is None else attempt_id(delivery_id, number),
            account_id=profile.account_id,
            profile_id=profile.id if saved else None,
            delivery_id=delivery_id,
            channel=profile.channel,
            number=number,
            trigger=trigger,
            outcome=result.outcome,
            request=recorded,
            status_code=result.status_code,
            response_body=result.response_body,
            duration_ms=result.duration_ms,
            error=result.error,
            started_at=started_at,
        )
        await self._store.insert_attempt(attempt)
        self._on_attempt(attempt)
        return attempt, result
