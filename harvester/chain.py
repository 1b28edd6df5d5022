"""The "Nästa" chain: found (or given), walked hop by hop, each hop recorded; breaks bridged by listings.

Platform-free: it consumes PageAnalysis facts (is_post, published, chain_next/prev, date archives,
listed posts). While the chain is being found or walked, posts discovered by other routes are held
back so that each post is fetched after its hop is known and its metadata record can carry it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harvester.platforms.base import PRIORITY_CHAIN, PRIORITY_START, Link, PageAnalysis

if TYPE_CHECKING:  # pragma: no cover
    from harvester.crawler import Harvester


def _archive_key(url: str) -> tuple[int, ...]:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return tuple(int(p) for p in parts if p.isdigit())


class Chain:
    def __init__(self, h: "Harvester"):
        self.h = h
        self.s: dict[str, Any] = {"phase": "off"}

    # persistence ------------------------------------------------------------------------------
    def init(self, db) -> None:
        wp = self.h.cfg.wordpress
        if not wp.site:
            self.s = {"phase": "off"}
        elif wp.chain_start != "auto":
            from harvester.urls import normalize
            start = normalize(wp.chain_start)
            self.s = {"phase": "finding", "mode": "given", "verify": start, "probe": None,
                      "position": 0, "cursor": None, "start": None, "start_found_by": None}
        else:
            mode = wp.auto_strategy[0] if wp.auto_strategy else "previous-links"
            self.s = {"phase": "finding", "mode": mode, "verify": None, "probe": None,
                      "position": 0, "cursor": None, "start": None, "start_found_by": None}
        self.save(db)

    def load(self) -> None:
        self.s = self.h.state.get_meta("chain", {"phase": "off"})

    def save(self, db) -> None:
        self.h.state.set_meta(db, "chain", self.s)

    @property
    def position(self) -> int:
        return int(self.s.get("position") or 0)

    def holding(self) -> bool:
        return self.s.get("phase") in ("finding", "walking")

    # queries ----------------------------------------------------------------------------------
    def hop_for(self, url: str, analysis: PageAnalysis | None = None) -> dict[str, Any] | None:
        rows = self.h.state.q("SELECT position, from_url, to_url, found_by FROM hops WHERE to_url=?", (url,))
        if rows:
            p, f, t, b = rows[0]
            return {"position": p, "from": f, "to": t, "found_by": b}
        if (analysis is not None and self.s.get("phase") == "finding" and url == self.s.get("verify")
                and analysis.is_post and not self._prev_allowed(analysis)):
            return {"position": 1, "from": None, "to": url, "found_by": self._start_found_by()}
        return None

    def _start_found_by(self) -> str:
        mode = self.s.get("mode")
        return "config" if mode == "given" else str(mode)

    def _prev_allowed(self, analysis: PageAnalysis) -> bool:
        if self.s.get("mode") == "given":
            return False
        if "previous-links" not in self.h.cfg.wordpress.auto_strategy and self.s.get("mode") != "previous-links":
            return False
        prev = analysis.chain_prev
        return bool(prev and urlsplit(prev[0]).netloc == self.h.wp_host)

    # events -----------------------------------------------------------------------------------
    def _queue(self, db, url: str, how: str, priority: int, pushes: list, hop: int | None = None) -> None:
        self.h.consider(db, Link(url, how, chain_member=True, priority=priority, trusted=True), None, 1,
                        hop=hop, pushes=pushes, force_queue=True)

    def on_fetched(self, db, ex, entry, analysis: PageAnalysis, record_id: str, location: str | None,
                   pushes: list) -> None:
        phase = self.s.get("phase")
        if phase == "off" or urlsplit(ex.url).netloc != self.h.wp_host:
            return
        url = ex.url
        if analysis.is_post or 300 <= ex.status < 400 or ex.status >= 400:
            nxt = analysis.chain_next if analysis.is_post else ((location, "redirect") if location else None)
            db.execute("INSERT OR REPLACE INTO pages VALUES (?,?,?,?,?,?,?,?,?)",
                       (url, int(analysis.is_post), analysis.published, nxt[0] if nxt else None,
                        nxt[1] if nxt else None, analysis.chain_prev[0] if analysis.chain_prev else None,
                        record_id, ex.date.strftime("%Y-%m-%dT%H:%M:%SZ"), entry.discovered_by))
        if phase == "finding":
            self._finding(db, url, ex, analysis, location, pushes)
        elif phase == "walking" and url == self.s.get("cursor"):
            if 300 <= ex.status < 400 and location:
                db.execute("UPDATE hops SET to_url=?, found_by=found_by || '+redirect' WHERE position=?",
                           (location, self.position))
                self.s["cursor"] = location
                self._queue(db, location, "chain:redirect", PRIORITY_CHAIN, pushes, hop=self.position)
            elif ex.status >= 400:
                self._break(db, "404" if ex.status == 404 else "error")
            else:
                self.advance(db, pushes)
        self.save(db)

    def _finding(self, db, url, ex, analysis: PageAnalysis, location, pushes) -> None:
        s = self.s
        host_ok = lambda u: urlsplit(u).netloc == self.h.wp_host  # noqa: E731
        if s["mode"] == "date-archives" and s.get("probe") is None and 200 <= ex.status < 300:
            archives = [a for a in analysis.date_archives if host_ok(a)]
            if archives:
                oldest = min(archives, key=_archive_key)
                status = self.h.state.url_status(oldest)
                if status in (None, "queued", "held"):
                    s["probe"] = oldest
                    self._queue(db, oldest, "chain:start-date-archive", PRIORITY_START, pushes)
                    return
            if "previous-links" in self.h.cfg.wordpress.auto_strategy and analysis.listed_posts:
                s["mode"] = "previous-links"
            elif not archives:
                return
        if s["mode"] == "previous-links" and s.get("verify") is None and analysis.listed_posts and 200 <= ex.status < 300:
            newest = analysis.listed_posts[0]
            s["verify"] = newest
            self._queue(db, newest, "chain:start-newest-post", PRIORITY_START, pushes)
            return
        if url == s.get("probe"):
            if 300 <= ex.status < 400 and location:
                s["probe"] = location
                self._queue(db, location, "chain:start-date-archive", PRIORITY_START, pushes)
                return
            if analysis.pagination_last:
                s["probe"] = analysis.pagination_last
                self._queue(db, s["probe"], "chain:start-date-archive-last-page", PRIORITY_START, pushes)
                return
            if analysis.listed_posts:
                s["verify"] = analysis.listed_posts[-1]
                s["probe"] = ""
                self._queue(db, s["verify"], "chain:start-oldest-listed", PRIORITY_START, pushes)
            else:
                s["mode"] = "previous-links"
                s["probe"] = ""
            return
        if url == s.get("verify"):
            if 300 <= ex.status < 400 and location:
                s["verify"] = location
                self._queue(db, location, "chain:start-redirect", PRIORITY_START, pushes)
                return
            if not analysis.is_post:
                s["phase"] = "fallback"
                return
            if self._prev_allowed(analysis):
                s["verify"] = analysis.chain_prev[0]
                self._queue(db, s["verify"], "chain:start-previous-link", PRIORITY_START, pushes)
                return
            self._start(db, url, self._start_found_by(), pushes, late=False)

    def _start(self, db, url: str, found_by: str, pushes: list, late: bool) -> None:
        s = self.s
        s.update(phase="walking", start=url, start_found_by=found_by, position=1, cursor=url)
        db.execute("INSERT OR REPLACE INTO hops VALUES (1, NULL, ?, ?)", (url, found_by))
        if late:
            self._late_metadata(db, url)
        self.advance(db, pushes)

    def advance(self, db, pushes: list) -> None:
        """Follow recorded next links from the cursor as far as fetched pages allow; queue the first unfetched."""
        s = self.s
        while True:
            cursor = s["cursor"]
            row = db.execute("SELECT next_url, next_found_by, is_post FROM pages WHERE url=?", (cursor,)).fetchone()
            if row is None:
                status = db.execute("SELECT status, outcome FROM urls WHERE url=?", (cursor,)).fetchone()
                if status and status[0] in ("failed", "skipped"):
                    self._break(db, "error")
                    return
                self._queue(db, cursor, "chain:next", PRIORITY_CHAIN, pushes, hop=self.position)
                return
            nxt, found_by, _ = row
            if found_by == "redirect" and nxt:
                db.execute("UPDATE hops SET to_url=?, found_by=found_by || '+redirect' WHERE position=?",
                           (nxt, self.position))
                s["cursor"] = nxt
                continue
            if not nxt:
                s["phase"] = "ended"
                s["break_reason"] = "missing-link"
                return
            if urlsplit(nxt).netloc != self.h.wp_host:
                self._break(db, "off-site")
                return
            if db.execute("SELECT 1 FROM hops WHERE to_url=?", (nxt,)).fetchone():
                self._break(db, "loop")
                return
            s["position"] = self.position + 1
            db.execute("INSERT INTO hops VALUES (?,?,?,?)", (self.position, cursor, nxt, found_by))
            s["cursor"] = nxt
            if db.execute("SELECT 1 FROM fetches WHERE url=?", (nxt,)).fetchone():
                self._late_metadata(db, nxt)
                continue
            self._queue(db, nxt, f"chain:{found_by}", PRIORITY_CHAIN, pushes, hop=self.position)
            return

    def _break(self, db, reason: str) -> None:
        self.s["phase"] = "ended"
        self.s["break_reason"] = reason

    def on_failure(self, db, url: str, reason: str) -> None:
        if self.s.get("phase") == "walking" and url == self.s.get("cursor"):
            self._break(db, reason)
            self.save(db)
        elif self.s.get("phase") == "finding" and url in (self.s.get("probe"), self.s.get("verify")):
            self.s["phase"] = "fallback"
            self.save(db)

    def reopen(self, db, retried: set[str]) -> None:
        """Resume is retrying URLs: a chain that stopped at one of them goes back to walk (or find) from there.

        Hops and breaks recorded after that point (bridges past the failure) are dropped; the pages
        they named get fresh metadata records when the walk reaches them again.
        """
        s = self.s
        if s.get("phase") == "off" or not any(urlsplit(u).netloc == self.h.wp_host for u in retried):
            return
        fallback = s.get("start_found_by") == "earliest-captured"
        if s.get("start") is None or fallback:
            if s.get("phase") == "finding":
                return
            db.execute("DELETE FROM hops")
            db.execute("DELETE FROM breaks")
            if not {s.get("probe"), s.get("verify")} & retried:
                wp = self.h.cfg.wordpress
                from harvester.urls import normalize
                s.update(probe=None, verify=normalize(wp.chain_start) if wp.chain_start != "auto" else None,
                         mode="given" if wp.chain_start != "auto" else (wp.auto_strategy or ("previous-links",))[0])
            s.update(phase="finding", position=0, cursor=None, start=None, start_found_by=None, break_reason=None)
            self.save(db)
            return
        failed = [(p, f) for p, f in db.execute("SELECT after_position, from_url FROM breaks ORDER BY after_position")
                  if f in retried]
        if s.get("phase") in ("ended", "done") and s.get("cursor") in retried and s.get("break_reason") != "missing-link":
            failed.append((self.position, s["cursor"]))
        if not failed:
            return
        position, cursor = min(failed)
        db.execute("DELETE FROM hops WHERE position > ?", (position,))
        db.execute("DELETE FROM breaks WHERE after_position >= ?", (position,))
        s.update(phase="walking", position=position, cursor=cursor, break_reason=None)
        self.save(db)

    def _late_metadata(self, db, url: str) -> None:
        """A hop learnt after its page was captured gets its own metadata record (Concurrent-To the response)."""
        row = db.execute("SELECT f.record_id, f.date, u.via, u.discovered_by, u.depth FROM fetches f "
                         "JOIN urls u ON u.url=f.url WHERE f.url=?", (url,)).fetchone()
        hop = db.execute("SELECT position, from_url, to_url, found_by FROM hops WHERE to_url=?", (url,)).fetchone()
        if not row or not hop:
            return
        from datetime import datetime
        writer = self.h.writer
        from harvester.metadata import CaptureMetadata
        body = CaptureMetadata(row[2], row[3], row[4], (),
                               {"position": hop[0], "from": hop[1], "to": hop[2], "found_by": hop[3]})
        ref = writer.write_metadata(url, row[0], body, datetime.strptime(row[1], "%Y-%m-%dT%H:%M:%SZ"))
        writer.flush()
        db.execute("UPDATE warc_files SET good_size=? WHERE name=?", (writer.size(), ref.warc_file))

    def on_idle(self) -> bool:
        """Called when nothing is queued: settle the start or bridge a break. True if work was added."""
        h = self.h
        phase = self.s.get("phase")
        if phase in ("off", "done"):
            return False
        pushes: list = []
        with h.commit_lock:
            with h.state.transaction() as db:
                held = db.execute("SELECT COUNT(*) FROM urls WHERE status='held'").fetchone()[0]
                if phase in ("finding", "walking"):
                    if phase == "walking" and self.s.get("cursor"):
                        status = h.state.url_status(self.s["cursor"])
                        if status in ("skipped", "failed"):
                            self._break(db, "error")
                            self.save(db)
                            return False
                        if status in ("held", None):
                            self._queue(db, self.s["cursor"], "chain:next", PRIORITY_CHAIN, pushes, hop=self.position)
                            self.save(db)
                            for e in pushes:
                                h.sched.push(e)
                            return bool(pushes)
                    self.s["phase"] = "fallback" if phase == "finding" else "ended"
                    self.save(db)
                    return False
                if held:
                    return False
                if self.s["phase"] == "fallback":
                    row = db.execute("SELECT url FROM pages WHERE is_post=1 AND published IS NOT NULL "
                                     "ORDER BY published, url LIMIT 1").fetchone()
                    if not row:
                        self.s["phase"] = "done"
                        self.save(db)
                        return False
                    self._start(db, row[0], "earliest-captured", pushes, late=True)
                    self.save(db)
                else:
                    if not self._bridge(db, pushes):
                        self.s["phase"] = "done"
                        self.save(db)
                        return False
                    self.save(db)
        for e in pushes:
            h.sched.push(e)
        return True

    def _bridge(self, db, pushes: list) -> bool:
        s = self.s
        cursor = s.get("cursor")
        last = db.execute("SELECT published FROM pages WHERE url=?", (cursor,)).fetchone()
        after = last[0] if last and last[0] else None
        if after is None:
            prev = db.execute("SELECT p.published FROM hops h JOIN pages p ON p.url=h.to_url "
                              "WHERE p.published IS NOT NULL ORDER BY h.position DESC LIMIT 1").fetchone()
            after = prev[0] if prev else ""
        cand = db.execute(
            "SELECT p.url, COALESCE(u.via, p.discovered_by) FROM pages p LEFT JOIN urls u ON u.url=p.url "
            "WHERE p.is_post=1 AND p.published > ? AND p.url NOT IN (SELECT to_url FROM hops) "
            "ORDER BY p.published, p.url LIMIT 1", (after,)).fetchone()
        if not cand:
            reason = s.get("break_reason")
            if reason and reason != "missing-link":
                db.execute("INSERT INTO breaks VALUES (?,?,?,?,?)", (self.position, cursor, reason, None, None))
            return False
        url, via = cand
        db.execute("INSERT INTO breaks VALUES (?,?,?,?,?)",
                   (self.position, cursor, s.get("break_reason") or "missing-link", url, via))
        s["position"] = self.position + 1
        db.execute("INSERT INTO hops VALUES (?,?,?,?)", (self.position, cursor, url, "bridge"))
        s["cursor"] = url
        s["phase"] = "walking"
        s["break_reason"] = None
        self._late_metadata(db, url)
        self.advance(db, pushes)
        return True

    def summary(self) -> dict[str, Any]:
        st = self.h.state
        hops = [{"position": p, "from": f, "to": t, "found_by": b}
                for p, f, t, b in st.q("SELECT position, from_url, to_url, found_by FROM hops ORDER BY position")]
        breaks = [{"after_position": a, "from": f, "reason": r, "bridged_to": t, "bridged_via": v}
                  for a, f, r, t, v in st.q("SELECT * FROM breaks ORDER BY after_position")]
        unchained = [u for (u,) in st.q("SELECT url FROM pages WHERE is_post=1 AND url NOT IN "
                                        "(SELECT to_url FROM hops) ORDER BY published, url")]
        return {"start": self.s.get("start"), "start_found_by": self.s.get("start_found_by"),
                "hops": [h for h in hops if h["position"] > 1], "length": len(hops), "breaks": breaks,
                "unchained": unchained, "phase": self.s.get("phase")}
