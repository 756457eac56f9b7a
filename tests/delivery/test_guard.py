"""Callbacks connect only to addresses the guard vetted: the host is resolved once, where the
connection is made, so a name cannot answer a public address to the check and a private one
to the connection (DNS rebinding). A stand-in resolver plays the DNS; the receiver is real."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from delivery.guard import Guard
from delivery.render import Request
from delivery.sender import Sender, new_client
from domain.models import AttemptOutcome, SentRequest
from tests.support.receiver import Receiver

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


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
        "callback.test resolves to 127.0.0.1, a private or reserved address; "
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
