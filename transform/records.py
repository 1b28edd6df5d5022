"""The corpus records as typed dataclasses; `to_json` gives the exact dict written to JSON Lines.

The field names and shapes here are the contract described by `schema.json` (SCHEMA_VERSION).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "2.2.0"


@dataclass(frozen=True)
class Capture:
    """Where a record's bytes live: enough for `verify` to seek, re-read and compare."""

    warc_file: str
    offset: int
    length: int
    record_id: str
    payload_digest: str | None
    captured: str
    status: int | None
    url: str


@dataclass
class Comment:
    id: str
    parent: str | None
    author: str | None
    date: str | None
    text: str


@dataclass
class MediaRef:
    """A medium as a post uses it: the original, the variants seen, and whether the WARCs hold it.

    `role`: `embedded` (an image shown in the post), `attached` (a document in the upload folder
    of the post's month, where WordPress files what is uploaded with a post) or `linked`.
    """

    url: str
    kind: str
    role: str
    variants: list[str]
    best: str
    mime: str | None = None
    captured: bool = False
    media_id: str | None = None


@dataclass
class Link:
    """A link in a post's content; `scope` is internal, external (a site the WARCs also hold) or
    out_of_scope (a host the WARCs hold nothing of)."""

    url: str
    text: str
    scope: str
    captured: bool = False


@dataclass
class Chain:
    previous: str | None = None
    next: str | None = None
    position: int | None = None


@dataclass
class Post:
    """A WordPress post or page (`kind` tells which)."""

    id: str
    kind: str
    platform: str
    site: str
    post_id: str | None
    url: str
    canonical_url: str | None
    shortlink: str | None
    title: str | None
    published: str | None
    modified: str | None
    authors: list[str]
    categories: list[str]
    tags: list[str]
    language: str | None
    content_html: str
    content_text: str
    excerpt: str | None
    comments: list[Comment]
    comment_count: int
    media: list[MediaRef]
    links: list[Link]
    chain: Chain
    capture: Capture
    slug: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Photo:
    """One photo of a Tumblr post; `width`/`height` are the original's as the API v1 states them
    (null when no captured API response gives them)."""

    caption: str | None
    sizes: dict[str, str]
    best: str
    width: int | None = None
    height: int | None = None
    captured: bool = False
    media_id: str | None = None


@dataclass
class TumblrPost:
    """One Tumblr post merged from its permalink page, API v1 (XML/JSON) and RSS."""

    id: str
    kind: str
    platform: str
    blog: str
    post_id: str
    authors: list[str]
    type: str | None
    url: str
    slug: str | None
    published: str | None
    unix_timestamp: int | None
    tags: list[str]
    title: str | None
    body_html: str | None
    content_text: str
    caption: str | None
    quote: str | None
    source: str | None
    link_url: str | None
    link_text: str | None
    photos: list[Photo]
    reblogged_from: dict[str, Any] | None
    note_count: int | None
    sources: list[str]
    field_sources: dict[str, str]
    disagreements: dict[str, dict[str, Any]]
    capture: Capture
    warnings: list[str] = field(default_factory=list)


@dataclass
class Media:
    id: str
    kind: str
    platform: str
    url: str
    mime: str | None
    size: int
    width: int | None
    height: int | None
    sha256: str
    capture: Capture
    warnings: list[str] = field(default_factory=list)


@dataclass
class Listing:
    """A captured page that names posts, with the title it shows for each where it shows one; the
    completeness report checks these against the corpus and names a missing post by its title."""

    kind: str
    url: str
    site: str
    listing_type: str
    names: list[str]
    total: int | None
    capture: Capture
    titles: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Reject:
    """A WARC record that gave no corpus record, with the reason and where to find it."""

    kind: str
    reason: str
    detail: str
    warc_file: str
    offset: int | None
    url: str | None
    record_id: str | None


_PLAIN = frozenset((str, int, float, bool, type(None)))
_FIELDS: dict[type, tuple[str, ...]] = {}


def to_json(record: Any) -> Any:
    """The JSON-able form of a record; a shallow walk, much cheaper than dataclasses.asdict. Plain
    values are taken as they are without a call: most fields are strings or None."""
    cls = type(record)
    if cls in _PLAIN:
        return record
    if cls is list:
        return [v if type(v) in _PLAIN else to_json(v) for v in record]
    if cls is dict:
        return {k: v if type(v) in _PLAIN else to_json(v) for k, v in record.items()}
    names = _FIELDS.get(cls)
    if names is None:
        if not hasattr(record, "__dataclass_fields__"):
            return _other_to_json(record)
        names = _FIELDS.setdefault(cls, tuple(record.__dataclass_fields__))
    out = {}
    for name in names:
        value = getattr(record, name)
        out[name] = value if type(value) in _PLAIN else to_json(value)
    return out


def _other_to_json(value: Any) -> Any:
    """Subclasses of list and dict are walked like them, and of str, int and float made plain (an
    lxml XPath string result is a str subclass: JSON writes it as a str, marshal refuses it);
    anything else is taken as it is."""
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    for plain in (str, int, float):
        if isinstance(value, plain):
            return plain(value)
    return value
