"""Render completeness.json as one self-contained HTML page: inline CSS and SVG, no scripts.

It must open from a file manager on an offline machine, so nothing is fetched: no fonts, no
JavaScript libraries, no images other than the inline charts.
"""
from __future__ import annotations

from html import escape

from archive_out.report.completeness import ERROR_CLASSES

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2329}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d8dde2;padding-bottom:.2rem}
.verdict{display:inline-block;padding:.35rem .9rem;border-radius:.3rem;font-weight:700;font-size:1.3rem;color:#fff}
.COMPLETE{background:#1a7f37}.INCOMPLETE{background:#b3261e}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.6rem 0 1rem;min-width:20rem}th,td{border:1px solid #d8dde2;padding:.25rem .55rem;text-align:left;vertical-align:top}
td a{overflow-wrap:anywhere}th{background:#f3f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.sub{padding-left:1.6rem}caption{text-align:left;font-weight:600;padding:.2rem 0}
.muted{color:#5b6670}code{font-size:.9em}details{margin:.3rem 0}summary{cursor:pointer;color:#2f6fb0}
ul.reasons li,ul.checks li{margin:.3rem 0}ul.checks{list-style:none;padding-left:0}
.pass{color:#1a7f37;font-weight:700}.fail{color:#b3261e;font-weight:700}
.alert{border-left:4px solid #b3261e;background:#fbeeee;padding:.4rem .8rem}
svg text{font:11px system-ui,sans-serif;fill:#1d2329}
@page{size:A4;margin:12mm}
@media print{body{font-size:9pt;max-width:none;margin:0;padding:0}
.scroll{overflow:visible}table{width:100%;min-width:0}
th,td{padding:.15rem .3rem;overflow-wrap:break-word}td.n{white-space:normal}
h2,h3,caption{break-after:avoid}tr,svg{break-inside:avoid}}
"""


def _e(value) -> str:
    return escape("" if value is None else str(value))


def _fmt(value):
    """Counts with thousands separators; everything else unchanged."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value


def fmt_bytes(n) -> str:
    """6308644 -> '6.3 MB (6,308,644 bytes)'."""
    if not isinstance(n, int):
        return ""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            return f"{n / size:.1f} {unit} ({n:,} bytes)"
    return f"{n:,} bytes"


class Sub(str):
    """A label of a row that belongs to the row above it (shown indented)."""


def _table(headers: list[str], rows: list[list], numeric: set[int] = frozenset(), caption: str | None = None) -> str:
    out = ['<div class="scroll"><table>']
    if caption:
        out.append(f"<caption>{_e(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr></thead><tbody>")
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            cls = ' class="n"' if i in numeric else ' class="sub"' if isinstance(cell, Sub) else ""
            cells.append(f"<td{cls}>{cell if isinstance(cell, Raw) else _e(_fmt(cell))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        out.append(f'<tr><td colspan="{len(headers)}" class="muted">none</td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


class Raw(str):
    """Already-escaped HTML."""


def _when(stamp: str | None) -> str:
    return stamp.replace("T", " ").replace("Z", " UTC") if stamp else ""


def _link(url: str | None, title: str | None = None, captured: str | None = None) -> Raw:
    """A link to the live URL, with the title and the capture time where known."""
    if not url:
        return Raw("")
    label = _e(title) + f' <span class="muted">{_e(url)}</span>' if title else _e(url)
    when = f' <span class="muted">(captured {_e(_when(captured))})</span>' if captured else ""
    return Raw(f'<a href="{_e(url)}" title="live URL">{label}</a>{when}')


def _link_if_url(value: str | None):
    """A link where the value is a URL (the listing page that bridged a chain break), else the text."""
    return _link(value) if isinstance(value, str) and value.startswith(("http://", "https://")) else value


def _items_list(items: list[dict], noun: str = "URLs") -> Raw:
    if not items:
        return Raw('<span class="muted">—</span>')
    lis = "".join(f"<li>{_link(i.get('url'), i.get('title'), i.get('captured'))}</li>" for i in items[:50])
    more = f"<li class='muted'>… {len(items) - 50} more in completeness.json</li>" if len(items) > 50 else ""
    return Raw(f"<details><summary>{len(items):,} {_e(noun)} (show)</summary><ul>{lis}{more}</ul></details>")


def _posts_list(items: list[dict], shown: int = 50) -> Raw:
    """Posts as an open list (printed too, unlike a closed <details>): title, URL, capture time."""
    if not items:
        return Raw("")
    lis = "".join(f"<li>{_link(i.get('url'), i.get('title'), i.get('captured'))}</li>" for i in items[:shown])
    more = f"<li class='muted'>… {len(items) - shown} more in completeness.json</li>" if len(items) > shown else ""
    return Raw(f"<ul>{lis}{more}</ul>")


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list[int], str]], width: int = 900) -> str:
    """Grouped vertical bars as inline SVG; one colour per series, legend on top."""
    if not labels:
        return ""
    longest = max(len(str(label)) for label in labels)
    top, bottom, left, right = 30, int(24 + 5.2 * longest), 40, 30 + int(4 * longest)
    height = 180 + bottom
    peak = max([max(values) if values else 0 for _, values, _ in series] + [1])
    group = (width - left - right) / len(labels)
    bar = min(36.0, max(2.0, group * 0.8 / len(series)))
    parts = [f'<svg role="img" aria-label="{_e(title)}" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>']
    plot = height - top - bottom
    for frac in (0, 0.5, 1):
        y = top + plot * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d8dde2"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{round(peak * frac)}</text>')
    for i, label in enumerate(labels):
        x0 = left + i * group + group * 0.1
        for j, (name, values, colour) in enumerate(series):
            value = values[i]
            h = plot * value / peak
            parts.append(f'<rect x="{x0 + j * bar:.1f}" y="{top + plot - h:.1f}" width="{bar - 1:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{_e(label)} {_e(name)}: {value}</title></rect>')
        if len(labels) <= 40 or i % max(1, len(labels) // 30) == 0:
            cx = x0 + group * 0.4
            parts.append(f'<text x="{cx:.1f}" y="{height - bottom + 14}" transform="rotate(45 {cx:.1f} '
                         f'{height - bottom + 14})">{_e(label)}</text>')
    lx = left
    for name, _, colour in series:
        parts.append(f'<rect x="{lx}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{lx + 16}" y="16">{_e(name)}</text>')
        lx += 30 + 8 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def _checks(checks: list[dict]) -> str:
    items = "".join(
        f'<li><span class="{"pass" if c["passed"] else "fail"}">{"✓" if c["passed"] else "✗"}</span> {_e(c["message"])}</li>'
        for c in checks)
    return f'<ul class="checks">{items}</ul>'


def _tool(version) -> str:
    text = str(version or "").strip()
    return f"wparchive {text}" if text[:1].isdigit() else text


def render(report: dict) -> str:
    verdict = report["verdict"]
    totals = report.get("totals") or {}
    harvest = report.get("harvest") or {}
    crawl = report.get("crawl") or {}
    checks = report.get("checks") or []
    body: list[str] = []
    body.append("<h1>Completeness report</h1>")
    body.append(f'<p class="muted">Harvest {_e(_when(harvest.get("started")))} – {_e(_when(harvest.get("finished")))}, '
                f'made with {_e(_tool(harvest.get("tool_version")))}</p>')
    body.append(f'<p id="verdict"><span class="verdict {verdict}">{verdict}</span></p>')
    passed = sum(1 for c in checks if c["passed"])
    if report["reasons"]:
        body.append('<h2 id="reasons">Why not complete</h2><ul class="reasons">')
        for reason in report["reasons"]:
            body.append(f"<li><strong>{_e(reason['code'])}</strong>: {_e(reason['message'])}</li>")
        body.append("</ul>")
    elif checks:
        body.append(f"<p>Every one of the {len(checks)} checks below passed.</p>")
    if report.get("observations"):
        body.append('<h2 id="observations">Observations (they do not change the verdict)</h2><ul class="reasons">')
        for note in report["observations"]:
            body.append(f"<li><strong>{_e(note['code'])}</strong>: {_e(note['message'])}{_posts_list(note['items'])}</li>")
        body.append("</ul>")
    real = crawl.get("real_error_count") or 0
    if real:
        body.append(f'<p class="alert" id="errors-alert"><strong>{real:,} HTTP/network error(s) on content</strong> '
                    '(listed under <a href="#crawl">Crawl</a>)'
                    + ("; none of them is a post, document, image or photo the checks expect, so they do not change "
                       "the verdict" if verdict == "COMPLETE" else "") + ".</p>")
    if checks:
        body.append(f'<h2 id="checks">What was checked ({passed} of {len(checks)} passed)</h2>')
        body.append(_checks(checks))

    body.append('<h2 id="totals">Totals</h2>')
    corpus = totals.get("corpus") or {}
    rows = [["WARC files", totals.get("warc_files")], ["WARC size", fmt_bytes(totals.get("warc_bytes"))],
            ["WARC records", totals.get("warc_records")]]
    rows += [[Sub(f"{kind} records"), n] for kind, n in (totals.get("warc_records_by_type") or {}).items()]
    rows.append(["CDXJ index entries (replayable records)", totals.get("records")])
    rows.append(["corpus records", sum(v for v in corpus.values() if isinstance(v, int))])
    rows += [[Sub(k.replace("_", " ")), v] for k, v in sorted(corpus.items())]
    body.append(_table(["", "count"], rows, {1}))

    for site in report.get("sites", []):
        body.append(f'<h2 id="site-{_e(site["host"])}">WordPress: {_e(site["host"])}</h2>')
        body.append(_table(["posts archived", "pages archived", "posts expected (all routes)"],
                           [[site["posts"], site["pages"], site["expected"]]], {0, 1, 2}))
        months = site.get("posts_per_month") or {}
        expected = site.get("posts_per_month_expected") or months
        labels = sorted(set(months) | set(expected))
        body.append(bar_chart(f"Posts per month, {site['host']}: expected (named by any route) vs captured", labels,
                              [("expected", [expected.get(m, 0) for m in labels], "#8aa8c7"),
                               ("captured", [months.get(m, 0) for m in labels], "#1a7f37")]))
        chain = site.get("chain")
        if chain:
            body.append("<h3>The Nästa chain</h3>")
            body.append(_table(["start", "found by", "length", "hops", "breaks"],
                               [[_link(chain["start"]), chain.get("start_found_by"), chain["length"], chain["hops"],
                                 len(chain["breaks"])]], {2, 3, 4}))
            if chain["breaks"]:
                body.append(_table(["after position", "from", "reason", "bridged to", "bridged via"],
                                   [[b.get("after_position"), _link(b.get("from")), b.get("reason"),
                                     _link(b.get("bridged_to")), _link_if_url(b.get("bridged_via"))]
                                    for b in chain["breaks"]], {0},
                                   caption="Chain breaks"))
            if chain["posts_not_on_chain"]:
                body.append(_table(["post not on the chain", "reached via", "discovered by", "linked from"],
                                   [[_link(p["url"], p["title"], p.get("captured")), ", ".join(p["reached_via"]),
                                     p.get("discovered_by"),
                                     _link(p.get("linked_from"))] for p in chain["posts_not_on_chain"]],
                                   caption="Posts the chain skipped"))
        body.append("<h3>Routes to the posts</h3>")
        routes = site.get("routes") or []
        claimed = any(r.get("total_claimed") is not None for r in routes)
        headers = ["route", "pages read", "posts named", "archived via route"] + (["claimed total"] if claimed else []) \
            + ["archived, not via route", "named, not archived"]
        body.append(_table(
            headers,
            [[r["route"], r["listing_pages"], r["named"], r["posts"]] + ([r.get("total_claimed")] if claimed else [])
             + [_items_list(r["archived_not_via_route"], "posts"), _items_list(r["via_route_not_archived"], "posts")]
             for r in routes],
            set(range(1, 5 if claimed else 4))))
        if site["missing"]:
            body.append(_table(["promised, not archived", "promised by"],
                               [[_link(m["url"]), ", ".join(m["promised_by"])] for m in site["missing"]]))
        body.append("<h3>Documents and images</h3>")
        body.append(_table(["", "referenced", "captured", "missing"],
                           [["documents", site["documents"]["referenced"], site["documents"]["captured"],
                             _items_list(site["documents"]["missing"], "documents")],
                            ["images (original size)", site["images"]["referenced"], site["images"]["captured"],
                             _items_list(site["images"]["missing"], "images")]], {1, 2}))

    if report.get("blogs"):
        body.append('<h2 id="tumblr">Tumblr blogs</h2>')
        body.append(_table(
            ["blog", "archived", "via pagination", "via API v1", "API total", "via RSS", "photos referenced",
             "photos captured", "missing"],
            [[b["blog"], b["posts"], b["pagination"], b["api"], b["api_total"], b["rss"], b["photos"]["referenced"],
              b["photos"]["captured"], _items_list([{"url": u} for u in b["missing"]] + b["photos"]["missing"])]
             for b in report["blogs"]], {1, 2, 3, 4, 5, 6, 7}))
        months = sorted({m for b in report["blogs"] for m in b.get("posts_per_month") or {}})
        palette = ("#2f6fb0", "#c46b1c", "#7b4fa8", "#1a7f37")
        body.append(bar_chart("Tumblr posts captured per month, by blog", months,
                              [(b["blog"].split(".")[0], [(b.get("posts_per_month") or {}).get(m, 0) for m in months],
                                palette[i % len(palette)]) for i, b in enumerate(report["blogs"])]))

    body.append('<h2 id="crawl">Crawl</h2>')
    body.append(_table(["outcome", "count"], [[k, v] for k, v in (crawl.get("outcomes") or {}).items()], {1},
                       caption="Crawl log outcomes"))
    classes = crawl.get("http_error_classes") or {"error": crawl.get("http_error_count")}
    body.append(_table(["", "count"], [
        [ERROR_CLASSES["error"], classes.get("error", 0)],
        ["failed fetches that do not affect completeness:", sum(v for k, v in classes.items() if k != "error")],
        *[[Sub(ERROR_CLASSES[k]), classes.get(k, 0)] for k in ERROR_CLASSES if k != "error"],
        ["retries", crawl.get("retries")],
        ["robots.txt exclusions", len(crawl.get("robots_excluded") or [])],
        ["out-of-scope links not followed", (crawl.get("out_of_scope") or {}).get("count")],
        ["trap URLs cut", (crawl.get("traps") or {}).get("count")],
    ], {1}))
    if crawl.get("http_errors"):
        real = [e for e in crawl["http_errors"] if e.get("class", "error") == "error"]
        other = [e for e in crawl["http_errors"] if e.get("class", "error") != "error"]
        if real:
            body.append(_table(["URL", "outcome", "status", "reason", "found via"],
                               [[_link(e["url"]), e["outcome"], e.get("status"), e.get("reason"), e.get("discovered_by")]
                                for e in real], caption="HTTP/network errors on content"))
        if other:
            body.append(_table(["URL", "status", "why it does not matter"],
                               [[_link(e["url"]), e.get("status"), ERROR_CLASSES.get(e.get("class"), e.get("class"))]
                                for e in other], caption="Failed fetches that do not affect completeness"))
    traps = (crawl.get("traps") or {}).get("by_reason") or {}
    if traps:
        body.append(_table(["trap rule", "URLs cut"], [[k, v] for k, v in traps.items()], {1}))
    if report.get("rejects"):
        body.append(_table(["rejected by transform", "reason", "WARC"],
                           [[_link(r.get("url")), r.get("reason"), r.get("warc_file")] for r in report["rejects"]]))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Completeness: {verdict}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
