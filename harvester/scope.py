"""What may be fetched: the site hosts fully, media hosts for page requisites only, nothing else."""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from harvester.config import HarvestConfig


@dataclass(frozen=True)
class ScopeDecision:
    allowed: bool
    reason: str = ""


class Scope:
    """Pure decision object built from the config; the crawler asks it before queueing any URL."""

    def __init__(self, cfg: HarvestConfig):
        self.hosts = frozenset(cfg.site_hosts)
        self.media_patterns = tuple(cfg.scope.media_hosts)
        self.include = tuple(re.compile(p) for p in cfg.scope.include)
        self.exclude = tuple(re.compile(p) for p in cfg.scope.exclude)
        self.requisite_ext = frozenset(e.lower() for e in cfg.scope.requisite_extensions)

    def is_media_host(self, host: str) -> bool:
        return any(fnmatch.fnmatchcase(host, p) for p in self.media_patterns)

    def is_requisite_url(self, url: str) -> bool:
        path = urlsplit(url).path.lower()
        return "." in path.rsplit("/", 1)[-1] and path.rsplit(".", 1)[-1] in self.requisite_ext

    def check(self, url: str, requisite: bool = False) -> ScopeDecision:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return ScopeDecision(False, f"scheme {parts.scheme or '(none)'} is not http(s)")
        host = (parts.hostname or "").lower()
        if host in self.hosts:
            pass
        elif self.is_media_host(host):
            if not (requisite or self.is_requisite_url(url)):
                return ScopeDecision(False, f"media host {host}: only page requisites are fetched")
        else:
            return ScopeDecision(False, f"host {host} is not in scope")
        for pattern in self.exclude:
            if pattern.search(url):
                return ScopeDecision(False, f"excluded by scope.exclude {pattern.pattern!r}")
        if self.include and not any(p.search(url) for p in self.include):
            if host in self.hosts:
                return ScopeDecision(False, "matches no scope.include pattern")
        return ScopeDecision(True)
