"""Refuses callbacks to addresses inside the operator's network unless allowed.

The check runs where the connection is made: the HTTP client's network backend resolves the
host once, vets every address, and connects to a vetted one. A check before sending and a
second resolution by the client would let a name that answers a public address first and a
private one next (DNS rebinding) reach the private one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Blocked(Exception):
    pass


def _forbidden(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def _resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class Guard:
    def __init__(self, allowed: tuple[Network, ...], resolve: Resolver = _resolve) -> None:
        self._allowed = allowed
        self._resolve = resolve

    def _allowed_address(self, address: Address) -> bool:
        return any(address in net for net in self._allowed if net.version == address.version)

    async def addresses(self, host: str, port: int) -> list[Address]:
        """The addresses `host` resolves to; raises Blocked when any is forbidden, and
        OSError when it does not resolve."""
        try:
            addresses: list[Address] = [ipaddress.ip_address(host)]
        except ValueError:
            # A link-local IPv6 answer carries its interface ("fe80::1%eth0").
            answers = await self._resolve(host, port)
            addresses = [ipaddress.ip_address(a.partition("%")[0]) for a in answers]
        for address in addresses:
            if _forbidden(address) and not self._allowed_address(address):
                raise Blocked(
                    f"{host} resolves to {address}, a private or reserved address; "
                    "the operator has not allowed it (CALLBACKD_ALLOW_NETWORKS)"
                )
        return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses the guard vetted. TLS still
    names and verifies the host, which httpcore passes on after the connection is made."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
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
