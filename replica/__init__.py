"""The built-in replica of projektbesok.se and its three Tumblr blogs ("the internet in a box").

A forward HTTP proxy on 127.0.0.1 that answers for the original host names, so a crawler that
uses it as its http proxy fetches and archives ``http://projektbesok.se/...``::

    from replica import ReplicaConfig, ReplicaServer
    with ReplicaServer(ReplicaConfig(posts=86, seed=2013), port=0) as srv:
        srv.proxy_url        # "http://127.0.0.1:PORT"
        srv.ground_truth()   # what a complete harvest must find (tests only)
        srv.request_log()    # [{time, method, url, host, status, bytes, user_agent, fault, arrived}, ...]

Hosts: projektbesok.se (www. redirects to it), besokholland/besokdanmark/besokengland.tumblr.com,
NN.media.tumblr.com. Any other host answers 502; CONNECT answers 501 (no TLS, everything is http://).

Knobs (``ReplicaConfig``, documented field by field in replica/config.py): ``posts`` (size),
``seed``, ``tumblr_posts``, ``latency_ms``, ``gzip``, ``chunked``, ``log_path``, ``crawl_delay``.
Test-only gaps and faults: ``chain_skip`` (positions left out of the "Nästa" chain, still listed),
``unreachable`` (left out of the chain and answering 404, still listed), and ``faults`` of
``Fault(path, kind, times=1, ...)`` with kinds status_503, status_429 (both with Retry-After),
reset, truncate, slow, redirect_loop, gzip_bomb; ``times=0`` means every request. A fault path
the site lacks gets a link from the home page. Each log entry names the fault it served.

Ground truth (``ground_truth()``; JSON-able, stable for a given config)::

  {"wordpress": {
      "host": "projektbesok.se",
      "posts": [{   # publication order, oldest first
          "id", "url" (permalink /YYYY/MM/DD/slug/), "shortlink" (/?p=ID), "slug", "title",
          "published", "modified" (ISO 8601 with the Stockholm offset, to the second),
          "author" (display name), "categories" [names], "tags" [names], "comment_count",
          "comments": [{"id", "parent" (0 = top level), "author", "date" (ISO 8601), "text"}],
          "media": [{"url" (original), "kind": "image"|"document", "variants": [sized URLs], "mime"}],
          "chain_position" (1-based position in the served "Nästa" chain; null if left out),
          "publication_position" (1-based, among all published posts),
          "reachable" (false for `unreachable` posts: their permalink answers 404),
          "excerpt" (the text before <!--more-->, as in the feed's <description>)}],
      "pages": [{"id", "url", "title", "slug"}],
      "drafts": [{"id", "title", "url"}],          # url = /?p=ID, answers 404
      "chain": [post urls in "Nästa" order as served, first post to closing post],
      "first_post": url, "closing_post": url,
      "documents": [PDF urls], "images": [original image urls],
      "urls": [every URL a complete, trap-free crawl captures with status 200: found by following
               links from the home page within projektbesok.se, leaving out the calendar's ?m=
               months (the trap; /YYYY/MM/ archives cover them), ?replytocom= duplicates, robots.txt
               exclusions, and URLs that answer 404 or redirect],
      "redirects": {url: location} for the shortlinks and ?attachment_id= links the pages carry},
   "tumblr": {"besokholland": {"host", "title", "total", "urls": [index pages, permalinks, tag
              pages, archive, rss, api pages], "media_urls": [every photo size URL],
              "posts": [{   # newest first, as the blog and its API list them
                  "id", "url" (/post/ID/slug), "slug", "type" (API v1 names: "photo", "regular" (a text
                  post), "quote", "link"), "published" (ISO 8601 UTC), "unix_timestamp", "tags",
                  "note_count", "photos": [{"caption" (the photo's own, in a photoset; else null),
                  "sizes": {"1280": url, "500", "400", "250", "100", "75sq"}, "best": url, "width",
                  "height"}], "caption" (of a photo post), "title", "body", "quote", "source",
                  "link_url", "link_text", "reblogged_from": {"blog", "post_id", "url"} | null}]},
              "besokdanmark": {...}, "besokengland": {...}}}
"""
from replica.config import FAULT_KINDS, Fault, ReplicaConfig
from replica.errors import ConfigError, ReplicaError
from replica.server import ReplicaServer

__all__ = ["ReplicaConfig", "ReplicaServer", "Fault", "FAULT_KINDS", "ReplicaError", "ConfigError"]
