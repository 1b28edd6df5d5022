"""The completeness report: OUT/report/completeness.json and a self-contained index.html.

completeness.json (`"format": "wparchive-completeness/1"`, keys sorted, UTF-8):
  verdict   "COMPLETE" | "INCOMPLETE"
  checks    [{code, passed, message}]: every comparison made (chain, routes, documents, images,
            tumblr_posts, photos, errors, limits), passed or not, so COMPLETE says what it rests on
  reasons   [{code, message, items: [{url, title, ...}]}]; empty exactly when COMPLETE. Codes:
            missing_posts, not_on_chain, chain_break_unbridged, listing_total_exceeds,
            documents_missing, images_missing, tumblr_posts_missing, tumblr_api_total_exceeds,
            photos_missing, unrecovered_errors, crawl_cut_short, empty
  observations  [{code, message, route, items: [{url, title, captured}]}]: facts worth knowing that
            are no gap and never change the verdict. Codes: full_route_lacks_posts (a sitemap that
            leaves out posts the archive holds: noindex, or published after it was captured)
  sites     per WordPress host: posts, pages, expected, chain {start, start_found_by, length, hops,
            breaks, posts_not_on_chain}, routes [{route, listing_pages, named, posts, total_claimed,
            archived_not_via_route, via_route_not_archived}], missing, documents, images
            ({referenced, captured, missing}), posts_per_month, posts_per_month_expected, checks
  blogs     per Tumblr blog: posts, pagination, api, api_total, rss, routes, missing, photos,
            posts_per_month, checks
  crawl     outcomes, http_errors (not recovered; each with `class`: error, robots_unavailable,
            absent_probe, absent_listing; real errors first), http_error_count (all classes),
            http_error_classes, real_error_count, retries, robots_excluded, out_of_scope, traps,
            skips, cut, checks
  harvest   started, finished, tool_version, scope, robots_policy, counters (from summary.json)
  totals    warc_files, warc_bytes, warc_records, warc_records_by_type, records (CDXJ lines), corpus
  rejects   transform's rejects (reason, url, warc_file)
Lists of URLs are sorted and capped at 500 entries.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from archive_out.cdxj import warc_files
from archive_out.errors import MissingInputError
from archive_out.layout import Layout, iter_jsonl, read_json
from archive_out.report.completeness import assemble, corpus_view, crawl_view
from archive_out.report.html import render


@dataclass(frozen=True)
class Report:
    verdict: str
    reasons: list[dict]
    json_path: Path
    html_path: Path
    data: dict

    @property
    def complete(self) -> bool:
        return self.verdict == "COMPLETE"


def _count_lines(path: Path) -> int | None:
    if not path.exists():
        return None
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def compute_report(out_dir: str | os.PathLike) -> dict:
    """The completeness document for OUT, without writing anything."""
    layout = Layout(Path(out_dir))
    summary = read_json(layout.summary, "harvest/summary.json", "run `wparchive harvest` (or `harvest --resume`) first")
    if not layout.corpus.is_dir():
        raise MissingInputError(str(layout.corpus), "run `wparchive transform` first")
    corpus = layout.corpus
    view = corpus_view(
        iter_jsonl(corpus / "posts.jsonl"), iter_jsonl(corpus / "pages.jsonl"),
        iter_jsonl(corpus / "tumblr_posts.jsonl"), iter_jsonl(corpus / "media.jsonl"),
        iter_jsonl(corpus / "listings.jsonl"), iter_jsonl(corpus / "rejects.jsonl"),
    )
    watch = {url for site in view.posts.values() for url in site}
    crawl = crawl_view(iter_jsonl(layout.crawl_log), watch)
    warcs = warc_files(layout.warc_dir)
    manifest_path = corpus / "manifest.json"
    stats = {}
    if manifest_path.exists():
        stats = (read_json(manifest_path, "corpus/manifest.json").get("stats") or {})
    by_type = {k.removeprefix("records."): v for k, v in sorted(stats.items())
               if k.startswith("records.") and isinstance(v, int)}
    totals = {
        "warc_files": len(warcs),
        "warc_bytes": sum(p.stat().st_size for p in warcs),
        "warc_records": sum(by_type.values()) if by_type else None,
        "warc_records_by_type": by_type,
        "records": _count_lines(layout.cdxj),
        "corpus": {name.removesuffix(".jsonl"): _count_lines(corpus / name) or 0
                   for name in ("posts.jsonl", "pages.jsonl", "tumblr_posts.jsonl", "media.jsonl", "listings.jsonl",
                                "rejects.jsonl")},
    }
    return assemble(summary, view, crawl, totals)


def build_report(out_dir: str | os.PathLike) -> Report:
    """Write OUT/report/completeness.json and index.html; deterministic for the same inputs."""
    layout = Layout(Path(out_dir))
    data = compute_report(out_dir)
    layout.report.mkdir(parents=True, exist_ok=True)
    json_path = layout.report / "completeness.json"
    html_path = layout.report / "index.html"
    for path, text in ((json_path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"),
                       (html_path, render(data))):
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return Report(data["verdict"], data["reasons"], json_path, html_path, data)
