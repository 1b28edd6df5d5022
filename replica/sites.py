"""Which host answers a request: projektbesok.se, the three blogs, or a Tumblr media host."""
from __future__ import annotations

from typing import Any

from replica.config import WORDPRESS_HOST, ReplicaConfig
from replica.response import Response, redirect
from replica.tumblr.app import TumblrApps
from replica.wordpress.app import WordPressApp
from replica.wordpress.model import build_site


class Sites:
    """Every host the replica serves, built once from the config; pages render on request."""

    def __init__(self, config: ReplicaConfig) -> None:
        self.config = config
        self.site = build_site(config)
        self.wordpress = WordPressApp(self.site, config.crawl_delay)
        self.tumblr = TumblrApps(config)
        self._truth: dict[str, Any] | None = None
        self.wordpress.extra_links = self._fault_links()

    def _fault_links(self) -> list[str]:
        links = []
        for f in self.config.faults:
            if f.host == WORDPRESS_HOST and self.wordpress.get(f.path, None).status == 404:
                links.append(f.path)
        return sorted(set(links))

    def knows(self, host: str) -> bool:
        return host in (WORDPRESS_HOST, "www." + WORDPRESS_HOST) or self.tumblr.knows(host)

    def get(self, host: str, path: str, headers) -> Response:
        if host == WORDPRESS_HOST:
            return self.wordpress.get(path, headers)
        if host == "www." + WORDPRESS_HOST:
            return redirect(f"http://{WORDPRESS_HOST}{path}")
        return self.tumblr.get(host, path, headers)

    def ground_truth(self) -> dict[str, Any]:
        if self._truth is None:
            from replica.truth import build_truth

            self._truth = build_truth(self)
        return self._truth
