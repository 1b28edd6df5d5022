"""The merge's shortcuts give the answers of the slow ways they replace: hosts without parsing
every URL, aliases upserted by SQLite, URL lookups batched and remembered."""
from __future__ import annotations

import random
import sqlite3
from urllib.parse import urlsplit

import pytest

from transform import corpus
from transform.corpus import (ALIAS_UPSERT, Remembered, _choose_docs, _resolve_many, _rows_in, captured_hosts,
                              host_of, merge_spills, resolve)
from transform.spill import TABLES

PIECES = ["/", "//", "?", "#", ":", "@", "[", "]", "a", "B", "x.se", "http", "https:", " ", "\t", "\n", "\r",
          "é", "80", ".", "-"]


def _reference_host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return "ValueError"


def _host(url: str) -> str:
    try:
        return host_of(url)
    except ValueError:
        return "ValueError"


def _odd_urls(n: int) -> set[str]:
    rnd = random.Random(7)
    urls = {"".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 8))) for _ in range(n)}
    return urls | {"http://a.se/x", "http://a.se", "http://a.se?x", "http://a.se#y", "HTTP://A.SE:80/", "//h/p",
                   "http:/x//y", "http:/\t/host/", "  http://h/", "a:b//c/d", "http://u@h:1/", "http://[::1]/"}


def test_host_of_is_urlsplit_hostname_for_odd_urls():
    for url in _odd_urls(20000):
        assert _host(url) == _reference_host(url), repr(url)


def test_captured_hosts_are_the_hosts_of_every_captured_url():
    urls = [u for u in _odd_urls(5000) if _reference_host(u) != "ValueError"]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE captured (url TEXT)")
    db.executemany("INSERT INTO captured VALUES (?)", [(u,) for u in urls])
    assert captured_hosts(db) == frozenset(map(_reference_host, urls))


def _alias_db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE alias (url TEXT PRIMARY KEY, id TEXT, prio INTEGER)")
    return db


def test_rows_in_and_resolve_many_answer_as_one_query_per_key():
    db = _alias_db()
    db.executemany("INSERT INTO alias VALUES (?, ?, 0)",
                   [("http://h/a/", "A"), ("http://h/b", "B"), ("http://h/c", None), ("http://h/c/", "C")])
    urls = ["http://h/a", "http://h/a/", "http://h/b/", "http://h/c", "http://h/d", "", None]
    assert _resolve_many(db, urls) == {u: resolve(db, u) for u in urls}
    held = sorted(url for (url,) in db.execute("SELECT url FROM alias"))
    for n in range(0, 40):
        keys = [f"http://h/{c}" for c in "abcdefgh"] * 5
        keys = keys[:n]
        rows = _rows_in(db, "SELECT url FROM alias WHERE url IN (?) ORDER BY url", keys)
        assert [url for (url,) in rows] == [u for u in held if u in keys]


def test_remembered_gives_the_same_answers_however_little_it_keeps(monkeypatch):
    monkeypatch.setattr(corpus, "URL_CACHE", 8)
    monkeypatch.setattr(corpus, "IN_CHUNK", 3)
    asked = []

    def fetch(keys):
        asked.append(list(keys))
        return {k: k * 2 for k in keys}

    remembered = Remembered(fetch)
    remembered.want(range(20))
    assert all(len(keys) <= 3 for keys in asked)
    assert [remembered(k) for k in range(25)] == [k * 2 for k in range(25)]
    assert len(remembered.known) <= 8
    before = len(asked)
    remembered(24)
    assert len(asked) == before


def _sequential_aliases(db, rows) -> list[tuple]:
    """The aliases as the merge made them before: one upsert per capture URL, in capture order."""
    for id_, url, canon, short, cap_url in sorted(rows, key=lambda r: r[0]):
        for u, prio in ((url, 0), (canon, 0), (cap_url, 1), (short, 2)):
            if u:
                db.execute(ALIAS_UPSERT, (u, id_, prio))
    return db.execute("SELECT * FROM alias ORDER BY url").fetchall()


@pytest.mark.parametrize("seed", range(5))
def test_aliases_of_the_chosen_docs_match_one_upsert_per_url(tmp_path, seed):
    rnd = random.Random(seed)
    urls = [None, ""] + [f"http://h/{i}" for i in range(40)]
    rows = [(f"id{rnd.randint(0, 9)}", rnd.choice(urls), rnd.choice(urls), rnd.choice(urls), rnd.choice(urls))
            for _ in range(25)]
    spill = sqlite3.connect(tmp_path / "spill.sqlite")
    for name, cols in TABLES.items():
        spill.execute(f"CREATE TABLE {name} ({cols})")
    spill.executemany("INSERT INTO docs (id, kind, rank, url, canon, shortlink, capture_url, published, record) "
                      "VALUES (?, 'post', ?, ?, ?, ?, ?, NULL, x'00')",
                      [(id_, f"{i:03d}", *urls) for i, (id_, *urls) in enumerate(rows)])
    spill.commit()
    spill.close()
    db = merge_spills([str(tmp_path / "spill.sqlite")], str(tmp_path / "merged.sqlite"))
    result = corpus.MergeResult()
    _choose_docs(db, result)
    expected = _sequential_aliases(_alias_db(), rows)
    assert db.execute("SELECT * FROM alias ORDER BY url").fetchall() == expected
    assert result.stats["dedup.duplicate_captures_merged"] == len(rows) - len({r[0] for r in rows})
    first: dict[str, int] = {}
    for id_, doc in db.execute("SELECT id, rowid FROM docs ORDER BY id, rank"):
        first.setdefault(id_, doc)
    assert dict(db.execute("SELECT id, doc FROM chosen")) == first
