"""What may be fetched: the site hosts fully, media hosts for page requisites only, nothing else."""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from harvester.config import HarvestConfig
from harvester.urls import split_host_port, valid_port


@dataclass(frozen=True)
class ScopeDecision:
    allowed: bool
    reason: str = ""


DEFAULT_PORTS = {"http": 80, "https": 443}


def host_entry(entry: str) -> tuple[str, int | None]:
    """An allowed-host entry (or media-host pattern) as (host, port); port None means "the default port
    of the URL's scheme"."""
    host, port = split_host_port(entry)
    if port is None:
        return host, None
    if not valid_port(port):  # refused by config validation; matches no port if it gets here anyway
        return host, -1
    return host, int(port)


def _port_ok(allowed: int | None, port: int, scheme: str) -> bool:
    return port == (DEFAULT_PORTS[scheme] if allowed is None else allowed)


class Scope:
    """Pure decision object built from the config; the crawler asks it before queueing any URL.

    Hosts are compared with their port: an entry without a port allows the scheme's default port
    only, so `http://site:8080/` is another server and out of scope unless an entry names 8080.
    """

    def __init__(self, cfg: HarvestConfig):
        self.hosts = frozenset(cfg.site_hosts)
        self.media_patterns = tuple(cfg.scope.media_hosts)
        self._sites = frozenset(host_entry(h) for h in self.hosts)
        self._media = tuple(host_entry(p) for p in self.media_patterns)
        self.include = tuple(re.compile(p) for p in cfg.scope.include)
        self.exclude = tuple(re.compile(p) for p in cfg.scope.exclude)
        self.requisite_ext = frozenset(e.lower() for e in cfg.scope.requisite_extensions)

    def is_site(self, host: str, port: int, scheme: str) -> bool:
        return any(h == host and _port_ok(p, port, scheme) for h, p in self._sites)

    def is_media_host(self, host: str, port: int | None = None, scheme: str = "http") -> bool:
        port = DEFAULT_PORTS[scheme] if port is None else port
        return any(fnmatch.fnmatchcase(host, h) and _port_ok(p, port, scheme) for h, p in self._media)

    def is_requisite_url(self, url: str) -> bool:
        path = urlsplit(url).path.lower()
        return "." in path.rsplit("/", 1)[-1] and path.rsplit(".", 1)[-1] in self.requisite_ext

    def check(self, url: str, requisite: bool = False) -> ScopeDecision:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return ScopeDecision(False, f"scheme {parts.scheme or '(none)'} is not http(s)")
        host = (parts.hostname or "").lower()
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            return ScopeDecision(False, f"port of {parts.netloc} is not a number")
        where = host if port == DEFAULT_PORTS[parts.scheme] else f"{host}:{port}"
        site = self.is_site(host, port, parts.scheme)
        if site:
            pass
        elif self.is_media_host(host, port, parts.scheme):
            if not (requisite or self.is_requisite_url(url)):
                return ScopeDecision(False, f"media host {where}: only page requisites are fetched")
        else:
            return ScopeDecision(False, f"host {where} is not in scope")
        for pattern in self.exclude:
            if pattern.search(url):
                return ScopeDecision(False, f"excluded by scope.exclude {pattern.pattern!r}")
        if self.include and not any(p.search(url) for p in self.include):
            if site:
                return ScopeDecision(False, "matches no scope.include pattern")
        return ScopeDecision(True)
