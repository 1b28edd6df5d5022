"""Field-by-field comparison of a corpus with the replica's ground truth; returns readable differences."""
from __future__ import annotations

import json
from pathlib import Path


def load(corpus: Path, name: str) -> list[dict]:
    path = Path(corpus) / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _diff(where: str, field: str, expected, found, out: list[str]) -> None:
    if expected != found:
        out.append(f"{where}: {field}: expected {expected!r}, found {found!r}")


def compare_wordpress(corpus: Path, truth: dict, *, require_all: bool = True) -> list[str]:
    wp = truth["wordpress"]
    host = wp["host"]
    posts = load(corpus, "posts.jsonl")
    out: list[str] = []
    ids = [p["id"] for p in posts]
    if len(ids) != len(set(ids)):
        out.append("duplicate post ids")
    urls = [p["url"] for p in posts]
    if len(urls) != len(set(urls)):
        out.append("duplicate post urls")
    by_id = {p["id"]: p for p in posts}
    expected_ids = set()
    for t in wp["posts"]:
        rid = f"wp:{host}:{t['id']}"
        expected_ids.add(rid)
        rec = by_id.get(rid)
        if rec is None:
            if require_all and t.get("reachable", True):
                out.append(f"{rid}: missing ({t['url']})")
            continue
        w = rid
        _diff(w, "url", t["url"], rec["url"], out)
        _diff(w, "shortlink", t["shortlink"], rec["shortlink"], out)
        _diff(w, "slug", t["slug"], rec["slug"], out)
        _diff(w, "title", t["title"], rec["title"], out)
        _diff(w, "published", t["published"], rec["published"], out)
        _diff(w, "modified", t["modified"], rec["modified"] or rec["published"], out)
        _diff(w, "authors", [t["author"]], rec["authors"], out)
        _diff(w, "categories", t["categories"], rec["categories"], out)
        _diff(w, "tags", t["tags"], rec["tags"], out)
        _diff(w, "comment_count", t["comment_count"], rec["comment_count"], out)
        _diff(w, "excerpt", t["excerpt"], rec["excerpt"], out)
        found_comments = sorted((int(c["id"]), int(c["parent"] or 0), c["author"], c["date"], c["text"])
                                for c in rec["comments"])
        want_comments = sorted((c["id"], c["parent"], c["author"], c["date"], c["text"]) for c in t["comments"])
        _diff(w, "comments", want_comments, found_comments, out)
        own = [m for m in rec["media"] if m["role"] != "linked"]
        _diff(w, "media", sorted(m["url"] for m in t["media"]), sorted(m["url"] for m in own), out)
        _diff(w, "media kinds", sorted((m["url"], m["kind"]) for m in t["media"]),
              sorted((m["url"], m["kind"]) for m in own), out)
        _diff(w, "chain position", t["chain_position"], rec["chain"]["position"], out)
    extra = set(by_id) - expected_ids
    if extra:
        out.append(f"posts not in the ground truth: {sorted(extra)}")
    draft_ids = {f"wp:{host}:{d['id']}" for d in wp["drafts"]}
    draft_urls = {d["url"] for d in wp["drafts"]}
    for name in ("posts.jsonl", "pages.jsonl"):
        for rec in load(corpus, name):
            if rec["id"] in draft_ids or rec["url"] in draft_urls:
                out.append(f"draft in the corpus: {rec['id']}")
    pages = {p["id"]: p for p in load(corpus, "pages.jsonl")}
    for t in wp["pages"]:
        rid = f"wp:{host}:{t['id']}"
        rec = pages.get(rid)
        if rec is None:
            out.append(f"page {rid}: missing ({t['url']})")
            continue
        _diff(rid, "url", t["url"], rec["url"], out)
        _diff(rid, "title", t["title"], rec["title"], out)
        _diff(rid, "slug", t["slug"], rec["slug"], out)
    if len(pages) != len(wp["pages"]):
        out.append(f"pages: expected {len(wp['pages'])}, found {len(pages)}")
    return out


def _text(html: str | None) -> str | None:
    """The words of an HTML fragment (or plain text), one paragraph per <p>, whitespace collapsed:
    what a reader sees, whatever wrapper the cleaned HTML has."""
    if not html or not html.strip():
        return None
    from lxml import html as lxml_html

    frag = lxml_html.fragment_fromstring(html, create_parent="div")
    paragraphs = [" ".join(p.text_content().split()) for p in frag.iter("p")] or [" ".join(frag.text_content().split())]
    return "\n\n".join(p for p in paragraphs if p) or None


def _reblog(value: dict | None) -> tuple | None:
    return None if not value else (value["blog"], str(value["post_id"]), value["url"])


def compare_tumblr(corpus: Path, truth: dict, *, require_all: bool = True) -> list[str]:
    """Every field of every Tumblr post against the truth (the reference): texts as a reader sees
    them, each photo's caption, sizes, best URL and dimensions, and the reblog source."""
    out: list[str] = []
    records = load(corpus, "tumblr_posts.jsonl")
    ids = [r["id"] for r in records]
    if len(ids) != len(set(ids)):
        out.append("duplicate tumblr ids")
    by_id = {r["id"]: r for r in records}
    expected = set()
    for blog, data in truth["tumblr"].items():
        for t in data["posts"]:
            rid = f"tumblr:{blog}:{t['id']}"
            expected.add(rid)
            rec = by_id.get(rid)
            if rec is None:
                if require_all:
                    out.append(f"{rid}: missing ({t['url']})")
                continue
            _diff(rid, "blog", blog, rec["blog"], out)
            _diff(rid, "post_id", str(t["id"]), rec["post_id"], out)
            for field in ("url", "slug", "type", "published", "unix_timestamp", "tags", "note_count", "title",
                          "quote", "source", "link_url", "link_text"):
                _diff(rid, field, t[field], rec[field], out)
            _diff(rid, "caption (text)", _text(t["caption"]), _text(rec["caption"]), out)
            _diff(rid, "body (text)", _text(t["body"]), _text(rec["body_html"]), out)
            _diff(rid, "photo count", len(t["photos"]), len(rec["photos"]), out)
            for n, (want, got) in enumerate(zip(t["photos"], rec["photos"]), start=1):
                where = f"{rid} photo {n}"
                _diff(where, "caption", want["caption"], got["caption"], out)
                _diff(where, "best", want["best"], got["best"], out)
                _diff(where, "dimensions", (want["width"], want["height"]), (got.get("width"), got.get("height")), out)
                _diff(where, "sizes", {str(k): v for k, v in want["sizes"].items()}, got["sizes"], out)
            _diff(rid, "reblogged_from", _reblog(t["reblogged_from"]), _reblog(rec["reblogged_from"]), out)
    extra = set(by_id) - expected
    if extra:
        out.append(f"tumblr posts not in the ground truth: {sorted(extra)}")
    return out
