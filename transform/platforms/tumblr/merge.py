"""Combine the views of one Tumblr post: API v1 first, then the permalink page, then RSS.

Where sources disagree the chosen value stays, and every source's value is kept in
`disagreements` so a reader can judge; `field_sources` says where each field came from.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Iterable

from transform.clean import norm_text
from transform.dates import sort_key
from transform.extracted import TumblrFragment
from transform.records import Capture, Photo, TumblrPost

PRIORITY = ("api_xml", "api_json", "permalink", "rss")
FIELDS = ("type", "url", "slug", "published", "unix_timestamp", "tags", "note_count", "title", "body_html",
          "caption", "quote", "source", "link_url", "link_text", "photos", "reblogged_from")
_STEM = re.compile(r"_(\d+)(sq)?(\.[a-z]+)$", re.I)


def dates_agree(a: str, b: str) -> bool:
    """Two dates of one post agree when they name the same instant, or when one is only a day
    (a theme shows the blog's local date) and the other a timestamp within a day of it: the
    coarser value is compatible, not a second opinion."""
    if len(a) > 10 and len(b) > 10:
        return sort_key(a) == sort_key(b)
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days) <= (0 if len(a) == len(b) else 1)
    except ValueError:
        return a == b


def _comparable(name: str, value: Any) -> Any:
    if name == "published":
        return sort_key(value)
    if name == "photos":
        return tuple(_STEM.sub("", p.get("best") or "") for p in value)
    if name == "url":
        return value.rstrip("/")
    if name == "tags":
        return tuple(t.lower() for t in value)
    if name == "reblogged_from" and isinstance(value, dict):
        return (value.get("blog"), value.get("post_id"))
    if isinstance(value, str):
        return norm_text(re.sub(r"<[^>]+>", " ", value))
    return value


def merge_fragments(blog: str, post_id: str, parts: Iterable[tuple[TumblrFragment, Capture]],
                    captured_sizes=None) -> TumblrPost:
    """One TumblrPost from every fragment of (blog, post_id); `parts` in any order."""
    by_source: dict[str, tuple[TumblrFragment, Capture]] = {}
    warnings: list[str] = []
    for frag, capture in parts:
        if frag.source not in by_source:
            by_source[frag.source] = (frag, capture)
        warnings.extend(w for w in frag.warnings if w not in warnings)
    order = [s for s in PRIORITY if s in by_source]
    chosen: dict[str, Any] = {}
    field_sources: dict[str, str] = {}
    disagreements: dict[str, dict[str, Any]] = {}
    for name in FIELDS:
        seen = [(s, by_source[s][0].fields[name]) for s in order if name in by_source[s][0].fields]
        if not seen:
            continue
        chosen[name] = seen[0][1]
        field_sources[name] = seen[0][0]
        if name == "published":
            differ = any(not dates_agree(a, b) for i, (_, a) in enumerate(seen) for _, b in seen[i + 1:])
        else:
            differ = len({repr(_comparable(name, v)) for _, v in seen}) > 1
        if differ:
            disagreements[name] = {s: v for s, v in seen}
    if "reblogged_from" in chosen:
        fuller = _fuller_reblog_url(chosen["reblogged_from"], [(s, by_source[s][0].fields.get("reblogged_from"))
                                                               for s in order])
        if fuller:
            field_sources["reblogged_from.url"], url = fuller
            chosen["reblogged_from"] = dict(chosen["reblogged_from"], url=url)
    if len(chosen.get("published") or "") == 10:
        full = [(src, v) for src, v in (
            (s, by_source[s][0].fields.get("published")) for s in order) if v and len(v) > 10]
        if full:
            field_sources["published"], chosen["published"] = full[0]
    if chosen.get("unix_timestamp") is None and len(chosen.get("published") or "") > 19:
        try:
            chosen["unix_timestamp"] = int(datetime.fromisoformat(chosen["published"]).timestamp())
            field_sources["unix_timestamp"] = field_sources["published"]
        except ValueError:
            pass
    capture_source = next(s for s in ("permalink", "api_xml", "api_json", "rss") if s in by_source)
    capture = by_source[capture_source][1]
    if "api_xml" not in by_source and "api_json" not in by_source:
        warnings.append("not in any captured API v1 response; fields from " + ", ".join(order))
    photos = [Photo(caption=p.get("caption"), sizes=p.get("sizes") or {}, best=p.get("best") or "",
                    width=p.get("width"), height=p.get("height"))
              for p in chosen.get("photos", [])]
    text_parts = [chosen.get("title"), _text(chosen.get("body_html")), _text(chosen.get("caption")),
                  chosen.get("quote"), chosen.get("source"), chosen.get("link_text")]
    return TumblrPost(
        id=f"tumblr:{blog}:{post_id}",
        kind="tumblr_post",
        platform="tumblr",
        blog=blog,
        post_id=str(post_id),
        authors=[blog],
        type=chosen.get("type"),
        url=chosen.get("url") or f"http://{blog}.tumblr.com/post/{post_id}",
        slug=chosen.get("slug"),
        published=chosen.get("published"),
        unix_timestamp=chosen.get("unix_timestamp"),
        tags=chosen.get("tags", []),
        title=chosen.get("title"),
        body_html=chosen.get("body_html"),
        content_text="\n\n".join(p for p in text_parts if p),
        caption=chosen.get("caption"),
        quote=chosen.get("quote"),
        source=chosen.get("source"),
        link_url=chosen.get("link_url"),
        link_text=chosen.get("link_text"),
        photos=photos,
        reblogged_from=chosen.get("reblogged_from"),
        note_count=chosen.get("note_count"),
        sources=order,
        field_sources=field_sources,
        disagreements=disagreements,
        capture=capture,
        warnings=warnings,
    )


def _fuller_reblog_url(chosen: dict, seen: list[tuple[str, Any]]) -> tuple[str, str] | None:
    """(source, URL) of the same reblogged post named with its slug, when the chosen view names it
    without: API v1 gives `reblogged-from-url` as /post/ID, the page links /post/ID/slug."""
    url = (chosen.get("url") or "").rstrip("/")
    if not url:
        return None
    for source, value in seen:
        if (isinstance(value, dict) and (value.get("blog"), value.get("post_id")) == (chosen.get("blog"), chosen.get("post_id"))
                and (value.get("url") or "").startswith(url + "/") and len(value["url"].rstrip("/")) > len(url)):
            return source, value["url"]
    return None


def _text(value: str | None) -> str | None:
    if not value:
        return None
    from lxml import html as lxml_html

    from transform.clean import text_of

    try:
        return text_of(lxml_html.fragment_fromstring(value, create_parent="div")) or None
    except Exception:  # noqa: BLE001 - text of broken markup falls back to tag stripping
        return norm_text(re.sub(r"<[^>]+>", " ", value)) or None
