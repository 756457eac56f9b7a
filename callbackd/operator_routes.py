"""The routes operators' tools call: /readyz and /metrics, and the app serving /metrics
alone on an address of its own."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from callbackd import readiness
from callbackd.metrics import CONTENT_TYPE, Metrics
from callbackd.services import Runtime


def readyz_route(runtime: Runtime) -> Route:
    async def readyz(_: Request) -> Response:
        problems = await readiness.problems(runtime)
        if problems:
            return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    return Route("/readyz", readyz)


def metrics_route(metrics: Metrics) -> Route:
    async def scrape(_: Request) -> Response:
        return Response(metrics.exposition(), headers={"content-type": CONTENT_TYPE})

    return Route("/metrics", scrape)


def metrics_app(metrics: Metrics) -> Starlette:
    """/metrics alone, for CALLBACKD_METRICS_ADDR."""
    return Starlette(routes=[metrics_route(metrics)])


__all__ = ["metrics_app", "metrics_route", "readyz_route"]
