"""The browser side, served from files inside the installed package: GraphiQL and the
console pages, and the static files they load (the vendored ones included)."""

from __future__ import annotations

import mimetypes
from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.staticfiles import StaticFiles

STATIC_PATH = "/static"

# The platform's table decides otherwise on some systems; browsers want these exactly.
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/css", ".css")
mimetypes.add_type("image/svg+xml", ".svg")


@cache
def _page(name: str) -> str:
    return resources.files(__name__).joinpath("pages", name).read_text("utf-8")


def page(name: str) -> HTMLResponse:
    """One of the HTML pages in `pages/`, as a response."""
    return HTMLResponse(_page(name), headers={"cache-control": "no-cache"})


def static_files() -> StaticFiles:
    """The ASGI app serving `static/` from the installed package."""
    return StaticFiles(packages=[(__name__, "static")])


async def _console(_: Request) -> Response:
    return page("console.html")


async def _home(_: Request) -> Response:
    return RedirectResponse("/console")


def console_routes() -> list[Route]:
    """The console at /console, and / leading there."""
    return [Route("/", _home), Route("/console", _console)]


__all__ = ["STATIC_PATH", "console_routes", "page", "static_files"]
