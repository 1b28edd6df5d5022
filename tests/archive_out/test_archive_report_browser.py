"""report/index.html looked at in a real browser (Debian's chromium, headless), opened from disk.

--dump-dom lists hidden elements too, so what must be seen is also read back from the page as
chromium prints it (PDF → pdftotext): that text holds only what is rendered.
"""
from __future__ import annotations

from lxml import html as lxml_html
from PIL import Image

from archive_helpers import chromium, visible_lines, visible_text
from archive_out import build_report
from out_synth import BLOG, POSTS, build_out

VERDICT_COLOURS = {"COMPLETE": (0x1A, 0x7F, 0x37), "INCOMPLETE": (0xB3, 0x26, 0x1E)}


def _rendered(report, tmp_path):
    url = report.html_path.resolve().as_uri()
    dom = chromium(url, "--dump-dom")
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    shot = tmp_path / "shot.png"
    png = chromium(url, "--window-size=1200,900", f"--screenshot={shot}")
    assert png.returncode == 0 and shot.exists(), png.stderr.decode(errors="replace")[-2000:]
    return lxml_html.fromstring(dom.stdout), Image.open(shot).convert("RGB")


def _colour_pixels(image, colour, tolerance=6):
    data = image.tobytes()
    r, g, b = colour
    return sum(1 for i in range(0, len(data), 3)
               if abs(data[i] - r) <= tolerance and abs(data[i + 1] - g) <= tolerance and abs(data[i + 2] - b) <= tolerance)


def test_browser_shows_complete_verdict_and_tables(synth_out, tmp_path):
    report = build_report(synth_out.root)

    dom, image = _rendered(report, tmp_path)

    assert dom.xpath("string(//p[@id='verdict'])").strip() == "COMPLETE"
    headers = [" ".join(t.split()) for t in dom.xpath("//table//th/text()")]
    assert "posts archived" in headers and "route" in headers and "outcome" in headers
    assert dom.xpath("count(//svg)") >= 2
    assert _colour_pixels(image, VERDICT_COLOURS["COMPLETE"]) > 2000
    assert _colour_pixels(image, VERDICT_COLOURS["INCOMPLETE"]) == 0


def test_printed_report_shows_the_verdict_headings_and_table_headers(synth_out, tmp_path):
    report = build_report(synth_out.root)
    tooltip = "2012-05 captured: 1"
    assert tooltip in report.html_path.read_text(encoding="utf-8")

    text = visible_text(report.html_path, tmp_path)

    lines = visible_lines(text)
    assert "COMPLETE" in lines and "INCOMPLETE" not in text
    for heading in ("Completeness report", "What was checked (8 of 8 passed)", "Totals", "WordPress: projektbesok.se",
                    "The Nästa chain", "Routes to the posts", "Documents and images", "Tumblr blogs", "Crawl"):
        assert heading in lines, heading
    for header_row in ("posts archived pages archived posts expected (all routes)",
                       "start found by length hops breaks", "referenced captured missing", "outcome count"):
        assert header_row in lines, header_row
    assert tooltip not in text, "an SVG tooltip is no visible text: the PDF text must leave it out"
    tumblr = lines[lines.index("Tumblr blogs") + 1:]
    row = next(i for i, line in enumerate(tumblr) if line.startswith(BLOG))
    headings = " ".join(tumblr[:row]).split()
    assert {"photos", "referenced", "captured", "missing"} <= set(headings), "an A4 page shows every column"
    assert tumblr[row] == f"{BLOG} 1 0 1 1 0 1 1 —", tumblr[row]


def test_printed_incomplete_report_shows_the_reason_and_the_skipped_post(tmp_path):
    synth = build_out(tmp_path / "out", chain_skip=(2,))
    report = build_report(synth.root)

    lines = visible_lines(visible_text(report.html_path, tmp_path))

    assert "INCOMPLETE" in lines and "Why not complete" in lines
    reason = "not_on_chain: projektbesok.se: 1 archived post(s) not on the Nästa chain"
    assert any(line.startswith(reason) for line in lines)
    assert "Posts the chain skipped" in lines
    assert any(line.startswith(POSTS[1][1]) for line in lines[lines.index("Posts the chain skipped"):])


def test_browser_shows_incomplete_verdict_and_the_reason(tmp_path):
    synth = build_out(tmp_path / "out", chain_skip=(2,))
    report = build_report(synth.root)

    dom, image = _rendered(report, tmp_path)

    assert dom.xpath("string(//p[@id='verdict'])").strip() == "INCOMPLETE"
    reasons = " ".join(dom.xpath("//ul[@class='reasons']//text()"))
    assert POSTS[1][0] in reasons and "not_on_chain" in reasons
    skipped = dom.xpath("//table[caption='Posts the chain skipped']//tr/td[1]/a/@href")
    assert skipped == [POSTS[1][0]]
    assert _colour_pixels(image, VERDICT_COLOURS["INCOMPLETE"]) > 2000
