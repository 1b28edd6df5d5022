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
from itertools import groupby, islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from transform.dates import sort_key
from transform.extracted import TumblrFragment
from transform.platforms.tumblr.merge import merge_fragments
from transform.records import Capture, Reject, to_json
from transform.spill import TABLES, connect, create, dumpb, dumps, unpack

CORPUS_FILES = ("posts.jsonl", "pages.jsonl", "tumblr_posts.jsonl", "media.jsonl", "listings.jsonl", "rejects.jsonl")
SIZE_IN_NAME = re.compile(r"-(\d+)x(\d+)(?=\.[A-Za-z0-9]+$)")
URL_CACHE = 1 << 14  # answers remembered while writing, for the URLs that recur on many records (bounded)
ELLIPSIS_TAIL = re.compile(r"\s*(\[(\.\.\.|\u2026|&hellip;|&#8230;)\]|\u2026)\s*$")
BATCH = 500  # rows inserted per executemany while choosing
IN_CHUNK = 250  # keys looked up per `IN (...)` query (twice that, padded, stays under 999 variables)
RECORD_CHUNK = 100  # records finished together, their lookups fetched ahead in a few queries
WRITE_BUFFER = 1 << 18  # bytes gathered per write to a corpus file
NETLOC_END = re.compile(r"[^/?#]*(?://[^/?#]*)?")  # a URL up to the end of its host and port


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
                             sk TEXT, doc INTEGER);
        CREATE TABLE position (id TEXT PRIMARY KEY, pos INTEGER);
    """)
    return db


class Writer:
    """A JSON Lines file written line by line, hashed on the way."""

    def __init__(self, path: Path):
        self.path = path
        self.fh = open(path, "wb", buffering=WRITE_BUFFER)
        self.sha = hashlib.sha256()
        self.records = 0
        self.bytes = 0

    def write(self, record: dict[str, Any]) -> None:
        self._line(dumpb(record))

    def write_json(self, text: str) -> None:
        """A record already serialised by `dumps` (as the spill stores those the merge leaves alone)."""
        self._line(text.encode("utf-8"))

    def _line(self, data: bytes) -> None:
        self.sha.update(data)
        self.sha.update(b"\n")
        self.bytes += len(data) + 1
        self.records += 1
        self.fh.write(data)
        self.fh.write(b"\n")

    def close(self) -> dict[str, Any]:
        self.fh.close()
        return {"sha256": self.sha.hexdigest(), "bytes": self.bytes, "records": self.records}


# An alias keeps the smallest (prio, id) a URL was given, whatever the order of the inserts.
ON_ALIAS_CONFLICT = ("ON CONFLICT(url) DO UPDATE SET id=excluded.id, prio=excluded.prio "
                     "WHERE excluded.prio < alias.prio OR (excluded.prio = alias.prio AND excluded.id < alias.id)")
ALIAS_UPSERT = f"INSERT INTO alias VALUES (?, ?, ?) {ON_ALIAS_CONFLICT}"


def _alias(db, url: str | None, id_: str, prio: int) -> None:
    if url:
        db.execute(ALIAS_UPSERT, (url, id_, prio))


def _aliases(db, rows) -> None:
    """Many `_alias` calls in one go, in the same order; a repeated one changes nothing, so it is left out."""
    db.executemany(ALIAS_UPSERT, (row for row in dict.fromkeys(rows) if row[0]))


def _other_slash(url: str) -> str:
    """The same URL with its trailing slash dropped, or with one added: links name posts both ways."""
    return url.rstrip("/") if url.endswith("/") else url + "/"


def resolve(db, url: str | None) -> str | None:
    """The corpus id a URL stands for, through canonical links, shortlinks and redirects."""
    if not url:
        return None
    for candidate in (url, _other_slash(url)):
        row = db.execute("SELECT id FROM alias WHERE url=?", (candidate,)).fetchone()
        if row:
            return row[0]
    return None


# Each capture's URLs as (url, id, prio), in the order `_alias` was once called for them.
DOC_ALIASES = ("SELECT a, id, prio FROM (SELECT d.id, d.rank, d.rowid AS r, k.prio, k.pos, CASE k.pos "
               "WHEN 0 THEN d.url WHEN 1 THEN d.canon WHEN 2 THEN d.capture_url ELSE d.shortlink END AS a FROM docs d, "
               "(SELECT 0 AS pos, 0 AS prio UNION ALL SELECT 1, 0 UNION ALL SELECT 2, 1 UNION ALL SELECT 3, 2) AS k) "
               "WHERE a IS NOT NULL AND a != '' ORDER BY id, rank, r, pos")


def _choose_docs(db, result: MergeResult) -> None:
    """The first capture of each id (by rank) is its record; every capture's URLs become aliases,
    in the order the captures sort in. SQLite does both without handing the rows to Python."""
    db.create_function("sort_key", 1, sort_key, deterministic=True)
    db.execute("INSERT INTO chosen SELECT id, kind, url, next_url, prev_url, sort_key(published), doc FROM "
               "(SELECT id, kind, url, next_url, prev_url, published, rowid AS doc, "
               "row_number() OVER (PARTITION BY id ORDER BY rank, rowid) AS n FROM docs) WHERE n = 1")
    db.execute(f"INSERT INTO alias {DOC_ALIASES} {ON_ALIAS_CONFLICT}")
    docs, ids = db.execute("SELECT count(*), count(DISTINCT id) FROM docs").fetchone()
    result.stats["dedup.duplicate_captures_merged"] = docs - ids


def _tumblr(db, result: MergeResult) -> None:
    db.execute("CREATE TABLE tumblr_chosen (id TEXT PRIMARY KEY, sk TEXT, json TEXT)")
    rows = db.execute("SELECT blog, post_id, source, rank, json, capture FROM tumblr ORDER BY blog, post_id, source, rank")
    chosen, aliases = [], []
    merged = 0
    for (blog, pid), group in groupby(rows, key=lambda r: (r[0], r[1])):
        parts = []
        for _, _, source, _rank, js, cap in group:
            data = json.loads(js)
            parts.append((TumblrFragment(blog, pid, source, data["fields"], data["warnings"]), Capture(**json.loads(cap))))
        post = merge_fragments(blog, pid, parts)
        merged += len(parts) - 1
        chosen.append((post.id, sort_key(post.published), dumps(to_json(post))))
        aliases += ((post.url, post.id, 0), (f"http://{blog}.tumblr.com/post/{pid}", post.id, 1))
        aliases += ((frag.fields.get("url"), post.id, 1) for frag, _ in parts)
        if len(chosen) >= BATCH:
            _flush_tumblr(db, chosen, aliases)
    _flush_tumblr(db, chosen, aliases)
    result.stats["dedup.tumblr_views_merged"] = merged


def _flush_tumblr(db, chosen: list[tuple], aliases: list[tuple]) -> None:
    db.executemany("INSERT INTO tumblr_chosen VALUES (?, ?, ?)", chosen)
    _aliases(db, aliases)
    chosen.clear()
    aliases.clear()


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


def _fetched(rows, want):
    """`rows` of (id, url), with the answers about each chunk's URLs fetched ahead by `want`."""
    while chunk := list(islice(rows, IN_CHUNK)):
        want([url for _, url in chunk])
        yield from chunk


def _chain(db, result: MergeResult, ask: Answers) -> None:
    """Rebuild the "Nästa" sequence from the prev/next links of the captured posts: the longest
    walk along next links is the chain; posts off it get no position."""
    nxt: dict[str, str] = {}
    for id_, next_url in _fetched(db.execute("SELECT id, next_url FROM chosen WHERE kind='post' ORDER BY id"),
                                  ask.resolve.want):
        target = ask.resolve(next_url)
        if target and target != id_:
            nxt[id_] = target
    for id_, prev_url in _fetched(db.execute("SELECT id, prev_url FROM chosen WHERE kind='post' ORDER BY id"),
                                  ask.want_records):
        source = ask.resolve(prev_url)
        if source and source != id_ and source not in nxt:
            kind = ask.kind_and_url(source)
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


MEDIA_FIELDS = "SELECT id, mime FROM media WHERE url=? ORDER BY rank LIMIT 1"


def _revisited_media(db, url: str) -> tuple[str, str | None] | None:
    """(id, mime) of the media record of the original a URL captured only as a revisit repeats
    (the same bytes: a harvester writes a revisit when a second URL serves an image again)."""
    rev = db.execute("SELECT refers_uri, refers_date, digest FROM revisits WHERE url=? ORDER BY rank LIMIT 1",
                     (url,)).fetchone()
    original = original_of(db, *rev) if rev else None
    if original and original != url:
        return db.execute(MEDIA_FIELDS, (original,)).fetchone()
    return None


def _rows_in(db, sql: str, keys: list) -> list[tuple]:
    """`sql` with its `IN (?)` widened to all of `keys`, padded to a power of two by repeating
    one, so that few distinct statements are prepared (sqlite3 keeps them cached)."""
    if not keys:
        return []
    width = 1 << (len(keys) - 1).bit_length()
    keys = keys + keys[-1:] * (width - len(keys))
    return db.execute(sql.replace("IN (?)", f"IN ({','.join('?' * width)})"), keys).fetchall()


def _resolve_many(db, urls: list[str | None]) -> dict[str | None, str | None]:
    """`resolve` of each URL, in one query."""
    out = dict.fromkeys(urls)
    wanted = [u for u in urls if u]
    if wanted:
        other = {u: _other_slash(u) for u in wanted}
        ids = dict(_rows_in(db, "SELECT url, id FROM alias WHERE url IN (?)", wanted + list(other.values())))
        for u in wanted:
            out[u] = ids[u] if u in ids else ids.get(other[u])
    return out


def _captured_many(db, resolve_url: Remembered, urls: list[str]) -> dict[str, bool]:
    """Whether the WARCs hold each URL itself or a record it stands for."""
    held = {u for (u,) in _rows_in(db, "SELECT DISTINCT url FROM captured WHERE url IN (?)", urls)}
    resolve_url.want(u for u in urls if u not in held)
    return {u: u in held or bool(resolve_url(u)) for u in urls}


def _media_many(db, urls: list[str | None]) -> dict[str | None, tuple[str, str | None] | None]:
    """(id, mime) of the first media record (by rank) of each URL, None for those without."""
    out: dict = dict.fromkeys(urls)
    for url, id_, mime in reversed(_rows_in(db, "SELECT url, id, mime FROM media WHERE url IN (?) "
                                                "ORDER BY url, rank, rowid", urls)):
        out[url] = (id_, mime)
    return out


def _chosen_many(db, ids: list[str]) -> dict[str, tuple[str, str] | None]:
    """(kind, url) of each chosen post or page, None for other ids."""
    out = dict.fromkeys(ids)
    rows = _rows_in(db, "SELECT id, kind, url FROM chosen WHERE id IN (?)", ids)
    out.update((id_, (kind, url)) for id_, kind, url in rows)
    return out


def _tumblr_many(db, ids: list[str]) -> dict[str, tuple[str, str] | None]:
    out = dict.fromkeys(ids)
    out.update((id_, ("tumblr_post", url)) for id_, url in _rows_in(
        db, "SELECT id, json_extract(json, '$.url') FROM tumblr_chosen WHERE id IN (?)", ids))
    return out


class Remembered:
    """Answers per key, asked of SQLite for many keys in one query and remembered: the same URLs
    recur on many records. At most URL_CACHE are kept (more only while one batch asks for more):
    before a batch that would not fit, the older entries are forgotten, so what it fetches stays."""

    def __init__(self, fetch):
        self.fetch = fetch  # distinct keys -> {each key: its answer}
        self.known: dict = {}

    def want(self, keys) -> None:
        """Fetch the answers for `keys` not known yet, IN_CHUNK keys a query."""
        missing = [k for k in dict.fromkeys(keys) if k not in self.known]
        if len(self.known) + len(missing) > URL_CACHE:  # room first, so that what is fetched stays
            keep = max(0, URL_CACHE - len(missing)) // 2
            self.known = dict(list(self.known.items())[len(self.known) - keep:]) if keep else {}
        for i in range(0, len(missing), IN_CHUNK):
            self.known.update(self.fetch(missing[i:i + IN_CHUNK]))

    def __call__(self, key):
        if key not in self.known:
            self.want((key,))
        return self.known[key]


class Answers:
    """What the chain and the writing step ask about URLs and ids. Every alias and chosen record
    is known by then, so answers no longer change and can be fetched ahead and remembered."""

    def __init__(self, db):
        self.hosts = captured_hosts(db)
        self.resolve = Remembered(partial(_resolve_many, db))
        self.chosen = Remembered(partial(_chosen_many, db))
        self.tumblr = Remembered(partial(_tumblr_many, db))
        self.own_media = Remembered(partial(_media_many, db))
        self.revisited_media = lru_cache(maxsize=URL_CACHE)(partial(_revisited_media, db))
        self.captured = Remembered(partial(_captured_many, db, self.resolve))

    def media(self, url: str | None) -> tuple[str, str | None] | None:
        """(id, mime) of the media record of `url`, or of the original it revisits."""
        if not url:
            return None
        return self.own_media(url) or self.revisited_media(url)

    def kind_and_url(self, id_: str) -> tuple[str, str] | None:
        """(kind, url) of the corpus record `id_`, or None."""
        return self.chosen(id_) or self.tumblr(id_)

    def want_records(self, urls: list[str | None]) -> None:
        """Fetch ahead what `kind_and_url` will say of the records these URLs stand for."""
        self.resolve.want(urls)
        targets = [t for t in map(self.resolve, urls) if t]
        self.chosen.want(targets)
        self.tumblr.want(t for t in targets if not self.chosen(t))


@lru_cache(maxsize=URL_CACHE)
def _variant_area(url: str) -> int:
    m = SIZE_IN_NAME.search(urlsplit(url).path)
    return int(m.group(1)) * int(m.group(2)) if m else 10**12


def _host_part(url: str) -> str:
    """The start of `url` its host depends on: up to the first / ? or # after the host. urlsplit
    drops tabs and newlines before it looks, so a URL with those is its own part."""
    if "\t" in url or "\r" in url or "\n" in url:
        return url
    return NETLOC_END.match(url).group()


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


_host_of_part = lru_cache(maxsize=URL_CACHE)(_host)


def host_of(url: str) -> str:
    """`(urlsplit(url).hostname or "").lower()`, parsed once per distinct scheme and host."""
    return _host_of_part(_host_part(url))


def captured_hosts(db) -> frozenset[str]:
    parts = {_host_part(url) for (url,) in db.execute("SELECT DISTINCT url FROM captured")}
    return frozenset(map(_host, parts))


def _want_for_posts(recs: list[dict[str, Any]], ask: Answers) -> None:
    """Fetch ahead, for a chunk of records, what `_finish_post` asks about them."""
    ask.want_records([rec["chain"][side] for rec in recs for side in ("previous", "next")])
    refs = [ref for rec in recs for ref in rec["media"]]
    ask.own_media.want(ref["url"] for ref in refs)
    ask.own_media.want(v for ref in refs if not ask.own_media(ref["url"]) for v in ref["variants"])
    ask.captured.want(link["url"] for rec in recs for link in rec["links"])


def _finish_post(db, rec: dict[str, Any], pos: int | None, ask: Answers) -> dict[str, Any]:
    chain = rec["chain"]
    for side in ("previous", "next"):
        target = ask.resolve(chain[side])
        if target:
            row = ask.chosen(target)
            if row:
                chain[side] = row[1]
    chain["position"] = pos
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
        _finish_media_ref(ref, ask)
    for link in rec["links"]:
        url = link["url"]
        if link["scope"] == "external" and host_of(url) not in ask.hosts:
            link["scope"] = "out_of_scope"
        link["captured"] = ask.captured(url)
    return rec


def _finish_media_ref(ref: dict[str, Any], ask: Answers) -> None:
    """The captured medium a reference gets: the original, else the largest variant captured."""
    url = ref["url"]
    m = ask.media(url)
    if m:
        cand = url
    else:
        for cand in sorted((v for v in ref["variants"] if v != url), key=lambda v: (-_variant_area(v), v)):
            m = ask.media(cand)
            if m:
                break
    if m:
        ref["captured"] = cand == url
        ref["best"] = cand
        ref["media_id"] = m[0]
        ref["mime"] = m[1] or ref["mime"]
    else:
        ref["captured"] = False
        ref["media_id"] = None


def _finish_tumblr(rec: dict[str, Any], ask: Answers) -> dict[str, Any]:
    for photo in rec["photos"]:
        m = ask.media(photo["best"])
        photo["captured"] = m is not None
        photo["media_id"] = m[0] if m else None
    return rec


def _listing_names(names: list[str], maybe: list[str], ask: Answers) -> dict[str, str]:
    """{each URL the listing names: the name the corpus gives it}; pages and unresolved maybes left out."""
    out: dict[str, str] = {}
    uncertain = set(maybe)
    for url in names + maybe:
        target = ask.resolve(url)
        if target:
            row = ask.kind_and_url(target)
            if row and row[0] == "page":
                continue
            name = row[1] if row else url
        elif url in uncertain:
            continue
        else:
            name = url
        out.setdefault(url, name)
    return out


def _finish_listing(rec: dict[str, Any], maybe: list[str], ask: Answers) -> dict[str, Any]:
    named = _listing_names(rec["names"], maybe, ask)
    rec["names"] = list(dict.fromkeys(named.values()))
    titles: dict[str, str] = {}
    # A link straight to the post's own URL says its title before a shortlink's or a redirect's.
    for url, title in sorted(rec["titles"].items(), key=lambda item: named.get(item[0]) != item[0]):
        if url in named:
            titles.setdefault(named[url], title)
    rec["titles"] = titles
    return rec


def write_corpus(db, corpus: Path, warc_rejects: list[Reject]) -> MergeResult:
    result = MergeResult()
    corpus.mkdir(parents=True, exist_ok=True)
    rejects = list(warc_rejects)
    _choose_docs(db, result)
    _tumblr(db, result)
    _redirects(db)
    _revisits(db, result, rejects)
    ask = Answers(db)
    _chain(db, result, ask)
    db.commit()

    writers = {name: Writer(corpus / (name + ".tmp")) for name in CORPUS_FILES}
    order = "ORDER BY sk = '', sk, id"
    rows = db.execute("SELECT c.kind, d.record, p.pos FROM chosen c JOIN docs d ON d.rowid = c.doc "
                      "LEFT JOIN position p ON p.id = c.id ORDER BY c.sk = '', c.sk, c.id")
    while chunk := list(islice(rows, RECORD_CHUNK)):
        recs = [unpack(js) for _, js, _ in chunk]
        _want_for_posts(recs, ask)
        for (kind, _, pos), rec in zip(chunk, recs):
            writers["posts.jsonl" if kind == "post" else "pages.jsonl"].write(_finish_post(db, rec, pos, ask))
    rows = db.execute(f"SELECT json FROM tumblr_chosen {order}")
    while chunk := list(islice(rows, RECORD_CHUNK)):
        recs = [json.loads(js) for (js,) in chunk]
        ask.own_media.want(photo["best"] for rec in recs for photo in rec["photos"])
        for rec in recs:
            writers["tumblr_posts.jsonl"].write(_finish_tumblr(rec, ask))
    for (js,) in db.execute("SELECT json FROM (SELECT url, id, json, row_number() OVER (PARTITION BY url ORDER BY rank) AS n "
                            "FROM media) WHERE n = 1 ORDER BY id"):
        writers["media.jsonl"].write_json(js)
    groups = groupby(db.execute("SELECT url, listing_type, maybe, record FROM listings "
                                "ORDER BY url, listing_type, rank"), key=lambda r: (r[0], r[1]))
    while chunk := [next(group)[2:] for _, group in islice(groups, RECORD_CHUNK)]:
        listings = [(unpack(js), json.loads(maybe)) for maybe, js in chunk]
        ask.want_records([url for rec, maybe in listings for url in rec["names"] + maybe])
        for rec, maybe in listings:
            writers["listings.jsonl"].write(_finish_listing(rec, maybe, ask))
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
