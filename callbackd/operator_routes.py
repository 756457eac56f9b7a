"""The routes operators' tools call: /readyz and /metrics, and the app serving /metrics
alone on an address of its own."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from callbackd import readiness
from callbackd.metrics import CONTENT_TYPE
from callbackd.services import Runtime

log = logging.getLogger("callbackd.metrics")


def readyz_route(runtime: Runtime) -> Route:
    async def readyz(_: Request) -> Response:
        problems = await readiness.problems(runtime)
        if problems:
            return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    return Route("/readyz", readyz)


def metrics_route(runtime: Runtime) -> Route:
    metrics = runtime.metrics

    async def scrape(_: Request) -> Response:
        try:
            await metrics.refresh_backlog(runtime.services.store.backlog)
        except Exception:
            # The in-process figures are still worth scraping; /readyz tells about the store.
            log.warning("reading the backlog for /metrics failed", exc_info=True)
        return Response(metrics.exposition(), headers={"content-type": CONTENT_TYPE})

    return Route("/metrics", scrape)


def metrics_app(runtime: Runtime) -> Starlette:
    """/metrics alone, for CALLBACKD_METRICS_ADDR."""
    return Starlette(routes=[metrics_route(runtime)])


__all__ = ["metrics_app", "metrics_route", "readyz_route"]
