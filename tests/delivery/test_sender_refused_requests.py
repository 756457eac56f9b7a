"""Sender.send: a request that httpx cannot send as HTTP is an INVALID_REQUEST result, in
words that never quote the header value (it may be a secret), not an exception that would
crash its worker."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import pytest

from delivery.guard import Guard
from delivery.render import Request
from delivery.sender import Sender, new_client
from domain.models import AttemptOutcome, SentRequest
from tests.support.receiver import Receiver


@pytest.fixture
async def sender() -> AsyncIterator[Sender]:
    guard = Guard((ipaddress.ip_network("127.0.0.0/8"),))
    async with new_client(guard, timeout=2, connections=2) as client:
        yield Sender(client, 2)


def request(url: str, headers: list[tuple[str, str]]) -> Request:
    return Request("POST", url, headers, b"{}", SentRequest("POST", url, (), "{}"))


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("Bearer 日本", "the request is not valid HTTP (UnicodeEncodeError)"),
        ("Bearer a\r\nX-Injected: 1", "the request is not valid HTTP (LocalProtocolError)"),
    ],
    ids=["non-ASCII", "line break"],
)
async def test_header_value_that_is_not_http_is_an_invalid_request(
    sender: Sender, receiver: Receiver, value: str, error: str
) -> None:
    result = await sender.send(request(receiver.url, [("Authorization", value)]), None)

    assert (result.outcome, result.status_code, result.error) == (
        AttemptOutcome.INVALID_REQUEST,
        None,
        error,
    )
    assert receiver.received == []
