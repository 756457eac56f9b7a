"""Sends one rendered callback with the shared HTTP client and judges the answer."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

from delivery.guard import Blocked, Guard
from delivery.render import Request
from delivery.transport import GuardedTransport
from domain.models import AttemptOutcome

log = logging.getLogger("callbackd.delivery")

EXCERPT_CHARS = 1024
# Enough to find a response message in a chatbot answer, small enough for any answer.
READ_LIMIT = 64 * 1024


@dataclass(frozen=True, slots=True)
class Result:
    outcome: AttemptOutcome
    status_code: int | None
    response_body: str | None
    duration_ms: float
    error: str | None
    retry_after: float | None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


async def _read_bounded(response: httpx.Response) -> bytes:
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= READ_LIMIT:
            break
    return bytes(data[:READ_LIMIT])


def new_client(guard: Guard, timeout: float, connections: int) -> httpx.AsyncClient:
    """The client every callback goes out with: connects only where `guard` allows."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(
        transport=GuardedTransport(guard, limits),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
    )


class Sender:
    def __init__(self, client: httpx.AsyncClient, timeout: float) -> None:
        self._client = client
        self._timeout = timeout

    async def send(self, request: Request, response_message: str | None) -> Result:
        started = time.perf_counter()

        def done(
            outcome: AttemptOutcome,
            error: str | None = None,
            status: int | None = None,
            body: str | None = None,
            retry_after: float | None = None,
        ) -> Result:
            elapsed = (time.perf_counter() - started) * 1000
            return Result(outcome, status, body, round(elapsed, 3), error, retry_after)

        try:
            async with self._client.stream(
                request.method,
                request.url,
                headers=request.headers,
                content=request.body or None,
                timeout=self._timeout,
            ) as response:
                raw = await _read_bounded(response)
        except Blocked as exc:
            return done(AttemptOutcome.BLOCKED, str(exc))
        except httpx.TimeoutException:
            return done(AttemptOutcome.TIMEOUT, f"no answer within {self._timeout:g} s")
        except (
            httpx.InvalidURL,
            httpx.UnsupportedProtocol,
            httpx.LocalProtocolError,
            UnicodeError,
        ) as exc:
            # Said in words of our own: these errors may quote a header value, maybe a secret.
            return done(
                AttemptOutcome.INVALID_REQUEST,
                f"the request is not valid HTTP ({type(exc).__name__})",
            )
        except (httpx.TransportError, OSError) as exc:
            return done(AttemptOutcome.CONNECTION_ERROR, str(exc) or type(exc).__name__)
        except Exception as exc:
            # Anything else is a fault of ours; recorded all the same, so no delivery can
            # crash its worker over and over.
            log.exception("sending a callback failed unexpectedly")
            return done(
                AttemptOutcome.INVALID_REQUEST,
                f"the request could not be sent ({type(exc).__name__})",
            )
        text = raw.decode(errors="replace")
        excerpt = text[:EXCERPT_CHARS]
        status = response.status_code
        if not 200 <= status < 300:
            return done(
                AttemptOutcome.HTTP_ERROR, f"HTTP {status}", status, excerpt, _retry_after(response)
            )
        if response_message is not None and response_message not in text:
            return done(
                AttemptOutcome.UNEXPECTED_RESPONSE,
                "the answer does not contain the profile's response message",
                status,
                excerpt,
            )
        return done(AttemptOutcome.SUCCEEDED, None, status, excerpt)
