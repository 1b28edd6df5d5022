"""A small, contract-shaped OUT folder built with warcio: WARCs, crawl log, summary and corpus.

Lets archive_out be tested without a harvest: three WordPress posts on a Nästa chain, a page,
an image, a PDF and a Tumblr photo post, with provenance pointing at the real WARC bytes. The
keyword options of `build_out` take one thing away each, so every report reason can be provoked.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SITE = "projektbesok.se"
BLOG = "besokholland.tumblr.com"
WARC_NAME = "WPA-20131220120000-00000-besök-på-länet.warc.gz"
WHEN = "2013-12-20T12:00:00Z"

POSTS = [
    ("http://projektbesok.se/2012/05/29/premiardagar/", "Premiärdagar i Linköping", "2012-05-29T10:00:00+02:00", 101),
    ("http://projektbesok.se/2012/09/03/lasframmjande/", "Läsfrämjande metoder", "2012-09-03T09:30:00+02:00", 102),
    ("http://projektbesok.se/2013/12/20/besok-gar-i-mal/", "BESÖK går i mål", "2013-12-20T15:00:00+01:00", 103),
]
IMAGE = "http://projektbesok.se/wp-content/uploads/2012/05/premiar.jpg"
PDF = "http://projektbesok.se/wp-content/uploads/2012/05/utvecklingsplan.pdf"
ARKIV = "http://projektbesok.se/arkiv/"
SITEMAP = "http://projektbesok.se/wp-sitemap-posts-post-1.xml"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
TUMBLR_POST = ("http://besokholland.tumblr.com/post/4711/amsterdam-bibliotek", "Amsterdams bibliotek", "2013-04-12T08:00:00+00:00")
PHOTO = "http://66.media.tumblr.com/abc123/tumblr_abc123_1280.jpg"
TUMBLR_UNARCHIVED = "http://besokholland.tumblr.com/post/4712/rotterdam-centrale-bibliotheek"
TUMBLR_UNARCHIVED_TITLE = "Rotterdams centralbibliotek"

CAPTURE = {
    "type": "object",
    "required": ["warc_file", "offset", "length", "record_id", "payload_digest"],
    "properties": {"offset": {"type": "integer"}, "length": {"type": "integer"}},
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.org/wparchive/corpus/1.json",
    "oneOf": [{"$ref": "#/$defs/record"}, {"$ref": "#/$defs/listing"}, {"$ref": "#/$defs/reject"}],
    "$defs": {
        "capture": CAPTURE,
        "record": {
            "type": "object",
            "required": ["id", "kind", "url", "capture"],
            "properties": {
                "id": {"type": "string"},
                "kind": {"enum": ["post", "page", "tumblr_post", "media"]},
                "url": {"type": "string"},
                "title": {"type": ["string", "null"]},
                "published": {"type": ["string", "null"]},
                "capture": {"$ref": "#/$defs/capture"},
            },
        },
        "listing": {
            "type": "object",
            "required": ["kind", "url", "listing_type", "names", "capture"],
            "properties": {"kind": {"const": "listing"}, "names": {"type": "array", "items": {"type": "string"}},
                           "capture": {"$ref": "#/$defs/capture"}},
        },
        "reject": {
            "type": "object",
            "required": ["kind", "reason", "warc_file"],
            "properties": {"kind": {"const": "reject"}, "reason": {"type": "string"}},
        },
    },
}


def jpeg_bytes(colour=(200, 40, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buf, "JPEG")
    return buf.getvalue()


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def post_html(title: str, body: str, nxt: str | None) -> bytes:
    nav = f'<a rel="next" href="{nxt}">Nästa</a>' if nxt else ""
    return (f"<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>{title} | BESÖK</title></head>"
            f"<body class=\"single\"><article><h1 class=\"entry-title\">{title}</h1><div class=\"entry-content\">"
            f"<p>{body}</p><img src=\"{IMAGE}\"></div></article><nav>{nav}</nav></body></html>").encode("utf-8")


@dataclass
class Synth:
    root: Path
    posts: list[tuple[str, str, str, int]]
    chain: list[str]
    captured_posts: list[str]
    warc: Path
    captures: dict[str, dict] = field(default_factory=dict)


def _write_warc(path: Path, resources: list[tuple[str, str, bytes, int]]) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warcinfo_record(path.name, {"software": "synth", "format": "WARC File Format 1.1"})
        writer.write_record(info)
        for url, ctype, body, status in resources:
            http = StatusAndHeaders(f"{status} {'OK' if status == 200 else 'Not Found'}",
                                    [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            resp = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                             warc_headers_dict={"WARC-Date": WHEN})
            req_http = StatusAndHeaders(f"GET {url.split('/', 3)[3] if url.count('/') > 2 else '/'} HTTP/1.1",
                                        [("Host", url.split("/")[2])], is_http_request=True)
            req = writer.create_warc_record(url, "request", http_headers=req_http,
                                            warc_headers_dict={"WARC-Date": WHEN})
            req.rec_headers.add_header("WARC-Concurrent-To", resp.rec_headers.get_header("WARC-Record-ID"))
            meta_body = b"wparchive-discovered-by: seed\r\nwparchive-depth: 0\r\n"
            meta = writer.create_warc_record(url, "metadata", payload=io.BytesIO(meta_body),
                                             warc_content_type="application/warc-fields",
                                             warc_headers_dict={"WARC-Date": WHEN})
            meta.rec_headers.add_header("WARC-Concurrent-To", resp.rec_headers.get_header("WARC-Record-ID"))
            writer.write_record(resp)
            writer.write_record(req)
            writer.write_record(meta)


def _captures(path: Path) -> dict[str, dict]:
    out = {}
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        for record in it:
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            status = int(record.http_headers.get_statuscode())
            rid = record.rec_headers.get_header("WARC-Record-ID")
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            it.read_to_end()
            out[url] = {"warc_file": path.name, "offset": it.get_record_offset(), "length": it.get_record_length(),
                        "record_id": rid, "payload_digest": digest, "captured": WHEN, "status": status, "url": url}
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def log_entry(url: str, outcome: str, status: int | None = None, reason: str | None = None, attempt: int = 1,
              discovered_by: str = "link") -> dict:
    """One crawl.log.jsonl line for a URL that was not captured (an error, a retry, a limit)."""
    return {"time": WHEN, "url": url, "outcome": outcome, "reason": reason, "status": status, "bytes": 0,
            "payload_digest": None, "via": POSTS[0][0], "discovered_by": discovered_by, "depth": 2, "hop": None,
            "warc_file": None, "warc_offset": None, "attempt": attempt}


def build_out(root: Path, *, chain_skip: tuple[int, ...] = (), unreachable: tuple[int, ...] = (),
              missing_image: bool = False, missing_pdf: bool = False, missing_photo: bool = False,
              tumblr_unarchived: bool = False, api_total: int = 1, extra_log: tuple[dict, ...] = (),
              sitemap: tuple[int, ...] | None = None, rejects: tuple[dict, ...] = ()) -> Synth:
    """An OUT folder; chain_skip/unreachable take 1-based post positions like the replica's options.

    missing_image/missing_pdf/missing_photo: referenced but never captured; tumblr_unarchived: the API
    names a second post the archive lacks; api_total: the API's posts-total; extra_log: crawl log
    lines appended as they are (see `log_entry`); sitemap: the post positions a captured
    wp-sitemap names (None: the site has no sitemap); rejects: corpus/rejects.jsonl as given.
    """
    harvest = root / "harvest"
    (harvest / "warc").mkdir(parents=True)
    corpus = root / "corpus"
    corpus.mkdir()
    chain = [p[0] for i, p in enumerate(POSTS, 1) if i not in chain_skip and i not in unreachable]
    captured = [p[0] for i, p in enumerate(POSTS, 1) if i not in unreachable]
    resources = []
    for url, title, _, _ in POSTS:
        if url not in captured:
            resources.append((url, "text/html", b"<html><body>Sidan hittades inte</body></html>", 404))
            continue
        nxt = chain[chain.index(url) + 1] if url in chain and chain.index(url) + 1 < len(chain) else None
        resources.append((url, "text/html; charset=UTF-8", post_html(title, f"Text om {title}.", nxt), 200))
    resources.append((ARKIV, "text/html; charset=UTF-8",
                      ("<html><body>" + "".join(f'<a href="{u}">{t}</a>' for u, t, _, _ in POSTS) + "</body></html>").encode(), 200))
    sitemap_names = [POSTS[i - 1][0] for i in sitemap or ()]
    if sitemap is not None:
        urls = "".join(f"<url><loc>{u}</loc></url>" for u in sitemap_names)
        resources.append((SITEMAP, "application/xml; charset=UTF-8",
                          f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'.encode(), 200))
    if not missing_image:
        resources.append((IMAGE, "image/jpeg", jpeg_bytes(), 200))
    if not missing_pdf:
        resources.append((PDF, "application/pdf", pdf_bytes(), 200))
    resources.append((TUMBLR_POST[0], "text/html; charset=UTF-8",
                      f"<html><body><h1>{TUMBLR_POST[1]}</h1><img src=\"{PHOTO}\"></body></html>".encode(), 200))
    if not missing_photo:
        resources.append((PHOTO, "image/jpeg", jpeg_bytes((20, 90, 200)), 200))
    warc = harvest / "warc" / WARC_NAME
    _write_warc(warc, resources)
    caps = _captures(warc)

    log = []
    for url, ctype, body, status in resources:
        outcome = "fetched" if status == 200 else "http_error"
        log.append({"time": WHEN, "url": url, "outcome": outcome, "reason": None if status == 200 else "404",
                    "status": status, "bytes": len(body), "payload_digest": caps[url]["payload_digest"],
                    "via": ARKIV if url in dict((p[0], 1) for p in POSTS) and url not in chain else None,
                    "discovered_by": "listing:page:arkiv" if url not in chain else "chain", "depth": 1,
                    "hop": chain.index(url) + 1 if url in chain else None, "warc_file": WARC_NAME,
                    "warc_offset": caps[url]["offset"], "attempt": 1})
    log.append({"time": WHEN, "url": "http://projektbesok.se/?m=201205", "outcome": "trap", "reason": "calendar",
                "status": None, "bytes": 0, "payload_digest": None, "via": ARKIV, "discovered_by": "link", "depth": 2,
                "hop": None, "warc_file": None, "warc_offset": None, "attempt": 0})
    log.append({"time": WHEN, "url": "http://example.com/", "outcome": "out_of_scope", "reason": "host",
                "status": None, "bytes": 0, "payload_digest": None, "via": POSTS[0][0], "discovered_by": "link",
                "depth": 2, "hop": None, "warc_file": None, "warc_offset": None, "attempt": 0})
    log += extra_log
    (harvest / "crawl.log.jsonl").write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in log), encoding="utf-8")
    hops = [{"position": i + 2, "from": chain[i], "to": chain[i + 1], "found_by": "rel-next"} for i in range(len(chain) - 1)]
    summary = {
        "started": "2013-12-20T11:59:00Z", "finished": "2013-12-20T12:01:00Z", "tool_version": "wparchive test",
        "config": {"package": {"source_organization": "Östergötlands länsbibliotek", "contact_email": "arkiv@example.org"}},
        "scope": {"hosts": [SITE, BLOG, "66.media.tumblr.com"]}, "robots_policy": "obey",
        "counters": {"requests": len(resources), "responses": len(resources), "errors": len(unreachable)},
        "skips": {"calendar": 1}, "warc_files": [WARC_NAME],
        "chain": {"start": chain[0], "start_found_by": "config", "hops": hops, "length": len(chain), "breaks": []},
    }
    (harvest / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    (harvest / "config.toml").write_text('[package]\nsource_organization = "Östergötlands länsbibliotek"\n', encoding="utf-8")

    posts = []
    for i, (url, title, published, pid) in enumerate(POSTS, 1):
        if url not in captured:
            continue
        posts.append({
            "id": f"wp:{SITE}:{pid}", "kind": "post", "platform": "wordpress", "url": url, "canonical_url": url,
            "title": title, "published": published, "content_text": f"Text om {title}.",
            "media": [{"original_url": IMAGE, "kind": "image", "captured": not missing_image}] + (
                [{"original_url": PDF, "kind": "document", "captured": not missing_pdf}] if i == 1 else []),
            "chain": {"position": chain.index(url) + 1 if url in chain else None},
            "capture": caps[url],
        })
    tumblr = [{"id": f"tumblr:{BLOG}:4711", "kind": "tumblr_post", "platform": "tumblr", "url": TUMBLR_POST[0],
               "title": TUMBLR_POST[1], "published": TUMBLR_POST[2], "content_text": "Amsterdam",
               "photos": [{"original_url": PHOTO, "captured": not missing_photo}], "capture": caps[TUMBLR_POST[0]]}]
    media = [{"id": "media:" + hashlib.sha256(u.encode()).hexdigest(), "kind": "media", "url": u, "capture": caps[u]}
             for u in (IMAGE, PDF, PHOTO) if u in caps]
    listings = [
        {"kind": "listing", "url": ARKIV, "site": SITE, "listing_type": "page:arkiv", "names": [p[0] for p in POSTS][::-1], "total": None,
         "titles": {u: t for u, t, _, _ in POSTS}, "capture": caps[ARKIV]},
        {"kind": "listing", "url": f"http://{BLOG}/api/read", "site": BLOG, "listing_type": "tumblr_api",
         "names": [TUMBLR_POST[0]] + ([TUMBLR_UNARCHIVED] if tumblr_unarchived else []),
         "titles": {TUMBLR_POST[0]: TUMBLR_POST[1], **({TUMBLR_UNARCHIVED: TUMBLR_UNARCHIVED_TITLE} if tumblr_unarchived else {})},
         "total": api_total, "capture": caps[TUMBLR_POST[0]]},
    ] + ([{"kind": "listing", "url": SITEMAP, "site": SITE, "listing_type": "sitemap", "names": sitemap_names,
           "total": None, "capture": caps[SITEMAP]}] if sitemap is not None else [])
    files = {"posts.jsonl": posts, "pages.jsonl": [], "tumblr_posts.jsonl": tumblr, "media.jsonl": media,
             "listings.jsonl": listings, "rejects.jsonl": list(rejects)}
    for name, records in files.items():
        (corpus / name).write_text("".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in records),
                                   encoding="utf-8")
    (corpus / "schema.json").write_text(json.dumps(SCHEMA, indent=2), encoding="utf-8")
    manifest = {
        "counts": {k.removesuffix(".jsonl"): len(v) for k, v in files.items()},
        "files": {name: {"sha256": _sha256(corpus / name)} for name in list(files) + ["schema.json"]},
        "source_warcs": [{"file": WARC_NAME, "sha256": _sha256(warc)}],
        "tool_version": "wparchive test",
    }
    (corpus / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return Synth(root=root, posts=POSTS, chain=chain, captured_posts=captured, warc=warc, captures=caps)
