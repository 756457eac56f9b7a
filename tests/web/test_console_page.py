"""GET / and /console: the console page and the files it loads, all from the package."""

from __future__ import annotations

import re

from tests.support.api import Api
from tests.support.assets import assets, content_type

MODULE_IMPORT = re.compile(r'^import .* from "\./([a-z-]+\.js)";$', re.M)


async def test_the_root_leads_to_the_console(api: Api) -> None:
    response = await api.http.get("/", follow_redirects=False)

    assert response.status_code == 307
    assert response.headers["location"] == "/console"


async def test_the_console_loads_only_files_the_server_serves(api: Api) -> None:
    page = await api.http.get("/console")
    loaded = assets(page.text)

    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert loaded == [
        "/static/favicon.svg",
        "/static/console/console.css",
        "/static/vendor/graphql-ws/graphql-ws.min.js",
        "/static/console/main.js",
    ]
    for path in loaded:
        response = await api.http.get(path)
        assert (path, response.status_code) == (path, 200)
        assert (path, response.headers["content-type"]) == (path, content_type(path))


async def test_every_module_the_console_imports_is_served(api: Api) -> None:
    pending = ["main.js"]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        seen.add(name)
        response = await api.http.get(f"/static/console/{name}")
        assert (name, response.status_code) == (name, 200)
        assert response.headers["content-type"] == "text/javascript; charset=utf-8"
        pending += [m for m in MODULE_IMPORT.findall(response.text) if m not in seen]

    assert seen == {
        "main.js",
        "api.js",
        "catalog.js",
        "dom.js",
        "deliveries.js",
        "live.js",
        "profiles.js",
        "profile-form.js",
        "profile-status.js",
        "profile-events.js",
        "rate-limit.js",
        "replay.js",
        "variables.js",
    }
