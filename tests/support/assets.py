"""What an HTML page loads: the addresses of its scripts, styles and icons."""

from __future__ import annotations

from html.parser import HTMLParser

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.found.append(value)


def assets(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    return parser.found


def content_type(path: str) -> str:
    return CONTENT_TYPES["." + path.rsplit(".", 1)[-1]]
