"""The unit of parallel work: read one piece of one WARC file, send each record to the
right platform extractor, and spill what it contributes. Runs in a worker process."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from transform import detect
from transform.clean import decode, decode_page
from transform.extracted import Extracted
from transform.iterate import Broken, Skipped, WarcItem, iter_warc
from transform.media import media_record
from transform.platforms import tumblr as tumblr_platform
from transform.platforms import wordpress as wp_platform
from transform.platforms.wordpress import extract as wp_extract
from transform.platforms.wordpress import rules as R
from transform.platforms.wordpress.extract import canonical, parse_html
from transform.records import Capture, Reject, to_json
from transform.spill import Spill, dumps, pack

REJECT_SKIPS = {"empty_html", "unparseable_feed", "unparseable_sitemap", "unparseable_tumblr_api_xml",
                "unparseable_tumblr_api_json", "unparseable_tumblr_rss", "unpublished"}


@dataclass(frozen=True)
class Task:
    """Records of one WARC file that start in [start, end)."""

    path: str
    name: str
    start: int
    end: int | None
    spill: str


def rank(capture: Capture, preferred: bool = True, complete: bool = True) -> str:
    """Sort key choosing among captures of the same thing: complete, at its own URL, earliest."""
    return f"{0 if complete else 1}{0 if preferred else 1}|{capture.captured}|{capture.warc_file}|{capture.offset:015d}"


def run_task(task: Task) -> str:
    spill = Spill(task.spill)
    try:
        for item in iter_warc(task.path, task.name, task.start, task.end):
            if isinstance(item, Skipped):
                spill.count(f"records.{item.rec_type}")
            elif isinstance(item, Broken):
                reject(spill, Reject("reject", item.reason, item.detail, item.warc_file, item.offset, item.url,
                                     item.record_id))
            else:
                spill.count(f"records.{item.rec_type}")
                handle(item, spill)
    finally:
        spill.close()
    return task.spill


def reject(spill: Spill, r: Reject) -> None:
    spill.add("rejects", r.warc_file, r.offset, r.reason, dumps(to_json(r)))


def _reject_item(spill: Spill, item: WarcItem, reason: str, detail: str) -> None:
    reject(spill, Reject("reject", reason, detail, item.capture.warc_file, item.capture.offset, item.url,
                         item.capture.record_id))


def handle(item: WarcItem, spill: Spill) -> None:
    cap = item.capture
    if item.rec_type == "revisit":
        spill.add("revisits", item.url, canonical(item.refers_to_uri), item.refers_to_date, cap.payload_digest, rank(cap),
                  dumps(to_json(cap)))
        return
    status = cap.status if cap.status is not None else 200
    if 300 <= status < 400:
        location = item.location
        if location:
            spill.add("redirects", canonical(item.url) or item.url, canonical(urljoin(item.url, location.strip())),
                      rank(cap))
            spill.count("outcome.redirect")
        else:
            _reject_item(spill, item, "redirect_without_location", f"HTTP {status} with no Location header")
        return
    if status != 200:
        spill.count(f"outcome.http_{status}")
        return
    canon = canonical(item.url)
    spill.add("captured", canon or item.url, cap.payload_digest, cap.captured)
    kind = detect.document_kind(item.mime, item.url, item.body)
    if kind == "binary":
        _reject_item(spill, item, "binary_body",
                     f"declared {item.mime or 'no type'} but the body is binary ({item.size} bytes); not parsed as HTML")
        return
    if kind == "media":
        media = media_record(item.url, item.mime, item.body, item.size, item.payload_sha256(), cap, item.complete,
                             item.warnings)
        spill.add("media", item.url, media.id, media.mime, rank(cap, complete=item.complete), cap.payload_digest,
                  dumps(to_json(media)))
        spill.count(f"media.{media.kind}")
        return
    if kind == "other" and R.REST_POST.search(urlsplit(item.url).path):
        _store(wp_extract.extract_rest_post(item.body, item.url), item, canon, spill)
        return
    if kind == "other":
        spill.count(f"outcome.not_content.{detect.not_content_kind(item.url) or item.mime or 'unknown'}")
        return
    result = _extract(kind, item)
    _store(result, item, canon, spill)


def _extract(kind: str, item: WarcItem) -> Extracted:
    url = item.url
    cap = item.capture
    host = (urlsplit(url).hostname or "").lower()
    on_tumblr = host.endswith(".tumblr.com")
    if kind == "html":
        text, utf8, warnings = decode_page(item.body, item.charset)
        platform = detect.platform_of(url, item.body)
        if platform is None:
            return Extracted(skip="unrecognised_html", warnings=warnings)
        skip = wp_extract.skipped_before_parse(text) if platform == detect.WORDPRESS else None
        if skip:
            return Extracted(skip=f"wordpress_{skip}", warnings=warnings)
        tree = parse_html(text, utf8)
        if tree is None:
            return Extracted(skip="empty_html", warnings=warnings)
        if platform == detect.TUMBLR:
            result = tumblr_platform.extract_html(tree, url, cap)
        else:
            result = wp_platform.extract_page(text, url, cap, tree=tree)
        result.warnings = warnings + result.warnings
        return result
    if kind == "feed":
        return tumblr_platform.extract_rss(item.body, url, cap) if on_tumblr else wp_platform.extract_feed(item.body, url, cap)
    if kind == "json":
        text, warnings = decode(item.body, item.charset)
        return tumblr_platform.extract_api_json(text, url, cap)
    root = detect.xml_root_name(item.body[:2048])
    if root == "tumblr":
        return tumblr_platform.extract_api_xml(item.body, url, cap)
    if root == "urlset":
        return wp_platform.extract_sitemap(item.body, url, cap)
    if root == "sitemapindex":
        return Extracted(skip="sitemap_index")
    other = detect.not_content_kind(url, root)
    if other:
        return Extracted(skip=f"not_content.{other}")
    return Extracted(skip="unknown_xml")


def _store(result: Extracted, item: WarcItem, canon: str | None, spill: Spill) -> None:
    """Spill what one record gave; `canon` is `canonical(item.url)`, worked out once in `handle`."""
    cap = item.capture
    extra = list(item.warnings) + list(result.warnings)
    produced = False
    if result.post is not None:
        post = result.post
        post.warnings = extra + post.warnings
        preferred = post.canonical_url is not None and canon == post.canonical_url
        spill.add("docs", post.id, post.kind, rank(cap, preferred, item.complete), post.url, post.canonical_url,
                  post.shortlink, canon, cap.payload_digest, post.chain.next, post.chain.previous,
                  post.published, pack(to_json(post)))
        spill.count(f"extracted.{post.kind}")
        produced = True
    if result.listing is not None:
        listing = result.listing
        listing.warnings = extra + listing.warnings
        spill.add("listings", listing.url, listing.listing_type, rank(cap, True, item.complete),
                  dumps(result.maybe_names), pack(to_json(listing)))
        spill.count(f"listing.{listing.listing_type.split(':')[0]}")
        produced = True
    if result.rest is not None:
        spill.add("rest_items", result.rest.site, result.rest.post_id, rank(cap, True, item.complete),
                  dumps(to_json(result.rest)))
        spill.count("extracted.wp_rest_post")
        produced = True
    for fi in result.feed_items:
        spill.add("feed_items", fi.url, fi.post_id, rank(cap), dumps(to_json(fi)))
    for frag in result.tumblr:
        frag.warnings = extra + frag.warnings
        spill.add("tumblr", frag.blog, frag.post_id, frag.source, rank(cap, True, item.complete),
                  dumps({"fields": frag.fields, "warnings": frag.warnings}), dumps(to_json(cap)))
        produced = True
    if result.tumblr:
        spill.count("extracted.tumblr_fragment", len(result.tumblr))
    if produced:
        return
    reason = result.skip or "nothing_extracted"
    if not item.complete:
        reason = "truncated_record"
        extra = [f"extractor said: {(result.skip or 'nothing found').replace('_', ' ')}"] + extra
    if reason in REJECT_SKIPS or reason in ("unrecognised_html", "unknown_xml", "nothing_extracted") or not item.complete:
        detail = {
            "unrecognised_html": "HTML page with no WordPress or Tumblr signals (generator, wp-content, body classes, tumblr hosts)",
            "unknown_xml": "XML that is neither a feed, a sitemap nor Tumblr API v1",
            "truncated_record": "the captured payload is incomplete and nothing could be extracted from what is there",
            "unpublished": "a draft, pending, private or scheduled post, or a preview: not what the site published, "
                           "so not a corpus record",
        }.get(reason, reason.replace("_", " "))
        if extra:
            detail += "; " + "; ".join(extra)
        _reject_item(spill, item, reason, detail)
    elif reason.startswith("not_content."):
        spill.count(f"outcome.{reason}")
    else:
        spill.count(f"outcome.skipped.{reason}")
