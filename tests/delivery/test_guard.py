"""Callbacks reach only globally routable addresses, and the IPv4 hosts that IPv6 transition
addresses lead to must be globally routable too, unless the operator allows them. The host is
resolved once, where the connection is made, so a name cannot answer a public address to the
check and a private one to the connection (DNS rebinding). A stand-in resolver plays the DNS;
the receiver is real."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from delivery.guard import Blocked, Guard, Network
from delivery.render import Request
from delivery.sender import Sender, new_client
from domain.models import AttemptOutcome, SentRequest
from tests.support.receiver import Receiver

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
TEREDO = (ipaddress.ip_network("2001::/32"),)
LOCAL_NAT64 = (ipaddress.ip_network("64:ff9b:1::/48"),)
# A Teredo address with the server 65.54.227.120 and the client 10.0.0.1 (stored inverted).
TEREDO_TO_PRIVATE = "2001:0:4136:e378:8000:63bf:f5ff:fffe"
# The same server with the client 8.8.8.8.
TEREDO_TO_PUBLIC = "2001:0:4136:e378:8000:63bf:f7f7:f7f7"


class Dns:
    """Answers each name from a script, one answer per lookup, and counts the lookups."""

    def __init__(self, *answers: list[str] | OSError) -> None:
        self._answers = list(answers)
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        answer = self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]
        if isinstance(answer, OSError):
            raise answer
        return answer


SenderFor = Callable[[Guard], Sender]


@pytest.fixture
async def sender_for() -> AsyncIterator[SenderFor]:
    clients: list[httpx.AsyncClient] = []

    def make(guard: Guard) -> Sender:
        clients.append(new_client(guard, 5, 4))
        return Sender(clients[-1], 5)

    yield make
    for client in clients:
        await client.aclose()


def _request(url: str) -> Request:
    return Request("POST", url, [], b"{}", SentRequest("POST", url, (), "{}"))


async def test_the_connection_goes_to_the_address_the_guard_vetted(
    receiver: Receiver, sender_for: SenderFor
) -> None:
    dns = Dns(["127.0.0.1"], ["10.0.0.1"])
    sender = sender_for(Guard(LOOPBACK, dns))

    first = await sender.send(_request(f"http://callback.test:{receiver.port}/a"), None)
    second = await sender.send(_request(f"http://callback.test:{receiver.port}/b"), None)

    assert (first.outcome, second.outcome) == (AttemptOutcome.SUCCEEDED, AttemptOutcome.SUCCEEDED)
    # One lookup for the one kept-alive connection; the name's later answer is never used.
    assert dns.lookups == ["callback.test"]
    assert [r.path for r in receiver.received] == ["/a", "/b"]
    assert receiver.received[0].headers["host"] == f"callback.test:{receiver.port}"


async def test_a_name_that_turns_private_is_blocked_when_it_connects(
    receiver: Receiver, sender_for: SenderFor
) -> None:
    dns = Dns(["93.184.216.34"], ["127.0.0.1"])
    guard = Guard((), dns)
    assert [str(a) for a in await guard.addresses("callback.test", receiver.port)] == [
        "93.184.216.34"
    ]
    sender = sender_for(guard)

    result = await sender.send(_request(f"http://callback.test:{receiver.port}/hook"), None)

    assert result.outcome is AttemptOutcome.BLOCKED
    assert result.error == (
        "callback.test resolves to 127.0.0.1, not globally routable; "
        "the operator has not allowed it (CALLBACKD_ALLOW_NETWORKS)"
    )
    assert receiver.received == []


async def test_a_link_local_answer_with_its_interface_is_blocked(
    receiver: Receiver, sender_for: SenderFor
) -> None:
    sender = sender_for(Guard(LOOPBACK, Dns(["fe80::1%eth0"])))

    result = await sender.send(_request(f"http://callback.test:{receiver.port}/hook"), None)

    assert result.outcome is AttemptOutcome.BLOCKED
    assert result.error is not None and "resolves to fe80::1," in result.error


async def test_one_private_answer_among_several_blocks_the_name(
    receiver: Receiver, sender_for: SenderFor
) -> None:
    sender = sender_for(Guard(LOOPBACK, Dns(["127.0.0.1", "10.0.0.7"])))

    result = await sender.send(_request(f"http://callback.test:{receiver.port}/hook"), None)

    assert result.outcome is AttemptOutcome.BLOCKED
    assert result.error is not None and "10.0.0.7" in result.error
    assert receiver.received == []


async def test_a_name_that_does_not_resolve_is_a_connection_error(
    sender_for: SenderFor,
) -> None:
    sender = sender_for(Guard(LOOPBACK, Dns(OSError("Name or service not known"))))

    result = await sender.send(_request("http://nowhere.test/hook"), None)

    assert result.outcome is AttemptOutcome.CONNECTION_ERROR
    assert result.error == "nowhere.test does not resolve: Name or service not known"


def _refusal(host: str, leads_to: str | None = None) -> str:
    via = f", which leads to {leads_to}" if leads_to else ""
    return (
        f"{host} resolves to {ipaddress.ip_address(host)}{via}, not globally routable; "
        "the operator has not allowed it (CALLBACKD_ALLOW_NETWORKS)"
    )


async def _refused(guard: Guard, host: str) -> str:
    with pytest.raises(Blocked) as blocked:
        await guard.addresses(host, 443)
    return str(blocked.value)


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("127.0.0.1", id="loopback"),
        pytest.param("::1", id="loopback-v6"),
        pytest.param("10.0.0.1", id="private-10"),
        pytest.param("172.16.0.1", id="private-172.16"),
        pytest.param("192.168.1.1", id="private-192.168"),
        pytest.param("fd00::1", id="unique-local-v6"),
        pytest.param("169.254.169.254", id="link-local"),
        pytest.param("fe80::1", id="link-local-v6"),
        pytest.param("100.64.0.1", id="cgnat"),
        pytest.param("100.100.100.200", id="cgnat-metadata"),
        pytest.param("192.0.0.100", id="ietf-protocol-assignments"),
        pytest.param("192.0.2.1", id="documentation-test-net-1"),
        pytest.param("198.51.100.1", id="documentation-test-net-2"),
        pytest.param("203.0.113.1", id="documentation-test-net-3"),
        pytest.param("2001:db8::1", id="documentation-v6"),
        pytest.param("3fff::1", id="documentation-v6-3fff"),
        pytest.param("198.18.0.1", id="benchmarking"),
        pytest.param("240.0.0.1", id="reserved"),
        pytest.param("255.255.255.255", id="broadcast"),
        pytest.param("224.0.0.1", id="multicast"),
        pytest.param("239.255.255.250", id="multicast-admin-scoped"),
        pytest.param("ff02::1", id="multicast-v6-link"),
        pytest.param("ff0e::1", id="multicast-v6-global-scope"),
        pytest.param("0.0.0.0", id="unspecified"),
        pytest.param("::", id="unspecified-v6"),
        pytest.param("::7f00:1", id="ipv4-compatible-deprecated"),
        pytest.param("fec0::1", id="site-local-deprecated"),
        pytest.param(TEREDO_TO_PUBLIC, id="teredo-not-allowed"),
        pytest.param("64:ff9b:1::808:808", id="nat64-local-use-not-allowed"),
    ],
)
async def test_an_address_that_is_not_globally_routable_is_refused(host: str) -> None:
    message = await _refused(Guard(()), host)

    assert message == _refusal(host)


@pytest.mark.parametrize(
    ("host", "allowed", "leads_to"),
    [
        pytest.param("::ffff:127.0.0.1", (), "127.0.0.1", id="ipv4-mapped-loopback"),
        pytest.param("::ffff:169.254.169.254", (), "169.254.169.254", id="ipv4-mapped-metadata"),
        pytest.param("2002:7f00:1::", (), "127.0.0.1", id="6to4-loopback"),
        pytest.param("2002:a9fe:a9fe::", (), "169.254.169.254", id="6to4-metadata"),
        pytest.param("2002:6464:64c8::1", (), "100.100.100.200", id="6to4-cgnat"),
        pytest.param("64:ff9b::a00:1", (), "10.0.0.1", id="nat64-private"),
        pytest.param("64:ff9b::a9fe:a9fe", (), "169.254.169.254", id="nat64-metadata"),
        pytest.param("64:ff9b:1::a00:1", LOCAL_NAT64, "10.0.0.1", id="nat64-local-use-private"),
        pytest.param(TEREDO_TO_PRIVATE, TEREDO, "10.0.0.1", id="teredo-private-client"),
        pytest.param(
            "2001:0:a00:1:8000:63bf:f7f7:f7f7", TEREDO, "10.0.0.1", id="teredo-private-server"
        ),
    ],
)
async def test_an_address_leading_to_an_ipv4_host_that_is_not_routable_is_refused(
    host: str, allowed: tuple[Network, ...], leads_to: str
) -> None:
    message = await _refused(Guard(allowed), host)

    assert message == _refusal(host, leads_to)


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        pytest.param("93.184.216.34", (), id="public"),
        pytest.param("8.8.8.8", (), id="public-dns"),
        pytest.param("2606:4700:4700::1111", (), id="public-v6"),
        pytest.param("::ffff:8.8.8.8", (), id="ipv4-mapped-public"),
        pytest.param("2002:5db8:d822::1", (), id="6to4-public"),
        pytest.param("64:ff9b::808:808", (), id="nat64-public"),
        pytest.param("64:ff9b:1::808:808", LOCAL_NAT64, id="nat64-local-use-public-allowed"),
        pytest.param(TEREDO_TO_PUBLIC, TEREDO, id="teredo-public-allowed"),
        pytest.param("127.0.0.1", LOOPBACK, id="loopback-allowed"),
        pytest.param("::ffff:127.0.0.1", LOOPBACK, id="ipv4-mapped-loopback-allowed"),
        pytest.param("2002:7f00:1::", LOOPBACK, id="6to4-loopback-allowed"),
    ],
)
async def test_a_globally_routable_or_allowed_address_is_let_through(
    host: str, allowed: tuple[Network, ...]
) -> None:
    addresses = await Guard(allowed).addresses(host, 443)

    assert addresses == [ipaddress.ip_address(host)]


async def test_allowing_an_ipv4_network_does_not_allow_other_private_ones() -> None:
    guard = Guard(LOOPBACK)

    assert await _refused(guard, "10.0.0.1") == _refusal("10.0.0.1")
    assert await _refused(guard, "::1") == _refusal("::1")
    assert await _refused(guard, "2002:a00:1::") == _refusal("2002:a00:1::", "10.0.0.1")


async def test_a_name_is_judged_by_the_ipv4_host_its_answer_leads_to(
    receiver: Receiver, sender_for: SenderFor
) -> None:
    sender = sender_for(Guard((), Dns(["2002:a9fe:a9fe::"])))

    result = await sender.send(_request(f"http://callback.test:{receiver.port}/hook"), None)

    assert result.outcome is AttemptOutcome.BLOCKED
    assert result.error == (
        "callback.test resolves to 2002:a9fe:a9fe::, which leads to 169.254.169.254, "
        "not globally routable; the operator has not allowed it (CALLBACKD_ALLOW_NETWORKS)"
    )
    assert receiver.received == []
