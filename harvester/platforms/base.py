"""What a platform module tells the crawler about one fetched document: links and chain facts."""
from __future__ import annotations

from dataclasses import dataclass, field

PRIORITY_CHAIN = 0
PRIORITY_START = 1
PRIORITY_LISTING = 2
PRIORITY_PAGE = 3
PRIORITY_REQUISITE = 4


@dataclass(frozen=True)
class Link:
    """A URL to consider: how it was found, whether it is a page requisite or a post of the chain."""

    url: str
    discovered_by: str
    requisite: bool = False
    chain_member: bool = False
    priority: int = PRIORITY_PAGE
    trusted: bool = False


@dataclass
class PageAnalysis:
    links: list[Link] = field(default_factory=list)
    is_post: bool = False
    published: str | None = None
    chain_next: tuple[str, str] | None = None
    chain_prev: tuple[str, str] | None = None
    date_archives: list[str] = field(default_factory=list)
    listed_posts: list[str] = field(default_factory=list)
    pagination_last: str | None = None
    last_page: tuple[str, int] | None = None
    sitemaps: list[str] = field(default_factory=list)
    menu_pages: list[str] = field(default_factory=list)
