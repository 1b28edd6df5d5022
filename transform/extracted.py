"""What one captured document contributes before the merge: the hand-over between the
platform extractors (pure) and the corpus writer (which dedups, resolves and sorts)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from transform.records import Listing, Post


@dataclass
class FeedItem:
    """A post as a feed names it: a fallback for facts the page itself lacks."""

    url: str
    post_id: int | None
    title: str | None
    published: str | None
    authors: list[str]
    categories: list[str]
    comment_count: int | None
    excerpt: str | None


@dataclass
class RestItem:
    """A post as WordPress's REST API (`/wp-json/wp/v2/posts/N`) states it: the one place a
    WordPress 6 site gives the modified date."""

    site: str
    post_id: str
    url: str | None
    published: str | None
    modified: str | None


@dataclass
class TumblrFragment:
    """One source's view of one Tumblr post (`source` is permalink, api_xml, api_json or rss)."""

    blog: str
    post_id: str
    source: str
    fields: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Extracted:
    post: Post | None = None
    listing: Listing | None = None
    maybe_names: list[str] = field(default_factory=list)
    feed_items: list[FeedItem] = field(default_factory=list)
    tumblr: list[TumblrFragment] = field(default_factory=list)
    rest: RestItem | None = None
    skip: str | None = None
    warnings: list[str] = field(default_factory=list)
