"""IPv6 addresses whose traffic ends at an IPv4 host the address spells out, and which host.

A connection to such an address reaches that IPv4 host: an IPv4-mapped address is the IPv4
address itself, a 6to4 address (RFC 3056) is carried by a relay to the host in bits 16-47, a
NAT64 address (RFC 6052) is translated to the host in its last 32 bits, and a Teredo address
(RFC 4380) names its server and holds its client's address inverted. Judging only the IPv6
address would let any of them reach a private IPv4 host.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Embedded", "embedded_ipv4"]

_IPV4_BITS = 0xFFFF_FFFF


@dataclass(frozen=True, slots=True)
class Embedded:
    """The IPv4 hosts an IPv6 address leads to. `public_prefix` says whether the IPv6 prefix
    itself is globally reachable; when it is not, the address is only as reachable as the
    operator allows the prefix to be, whatever the hosts."""

    hosts: tuple[ipaddress.IPv4Address, ...]
    public_prefix: bool


def _last_32_bits(value: int) -> tuple[ipaddress.IPv4Address, ...]:
    return (ipaddress.IPv4Address(value & _IPV4_BITS),)


def _sixtofour(value: int) -> tuple[ipaddress.IPv4Address, ...]:
    return (ipaddress.IPv4Address((value >> 80) & _IPV4_BITS),)


def _teredo(value: int) -> tuple[ipaddress.IPv4Address, ...]:
    server = ipaddress.IPv4Address((value >> 64) & _IPV4_BITS)
    client = ipaddress.IPv4Address(~value & _IPV4_BITS)
    return (server, client)


_Decode = Callable[[int], tuple[ipaddress.IPv4Address, ...]]

_EMBEDDINGS: tuple[tuple[ipaddress.IPv6Network, bool, _Decode], ...] = (
    (ipaddress.IPv6Network("::ffff:0:0/96"), True, _last_32_bits),
    (ipaddress.IPv6Network("2002::/16"), True, _sixtofour),
    (ipaddress.IPv6Network("64:ff9b::/96"), True, _last_32_bits),
    # The local-use NAT64 prefix (RFC 8215) is laid out by each network; it is read as the
    # common /96 layout, and only an operator's allowance lets it through at all.
    (ipaddress.IPv6Network("64:ff9b:1::/48"), False, _last_32_bits),
    (ipaddress.IPv6Network("2001::/32"), False, _teredo),
)


def embedded_ipv4(address: ipaddress.IPv6Address) -> Embedded | None:
    """The IPv4 hosts `address` leads to, or None when it is a plain IPv6 address."""
    for prefix, public, decode in _EMBEDDINGS:
        if address in prefix:
            return Embedded(decode(int(address)), public)
    return None
