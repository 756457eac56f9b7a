"""httpx's seam for the guard: a transport over a connection pool (`delivery.pool`) whose
network backend connects only where the guard allows.

httpx's own transport takes no network backend, so this one stands in for it through httpx's
public transport interface, and speaks to httpcore as httpx does: the same request and
response translation, and httpcore's errors raised as httpx's.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

import httpcore
import httpx

from delivery.backend import GuardedBackend
from delivery.guard import Guard
from delivery.pool import Pool

__all__ = ["GuardedTransport"]

# Most specific first: the first class an httpcore error is an instance of picks its httpx
# error, as httpx's own transport picks the most specific match.
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    """Raises httpcore's errors as httpx's; anything else, the guard's Blocked included,
    passes through unchanged."""
    try:
        yield
    except Exception as exc:
        for core_error, httpx_error in _ERRORS:
            if isinstance(exc, core_error):
                raise httpx_error(str(exc)) from exc
        raise


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, response: httpcore.Response) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._response.aiter_stream():
                yield part

    async def aclose(self) -> None:
        # Closing hands the connection back to the pool.
        await self._response.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """Pooled HTTP/1.1 to vetted addresses only, with TLS verified as httpx verifies by
    default, through one TLS context for every connection."""

    def __init__(self, guard: Guard, limits: httpx.Limits) -> None:
        self._pool = Pool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(guard),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # httpx.AsyncClient refuses any other body before it reaches a transport.
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = await self._pool.handle_async_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
