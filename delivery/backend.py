"""httpcore's network backend for callbacks: it connects only to addresses the guard vetted."""

from __future__ import annotations

from collections.abc import Iterable

import httpcore

from delivery.guard import Guard

__all__ = ["GuardedBackend"]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves through the guard and connects to the vetted address, never to the name, so
    the address judged is the one connected to. TLS still names and verifies the host, which
    httpcore passes on after the connection is made."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._guard.addresses(host, port)
        except OSError as e:
            raise httpcore.ConnectError(f"{host} does not resolve: {e}") from e
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                failure = e
        assert failure is not None
        raise failure

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
