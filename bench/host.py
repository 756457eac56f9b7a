"""The bench host: `python -m bench.host`, callbackd's own app plus the bench's endpoints.

The dashboard baseline must read the very documents the GraphQL API reads, and the growth
scenario must write into the server's store; with the embedded store both live only inside
the server process. So this process does what `callbackd serve` does (same settings, same
wiring, same app, same uvicorn configuration) and also answers /bench/... from the same
store. Requests to any other path reach callbackd's app untouched. Unlike `serve`, it creates
an account on MongoDB too, and prints its key, so both stores start the same way.
"""

from __future__ import annotations

import logging

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from bench import bare, seed
from callbackd import event_loop
from callbackd import services as wiring
from callbackd.app import create_app
from callbackd.cli import server_config
from callbackd.config import load


class Dispatch:
    """/bench/... to the bench's app, the rest (and the lifespan) to callbackd's."""

    def __init__(self, product: ASGIApp, bench: ASGIApp) -> None:
        self._product = product
        self._bench = bench

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/bench/"):
            await self._bench(scope, receive, send)
        else:
            await self._product(scope, receive, send)


async def _serve() -> None:
    settings = load()
    runtime = wiring.build(settings)
    store = runtime.services.store
    await store.start()
    _, key = await runtime.services.accounts.create("bench")
    print(f"bench host: store: {store.description}", flush=True)
    print(key, flush=True)
    app = Dispatch(create_app(runtime), bare.app(store, [seed.route(store)]))
    await uvicorn.Server(server_config(app, settings)).serve()


def main() -> None:
    # As callbackd.cli configures logging, so both processes log (and pay for it) alike.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    event_loop.run(_serve())


if __name__ == "__main__":
    main()
