"""GET /graphql from a browser: GraphiQL from files inside the package, none from a CDN."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.assets import assets, content_type

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
EXPECTED_ASSETS = [
    "/static/favicon.svg",
    "/static/vendor/graphiql/graphiql.min.css",
    "/static/vendor/plugin-explorer/style.css",
    "/static/graphiql-page.css",
    "/static/vendor/react/react.production.min.js",
    "/static/vendor/react-dom/react-dom.production.min.js",
    "/static/vendor/graphiql/graphiql.min.js",
    "/static/vendor/plugin-explorer/index.umd.js",
    "/static/vendor/graphql-ws/graphql-ws.min.js",
    "/static/graphiql-page.js",
]


async def test_a_browser_gets_graphiql_loading_only_local_files(api: Api) -> None:
    response = await api.http.get("/graphql", headers=BROWSER)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert assets(response.text) == EXPECTED_ASSETS
    assert "unpkg" not in response.text
    assert 'id="api-key"' in response.text


async def test_every_file_the_page_loads_is_served_with_its_type(api: Api) -> None:
    page = await api.http.get("/graphql", headers=BROWSER)

    for path in assets(page.text):
        response = await api.http.get(path)

        assert (path, response.status_code) == (path, 200)
        assert (path, response.headers["content-type"]) == (path, content_type(path))
        assert len(response.content) > 0


async def test_the_vendored_files_carry_their_licences(api: Api) -> None:
    for package in ("graphiql", "plugin-explorer", "react", "react-dom", "graphql-ws"):
        name = "LICENSE.md" if package == "graphql-ws" else "LICENSE"
        licence = await api.http.get(f"/static/vendor/{package}/{name}")

        assert (package, licence.status_code) == (package, 200)
        assert "MIT License" in licence.text
