"""Settings of a replica: size, speed, and the test-only faults and gaps."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from replica.errors import ConfigError

FAULT_KINDS = (
    "status_503",
    "status_429",
    "reset",
    "truncate",
    "slow",
    "redirect_loop",
    "gzip_bomb",
)

WORDPRESS_HOST = "projektbesok.se"
BLOG_NAMES = ("besokholland", "besokdanmark", "besokengland")


@dataclass(frozen=True)
class Fault:
    """A misbehaviour applied to the first `times` requests for one path (0 = every request).

    path: the request path, with its query if it should only match that query
          (``/2012/05/29/premiardagar/`` or ``/?m=201205``). A path the site does not
          have (typical for ``redirect_loop`` and ``gzip_bomb``) gets a link from the
          home page so a crawler finds it.
    kind: one of FAULT_KINDS —
          ``status_503`` / ``status_429``: that status with ``Retry-After: retry_after``;
          ``reset``: headers and part of the body, then the connection is reset;
          ``truncate``: Content-Length of the whole body, half of it sent, connection closed;
          ``slow``: the normal answer after ``delay_s`` seconds;
          ``redirect_loop``: 302 from path to ``path?loop=1`` and back, forever while it applies;
          ``gzip_bomb``: 200, ``Content-Encoding: gzip``, a body of about ``size/1000`` bytes
          that inflates to ``size`` bytes of zeros.
    host: the host the fault applies to.
    """

    path: str
    kind: str
    times: int = 1
    host: str = WORDPRESS_HOST
    retry_after: int = 1
    delay_s: float = 2.0
    size: int = 1 << 30

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ConfigError("faults", self.kind, f"unknown fault kind; use one of {', '.join(FAULT_KINDS)}")
        if not self.path.startswith("/"):
            raise ConfigError("faults", self.path, "a fault path starts with '/'")
        if self.times < 0:
            raise ConfigError("faults", self.times, "times must be >= 0 (0 = every request)")


@dataclass(frozen=True)
class ReplicaConfig:
    """What the replica serves and how.

    posts: published WordPress posts (the real site had 86); the closing post is always last.
    seed: everything generated (texts, dates, ids, images) follows from it; same seed, same bytes.
    tumblr_posts: posts per blog as (holland, danmark, england); None = 24/18/21 for the
        default size, scaled with the square root of posts/86 for larger sites.
    latency_ms: fixed delay before every response, as a server across the internet adds.
    gzip: answer ``Accept-Encoding: gzip`` with gzip-encoded text bodies, as real servers do.
    chunked: send HTML with ``Transfer-Encoding: chunked`` instead of Content-Length.
    log_path: also append the request log to this file as JSON lines.
    crawl_delay: if set, robots.txt carries ``Crawl-delay: N``.
    chain_skip: 1-based positions (publication order) of posts left out of the "Nästa" chain:
        the previous post's "Nästa" links past them; they stay in every listing and answer 200.
    unreachable: positions left out of the chain whose permalink also answers 404, while
        listings, feeds and the API still name them ("the listings promise it, the archive lacks it").
    faults: Fault entries (test only).
    """

    posts: int = 86
    seed: int = 2013
    tumblr_posts: tuple[int, int, int] | None = None
    latency_ms: float = 0.0
    gzip: bool = True
    chunked: bool = False
    log_path: Path | str | None = None
    crawl_delay: float | None = None
    chain_skip: tuple[int, ...] = ()
    unreachable: tuple[int, ...] = ()
    faults: tuple[Fault, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.posts < 2:
            raise ConfigError("posts", self.posts, "need at least 2 posts (a first post and the closing post)")
        if self.latency_ms < 0:
            raise ConfigError("latency_ms", self.latency_ms, "must be >= 0")
        if self.tumblr_posts is not None:
            if len(self.tumblr_posts) != len(BLOG_NAMES) or min(self.tumblr_posts) < 1:
                raise ConfigError("tumblr_posts", self.tumblr_posts, "three counts >= 1 (holland, danmark, england)")
        for name in ("chain_skip", "unreachable"):
            for pos in getattr(self, name):
                if not 1 <= pos < self.posts:
                    raise ConfigError(
                        name, pos, f"positions run from 1 to {self.posts - 1}; the closing post ({self.posts}) stays in the chain"
                    )
        if len(set(self.chain_skip) | set(self.unreachable)) >= self.posts - 1 and self.posts > 2:
            raise ConfigError("chain_skip", self.chain_skip, "leaves no post in the chain besides the closing post")

    def blog_sizes(self) -> tuple[int, int, int]:
        if self.tumblr_posts is not None:
            return tuple(self.tumblr_posts)  # type: ignore[return-value]
        scale = max(1.0, (self.posts / 86) ** 0.5)
        return tuple(int(round(n * scale)) for n in (24, 18, 21))  # type: ignore[return-value]
