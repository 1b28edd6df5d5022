"""On-disk intermediate store: workers append what each record contributes, the merge reads it
back sorted. SQLite keeps memory bounded however many pages there are."""
from __future__ import annotations

import json
import marshal
import sqlite3
from typing import Any

import orjson

TABLES = {
    "docs": "id TEXT, kind TEXT, rank TEXT, url TEXT, canon TEXT, shortlink TEXT, capture_url TEXT, "
            "digest TEXT, next_url TEXT, prev_url TEXT, published TEXT, record BLOB",
    "media": "url TEXT, id TEXT, mime TEXT, rank TEXT, digest TEXT, json TEXT",
    "listings": "url TEXT, listing_type TEXT, rank TEXT, maybe TEXT, record BLOB",
    "feed_items": "url TEXT, post_id INTEGER, rank TEXT, json TEXT",
    "rest_items": "site TEXT, post_id TEXT, rank TEXT, json TEXT",
    "tumblr": "blog TEXT, post_id TEXT, source TEXT, rank TEXT, json TEXT, capture TEXT",
    "redirects": "src TEXT, dst TEXT, rank TEXT",
    "revisits": "url TEXT, refers_uri TEXT, refers_date TEXT, digest TEXT, rank TEXT, capture TEXT",
    "captured": "url TEXT, digest TEXT, date TEXT",
    "rejects": "warc_file TEXT, offset INTEGER, reason TEXT, json TEXT",
    "stats": "name TEXT, n INTEGER",
}


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
# orjson writes what _ENCODER writes, byte for byte, for the str, int (64 bits), bool, None, list
# and dict records are made of (tested on random values and on whole corpora), several times
# faster. What it refuses (ints past 64 bits, subclasses, dataclasses, dates: it is told to) goes
# to json as before, whole value and all. Two kinds of value no record holds come out otherwise:
# enum members and UUIDs, which orjson writes as their value where json raises; and floats,
# written in orjson's shortest digits with NaN and infinity as null (json would write NaN, which
# is not JSON), unless the value holds something that sends it to json.
_ORJSON = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS | \
    orjson.OPT_PASSTHROUGH_DATETIME


def dumpb(obj: Any) -> bytes:
    """The one JSON serialisation used for every corpus line, as UTF-8: sorted keys, compact,
    non-ASCII as it is."""
    try:
        return orjson.dumps(obj, option=_ORJSON)
    except orjson.JSONEncodeError:
        return _ENCODER.encode(obj).encode("utf-8")


def dumps(obj: Any) -> str:
    """`dumpb` as text."""
    return dumpb(obj).decode("utf-8")


def pack(obj: Any) -> bytes:
    """A record on its way to the merge, which rewrites it anyway: marshal is several times faster
    than JSON both ways. Only ever read back by the same interpreter in the same run."""
    return marshal.dumps(obj)


def unpack(data: bytes) -> Any:
    return marshal.loads(data)


def connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA temp_store=FILE")
    db.execute("PRAGMA cache_size=-16000")
    return db


def create(db: sqlite3.Connection) -> None:
    for name, cols in TABLES.items():
        db.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols})")


class Spill:
    """Append-only writer for one worker's share of the records; rows are written in batches, in
    one transaction committed at `close` (SQLite's page cache, bounded, spills to the file)."""

    BATCH = 500
    PAGE_SIZE = 32768  # most rows carry a record of several KiB: large pages spare overflow chains

    def __init__(self, path: str):
        self.db = connect(path)
        self.db.execute(f"PRAGMA page_size={self.PAGE_SIZE}")
        create(self.db)
        self.stats: dict[str, int] = {}
        self._rows: dict[str, list[tuple]] = {name: [] for name in TABLES}
        self._pending = 0

    def add(self, table: str, *values: Any) -> None:
        self._rows[table].append(values)
        self._pending += 1
        if self._pending >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        for table, rows in self._rows.items():
            if rows:
                marks = ",".join("?" * len(rows[0]))
                self.db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
                rows.clear()
        self._pending = 0

    def count(self, name: str, n: int = 1) -> None:
        self.stats[name] = self.stats.get(name, 0) + n

    def close(self) -> None:
        self.flush()
        self.db.executemany("INSERT INTO stats VALUES (?, ?)", sorted(self.stats.items()))
        self.db.commit()
        self.db.close()
