"""The ASGI application: GraphQL over HTTP and graphql-transport-ws, GraphiQL, the console,
health, readiness and metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute

from callbackd.body_limit import BodyLimit
from callbackd.http_metrics import CountRequests
from callbackd.operator_routes import metrics_route, readyz_route
from callbackd.services import Runtime
from callbackd.view import GraphQLView
from callbackd.web import STATIC_PATH, console_routes, static_files


def create_app(runtime: Runtime, separate_metrics: bool = False) -> Starlette:
    """The server's app; with `separate_metrics`, /metrics is left to `metrics_app`."""
    services = runtime.services
    graphql = GraphQLView(services)
    graphql.metrics = runtime.metrics
    runtime.metrics.watch_live(graphql.shared_streams.counts)

    async def health(_: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "store": services.store.description,
                "subscriptions": graphql.shared_streams.counts(),
            }
        )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", health),
            *console_routes(),
            readyz_route(runtime),
            *([] if separate_metrics else [metrics_route(runtime)]),
            Mount(STATIC_PATH, static_files()),
        ],
        middleware=[
            # Outermost, so requests refused for their size are counted too.
            Middleware(CountRequests, metrics=runtime.metrics),
            Middleware(BodyLimit, limit=runtime.max_body_bytes),
        ],
        lifespan=lifespan,
    )
