"""robots.txt per host via protego: fetched before any other URL of the host, Crawl-delay included.

Redirects are followed by the crawler (up to five, to a robots.txt in scope); this module judges the
final answer.
"""
from __future__ import annotations

from dataclasses import dataclass

from protego import Protego


@dataclass
class RobotsPolicy:
    """What one host's robots.txt allows us; `note` says how it was obtained (for logs and the summary)."""

    host: str
    parser: Protego | None
    note: str
    disallow_all: bool = False

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.disallow_all:
            return False
        if self.parser is None:
            return True
        return self.parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float:
        if self.parser is None:
            return 0.0
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay else 0.0

    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser is not None else []


def policy_from_response(host: str, status: int | None, body: bytes, not_followed: str = "") -> RobotsPolicy:
    """Google's convention: 2xx parsed, 4xx allows all, 5xx or no answer disallows all for this crawl.

    A 3xx here is a redirect the crawler did not follow (it follows up to five, to a robots.txt in
    scope): RFC 9309 2.3.1.2 lets a crawler treat that as unavailable, so, like a 4xx, it allows all.
    `not_followed` says why it was not followed, for the note.
    """
    if status is None:
        return RobotsPolicy(host, None, "robots.txt unreachable: host treated as disallowed", disallow_all=True)
    if 200 <= status < 300:
        text = body.decode("utf-8", errors="replace")
        return RobotsPolicy(host, Protego.parse(text), f"robots.txt {status}")
    if 300 <= status < 400:
        why = f" ({not_followed})" if not_followed else ""
        return RobotsPolicy(host, None, f"robots.txt {status}: redirect not followed{why}; treated as unavailable "
                                        "(RFC 9309 2.3.1.2): everything allowed")
    if 400 <= status < 500:
        return RobotsPolicy(host, None, f"robots.txt {status}: everything allowed")
    return RobotsPolicy(host, None, f"robots.txt {status}: host treated as disallowed", disallow_all=True)
