"""The completeness report: OUT/report/completeness.json and a self-contained index.html."""
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
    summary = read_json(layout.summary, "harvest/summary.json", "run `wparchive harvest` first")
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
    totals = {
        "warc_files": len(warcs),
        "warc_bytes": sum(p.stat().st_size for p in warcs),
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
