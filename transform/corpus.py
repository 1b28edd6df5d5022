"""The deterministic merge: spills in, corpus files out.

Choosing among captures, resolving redirects, revisits and the chain all happen in SQLite on
disk, and output is streamed in sorted order, so memory stays flat however large the corpus.
Nothing here depends on which worker produced what: every choice is made by an explicit key.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache, partial
from importlib import resources
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from transform.dates import sort_key
from transform.extracted import TumblrFragment
from transform.platforms.tumblr.merge import merge_fragments
from transform.records import Capture, Reject, to_json
from transform.spill import TABLES, connect, create, dumps

CORPUS_FILES = ("posts.jsonl", "pages.jsonl", "tumblr_posts.jsonl", "media.jsonl", "listings.jsonl", "rejects.jsonl")
SIZE_IN_NAME = re.compile(r"-(\d+)x(\d+)(?=\.[A-Za-z0-9]+$)")
TUMBLR_POST = re.compile(r"^/post/(\d+)")
URL_CACHE = 1 << 14  # answers remembered while writing, for the URLs that recur on many records (bounded)
ELLIPSIS_TAIL = re.compile(r"\s*(\[(\.\.\.|\u2026|&hellip;|&#8230;)\]|\u2026)\s*$")


@dataclass
class MergeResult:
    counts: dict[str, int] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)


def merge_spills(spills: list[str], path: str) -> sqlite3.Connection:
    db = connect(path)
    create(db)
    for i, spill in enumerate(spills):
        db.execute("ATTACH DATABASE ? AS s", (spill,))
        for table in TABLES:
            db.execute(f"INSERT INTO main.{table} SELECT * FROM s.{table}")
        db.commit()
        db.execute("DETACH DATABASE s")
    db.executescript("""
        CREATE INDEX docs_id ON docs(id, rank);
        CREATE INDEX media_url ON media(url, rank);
        CREATE INDEX feed_url ON feed_items(url);
        CREATE INDEX feed_pid ON feed_items(post_id);
        CREATE INDEX rest_key ON rest_items(site, post_id, rank);
        CREATE INDEX tumblr_key ON tumblr(blog, post_id, source, rank);
        CREATE INDEX captured_url ON captured(url, date);
        CREATE INDEX captured_digest ON captured(digest);
        CREATE INDEX listings_key ON listings(url, listing_type, rank);
        CREATE TABLE alias (url TEXT PRIMARY KEY, id TEXT, prio INTEGER);
        CREATE TABLE chosen (id TEXT PRIMARY KEY, kind TEXT, url TEXT, next_url TEXT, prev_url TEXT,
                             sk TEXT, json TEXT);
        CREATE TABLE position (id TEXT PRIMARY KEY, pos INTEGER);
    """)
    return db


class Writer:
    """A JSON Lines file written line by line, hashed on the way."""

    def __init__(self, path: Path):
        self.path = path
        self.fh = open(path, "w", encoding="utf-8", newline="\n")
        self.sha = hashlib.sha256()
        self.records = 0
        self.bytes = 0

    def write(self, record: dict[str, Any]) -> None:
        self.write_json(dumps(record))

    def write_json(self, text: str) -> None:
        """A record already serialised by `dumps` (as the spill stores those the merge leaves alone)."""
        line = text + "\n"
        data = line.encode("utf-8")
        self.sha.update(data)
        self.bytes += len(data)
        self.records += 1
        self.fh.write(line)

    def close(self) -> dict[str, Any]:
        self.fh.close()
        return {"sha256": self.sha.hexdigest(), "bytes": self.bytes, "records": self.records}


def _alias(db, url: str | None, id_: str, prio: int) -> None:
    if not url:
        return
    db.execute("INSERT INTO alias VALUES (?, ?, ?) ON CONFLICT(url) DO UPDATE SET id=excluded.id, prio=excluded.prio "
               "WHERE excluded.prio < alias.prio OR (excluded.prio = alias.prio AND excluded.id < alias.id)",
               (url, id_, prio))


def resolve(db, url: str | None) -> str | None:
    """The corpus id a URL stands for, through canonical links, shortlinks and redirects."""
    if not url:
        return None
    for candidate in (url, url.rstrip("/") if url.endswith("/") else url + "/"):
        row = db.execute("SELECT id FROM alias WHERE url=?", (candidate,)).fetchone()
        if row:
            return row[0]
    return None


def _choose_docs(db, result: MergeResult) -> None:
    rows = db.execute("SELECT id, kind, rank, url, canon, shortlink, capture_url, next_url, prev_url, published, "
                      "json FROM docs ORDER BY id, rank")
    dup = 0
    for id_, group in groupby(rows, key=lambda r: r[0]):
        first = True
        for _, kind, _rank, url, canon, short, cap_url, nxt, prv, published, js in group:
            if first:
                db.execute("INSERT INTO chosen VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (id_, kind, url, nxt, prv, sort_key(published), js))
                first = False
            else:
                dup += 1
            _alias(db, url, id_, 0)
            _alias(db, canon, id_, 0)
            _alias(db, cap_url, id_, 1)
            _alias(db, short, id_, 2)
    result.stats["dedup.duplicate_captures_merged"] = dup


def _tumblr(db, result: MergeResult) -> None:
    db.execute("CREATE TABLE tumblr_chosen (id TEXT PRIMARY KEY, sk TEXT, json TEXT)")
    rows = db.execute("SELECT blog, post_id, source, rank, json, capture FROM tumblr ORDER BY blog, post_id, source, rank")
    merged = 0
    for (blog, pid), group in groupby(rows, key=lambda r: (r[0], r[1])):
        parts = []
        for _, _, source, _rank, js, cap in group:
            data = json.loads(js)
            parts.append((TumblrFragment(blog, pid, source, data["fields"], data["warnings"]), Capture(**json.loads(cap))))
        post = merge_fragments(blog, pid, parts)
        merged += len(parts) - 1
        db.execute("INSERT INTO tumblr_chosen VALUES (?, ?, ?)", (post.id, sort_key(post.published), dumps(to_json(post))))
        host = f"{blog}.tumblr.com"
        _alias(db, post.url, post.id, 0)
        _alias(db, f"http://{host}/post/{pid}", post.id, 1)
        for frag, _ in parts:
            _alias(db, frag.fields.get("url"), post.id, 1)
    result.stats["dedup.tumblr_views_merged"] = merged


def _redirects(db) -> None:
    rows = db.execute("SELECT src, dst FROM redirects ORDER BY src, rank").fetchall()
    targets = {}
    for src, dst in rows:
        targets.setdefault(src, dst)
    for src in sorted(targets):
        dst, hops = targets[src], 0
        while dst is not None and hops < 10:
            found = resolve(db, dst)
            if found:
                _alias(db, src, found, 3)
                break
            dst, hops = targets.get(dst), hops + 1


def original_of(db, refers: str | None, refers_date: str | None, digest: str | None) -> str | None:
    """The captured URL a revisit repeats: the one its WARC-Refers-To-Target-URI names (at its
    WARC-Refers-To-Date, else with the same payload), and only without that, any URL with the
    payload digest: several URLs can share one payload."""
    if refers:
        for where, args in (("url=? AND date=?", (refers, refers_date)), ("url=? AND digest=?", (refers, digest))):
            if None not in args and db.execute(f"SELECT 1 FROM captured WHERE {where} LIMIT 1", args).fetchone():
                return refers
    row = db.execute("SELECT url FROM captured WHERE digest=? ORDER BY url LIMIT 1", (digest,)).fetchone()
    return row[0] if row else None


def _revisits(db, result: MergeResult, rejects: list[Reject]) -> None:
    resolved = 0
    for url, refers, refers_date, digest, _rank, cap in db.execute(
            "SELECT url, refers_uri, refers_date, digest, rank, capture FROM revisits ORDER BY url, rank").fetchall():
        original = original_of(db, refers, refers_date, digest)
        capture = json.loads(cap)
        if original is None:
            rejects.append(Reject("reject", "revisit_without_original",
                                  f"revisit of {refers or url} (digest {digest}): no capture with that payload "
                                  "in the given WARC files", capture["warc_file"], capture["offset"], url,
                                  capture["record_id"]))
            continue
        resolved += 1
        target = resolve(db, original)
        if target:
            _alias(db, url, target, 4)
    result.stats["dedup.revisits_resolved"] = resolved


def _chain(db, result: MergeResult) -> None:
    """Rebuild the "Nästa" sequence from the prev/next links of the captured posts: the longest
    walk along next links is the chain; posts off it get no position."""
    nxt: dict[str, str] = {}
    for id_, next_url, prev_url in db.execute("SELECT id, next_url, prev_url FROM chosen WHERE kind='post' ORDER BY id"):
        target = resolve(db, next_url)
        if target and target != id_:
            nxt[id_] = target
    for id_, prev_url in db.execute("SELECT id, prev_url FROM chosen WHERE kind='post' ORDER BY id"):
        source = resolve(db, prev_url)
        if source and source != id_ and source not in nxt:
            kind = db.execute("SELECT kind FROM chosen WHERE id=?", (source,)).fetchone()
            if kind and kind[0] == "post":
                nxt[source] = id_
    incoming = set(nxt.values())
    heads = sorted(set(nxt) - incoming)
    best: list[str] = []
    best_key = None
    for head in heads:
        walk, seen, cur = [], set(), head
        while cur is not None and cur not in seen:
            walk.append(cur)
            seen.add(cur)
            cur = nxt.get(cur)
        sk = db.execute("SELECT sk FROM chosen WHERE id=?", (head,)).fetchone()[0]
        key = (-len(walk), sk or "~", head)
        if best_key is None or key < best_key:
            best, best_key = walk, key
    if not heads and nxt:
        start = min(nxt, key=lambda i: (db.execute("SELECT sk FROM chosen WHERE id=?", (i,)).fetchone()[0], i))
        cur, seen = start, set()
        while cur is not None and cur not in seen:
            best.append(cur)
            seen.add(cur)
            cur = nxt.get(cur)
        result.stats["chain.loop"] = 1
    db.executemany("INSERT INTO position VALUES (?, ?)", [(id_, i) for i, id_ in enumerate(best, 1)])
    result.stats["chain.length"] = len(best)
    result.stats["chain.heads"] = len(heads)


def _media_row(db, url: str | None):
    """The media record of `url`; for a URL captured only as a revisit, its original's record
    (the same bytes: a harvester writes a revisit when a second URL serves an image again)."""
    if not url:
        return None
    row = db.execute("SELECT json FROM media WHERE url=? ORDER BY rank LIMIT 1", (url,)).fetchone()
    if row is None:
        rev = db.execute("SELECT refers_uri, refers_date, digest FROM revisits WHERE url=? ORDER BY rank LIMIT 1",
                         (url,)).fetchone()
        original = original_of(db, *rev) if rev else None
        if original and original != url:
            row = db.execute("SELECT json FROM media WHERE url=? ORDER BY rank LIMIT 1", (original,)).fetchone()
    return json.loads(row[0]) if row else None


def _variant_area(url: str) -> int:
    m = SIZE_IN_NAME.search(urlsplit(url).path)
    return int(m.group(1)) * int(m.group(2)) if m else 10**12


def captured_hosts(db) -> frozenset[str]:
    hosts = set()
    for (url,) in db.execute("SELECT DISTINCT url FROM captured"):
        hosts.add((urlsplit(url).hostname or "").lower())
    return frozenset(hosts)


def _finish_post(db, rec: dict[str, Any], hosts: frozenset[str], resolve_url) -> dict[str, Any]:
    for side in ("previous", "next"):
        target = resolve_url(rec["chain"][side])
        if target:
            row = db.execute("SELECT url FROM chosen WHERE id=?", (target,)).fetchone()
            if row:
                rec["chain"][side] = row[0]
    pos = db.execute("SELECT pos FROM position WHERE id=?", (rec["id"],)).fetchone()
    rec["chain"]["position"] = pos[0] if pos else None
    if rec["kind"] == "post" and (not rec["published"] or len(rec["published"]) == 10 or not rec["authors"]
                                  or not (rec["categories"] or rec["tags"]) or not rec["excerpt"]):
        row = db.execute("SELECT json FROM feed_items WHERE url=? OR (post_id IS NOT NULL AND post_id=?) "
                         "ORDER BY rank LIMIT 1", (rec["url"], int(rec["post_id"]) if rec["post_id"] else None)).fetchone()
        if row:
            item = json.loads(row[0])
            if (not rec["published"] or len(rec["published"]) == 10) and item.get("published"):
                if not rec["published"] or rec["published"] == item["published"][:10]:
                    rec["published"] = item["published"]
                    rec["warnings"].append("published taken from the feed's pubDate")
            if not rec["authors"] and item.get("authors"):
                rec["authors"] = item["authors"]
                rec["warnings"].append("authors taken from the feed's dc:creator")
            if not rec["excerpt"] and item.get("excerpt"):
                rec["excerpt"] = ELLIPSIS_TAIL.sub("", item["excerpt"]) or None
            if not rec["categories"] and not rec["tags"] and item.get("categories"):
                rec["categories"] = item["categories"]
                rec["warnings"].append("categories taken from the feed (tags and categories not told apart)")
    if rec["modified"] is None and rec["post_id"]:
        row = db.execute("SELECT json FROM rest_items WHERE site=? AND post_id=? ORDER BY rank LIMIT 1",
                         (rec["site"], rec["post_id"])).fetchone()
        if row and json.loads(row[0]).get("modified"):
            rec["modified"] = json.loads(row[0])["modified"]
            rec["warnings"].append("modified taken from the REST API (/wp-json/wp/v2/…); the page shows none")
    for ref in rec["media"]:
        candidates = [ref["url"]] + sorted((v for v in ref["variants"] if v != ref["url"]),
                                           key=lambda v: (-_variant_area(v), v))
        for cand in candidates:
            m = _media_row(db, cand)
            if m:
                ref["captured"] = cand == ref["url"]
                ref["best"] = cand
                ref["media_id"] = m["id"]
                ref["mime"] = m["mime"] or ref["mime"]
                break
        else:
            ref["captured"] = False
            ref["media_id"] = None
    for link in rec["links"]:
        if link["scope"] == "external" and (urlsplit(link["url"]).hostname or "").lower() not in hosts:
            link["scope"] = "out_of_scope"
        link["captured"] = bool(db.execute("SELECT 1 FROM captured WHERE url=? LIMIT 1", (link["url"],)).fetchone()
                                or resolve_url(link["url"]))
    return rec


def _finish_tumblr(db, rec: dict[str, Any]) -> dict[str, Any]:
    for photo in rec["photos"]:
        m = _media_row(db, photo["best"])
        photo["captured"] = m is not None
        photo["media_id"] = m["id"] if m else None
    return rec


def _kind_and_url(db, id_: str) -> tuple[str, str] | None:
    """(kind, url) of the corpus record `id_`, or None."""
    row = db.execute("SELECT kind, url FROM chosen WHERE id=?", (id_,)).fetchone()
    if row is None:
        row = db.execute("SELECT 'tumblr_post', json_extract(json, '$.url') FROM tumblr_chosen WHERE id=?",
                         (id_,)).fetchone()
    return row


def _listing_names(db, names: list[str], maybe: list[str], resolve_url, kind_and_url) -> dict[str, str]:
    """{each URL the listing names: the name the corpus gives it}; pages and unresolved maybes left out."""
    out: dict[str, str] = {}
    uncertain = set(maybe)
    for url in names + maybe:
        target = resolve_url(url)
        if target:
            row = kind_and_url(target)
            if row and row[0] == "page":
                continue
            name = row[1] if row else url
        elif url in uncertain:
            continue
        else:
            name = url
        out.setdefault(url, name)
    return out


def write_corpus(db, corpus: Path, warc_rejects: list[Reject]) -> MergeResult:
    result = MergeResult()
    corpus.mkdir(parents=True, exist_ok=True)
    rejects = list(warc_rejects)
    _choose_docs(db, result)
    _tumblr(db, result)
    _redirects(db)
    _revisits(db, result, rejects)
    _chain(db, result)
    db.commit()

    writers = {name: Writer(corpus / (name + ".tmp")) for name in CORPUS_FILES}
    order = "ORDER BY sk = '', sk, id"
    hosts = captured_hosts(db)
    # Every alias is known from here on, so answers about a URL no longer change: remember them.
    resolve_url = lru_cache(maxsize=URL_CACHE)(partial(resolve, db))
    kind_and_url = lru_cache(maxsize=URL_CACHE)(partial(_kind_and_url, db))
    for id_, kind, js in db.execute(f"SELECT id, kind, json FROM chosen {order}"):
        rec = _finish_post(db, json.loads(js), hosts, resolve_url)
        writers["posts.jsonl" if kind == "post" else "pages.jsonl"].write(rec)
    for (js,) in db.execute(f"SELECT json FROM tumblr_chosen {order}"):
        writers["tumblr_posts.jsonl"].write(_finish_tumblr(db, json.loads(js)))
    for (js,) in db.execute("SELECT json FROM (SELECT url, json, row_number() OVER (PARTITION BY url ORDER BY rank) AS n "
                            "FROM media) WHERE n = 1 ORDER BY json_extract(json, '$.id')"):
        writers["media.jsonl"].write_json(js)
    for (url, ltype), group in groupby(db.execute(
            "SELECT url, listing_type, maybe, json FROM listings ORDER BY url, listing_type, rank"),
            key=lambda r: (r[0], r[1])):
        _, _, maybe, js = next(group)
        rec = json.loads(js)
        named = _listing_names(db, rec["names"], json.loads(maybe), resolve_url, kind_and_url)
        rec["names"] = list(dict.fromkeys(named.values()))
        titles: dict[str, str] = {}
        # A link straight to the post's own URL says its title before a shortlink's or a redirect's.
        for url, title in sorted(rec["titles"].items(), key=lambda item: named.get(item[0]) != item[0]):
            if url in named:
                titles.setdefault(named[url], title)
        rec["titles"] = titles
        writers["listings.jsonl"].write(rec)
    seen = set()
    rows = db.execute("SELECT warc_file, offset, reason, json FROM rejects ORDER BY warc_file, offset, reason, json")
    extra = sorted((r.warc_file, r.offset if r.offset is not None else -1, r.reason, dumps(to_json(r))) for r in rejects)
    for wf, off, reason, js in sorted(list(rows) + extra, key=lambda r: (r[0], r[1] if r[1] is not None else -1, r[2], r[3])):
        if (wf, off, reason) in seen:
            continue
        seen.add((wf, off, reason))
        writers["rejects.jsonl"].write_json(js)
    for name, writer in writers.items():
        result.files[name] = writer.close()
        os.replace(corpus / (name + ".tmp"), corpus / name)
        result.counts[name.split(".")[0]] = result.files[name]["records"]
    for name, n in db.execute("SELECT name, sum(n) FROM stats GROUP BY name ORDER BY name"):
        result.stats[name] = n
    return result


def schema_text() -> str:
    return resources.files("transform").joinpath("schema.json").read_text(encoding="utf-8")


def file_sha256(path: str | os.PathLike) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size
