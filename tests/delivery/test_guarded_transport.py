"""The client callbacks go out with has a transport of its own: httpx's public transport
interface over an httpcore pool whose network backend connects only where the guard allows.
Refused addresses are never connected to, allowed ones are reached over pooled connections,
TLS is verified, and httpcore's errors come out as httpx's. Every server here is real, on
loopback."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from delivery.guard import Blocked, Guard
from delivery.sender import new_client
from tests.support.receiver import Receiver, free_port

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def client(guard: Guard, timeout: float = 5) -> AsyncIterator[httpx.AsyncClient]:
    async with new_client(guard, timeout, connections=4) as running:
        yield running


@contextlib.asynccontextmanager
async def raw_server(handle: Handler, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    """A bare TCP server on loopback, for answers no well-behaved HTTP server gives."""
    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def _read_head(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


async def test_a_refused_address_is_never_connected_to(receiver: Receiver) -> None:
    async with client(Guard(())) as http:
        with pytest.raises(Blocked) as blocked:
            await http.post(receiver.url, content=b"{}")

    assert str(blocked.value) == (
        "127.0.0.1 resolves to 127.0.0.1, not globally routable; "
        "the operator has not allowed it (CALLBACKD_ALLOW_NETWORKS)"
    )
    assert receiver.received == []


async def test_an_allowed_address_is_reached(receiver: Receiver) -> None:
    async with client(Guard(LOOPBACK)) as http:
        response = await http.post(receiver.url, content=b"{}", headers={"x-name": "acme"})

    assert (response.status_code, response.text) == (200, "ok")
    assert [(r.path, r.body, r.headers["x-name"]) for r in receiver.received] == [
        ("/hook", b"{}", "acme")
    ]


async def test_an_ipv4_mapped_address_is_judged_and_reached_as_its_ipv4(
    receiver: Receiver,
) -> None:
    url = f"http://[::ffff:127.0.0.1]:{receiver.port}/hook"

    async with client(Guard(())) as http:
        with pytest.raises(Blocked) as blocked:
            await http.get(url)
    async with client(Guard(LOOPBACK)) as http:
        response = await http.get(url)

    assert str(blocked.value) == (
        f"::ffff:127.0.0.1 resolves to {ipaddress.ip_address('::ffff:127.0.0.1')}, "
        "which leads to 127.0.0.1, not globally routable; "
        "the operator has not allowed it (CALLBACKD_ALLOW_NETWORKS)"
    )
    assert response.status_code == 200
    assert len(receiver.received) == 1


async def test_requests_in_turn_share_one_pooled_connection() -> None:
    connections = 0

    async def answer_each(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        with contextlib.suppress(asyncio.IncompleteReadError):
            while True:
                await _read_head(reader)
                writer.write(OK)
                await writer.drain()
        writer.close()

    async with raw_server(answer_each) as port, client(Guard(LOOPBACK)) as http:
        first = await http.get(f"http://127.0.0.1:{port}/a")
        second = await http.get(f"http://127.0.0.1:{port}/b")

    assert (first.text, second.text) == ("ok", "ok")
    assert connections == 1


async def test_a_closed_port_is_an_httpx_connect_error() -> None:
    async with client(Guard(LOOPBACK)) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"http://127.0.0.1:{free_port()}/hook")


async def test_no_answer_in_time_is_an_httpx_read_timeout() -> None:
    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    async with raw_server(never_answer) as port, client(Guard(LOOPBACK), timeout=0.2) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get(f"http://127.0.0.1:{port}/hook")


async def test_a_server_hanging_up_is_an_httpx_remote_protocol_error() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_head(reader)
        writer.close()

    async with raw_server(hang_up) as port, client(Guard(LOOPBACK)) as http:
        with pytest.raises(httpx.RemoteProtocolError) as error:
            await http.get(f"http://127.0.0.1:{port}/hook")

    assert str(error.value) == "Server disconnected without sending a response."


async def test_a_body_cut_short_is_an_httpx_remote_protocol_error_while_reading() -> None:
    async def cut_short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
        await writer.drain()
        writer.close()

    async with (
        raw_server(cut_short) as port,
        client(Guard(LOOPBACK)) as http,
        http.stream("GET", f"http://127.0.0.1:{port}/hook") as response,
    ):
        with pytest.raises(httpx.RemoteProtocolError) as error:
            await response.aread()

    assert response.status_code == 200
    assert str(error.value) == (
        "peer closed connection without sending complete message body "
        "(received 5 bytes, expected 100)"
    )


def _self_signed(directory: Path) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (directory / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(directory / "cert.pem", directory / "key.pem")
    return context


async def test_a_certificate_nobody_trusts_is_refused(tmp_path: Path) -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError):
            await _read_head(reader)
            writer.write(OK)
        writer.close()

    async with (
        raw_server(answer, tls=_self_signed(tmp_path)) as port,
        client(Guard(LOOPBACK)) as http,
    ):
        with pytest.raises(httpx.ConnectError) as error:
            await http.get(f"https://127.0.0.1:{port}/hook")

    assert str(error.value).startswith("[SSL: CERTIFICATE_VERIFY_FAILED]")
