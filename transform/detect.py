"""Recognise which platform produced a captured document, from signals in its URL and markup."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

WORDPRESS = "wordpress"
TUMBLR = "tumblr"

_WP_MARKERS = (b"wp-content/", b"wp-includes/", b'content="WordPress', b"wordpress.org/?v=",
               b"wp-json", b"postid-", b"page-id-", b"wp-block-", b"type-post", b"type-page", b"wp-embed")
_TUMBLR_MARKERS = (b"media.tumblr.com", b"tumblr.com/", b"tumblr_api_read", b"<tumblelog",
                   b"tumblr-", b'content="tumblr')
_TUMBLR_HOST = re.compile(r"(^|\.)tumblr\.com$")


def platform_of(url: str, body: bytes) -> str | None:
    """`wordpress`, `tumblr` or None; looks at the host first and then at the first 64 KiB."""
    host = (urlsplit(url).hostname or "").lower()
    if _TUMBLR_HOST.search(host) and not host.endswith("media.tumblr.com"):
        return TUMBLR
    wp = 0
    for marker in _WP_MARKERS:
        if body.find(marker, 0, 65536) >= 0:
            wp += 1
            if wp >= 2:
                return WORDPRESS
    tb = sum(1 for m in _TUMBLR_MARKERS if body.find(m, 0, 65536) >= 0)
    if wp and wp >= tb:
        return WORDPRESS
    if tb >= 2:
        return TUMBLR
    return None


_PROLOG = re.compile(rb"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z_][\w:.-]*)", re.S)
FEED_ROOTS = ("rss", "feed", "rdf:rdf")
XML_ROOTS = FEED_ROOTS + ("tumblr", "urlset", "sitemapindex")


def xml_root_name(head: bytes) -> str | None:
    """Name of the first element, past the XML declaration, comments and doctype."""
    m = _PROLOG.match(head)
    return m.group(1).decode("ascii", "replace").lower() if m else None


_MEDIA_PREFIXES = ("image/", "audio/", "video/", "font/", "application/vnd.")
_MEDIA_MIMES = frozenset(("application/pdf", "application/octet-stream", "application/zip", "application/msword"))
_HTML_MIMES = ("text/html", "application/xhtml+xml")


def document_kind(mime: str | None, url: str, body: bytes) -> str:
    """`html`, `feed`, `xml`, `json`, `media` or `other`, trusting bytes over the declared type.
    Most records are media, told by the first checks: what only later checks need comes after them."""
    head = body[:2048].lstrip()
    path = urlsplit(url).path.lower()  # before any answer: a URL urlsplit rejects fails for every body
    if body.find(b"\x00", 0, 1024) >= 0 and not head.startswith(b"<"):
        return "binary" if mime is None or mime in _HTML_MIMES else "media"
    if mime and (mime.startswith(_MEDIA_PREFIXES) or mime in _MEDIA_MIMES):
        return "media"
    lower = head[:512].lower()
    if lower.startswith(b"var tumblr_api_read") or path.endswith("/api/read/json"):
        return "json"
    root = xml_root_name(head)
    if root is not None and (lower.startswith(b"<?xml") or root in XML_ROOTS):
        return "feed" if root in FEED_ROOTS else "xml"
    if mime in _HTML_MIMES or lower.startswith((b"<!doctype html", b"<html")):
        return "html"
    if mime and ("xml" in mime):
        return "xml"
    return "other"


# Documents a site serves beside its content, by XML root element or URL path: recognised so that
# they are counted in the manifest's stats (`outcome.not_content.<kind>`) and not taken for bad input.
NOT_CONTENT_ROOTS = {"oembed": "oembed", "rsd": "rsd", "manifest": "wlwmanifest",
                     "opensearchdescription": "opensearch", "xsl:stylesheet": "xsl", "xsl:transform": "xsl"}
NOT_CONTENT_PATHS = (("/wp-json/oembed/", "oembed"), ("/oembed", "oembed"), ("/wp-json/", "wp_rest_api"),
                     ("/xmlrpc.php", "rsd"), ("wlwmanifest.xml", "wlwmanifest"), (".xsl", "xsl"),
                     ("/osd.xml", "opensearch"))


def not_content_kind(url: str, root: str | None = None) -> str | None:
    """Which known non-content document this is (`oembed`, `rsd`, `wlwmanifest`, ...), or None."""
    if root and root in NOT_CONTENT_ROOTS:
        return NOT_CONTENT_ROOTS[root]
    path = urlsplit(url).path.lower()
    for marker, kind in NOT_CONTENT_PATHS:
        if marker in path:
            return kind
    return None
