"""The connection pool callbacks go out over: finds a connection without asking every other.

httpcore 1.0's own pool walks all of its connections on each request and on each response
closed, asking every idle one whether its socket is readable and counting the idle ones once
per idle connection. A callback server's connections sit idle between sends while its
workers claim, render and record, so with 32 of them that walk cost the server more CPU
than sending (about half its samples in `python -m bench --only throughput --profile DIR`).
This pool keeps each origin's idle connections in a stack, most recently used on top, and
asks only the one it hands out; the bottom of a stack is closed once it has been idle longer
than the keep-alive expiry, without asking its socket.

Connections are httpcore's public `AsyncHTTPConnection`, HTTP/1.1 only, as callbacks are.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator

import httpcore

__all__ = ["Pool"]

_Key = tuple[bytes, bytes, int]


class _Idle:
    __slots__ = ("connection", "since")

    def __init__(self, connection: httpcore.AsyncHTTPConnection, since: float) -> None:
        self.connection = connection
        self.since = since


class _Lent:
    """A response body whose closing gives its connection back to the pool."""

    def __init__(
        self,
        pool: Pool,
        key: _Key,
        connection: httpcore.AsyncHTTPConnection,
        stream: AsyncIterable[bytes],
    ) -> None:
        self._pool = pool
        self._key = key
        self._connection = connection
        self._stream = stream
        self._returned = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        try:
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                await close()
        finally:
            if not self._returned:
                self._returned = True
                await self._pool._give_back(self._key, self._connection)


class Pool:
    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext,
        max_connections: int | None,
        max_keepalive_connections: int | None,
        keepalive_expiry: float | None,
        network_backend: httpcore.AsyncNetworkBackend,
    ) -> None:
        self._ssl_context = ssl_context
        self._max = max_connections if max_connections is not None else 2**31
        self._max_idle = (
            max_keepalive_connections if max_keepalive_connections is not None else self._max
        )
        self._expiry = keepalive_expiry
        self._backend = network_backend
        self._idle: dict[_Key, collections.deque[_Idle]] = {}
        self._idle_count = 0
        self._open = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._closed = False

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        origin = request.url.origin
        key = (origin.scheme, origin.host, origin.port)
        timeouts = request.extensions.get("timeout", {})
        connection = await self._acquire(origin, key, timeouts.get("pool"))
        try:
            response = await connection.handle_async_request(request)
        except BaseException:
            await self._give_back(key, connection)
            raise
        # An AsyncHTTPConnection answers with a stream to read asynchronously.
        assert isinstance(response.stream, AsyncIterable)
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=_Lent(self, key, connection, response.stream),
            extensions=response.extensions,
        )

    async def _acquire(
        self, origin: httpcore.Origin, key: _Key, timeout: float | None
    ) -> httpcore.AsyncHTTPConnection:
        deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout
        while True:
            connection = await self._reuse(key)
            if connection is not None:
                return connection
            if self._open < self._max:
                self._open += 1
                return httpcore.AsyncHTTPConnection(
                    origin,
                    ssl_context=self._ssl_context,
                    keepalive_expiry=self._expiry,
                    network_backend=self._backend,
                )
            if self._idle_count:
                # Full, with idle connections to other origins: one of those makes room.
                await self._close(self._evict())
                continue
            await self._wait(deadline)

    async def _reuse(self, key: _Key) -> httpcore.AsyncHTTPConnection | None:
        stack = self._idle.get(key)
        if stack is None:
            return None
        if self._expiry is not None:
            stale = time.monotonic() - self._expiry
            while stack and stack[0].since < stale:
                await self._close(self._take(key, stack, bottom=True))
        while stack:
            connection = self._take(key, stack, bottom=False)
            # Asks the socket: the other end may have hung up while it was idle.
            if connection.is_available() and not connection.has_expired():
                return connection
            await self._close(connection)
        return None

    def _take(
        self, key: _Key, stack: collections.deque[_Idle], *, bottom: bool
    ) -> httpcore.AsyncHTTPConnection:
        idle = stack.popleft() if bottom else stack.pop()
        self._idle_count -= 1
        if not stack:
            del self._idle[key]
        return idle.connection

    def _evict(self) -> httpcore.AsyncHTTPConnection:
        oldest = min(self._idle, key=lambda k: self._idle[k][0].since)
        return self._take(oldest, self._idle[oldest], bottom=True)

    async def _wait(self, deadline: float | None) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout_at(deadline):
                await waiter
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():
                # Woken, but leaving: the connection it was woken for is someone else's.
                self._wake()
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            if isinstance(exc, TimeoutError):
                raise httpcore.PoolTimeout("no connection came free in time") from None
            raise

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _give_back(self, key: _Key, connection: httpcore.AsyncHTTPConnection) -> None:
        if (
            not self._closed
            and connection.is_idle()
            # A connection that failed to connect counts as idle, and as closed.
            and not connection.is_closed()
            and self._idle_count < self._max_idle
        ):
            self._idle.setdefault(key, collections.deque()).append(
                _Idle(connection, time.monotonic())
            )
            self._idle_count += 1
            self._wake()
        else:
            await self._close(connection)

    async def _close(self, connection: httpcore.AsyncHTTPConnection) -> None:
        self._open -= 1
        self._wake()
        if not connection.is_closed():
            # Shielded: a cancelled caller must not leave the socket open.
            await asyncio.shield(connection.aclose())

    async def aclose(self) -> None:
        self._closed = True
        while self._idle:
            key, stack = next(iter(self._idle.items()))
            await self._close(self._take(key, stack, bottom=True))
