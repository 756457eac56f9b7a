"""Counts HTTP requests by method, route and status, for /metrics."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callbackd.metrics import Metrics

# Labels stay few: a path outside these is counted as "other", never by itself.
ROUTES = ("/graphql", "/healthz", "/readyz", "/metrics", "/console", "/static")


def route_of(path: str) -> str:
    if path == "/":
        return "/"
    for route in ROUTES:
        if path == route or path.startswith(route + "/"):
            return route
    return "other"


class CountRequests:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, sending)
        finally:
            self._metrics.http_requests.labels(
                scope["method"], route_of(scope["path"]), str(status)
            ).inc()


__all__ = ["CountRequests", "route_of"]
