"""Completeness as pure functions over the stage outputs: routes compared, differences named.

Every route to a post (the Nästa chain, Arkiv, Utbildningar, category/tag/date archives, feeds,
sitemaps; Tumblr pagination, API v1, RSS) is a set of URLs; the archive is the set of posts in
the corpus. A post some route promises but the archive lacks, a post the chain skipped, a
document or image referenced but not captured each become a named reason for INCOMPLETE.
What is worth knowing but no gap (a sitemap that leaves out posts the archive holds) is an
observation: named the same way, without changing the verdict.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit

DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp", ".rtf")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff")
WORDPRESS_ROUTES_FULL = ("sitemap",)  # meant to name every published post; leaving some out is an observation
TUMBLR_ROUTE_NAMES = {"tumblr_index": "pagination", "tumblr_api": "api", "tumblr_rss": "rss",
                      "tumblr_archive": "archive", "tumblr_tagged": "tagged"}
LIST_CAP = 500
ERROR_OUTCOMES = ("http_error", "network_error")
CUT_OUTCOMES = ("limit", "too_large")
PROBES = ("seed:sitemap", "seed:feed", "seed:tumblr-rss", "seed:tumblr-archive")
ABSENT = (404, 410)
ERROR_CLASSES = {
    "error": "HTTP/network errors on content (not recovered)",
    "robots_unavailable": "robots.txt unavailable (4xx: RFC 9309 says everything is allowed)",
    "absent_probe": "probes for optional files that do not exist (sitemaps, feeds)",
    "absent_listing": "configured listings the site does not have (check [wordpress] listings)",
}


def classify_error(entry: dict) -> str:
    """Which failed fetches matter: a 4xx robots.txt means "allow all" (RFC 9309 2.3.1.3), a probe
    for a sitemap or feed that does not exist and a configured listing the site lacks are facts
    about the site, not gaps in the archive; anything else is an error on content."""
    status = entry.get("status") or 0
    by = entry.get("discovered_by") or ""
    if entry.get("outcome") != "http_error" or not 400 <= status < 500:
        return "error"
    if by == "robots" or urlsplit(entry.get("url") or "").path == "/robots.txt":
        return "robots_unavailable"
    if by in PROBES and status in ABSENT:
        return "absent_probe"
    if by == "seed:listing" and status in ABSENT:
        return "absent_listing"
    return "error"


def norm_url(url: str | None) -> str:
    """Comparable form of a URL: lower-case scheme and host, no fragment, no default port."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and not (parts.scheme == "http" and parts.port == 80 or parts.scheme == "https" and parts.port == 443):
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", parts.query, ""))


def host_of(url: str | None) -> str:
    return (urlsplit(url or "").hostname or "").lower()


@dataclass(frozen=True)
class Item:
    """A post or file named in the report: URL and, where known, its title."""

    url: str
    title: str | None = None

    def as_dict(self) -> dict:
        return {"url": self.url, "title": self.title}


@dataclass
class CorpusView:
    """The few fields of the corpus the report needs, keyed by normalised URL."""

    posts: dict[str, dict[str, dict]] = field(default_factory=lambda: defaultdict(dict))
    pages: dict[str, dict[str, dict]] = field(default_factory=lambda: defaultdict(dict))
    tumblr: dict[str, dict[str, dict]] = field(default_factory=lambda: defaultdict(dict))
    media_captured: set[str] = field(default_factory=set)
    media_count: int = 0
    listings: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)


def _site_of(record: dict) -> str:
    """The host a record belongs to; Tumblr ids carry the blog name, so the URL decides."""
    host = host_of(record.get("canonical_url") or record.get("url"))
    if host:
        return host
    parts = (record.get("id") or "").split(":")
    return parts[1].lower() if len(parts) >= 3 else ""


def _slim(record: dict) -> dict:
    return {
        "captured": (record.get("capture") or {}).get("captured"),
        "id": record.get("id"),
        "url": record.get("url"),
        "canonical_url": record.get("canonical_url"),
        "title": record.get("title") or record.get("slug"),
        "published": record.get("published"),
        "media": list(_media_refs(record)),
        "chain": record.get("chain") or {},
    }


def _media_refs(record: dict) -> Iterable[dict]:
    """(url, kind, captured) for each image, photo or document a record references."""
    for key in ("media", "photos", "documents"):
        for entry in record.get(key) or []:
            if isinstance(entry, str):
                entry = {"url": entry}
            if not isinstance(entry, dict):
                continue
            url = (entry.get("original_url") or entry.get("original") or entry.get("url") or entry.get("best")
                   or entry.get("best_url"))
            if isinstance(url, dict):
                url = url.get("url")
            if not url:
                continue
            kind = (entry.get("kind") or entry.get("type") or entry.get("media_type") or "").lower()
            mime = (entry.get("mime_type") or entry.get("mime") or "").lower()
            path = urlsplit(url).path.lower()
            if kind in ("document", "pdf", "file") or mime.startswith("application/") or path.endswith(DOCUMENT_EXTENSIONS):
                kind = "document"
            elif key == "photos" or kind in ("photo", "image", "img") or mime.startswith("image/") or path.endswith(IMAGE_EXTENSIONS):
                kind = "photo" if key == "photos" or kind == "photo" else "image"
            else:
                continue
            yield {"url": url, "kind": kind, "captured": entry.get("captured")}
    for link in record.get("links") or []:
        url = link.get("url") if isinstance(link, dict) else link
        if isinstance(url, str) and urlsplit(url).path.lower().endswith(DOCUMENT_EXTENSIONS):
            yield {"url": url, "kind": "document", "captured": link.get("captured") if isinstance(link, dict) else None}


def corpus_view(posts: Iterable[dict], pages: Iterable[dict], tumblr_posts: Iterable[dict],
                media: Iterable[dict], listings: Iterable[dict], rejects: Iterable[dict] = ()) -> CorpusView:
    view = CorpusView()
    for record in posts:
        view.posts[_site_of(record)][norm_url(record.get("canonical_url") or record.get("url"))] = _slim(record)
    for record in pages:
        view.pages[_site_of(record)][norm_url(record.get("canonical_url") or record.get("url"))] = _slim(record)
    for record in tumblr_posts:
        view.tumblr[_site_of(record)][norm_url(record.get("canonical_url") or record.get("url"))] = _slim(record)
    for record in media:
        view.media_count += 1
        status = (record.get("capture") or {}).get("status")
        if status is None or 200 <= int(status) < 300:
            view.media_captured.add(norm_url(record.get("url")))
    for record in listings:
        view.listings.append({
            "url": record.get("url"),
            "site": (record.get("site") or host_of(record.get("url"))).lower(),
            "listing_type": record.get("listing_type") or "unknown",
            "names": [norm_url(n) for n in record.get("names") or []],
            "titles": {norm_url(u): t for u, t in (record.get("titles") or {}).items() if t},
            "total": record.get("total"),
        })
    view.rejects = [
        {"reason": r.get("reason"), "url": r.get("url") or (r.get("capture") or {}).get("url"),
         "warc_file": r.get("warc_file") or (r.get("capture") or {}).get("warc_file")}
        for r in rejects
    ]
    return view


def _items(urls: Iterable[str], titles: dict[str, dict]) -> list[dict]:
    out = []
    for url in sorted(urls)[:LIST_CAP]:
        known = titles.get(url) or {}
        item = Item(url, known.get("title")).as_dict()
        if known.get("captured"):
            item["captured"] = known["captured"]
        out.append(item)
    return out


def _listed_titles(view: CorpusView, site: str) -> dict[str, str]:
    """The title a listing of `site` shows for each post it names (corpus 2.1.0 `titles`): how the
    report names a post that no archived record gives a title."""
    titles: dict[str, str] = {}
    for listing in view.listings:
        if listing["site"] == site:
            for url, title in (listing.get("titles") or {}).items():
                titles.setdefault(url, title)
    return titles


def _named(item: dict) -> str:
    """A post in a reason's message: its URL, and its title where known."""
    return item["url"] + (f" “{item['title']}”" if item.get("title") else "")


def _check(code: str, passed: bool, message: str) -> dict:
    return {"code": code, "passed": passed, "message": message}


def _month_of_url(url: str) -> str | None:
    parts = urlsplit(url).path.strip("/").split("/")
    if len(parts) >= 2 and len(parts[0]) == 4 and parts[0].isdigit() and len(parts[1]) == 2 and parts[1].isdigit():
        return f"{parts[0]}-{parts[1]}"
    return None


def _route_key(listing_type: str) -> str:
    if listing_type.startswith("page:"):
        return listing_type.lower()
    return listing_type


def _reason(code: str, message: str, items: list[dict] | None = None) -> dict:
    return {"code": code, "message": message, "items": items or []}


def _media_section(records: dict[str, dict], kinds: tuple[str, ...], captured: set[str], site_hosts: set[str] | None):
    referenced: dict[str, dict] = {}
    for record in records.values():
        for ref in record["media"]:
            if ref["kind"] not in kinds:
                continue
            url = norm_url(ref["url"])
            if site_hosts is not None and kinds == ("document",) and host_of(url) not in site_hosts:
                continue
            previous = referenced.get(url)
            flag = ref["captured"]
            referenced[url] = {"captured": bool(flag) or (previous or {}).get("captured", False), "in": record}
    got = {u for u, r in referenced.items() if r["captured"] or u in captured}
    missing = sorted(set(referenced) - got)
    return {
        "referenced": len(referenced),
        "captured": len(got),
        "missing": [{"url": u, "referenced_by": referenced[u]["in"]["url"], "title": referenced[u]["in"]["title"]}
                    for u in missing][:LIST_CAP],
    }


def _month(published: str | None) -> str | None:
    return published[:7] if published and len(published) >= 7 else None


def _full_route_observations(host: str, routes: dict[str, set[str]], posts: dict[str, dict]) -> list[dict]:
    """A route meant to name every post (WORDPRESS_ROUTES_FULL) that leaves out archived ones. A sitemap
    may omit posts on purpose (noindex, published after it was captured) and the archive holds them,
    so this is an observation, not a gap; posts a route names and the archive lacks are `missing_posts`."""
    found = []
    for key in WORDPRESS_ROUTES_FULL:
        lacking = sorted(set(posts) - routes[key]) if key in routes else []
        if lacking:
            items = _items(lacking, posts)
            found.append(dict(_reason(
                "full_route_lacks_posts",
                f"{host}: the {key} leaves out {len(lacking)} of the {len(posts)} archived posts (the archive holds "
                f"them; a {key} may omit noindex posts or ones published after it was captured): "
                + ", ".join(f"{i['title'] or i['url']} ({i['url']})" for i in items[:5]), items), route=key))
    return found


def wordpress_section(host: str, view: CorpusView, chain: dict | None,
                      reached: dict[str, dict]) -> tuple[dict, list[dict], list[dict]]:
    """The section of one WordPress host, the reasons it is incomplete and the observations about it."""
    posts = view.posts.get(host, {})
    reasons: list[dict] = []
    routes: dict[str, set[str]] = defaultdict(set)
    listing_pages: Counter = Counter()
    totals: dict[str, int] = {}
    for listing in view.listings:
        if listing["site"] != host or listing["listing_type"].startswith("tumblr"):
            continue
        key = _route_key(listing["listing_type"])
        names = {n for n in listing["names"] if host_of(n) == host}
        if not names and key not in routes:
            continue
        listing_pages[key] += 1
        routes[key] |= names
        if isinstance(listing["total"], int):
            totals[key] = max(totals.get(key, 0), listing["total"])
    chain_section = None
    if chain and chain.get("start"):
        hop_urls = [norm_url(chain["start"])] + [norm_url(h.get("to")) for h in chain.get("hops") or []]
        chain_set = {u for u in hop_urls if host_of(u) == host}
        if chain_set:
            routes["chain"] = chain_set
            listing_pages["chain"] = len(chain.get("hops") or []) + 1
            breaks = chain.get("breaks") or []
            not_on_chain = sorted(set(posts) - chain_set)
            chain_section = {
                "start": chain.get("start"),
                "start_found_by": chain.get("start_found_by"),
                "length": chain.get("length", len(chain_set)),
                "hops": len(chain.get("hops") or []),
                "breaks": breaks,
                "posts_not_on_chain": [],
            }
            for url in not_on_chain:
                via = sorted(k for k, names in routes.items() if k != "chain" and url in names)
                log = reached.get(url) or {}
                chain_section["posts_not_on_chain"].append({
                    "url": url, "title": posts[url]["title"], "captured": posts[url].get("captured"), "reached_via": via,
                    "discovered_by": log.get("discovered_by"), "linked_from": log.get("via"),
                })
            if not_on_chain:
                names = ", ".join(f"{p['title'] or p['url']} ({p['url']})" for p in chain_section["posts_not_on_chain"][:5])
                how = "; ".join(
                    f"{p['url']} reached via {', '.join(p['reached_via']) or p['discovered_by'] or 'unknown'}"
                    for p in chain_section["posts_not_on_chain"][:5])
                reasons.append(_reason(
                    "not_on_chain",
                    f"{host}: {len(not_on_chain)} archived post(s) not on the Nästa chain: {names}. {how}",
                    chain_section["posts_not_on_chain"]))
            unbridged = [b for b in breaks if not b.get("bridged_to")]
            if unbridged:
                reasons.append(_reason(
                    "chain_break_unbridged",
                    f"{host}: {len(unbridged)} chain break(s) not bridged: "
                    + ", ".join(f"after position {b.get('after_position')} ({b.get('reason')})" for b in unbridged),
                    [{"url": b.get("from"), "title": None} for b in unbridged]))
    expected = (set().union(*routes.values()) if routes else set()) - set(view.pages.get(host, {}))
    archived = set(posts)
    promised_missing = sorted(expected - archived)
    route_rows = []
    for key in sorted(routes, key=lambda k: (k != "chain", k)):
        names = routes[key]
        route_rows.append({
            "route": key,
            "listing_pages": listing_pages[key],
            "posts": len(names & archived),
            "named": len(names),
            "total_claimed": totals.get(key),
            "archived_not_via_route": _items(archived - names, posts),
            "via_route_not_archived": _items(names - archived, posts),
        })
    if promised_missing:
        promised = []
        shown_titles = _listed_titles(view, host)
        for url in promised_missing:
            by = sorted(k for k, names in routes.items() if url in names)
            promised.append({"url": url, "title": (posts.get(url) or {}).get("title") or shown_titles.get(url),
                             "promised_by": by})
        reasons.append(_reason(
            "missing_posts",
            f"{host}: {len(promised_missing)} post(s) named by the site's routes but not in the archive: "
            + ", ".join(f"{_named(p)} (named by {', '.join(p['promised_by'])})" for p in promised[:5]),
            promised[:LIST_CAP]))
    for key, total in sorted(totals.items()):
        if total > len(archived):
            reasons.append(_reason(
                "listing_total_exceeds",
                f"{host}: {key} claims {total} posts, the archive holds {len(archived)}"))
    observations = _full_route_observations(host, routes, posts)
    site_hosts = {host}
    all_records = {**posts, **view.pages.get(host, {})}
    documents = _media_section(all_records, ("document",), view.media_captured, site_hosts)
    images = _media_section(all_records, ("image",), view.media_captured, None)
    for label, section in (("documents", documents), ("images", images)):
        if section["missing"]:
            reasons.append(_reason(
                f"{label}_missing",
                f"{host}: {section['referenced'] - section['captured']} of {section['referenced']} {label} referenced "
                f"but not captured: " + ", ".join(m["url"] for m in section["missing"][:5]),
                section["missing"]))
    per_month = Counter(_month(p["published"]) for p in posts.values())
    expected_month = Counter(per_month)
    for url in promised_missing:
        expected_month[_month_of_url(url) or "unknown"] += 1
    codes = {r["code"] for r in reasons}
    checks = []
    if chain_section:
        checks.append(_check("chain", not codes & {"not_on_chain", "chain_break_unbridged"},
                             f"{host}: the Nästa chain holds {chain_section['length']} posts from its first post, "
                             f"{len(chain_section['breaks'])} break(s), "
                             + ("every archived post is on it" if not chain_section["posts_not_on_chain"] else
                                f"{len(chain_section['posts_not_on_chain'])} archived post(s) not on it")))
    listed = sorted(k for k in routes if k != "chain")
    omitted = "".join(f"; the {o['route']} leaves out {len(o['items'])} archived post(s) (an observation, not a gap)"
                      for o in observations)
    checks.append(_check("routes", not codes & {"missing_posts", "listing_total_exceeds"},
                         f"{host}: chain vs listings: {len(expected | archived)} posts named by "
                         + ("the chain and " if "chain" in routes else "")
                         + f"{len(listed)} listing route(s) ({', '.join(listed) or 'none'}), {len(archived)} archived, "
                         f"{len(promised_missing)} missing" + omitted))
    checks.append(_check("documents", "documents_missing" not in codes,
                         f"{host}: documents: {documents['referenced']} linked, {documents['captured']} captured"))
    checks.append(_check("images", "images_missing" not in codes,
                         f"{host}: images: {images['referenced']} referenced, {images['captured']} captured at original size"))
    return {
        "host": host,
        "platform": "wordpress",
        "posts": len(posts),
        "pages": len(view.pages.get(host, {})),
        "chain": chain_section,
        "routes": route_rows,
        "expected": len(expected | archived),
        "missing": [{"url": u, "promised_by": sorted(k for k, n in routes.items() if u in n)} for u in promised_missing][:LIST_CAP],
        "documents": documents,
        "images": images,
        "posts_per_month": {m: per_month[m] for m in sorted(k for k in per_month if k)},
        "posts_per_month_expected": {m: expected_month[m] for m in sorted(k for k in expected_month if k)},
        "checks": checks,
    }, reasons, observations


def tumblr_section(blog: str, view: CorpusView) -> tuple[dict, list[dict]]:
    posts = view.tumblr.get(blog, {})
    archived = set(posts)
    reasons: list[dict] = []
    routes: dict[str, set[str]] = defaultdict(set)
    api_total = None
    for listing in view.listings:
        if listing["site"] != blog or not listing["listing_type"].startswith("tumblr"):
            continue
        name = TUMBLR_ROUTE_NAMES.get(listing["listing_type"], listing["listing_type"])
        routes[name] |= set(listing["names"])
        if listing["listing_type"] == "tumblr_api" and isinstance(listing["total"], int):
            api_total = max(api_total or 0, listing["total"])
    expected = set().union(*routes.values()) if routes else set()
    missing = sorted(expected - archived)
    route_rows = [{
        "route": key, "named": len(names), "posts": len(names & archived),
        "archived_not_via_route": _items(archived - names, posts),
        "via_route_not_archived": _items(names - archived, posts),
    } for key, names in sorted(routes.items())]
    if missing:
        shown_titles = _listed_titles(view, blog)
        items = [{"url": u, "title": (posts.get(u) or {}).get("title") or shown_titles.get(u),
                  "promised_by": sorted(k for k, n in routes.items() if u in n)} for u in missing[:LIST_CAP]]
        reasons.append(_reason(
            "tumblr_posts_missing",
            f"{blog}: {len(missing)} post(s) named by pagination/API/RSS but not in the archive: "
            + ", ".join(_named(i) for i in items[:5]), items))
    if api_total is not None and api_total > len(archived):
        reasons.append(_reason(
            "tumblr_api_total_exceeds",
            f"{blog}: the API v1 reports {api_total} posts, the archive holds {len(archived)}"))
    photos = _media_section(posts, ("photo", "image"), view.media_captured, None)
    if photos["missing"]:
        reasons.append(_reason(
            "photos_missing",
            f"{blog}: {photos['referenced'] - photos['captured']} of {photos['referenced']} photos not captured: "
            + ", ".join(m["url"] for m in photos["missing"][:5]), photos["missing"]))
    codes = {r["code"] for r in reasons}
    checks = [
        _check("tumblr_posts", not codes & {"tumblr_posts_missing", "tumblr_api_total_exceeds"},
               f"{blog}: {len(archived)} posts archived; pagination names {len(routes.get('pagination', set()))}, "
               f"the API v1 total is {api_total if api_total is not None else 'unknown'}, "
               f"RSS names {len(routes.get('rss', set()))}"
               + (" (the feed lists only the newest)" if len(routes.get("rss", set())) < len(archived) else "")),
        _check("photos", "photos_missing" not in codes,
               f"{blog}: photos: {photos['referenced']} referenced, {photos['captured']} captured"),
    ]
    per_month = Counter(_month(p["published"]) for p in posts.values())
    return {
        "blog": blog,
        "checks": checks,
        "posts_per_month": {m: per_month[m] for m in sorted(k for k in per_month if k)},
        "platform": "tumblr",
        "posts": len(archived),
        "pagination": len(routes.get("pagination", set())),
        "api": len(routes.get("api", set())),
        "api_total": api_total,
        "rss": len(routes.get("rss", set())),
        "routes": route_rows,
        "missing": missing[:LIST_CAP],
        "photos": photos,
    }, reasons


@dataclass
class CrawlView:
    """Counts and samples from crawl.log.jsonl, read once, streaming."""

    outcomes: Counter = field(default_factory=Counter)
    http_errors: dict[str, dict] = field(default_factory=dict)
    fetched: set[str] = field(default_factory=set)
    retries: int = 0
    robots: list[str] = field(default_factory=list)
    out_of_scope: Counter = field(default_factory=Counter)
    out_of_scope_sample: list[str] = field(default_factory=list)
    traps: Counter = field(default_factory=Counter)
    trap_sample: list[dict] = field(default_factory=list)
    cut: list[dict] = field(default_factory=list)
    reached: dict[str, dict] = field(default_factory=dict)


def crawl_view(lines: Iterable[dict], watch: set[str]) -> CrawlView:
    """Summarise the crawl log; keep how each URL in `watch` was discovered."""
    view = CrawlView()
    for entry in lines:
        outcome = entry.get("outcome") or "unknown"
        url = entry.get("url") or ""
        key = norm_url(url)
        view.outcomes[outcome] += 1
        if outcome in ("fetched", "revisit", "redirect"):
            view.fetched.add(key)
            view.http_errors.pop(key, None)
            if key in watch and key not in view.reached:
                view.reached[key] = {"discovered_by": entry.get("discovered_by"), "via": entry.get("via")}
        elif outcome in ERROR_OUTCOMES:
            if key not in view.fetched:
                error = {"url": url, "outcome": outcome, "status": entry.get("status"), "reason": entry.get("reason"),
                         "discovered_by": entry.get("discovered_by")}
                error["class"] = classify_error(error)
                view.http_errors[key] = error
        elif outcome == "retry":
            view.retries += 1
        elif outcome == "robots":
            if len(view.robots) < LIST_CAP:
                view.robots.append(url)
        elif outcome == "out_of_scope":
            view.out_of_scope[host_of(url)] += 1
            if len(view.out_of_scope_sample) < LIST_CAP:
                view.out_of_scope_sample.append(url)
        elif outcome == "trap":
            view.traps[entry.get("reason") or "trap"] += 1
            if len(view.trap_sample) < 50:
                view.trap_sample.append({"url": url, "reason": entry.get("reason")})
        elif outcome in CUT_OUTCOMES:
            if len(view.cut) < LIST_CAP:
                view.cut.append({"url": url, "outcome": outcome, "reason": entry.get("reason")})
    return view


def crawl_section(crawl: CrawlView, summary: dict) -> tuple[dict, list[dict]]:
    reasons = []
    errors = sorted(crawl.http_errors.values(), key=lambda e: (e["class"] != "error", e["class"], e["url"]))
    unrecovered = [e for e in errors if e["class"] == "error"
                   and (e["outcome"] == "network_error" or (e.get("status") or 0) >= 500)]
    if unrecovered:
        reasons.append(_reason(
            "unrecovered_errors",
            f"{len(unrecovered)} URL(s) failed with server or network errors after all retries: "
            + ", ".join(e["url"] for e in unrecovered[:5]),
            [{"url": e["url"], "title": None} for e in unrecovered][:LIST_CAP]))
    if crawl.cut:
        reasons.append(_reason(
            "crawl_cut_short",
            f"{len(crawl.cut)} URL(s) not captured because a limit was reached: "
            + ", ".join(f"{c['url']} ({c['outcome']})" for c in crawl.cut[:5]),
            [{"url": c["url"], "title": None} for c in crawl.cut]))
    classes = Counter(e["class"] for e in errors)
    real = [e for e in errors if e["class"] == "error"]
    checks = [
        _check("errors", not unrecovered,
               f"crawl: {len(unrecovered)} server/network error(s) left after {crawl.retries} retries; "
               f"{len(real) - len(unrecovered)} other HTTP error(s) on content"
               + (f", {len(errors) - len(real)} expected (absent probes, robots.txt unavailable)" if len(errors) > len(real) else "")),
        _check("limits", not crawl.cut, f"crawl: {len(crawl.cut)} URL(s) cut by a size or page limit"),
    ]
    return {
        "checks": checks,
        "outcomes": dict(sorted(crawl.outcomes.items())),
        "http_errors": errors[:LIST_CAP],
        "http_error_count": len(errors),
        "http_error_classes": {k: classes.get(k, 0) for k in ERROR_CLASSES},
        "real_error_count": len(real),
        "retries": crawl.retries,
        "robots_excluded": crawl.robots,
        "out_of_scope": {"count": sum(crawl.out_of_scope.values()), "by_host": dict(sorted(crawl.out_of_scope.items())),
                         "sample": sorted(crawl.out_of_scope_sample)},
        "traps": {"count": sum(crawl.traps.values()), "by_reason": dict(sorted(crawl.traps.items())),
                  "sample": crawl.trap_sample},
        "skips": summary.get("skips") or {},
        "cut": crawl.cut,
    }, reasons


def assemble(summary: dict, view: CorpusView, crawl: CrawlView, totals: dict) -> dict:
    """The whole completeness document; verdict COMPLETE only if no reason was found (observations do not count)."""
    reasons: list[dict] = []
    observations: list[dict] = []
    chain = summary.get("chain") or {}
    chain_host = host_of(chain.get("start"))
    wp_hosts = sorted(set(view.posts) | set(view.pages) | ({chain_host} if chain_host else set())
                      | {l["site"] for l in view.listings if not l["listing_type"].startswith("tumblr")})
    tumblr_blogs = sorted(set(view.tumblr) | {l["site"] for l in view.listings if l["listing_type"].startswith("tumblr")})
    sites = []
    for host in wp_hosts:
        section, found, noted = wordpress_section(host, view, chain if host == chain_host else None, crawl.reached)
        sites.append(section)
        reasons += found
        observations += noted
    blogs = []
    for blog in tumblr_blogs:
        section, found = tumblr_section(blog, view)
        blogs.append(section)
        reasons += found
    crawl_part, found = crawl_section(crawl, summary)
    reasons += found
    if not any(s["posts"] for s in sites) and not any(b["posts"] for b in blogs):
        reasons.append(_reason("empty", "the corpus holds no posts: nothing was archived"))
    checks = [c for part in sites + blogs for c in part["checks"]] + crawl_part["checks"]
    return {
        "format": "wparchive-completeness/1",
        "verdict": "INCOMPLETE" if reasons else "COMPLETE",
        "reasons": reasons,
        "observations": observations,
        "checks": checks,
        "harvest": {
            "started": summary.get("started"),
            "finished": summary.get("finished"),
            "tool_version": summary.get("tool_version"),
            "scope": summary.get("scope"),
            "robots_policy": summary.get("robots_policy"),
            "counters": summary.get("counters") or {},
        },
        "sites": sites,
        "blogs": blogs,
        "crawl": crawl_part,
        "rejects": view.rejects[:LIST_CAP],
        "totals": totals,
    }
