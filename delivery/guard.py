"""Refuses callbacks to addresses inside the operator's network unless allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

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


class Guard:
    def __init__(self, allowed: tuple[Network, ...]) -> None:
        self._allowed = allowed

    def _allowed_address(self, address: Address) -> bool:
        return any(address in net for net in self._allowed if net.version == address.version)

    async def check(self, url: str) -> None:
        """Raises Blocked when the URL's host resolves to a forbidden address."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            addresses: list[Address] = [ipaddress.ip_address(host)]
        except ValueError:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
            except OSError:
                return  # Unresolvable hosts fail as connection errors when sent.
            addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
        for address in addresses:
            if _forbidden(address) and not self._allowed_address(address):
                raise Blocked(
                    f"{host} resolves to {address}, a private or reserved address; "
                    "the operator has not allowed it (CALLBACKD_ALLOW_NETWORKS)"
                )
