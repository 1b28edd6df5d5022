"""URL normalisation: one spelling per resource, so the seen-set and the frontier agree."""
from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


def normalize(url: str, base: str | None = None) -> str | None:
    """Absolute, http(s)-only, fragment-free URL with a lower-case host and no default port; None if unusable."""
    url = (url or "").strip()
    if not url or url.startswith(("javascript:", "mailto:", "data:", "tel:", "#")):
        return None
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    scheme = parts.scheme.lower()
    host = host.lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    netloc = host if port in (None, 80 if scheme == "http" else 443) else f"{host}:{port}"
    path = quote(parts.path or "/", safe=_SAFE_PATH)
    query = quote(parts.query, safe=_SAFE_QUERY)
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def split_host_port(entry: str) -> tuple[str, str | None]:
    """A scope entry `host`, `host:port`, `[v6]:port` or fnmatch pattern (`[0-9]*.media.tumblr.com`) as
    (lower-case host or pattern, port text or None). Not urlsplit: that reads any `[...]` as IPv6."""
    entry = entry.strip().lower()
    host, sep, port = entry.rpartition(":")
    if not sep or "]" in port or (":" in host and not host.startswith("[")):
        host, port = entry, None
    if host.startswith("[") and host.endswith("]") and ":" in host:
        host = host[1:-1]
    return host, port or None


def valid_port(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{1,5}", text)) and int(text) <= 65535


def safe_name(text: str, limit: int = 60) -> str:
    """A file-name fragment that cannot escape a folder, whatever the URL held."""
    cleaned = re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip(".-")
    return cleaned[:limit] or "x"
