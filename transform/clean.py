"""Turn captured bytes into trustworthy text: charset detection and repair, HTML cleaning, plain text.

Pure functions; each returns the warnings a reader should see next to the record.
"""
from __future__ import annotations

import codecs
import copy
import re
import unicodedata
from urllib.parse import urljoin

from bs4.dammit import EncodingDetector, UnicodeDammit
from lxml import etree, html as lxml_html

# A UTF-8 lead byte read as cp1252/latin-1 followed by one or more continuation bytes read the same way.
_CP1252_HIGH = "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf" + _CP1252_HIGH + "]{1,3}")
# The same pair in the text's UTF-8 bytes: the lead (C3 82-B4) then the first byte of a follower
# (C2, or C5 C6 CB E2 of the windows-1252 punctuation). A necessary condition, found by a fast
# literal scan, so the slower character-class search runs only on pages that may hold mojibake.
_MOJIBAKE_UTF8 = re.compile(rb"\xc3[\x82-\xb4][\xc2\xc5\xc6\xcb\xe2]")
# Runs of in-line whitespace, but for a lone space (collapsing it to a space would change nothing):
# a page's ordinary word spaces are then no matches at all.
_WS = re.compile("[\t\r\f\v\u00a0\u200b][ \t\r\f\v\u00a0\u200b]*| [ \t\r\f\v\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n{3,}")  # two or more blank lines (lines already stripped)
_WS_OR_NL = re.compile("[\n\t\r\f\v\u00a0\u200b][\n \t\r\f\v\u00a0\u200b]*| [\n \t\r\f\v\u00a0\u200b]+")  # _WS, lines too

DROP_TAGS = ("script", "style", "noscript", "template", "object", "embed", "applet", "iframe",
             "frame", "frameset", "link", "meta", "base", "form", "input", "button", "textarea", "select")
URL_ATTRS = ("href", "src", "poster", "cite", "data-orig-file", "data-large-file", "data-medium-file")
BLOCK_TAGS = frozenset("""p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr td th
    section article header footer figure figcaption dl dt dd hr address aside nav main""".split())
# What browsers do with these labels (WHATWG encoding standard).
_AS_WINDOWS_1252 = ("iso8859-1", "ascii", "latin-1", "cp1252")


def declared_charset(body: bytes, http_charset: str | None) -> str | None:
    """The encoding the document claims: byte-order mark, then HTTP header, then the XML
    declaration or `<meta charset>` (bs4's EncodingDetector reads the last two)."""
    _, bom = EncodingDetector.strip_byte_order_mark(body)
    if bom:
        return bom
    if http_charset:
        return http_charset
    found = EncodingDetector.find_declared_encoding(body, is_html=True)
    return found.lower() if found else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(body: bytes, http_charset: str | None = None) -> tuple[str, list[str]]:
    """`decode_page` without the bytes: (text, warnings)."""
    text, _, warnings = decode_page(body, http_charset)
    return text, warnings


def decode_page(body: bytes, http_charset: str | None = None) -> tuple[str, bytes | None, list[str]]:
    """(text, its UTF-8 bytes when they are the body itself, else None, warnings): a parser takes
    those bytes as they are, sparing it a conversion of the text.

    Decode `body` by its declared charset. When the bytes contradict it: UTF-8 if they are
    UTF-8; windows-1252 bytes mixed into UTF-8 converted (bs4's `UnicodeDammit.detwingle`);
    else windows-1252 throughout. Then repair UTF-8 read as windows-1252 ("Ã¤" → "ä").
    Never guesses statistically, so the same bytes always give the same text."""
    warnings: list[str] = []
    declared = declared_charset(body, http_charset)
    codec = _codec(declared)
    if declared and codec is None:
        warnings.append(f"unknown declared charset {declared!r}; decoded as UTF-8")
    if codec in _AS_WINDOWS_1252:
        codec = "cp1252"
    body, _ = EncodingDetector.strip_byte_order_mark(body)
    text = None
    utf8 = None  # the text's UTF-8 bytes when they are the body itself
    for candidate in dict.fromkeys(c for c in (codec, "utf-8") if c):
        try:
            text = body.decode(candidate)
        except UnicodeDecodeError:
            continue
        if candidate == "utf-8":
            utf8 = body
        if candidate != (codec or "utf-8"):
            warnings.append(f"declared charset {declared!r} does not match the bytes; decoded as {candidate}")
        break
    if text is None:
        said = declared or "utf-8"
        try:
            text = UnicodeDammit.detwingle(body).decode("utf-8")
            warnings.append(f"declared charset {said!r} does not match the bytes: UTF-8 with windows-1252 "
                            f"bytes mixed in; those decoded as windows-1252")
        except UnicodeDecodeError:
            text = body.decode("cp1252", errors="replace")
            warnings.append(f"declared charset {said!r} does not match the bytes; decoded as windows-1252")
    text, fixed = repair_mojibake(text, utf8)
    if fixed:
        utf8 = None
        warnings.append(f"repaired {fixed} mojibake sequence(s) (UTF-8 read as windows-1252)")
    return text, utf8, warnings


def _unmangle(match: re.Match) -> str:
    chunk = match.group(0)
    for enc in ("cp1252", "latin-1"):
        try:
            return chunk.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return chunk


def repair_mojibake(text: str, utf8: bytes | None = None) -> tuple[str, int]:
    """`utf8`: the text's UTF-8 encoding when the caller has it (spares encoding it again)."""
    if text.isascii():
        return text, 0
    if not _MOJIBAKE_UTF8.search(utf8 if utf8 is not None else text.encode("utf-8", "surrogatepass")):
        return text, 0
    count = 0

    def sub(m: re.Match) -> str:
        nonlocal count
        out = _unmangle(m)
        if out != m.group(0):
            count += 1
        return out

    return _MOJIBAKE.sub(sub, text), count


def norm_text(text: str | None) -> str:
    """NFC, whitespace collapsed within lines, at most one blank line between paragraphs."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    lines = "\n".join([line.strip() for line in _WS.sub(" ", text).split("\n")])
    if "\n\n\n" in lines:
        lines = _BLANK_LINES.sub("\n\n", lines)
    return lines.strip("\n")


def inline_text(el) -> str:
    if el is None:
        return ""
    text = (el.text or "") if not len(el) else " ".join(el.itertext())  # most links hold one string
    if not text.isprintable() or "  " in text:  # else nothing to collapse: every _WS_OR_NL is unprintable
        text = _WS_OR_NL.sub(" ", text)
    return unicodedata.normalize("NFC", text).strip()


_PARA, _LINE = "\u2029", "\u2028"
# A break marker and the whitespace after it (breaks included: \s matches both markers).
_BREAK_RUN = re.compile("([\u2028\u2029]\\s*)")
LINE_TAGS = ("br", "li", "tr", "dt", "dd")
UNSEEN_TAGS = ("script", "style", "noscript", "template")


def text_of(el, until=None) -> str:
    """Plain text of an element with paragraphs kept as blank-line separated blocks; with `until`
    (an element inside `el`), only the text before it."""
    return texts_of(el, until)[1]


def texts_of(el, until=None) -> tuple[str, str]:
    """(text of `el`, text of `el` before `until`), from one walk: a post's text and its teaser."""
    if el is None:
        return "", ""
    parts: list[str] = []
    cut: list[int] = []
    _walk(el, until, parts, cut, True)
    whole = _joined(parts)
    return whole, _joined(parts[: cut[0]]) if cut else whole


def _walk(node, until, parts: list[str], cut: list[int], top: bool = False) -> None:
    """Text pieces of `node` and its tail (not for `top`) in `parts`, with break markers around
    blocks; where `until` starts, `len(parts)` goes in `cut`. A module function, not a closure:
    a closure calling itself is a reference cycle that keeps the whole tree alive until the
    garbage collector runs."""
    if node is until:
        cut.append(len(parts))
    tag = node.tag
    if not isinstance(tag, str):
        tag = ""  # a comment or processing instruction: only its tail is text
    block = tag in BLOCK_TAGS
    if block:
        parts.append(_LINE if tag in LINE_TAGS else _PARA)
    if tag not in UNSEEN_TAGS:
        text = node.text if tag else None
        if text:
            parts.append(text.replace("\n", " "))
        for child in node:
            _walk(child, until, parts, cut)
    if block:
        parts.append(_LINE if tag in LINE_TAGS else _PARA)
    if not top:
        tail = node.tail
        if tail:
            parts.append(tail.replace("\n", " "))


def _joined(parts: list[str]) -> str:
    """The parts as text: each run of whitespace holding break markers becomes a blank line if one
    of them is a paragraph, else a line break. The run is cut at its first marker: what comes
    before that is whitespace at the end of a piece."""
    pieces = _BREAK_RUN.split("".join(parts))
    out = []
    for i in range(0, len(pieces) - 1, 2):
        out.append(pieces[i].rstrip())
        out.append("\n\n" if _PARA in pieces[i + 1] else "\n")
    out.append(pieces[-1])
    return norm_text("".join(out))


_PLAIN_ABSOLUTE = re.compile(r"^https?://[^/?#]+(?:/[^?#]*)?(?:\?[^#]*)?(?:#.*)?$")


def absolutize(url: str | None, base: str) -> str | None:
    if url is None:
        return None
    url = url.strip()
    if not url:
        return None
    if _PLAIN_ABSOLUTE.match(url) and "/." not in url and " " not in url:
        return url
    try:
        absolute = urljoin(base, url)
    except ValueError:
        return None
    return absolute


def clean_fragment(el, base_url: str, in_place: bool = False) -> tuple[str, list[str]]:
    """Serialised `el` with no scripts, styles, handlers or javascript: URLs; URLs absolute.
    Works on a copy unless `in_place` (for a caller done with the tree: large pages cost half)."""
    warnings: list[str] = []
    if el is None:
        return "", warnings
    frag = el if in_place else copy.deepcopy(el)
    if not isinstance(frag.tag, str) or frag.tag in DROP_TAGS:
        return "", warnings
    etree.strip_elements(frag, etree.Comment, etree.ProcessingInstruction, *DROP_TAGS, with_tail=False)
    for node in frag.iter():
        if not isinstance(node.tag, str):
            continue
        for attr, value in node.items():
            low = attr.lower()
            if low.startswith("on") or low == "style" or low == "srcdoc":
                del node.attrib[attr]
                continue
            if low in URL_ATTRS:
                if value.strip().lower().startswith(("javascript:", "vbscript:", "data:text")):
                    del node.attrib[attr]
                    continue
                absolute = absolutize(value, base_url)
                if absolute is None:
                    del node.attrib[attr]
                elif absolute != value:
                    node.set(attr, absolute)
            elif low == "srcset":
                items = []
                for cand in value.split(","):
                    bits = cand.strip().split()
                    if bits:
                        bits[0] = absolutize(bits[0], base_url) or bits[0]
                        items.append(" ".join(bits))
                node.set(attr, ", ".join(items))
    out = lxml_html.tostring(frag, encoding="unicode", method="html", with_tail=False)
    return unicodedata.normalize("NFC", out.strip()), warnings
