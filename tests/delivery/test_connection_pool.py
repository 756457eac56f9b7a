"""The pool callbacks go out over keeps each origin's idle connections, reuses the one used
last if its peer has not hung up, opens no more connections than its limit, makes room by
closing another origin's idle connection, and has a request wait for a free connection no
longer than the pool timeout. Every server here is real, on loopback, and counts the
connections it was opened."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from delivery.guard import Guard
from delivery.transport import GuardedTransport
from tests.delivery.test_guarded_transport import raw_server

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


@dataclass
class Server:
    """Answers each request `ok` over keep-alive connections after `delay` seconds; with
    `hang_up`, closes each connection after its first answer."""

    delay: float = 0
    hang_up: bool = False
    port: int = 0
    opened: int = 0
    busy: int = 0
    most_busy: int = 0
    writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.opened += 1
        self.writers.append(writer)
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                await reader.readuntil(b"\r\n\r\n")
                self.busy += 1
                self.most_busy = max(self.most_busy, self.busy)
                await asyncio.sleep(self.delay)
                self.busy -= 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
                if self.hang_up:
                    break
        writer.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


@contextlib.asynccontextmanager
async def serving(server: Server) -> AsyncIterator[Server]:
    async with raw_server(server.handle) as port:
        server.port = port
        try:
            yield server
        finally:
            # Kept-alive connections would hold the server open.
            for writer in server.writers:
                writer.close()


@contextlib.asynccontextmanager
async def client(
    connections: int, keepalive_expiry: float = 5, pool_timeout: float = 5
) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(
        max_connections=connections,
        max_keepalive_connections=connections,
        keepalive_expiry=keepalive_expiry,
    )
    async with httpx.AsyncClient(
        transport=GuardedTransport(Guard(LOOPBACK), limits),
        timeout=httpx.Timeout(5, pool=pool_timeout),
        trust_env=False,
    ) as running:
        yield running


async def test_requests_in_turn_reuse_the_connection_used_last() -> None:
    async with serving(Server()) as server, client(connections=4) as http:
        answers = [(await http.get(server.url)).text for _ in range(5)]

    assert answers == ["ok"] * 5
    assert server.opened == 1


async def test_no_more_connections_are_opened_than_the_limit() -> None:
    async with serving(Server(delay=0.05)) as server, client(connections=2) as http:
        answers = await asyncio.gather(*(http.get(server.url) for _ in range(6)))

    assert [a.text for a in answers] == ["ok"] * 6
    assert (server.opened, server.most_busy) == (2, 2)


async def test_a_connection_the_peer_hung_up_on_while_idle_is_not_reused() -> None:
    async with serving(Server(hang_up=True)) as server, client(connections=4) as http:
        first = await http.get(server.url)
        await asyncio.sleep(0.05)
        second = await http.get(server.url)

    assert (first.text, second.text) == ("ok", "ok")
    assert server.opened == 2


async def test_a_connection_idle_past_the_keepalive_expiry_is_closed_not_reused() -> None:
    async with serving(Server()) as server, client(connections=4, keepalive_expiry=0.1) as http:
        await asyncio.gather(http.get(server.url), http.get(server.url))
        await asyncio.sleep(0.2)
        third = await http.get(server.url)

    assert third.text == "ok"
    assert server.opened == 3


async def test_an_answer_left_unread_closes_its_connection() -> None:
    async with serving(Server()) as server, client(connections=1) as http:
        async with http.stream("GET", server.url):
            pass
        again = await http.get(server.url)

    assert again.text == "ok"
    assert server.opened == 2


async def test_a_full_pool_closes_another_origins_idle_connection_to_make_room() -> None:
    async with (
        serving(Server()) as first,
        serving(Server()) as second,
        client(connections=1) as http,
    ):
        answers = [(await http.get(url)).text for url in (first.url, second.url, first.url)]

    assert answers == ["ok"] * 3
    assert (first.opened, second.opened) == (2, 1)


async def test_a_request_waits_for_a_free_connection_no_longer_than_the_pool_timeout() -> None:
    async with serving(Server(delay=0.5)) as server, client(1, pool_timeout=0.1) as http:
        held = asyncio.create_task(http.get(server.url))
        await asyncio.sleep(0.05)
        with pytest.raises(httpx.PoolTimeout) as waited:
            await http.get(server.url)
        assert (await held).text == "ok"

    assert str(waited.value) == "no connection came free in time"
    assert server.opened == 1


async def test_a_waiting_request_cancelled_leaves_the_free_connection_to_the_next() -> None:
    async with serving(Server(delay=0.2)) as server, client(connections=1) as http:
        held = asyncio.create_task(http.get(server.url))
        await asyncio.sleep(0.05)
        cancelled = asyncio.create_task(http.get(server.url))
        waiting = asyncio.create_task(http.get(server.url))
        await asyncio.sleep(0.05)
        cancelled.cancel()
        answers = [(await held).text, (await waiting).text]

    assert cancelled.cancelled()
    assert answers == ["ok", "ok"]
    assert server.opened == 1


async def test_a_failed_connection_frees_its_place() -> None:
    async with serving(Server()) as server, client(connections=1) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("http://127.0.0.1:9/hook")
        answer = await http.get(server.url)

    assert answer.text == "ok"
