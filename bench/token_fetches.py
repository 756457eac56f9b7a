"""Token fetches per 1,000 callbacks of a TOKEN profile:
`python -m bench.token_fetches [--callbacks N] [--seconds S] [--lifetime L]`.

Runs the server's runtime in this process on the embedded store, a token endpoint issuing
tokens that live `--lifetime` seconds, and a callback endpoint that accepts only a current
token (401 otherwise), both on loopback; publishes `--callbacks` reports spread evenly over
`--seconds`, waits until every callback is received, and prints how many tokens were
fetched. It counts requests, it does not time them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import parse_qs

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from callbackd.config import load
from callbackd.services import build
from catalog import ChannelKind, HttpMethod
from domain.authentication import AuthenticationDraft, CallbackAuthType
from domain.deliveries import StatusEvent
from domain.drafts import ProfileDraft
from domain.models import DeliveryStatus
from domain.store import DeliveryFilter

CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret"
BATCH_SECONDS = 0.5
Handler = Callable[[Request], Awaitable[Response]]


class Counts:
    def __init__(self, lifetime: float) -> None:
        self.lifetime = lifetime
        self.tokens: dict[str, float] = {}
        self.callbacks = 0
        self.refused = 0

    async def token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        token = f"tok-{len(self.tokens) + 1}"
        self.tokens[token] = time.monotonic() + self.lifetime
        return JSONResponse({"access_token": token, "expires_in": f"{self.lifetime:g}"})

    async def callback(self, request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if self.tokens.get(token, 0) <= time.monotonic():
            self.refused += 1
            return Response("expired", status_code=401)
        self.callbacks += 1
        return Response("ok")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def _serving(
    path: str, handler: Callable[[Request], Awaitable[Response]]
) -> AsyncIterator[str]:
    port = _free_port()
    app = Starlette(routes=[Route(path, handler, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        server.should_exit = True
        await task


async def run(callbacks: int, seconds: float, lifetime: float) -> dict[str, float]:
    counts = Counts(lifetime)
    runtime = build(load(None, {"CALLBACKD_ALLOW_NETWORKS": "127.0.0.0/8"}))
    await runtime.start()
    try:
        async with (
            _serving("/oauth/token", counts.token) as token_url,
            _serving("/hook", counts.callback) as hook,
        ):
            services = runtime.services
            account, _ = await services.accounts.create("bench")
            created = await services.profiles.create(
                account,
                ProfileDraft(
                    title="Token bench",
                    channel=ChannelKind.SMS,
                    http_method=HttpMethod.POST,
                    endpoint=hook,
                    variables=("status",),
                    authentication=AuthenticationDraft(
                        type=CallbackAuthType.TOKEN,
                        token_url=token_url,
                        client_id=CLIENT_ID,
                        client_secret=CLIENT_SECRET,
                    ),
                ),
            )
            assert created.profile is not None, created.errors
            event = StatusEvent(created.profile.id, {"status": "Delivered"})
            batches = max(1, math.ceil(seconds / BATCH_SECONDS))
            started = time.monotonic()
            for i in range(batches):
                size = callbacks * (i + 1) // batches - callbacks * i // batches
                if size:
                    await services.deliveries.publish(account, [event] * size)
                await asyncio.sleep(max(0.0, started + (i + 1) * BATCH_SECONDS - time.monotonic()))
            while counts.callbacks < callbacks:
                failed = await services.store.list_deliveries(
                    account.id, DeliveryFilter(status=DeliveryStatus.FAILED), None, 1
                )
                if failed:
                    raise RuntimeError("a delivery failed; see its attempts")
                await asyncio.sleep(0.1)
            elapsed = time.monotonic() - started
    finally:
        await runtime.stop()
    fetches = len(counts.tokens)
    return {
        "callbacks": counts.callbacks,
        "seconds": round(elapsed, 1),
        "token_lifetime_seconds": lifetime,
        "token_fetches": fetches,
        "token_fetches_per_1000_callbacks": round(fetches * 1000 / counts.callbacks, 2),
        "callbacks_refused_401": counts.refused,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.token_fetches", description=__doc__)
    parser.add_argument("--callbacks", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=120, help="spread reports over this")
    parser.add_argument("--lifetime", type=float, default=60, help="token lifetime in seconds")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.callbacks, args.seconds, args.lifetime)), indent=2))


if __name__ == "__main__":
    main()
