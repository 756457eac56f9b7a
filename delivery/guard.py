"""Refuses callbacks to addresses that are not globally routable unless the operator allows them.

The check runs where the connection is made: the HTTP client's network backend
(`delivery.backend`) resolves the host once, vets every address, and connects to a vetted one.
A check before sending and a second resolution by the client would let a name that answers a
public address first and a private one next (DNS rebinding) reach the private one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

from delivery.embedded import embedded_ipv4

__all__ = ["Address", "Blocked", "Guard", "Network", "Resolver"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

# IANA allocates globally routable IPv6 unicast only from 2000::/3.
_IPV6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
# Blocks the IANA special-purpose registries call not globally reachable that `is_global`
# misses on Python releases older than 3.11.10 and 3.12.4, so every release judges alike.
_NOT_GLOBAL: tuple[Network, ...] = (
    ipaddress.IPv4Network("192.0.0.0/24"),
    ipaddress.IPv6Network("3fff::/20"),
)


class Blocked(Exception):
    pass


def _globally_routable(address: Address) -> bool:
    if address.is_multicast or not address.is_global:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address not in _IPV6_GLOBAL_UNICAST:
        return False
    return not any(address in network for network in _NOT_GLOBAL)


async def _resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class Guard:
    def __init__(self, allowed: tuple[Network, ...], resolve: Resolver = _resolve) -> None:
        self._allowed = allowed
        self._resolve = resolve

    def _listed(self, address: Address) -> bool:
        return any(address in network for network in self._allowed)

    def _refused(self, address: Address) -> Address | None:
        """What keeps a callback from `address`: the address itself, an IPv4 host it leads
        to, or None when all of them may be reached."""
        embedded = embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
        if embedded is None:
            return None if _globally_routable(address) or self._listed(address) else address
        if not (embedded.public_prefix or self._listed(address)):
            return address
        for host in embedded.hosts:
            refused = self._refused(host)
            if refused is not None:
                return refused
        return None

    async def addresses(self, host: str, port: int) -> list[Address]:
        """The addresses `host` resolves to; raises Blocked when any is refused, and
        OSError when it does not resolve."""
        try:
            addresses: list[Address] = [ipaddress.ip_address(host)]
        except ValueError:
            # A link-local IPv6 answer carries its interface ("fe80::1%eth0").
            answers = await self._resolve(host, port)
            addresses = [ipaddress.ip_address(a.partition("%")[0]) for a in answers]
        for address in addresses:
            refused = self._refused(address)
            if refused is not None:
                via = "" if refused == address else f", which leads to {refused}"
                raise Blocked(
                    f"{host} resolves to {address}{via}, not globally routable; "
                    "the operator has not allowed it (CALLBACKD_ALLOW_NETWORKS)"
                )
        return addresses
