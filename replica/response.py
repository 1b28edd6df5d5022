"""What a route answers: status, headers and body, before the server applies encoding and faults."""
from __future__ import annotations

from dataclasses import dataclass, field

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 400: "Bad Request",
           403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 429: "Too Many Requests",
           500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable"}

HTML = "text/html; charset=UTF-8"


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)
    server: str = "Apache"

    @property
    def is_text(self) -> bool:
        ct = self.content_type
        return ct.startswith("text/") or "xml" in ct or "javascript" in ct or "json" in ct


def html(body: str, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, body.encode("utf-8"), HTML, headers or [])


def redirect(location: str, status: int = 301, server: str = "Apache") -> Response:
    return Response(status, b"", HTML, [("Location", location)], server=server)


def text(body: str, content_type: str, status: int = 200, headers: list[tuple[str, str]] | None = None,
         server: str = "Apache") -> Response:
    return Response(status, body.encode("utf-8"), content_type, headers or [], server=server)
