"""Crawl state in SQLite: frontier, seen URLs, outcomes, chain hops, WARC positions, trap memory — all resume needs.

One connection guarded by a lock; every fetch is committed in one transaction after its WARC
records are flushed, so after a kill -9 the state never claims a record the WARC does not hold.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS urls (
    id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT UNIQUE NOT NULL, status TEXT NOT NULL,
    priority INTEGER NOT NULL, via TEXT, discovered_by TEXT, depth INTEGER, hop INTEGER,
    requisite INTEGER DEFAULT 0, trusted INTEGER DEFAULT 0, outcome TEXT, reason TEXT);
CREATE INDEX IF NOT EXISTS urls_status ON urls(status);
CREATE TABLE IF NOT EXISTS fetches (
    url TEXT PRIMARY KEY, status INTEGER, outcome TEXT, warc_file TEXT, warc_offset INTEGER,
    warc_length INTEGER, record_id TEXT, payload_digest TEXT, date TEXT, bytes INTEGER);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, is_post INTEGER, published TEXT, next_url TEXT, next_found_by TEXT,
    prev_url TEXT, record_id TEXT, date TEXT, discovered_by TEXT);
CREATE TABLE IF NOT EXISTS hops (position INTEGER PRIMARY KEY, from_url TEXT, to_url TEXT UNIQUE, found_by TEXT);
CREATE TABLE IF NOT EXISTS breaks (
    after_position INTEGER, from_url TEXT, reason TEXT, bridged_to TEXT, bridged_via TEXT);
CREATE TABLE IF NOT EXISTS digests (payload_digest TEXT PRIMARY KEY, url TEXT, date TEXT, record_id TEXT);
CREATE TABLE IF NOT EXISTS warc_files (name TEXT PRIMARY KEY, status TEXT, good_size INTEGER);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER);
CREATE TABLE IF NOT EXISTS skips (reason TEXT PRIMARY KEY, count INTEGER);
CREATE TABLE IF NOT EXISTS listings (url TEXT PRIMARY KEY, found_by TEXT, status INTEGER, posts INTEGER);
CREATE TABLE IF NOT EXISTS hosts (host TEXT PRIMARY KEY, robots TEXT, status INTEGER, body BLOB, scheme TEXT);
CREATE TABLE IF NOT EXISTS trap_memory (rule TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (rule, key, value));
"""


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def retry_candidates(db: sqlite3.Connection) -> tuple[set[str], list[str]]:
    """What a resume asks again: (hosts whose robots.txt could not be fetched, URLs whose last attempt may pass now).

    URLs: network errors, HTTP 5xx and 429, and what a robots verdict of one of those hosts skipped.
    """
    statuses = tuple(sorted(RETRY_STATUSES))
    marks = ",".join("?" * len(statuses))
    bad_hosts = {host for (host,) in db.execute(
        f"SELECT host FROM hosts WHERE status IS NULL OR status IN ({marks})", statuses)}
    rows = db.execute(
        "SELECT url, outcome FROM urls WHERE COALESCE(discovered_by, '') != 'robots' AND ("
        "(status='failed' AND outcome='network_error') OR (status='skipped' AND outcome='robots')"
        f" OR (status='done' AND url IN (SELECT url FROM fetches WHERE status IN ({marks}))))",
        statuses).fetchall()
    urls = [u for u, outcome in rows if not (outcome == "robots" and urlsplit(u).netloc not in bad_hosts)]
    return bad_hosts, urls


def pending_count(db: sqlite3.Connection) -> int:
    """URLs still in the frontier: queued, being fetched, or held back for the chain."""
    return db.execute("SELECT COUNT(*) FROM urls WHERE status IN ('queued', 'fetching', 'held')").fetchone()[0]


@dataclass(frozen=True)
class UrlEntry:
    url: str
    priority: int
    via: str | None
    discovered_by: str
    depth: int
    hop: int | None
    requisite: bool
    trusted: bool


class CrawlState:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.lock = threading.RLock()

    def close(self) -> None:
        with self.lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def q(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    def one(self, sql: str, args: tuple = ()) -> Any:
        rows = self.q(sql, args)
        return rows[0][0] if rows and rows[0] else None

    def get_meta(self, key: str, default: Any = None) -> Any:
        value = self.one("SELECT value FROM meta WHERE key=?", (key,))
        return json.loads(value) if value is not None else default

    def set_meta(self, db: sqlite3.Connection, key: str, value: Any) -> None:
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, sort_keys=True)))

    # frontier -------------------------------------------------------------------------------
    def add_url(self, db: sqlite3.Connection, entry: UrlEntry, status: str = "queued") -> bool:
        cur = db.execute(
            "INSERT OR IGNORE INTO urls (url, status, priority, via, discovered_by, depth, hop, requisite, trusted)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (entry.url, status, entry.priority, entry.via, entry.discovered_by, entry.depth, entry.hop,
             int(entry.requisite), int(entry.trusted)))
        return cur.rowcount == 1

    def known(self, url: str) -> bool:
        return self.one("SELECT 1 FROM urls WHERE url=?", (url,)) is not None

    def url_status(self, url: str) -> str | None:
        return self.one("SELECT status FROM urls WHERE url=?", (url,))

    def entries(self, status: str) -> list[UrlEntry]:
        rows = self.q("SELECT url, priority, via, discovered_by, depth, hop, requisite, trusted FROM urls"
                      " WHERE status=? ORDER BY id", (status,))
        return [UrlEntry(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7])) for r in rows]

    def entry(self, url: str) -> UrlEntry | None:
        rows = self.q("SELECT url, priority, via, discovered_by, depth, hop, requisite, trusted FROM urls"
                      " WHERE url=?", (url,))
        if not rows:
            return None
        r = rows[0]
        return UrlEntry(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7]))

    def bump(self, db: sqlite3.Connection, name: str, by: int = 1) -> None:
        db.execute("INSERT INTO counters VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value=value+?",
                   (name, by, by))

    def skip(self, db: sqlite3.Connection, reason: str) -> None:
        db.execute("INSERT INTO skips VALUES (?, 1) ON CONFLICT(reason) DO UPDATE SET count=count+1", (reason,))

    def counters(self) -> dict[str, int]:
        return dict(self.q("SELECT name, value FROM counters ORDER BY name"))

    def skips(self) -> dict[str, int]:
        return dict(self.q("SELECT reason, count FROM skips ORDER BY reason"))

    # trap memory: what the stateful trap rules learnt, as (rule, key, value) facts -----------------
    def remember_trap(self, db: sqlite3.Connection, rule: str, key: str, value: str) -> None:
        """Store one learnt fact in the caller's transaction (the one recording the fetch that taught it)."""
        db.execute("INSERT OR IGNORE INTO trap_memory VALUES (?, ?, ?)", (rule, key, value))

    def trap_memory(self) -> list[tuple[str, str, str]]:
        return self.q("SELECT rule, key, value FROM trap_memory ORDER BY rowid")
