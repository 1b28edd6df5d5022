"""The crawl loop: workers fetch what the scheduler hands out; one commit step writes WARC, state, log.

Order of a commit (under one lock): WARC records written and flushed, then one SQLite
transaction (outcome, new URLs, chain hop, trap memory, WARC good size), then the crawl-log line.
A kill -9 at any point leaves a WARC tail the state does not claim; resume cuts it off and fetches
again. An exception before the transaction commits cuts the open WARC back at once, so the tail
never grows.
"""
from __future__ import annotations

import dataclasses
import json
import os
import posixpath
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harvester import chain as chainmod
from harvester.config import HarvestConfig, dump_toml, effective_proxy
from harvester.errors import FetchError, NothingCaptured, StateError
from harvester.fetch import Exchange, Fetcher
from harvester.links import css_links, html_links, parse_html, parse_xml, xml_links
from harvester.metadata import CaptureMetadata
from harvester.platforms import tumblr, wordpress
from harvester.platforms.base import PRIORITY_LISTING, Link, PageAnalysis
from harvester.politeness import Scheduler, Task
from harvester.progress import Progress
from harvester.robots import policy_from_response
from harvester.scope import Scope
from harvester.state import RETRY_STATUSES, CrawlState, UrlEntry, retry_candidates
from harvester.traps import Learnt, TrapFilter
from harvester.urls import normalize
from harvester.warc import PAYLOAD_DIGEST_POLICY, RotatingWarcWriter, recover_open_file

ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 2.3.1.2: follow at least five consecutive redirects


# Seeds that ask whether an optional file exists; a 404/410 there is a fact about the site.
PROBE_SEEDS = ("seed:sitemap", "seed:feed", "seed:tumblr-rss", "seed:tumblr-archive")


def expected_absence(url: str, status: int, discovered_by: str | None) -> bool:
    """A 4xx the archive expects: robots.txt unavailable (RFC 9309 2.3.1.3: all allowed) or a probe
    for an absent sitemap or feed. Counted apart from `errors`, as the completeness report classes them."""
    if not 400 <= status < 500:
        return False
    if discovered_by == "robots" or urlsplit(url).path == "/robots.txt":
        return True
    return discovered_by in PROBE_SEEDS and status in (404, 410)


class _Interrupted(Exception):
    """The harvest is stopping during a retry wait: the URL stays queued for --resume."""


def tool_version() -> str:
    try:
        from wparchive import __version__
        return __version__
    except Exception:  # pragma: no cover - the harvester runs without the CLI package too
        return "0.0.0"


# What a resume that sent no request keeps from summary.json: facts about the fetching that happened.
SUMMARY_KEPT_WITHOUT_FETCHES = ("started", "finished", "tool_version", "config", "scope", "robots_policy",
                                "limit_reached")


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class HarvestResult:
    out_dir: Path
    summary: dict[str, Any]
    counters: dict[str, int] = field(default_factory=dict)
    skips: dict[str, int] = field(default_factory=dict)
    chain: dict[str, Any] = field(default_factory=dict)
    warc_files: list[str] = field(default_factory=list)


def retry_after_seconds(value: str) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class Harvester:
    def __init__(self, cfg: HarvestConfig, out_dir: Path, resume: bool = False, ignore_robots: bool = False):
        self.cfg = cfg
        self.proxy = effective_proxy(cfg)
        self.out = Path(out_dir)
        self.hdir = self.out / "harvest"
        self.warc_dir = self.hdir / "warc"
        self.respect_robots = cfg.politeness.respect_robots and not ignore_robots
        state_path = self.hdir / "state.sqlite"
        if state_path.exists() and not resume:
            raise StateError(f"{self.hdir} already holds a harvest; rerun with --resume to continue it, "
                             "or choose another --out")
        self.hdir.mkdir(parents=True, exist_ok=True)
        self.fresh = not state_path.exists()
        self.state = CrawlState(state_path)
        self.scope = Scope(cfg)
        self.traps = TrapFilter(cfg.traps)
        self.wp_host = urlsplit(normalize(cfg.wordpress.site) or "").netloc if cfg.wordpress.site else ""
        self.blogs = set(cfg.tumblr.blogs)
        self.fetcher = Fetcher(cfg.harvest.user_agent, self.proxy, cfg.network.timeout,
                               cfg.limits.max_response_bytes, cfg.limits.max_decompressed_bytes,
                               cfg.network.accept_encoding)
        self.sched = Scheduler(cfg.politeness.delay, cfg.politeness.max_connections_per_host)
        self.commit_lock = threading.RLock()
        self.log_fh = open(self.hdir / "crawl.log.jsonl", "a", encoding="utf-8")
        self.progress = Progress(cfg.progress.mode, cfg.progress.interval)
        self.chain = chainmod.Chain(self)
        self.errors: list[BaseException] = []
        self.stopping = threading.Event()
        self.limit_hit = False

    # setup ------------------------------------------------------------------------------------
    def warcinfo(self) -> dict[str, Any]:
        cfg = self.cfg
        return {
            "software": f"wparchive/{tool_version()} (harvester; warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "operator": cfg.harvest.operator or "unknown",
            "description": cfg.harvest.description or f"harvest {cfg.harvest.name}",
            "isPartOf": cfg.harvest.name,
            "http-header-user-agent": cfg.harvest.user_agent,
            "robots": "obey" if self.respect_robots else "ignore (--ignore-robots / politeness.respect_robots=false)",
            "payload-digest-policy": PAYLOAD_DIGEST_POLICY,
            "config": self.config_dict(),
        }

    def config_dict(self) -> dict[str, Any]:
        return self.cfg.redacted().to_dict()

    def _file_event(self, sql: str, args: tuple) -> None:
        """Record a WARC file event, inside the caller's transaction when a commit is under way."""
        with self.state.lock:
            if self.state.db.in_transaction:
                self.state.db.execute(sql, args)
            else:
                with self.state.transaction() as db:
                    db.execute(sql, args)

    def _on_open(self, name: str, size: int) -> None:
        self._file_event("INSERT OR REPLACE INTO warc_files VALUES (?, 'open', ?)", (name, size))

    def _on_close(self, name: str) -> None:
        self._file_event("UPDATE warc_files SET status='closed' WHERE name=?", (name,))

    def recover(self) -> None:
        """Cut every interrupted `*.open` back to its committed size and close it; forget uncommitted fetches."""
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        known = dict(self.state.q("SELECT name, good_size FROM warc_files WHERE status='open'"))
        for name, good in known.items():
            open_path = self.warc_dir / f"{name}.open"
            if not open_path.exists():
                if (self.warc_dir / name).exists():
                    self._on_close(name)
                continue
            size, cut = recover_open_file(open_path, good)
            if cut:
                self.emit({"time": now_iso(), "url": None, "outcome": "resume", "warc_file": name,
                           "reason": f"cut {name}.open back to its last committed record at byte {size}"})
            with self.state.transaction() as db:
                lost = db.execute("SELECT url FROM fetches WHERE warc_file=? AND warc_offset>=?", (name, size)).fetchall()
                for (url,) in lost:
                    db.execute("DELETE FROM fetches WHERE url=?", (url,))
                    db.execute("UPDATE urls SET status='queued', outcome=NULL WHERE url=?", (url,))
                db.execute("UPDATE warc_files SET good_size=? WHERE name=?", (size, name))
            os.replace(open_path, self.warc_dir / name)
            self._on_close(name)
        with self.state.transaction() as db:
            db.execute("UPDATE urls SET status='queued' WHERE status='fetching' AND COALESCE(discovered_by, '') != 'robots'")
        for stray in sorted(self.warc_dir.glob("*.open")):
            if stray.name[:-5] not in known:
                stray.unlink()

    def next_serial(self) -> int:
        serials = [int(m.group(1)) for (name,) in self.state.q("SELECT name FROM warc_files")
                   if (m := re.search(r"-(\d{5})-[^-]*\.warc\.gz$", name))]
        return max(serials, default=0) + 1

    # frontier ---------------------------------------------------------------------------------
    def platform_of(self, host: str) -> str:
        if host == self.wp_host:
            return "wordpress"
        if host in self.blogs:
            return "tumblr"
        return ""

    def consider(self, db, link: Link, via: str | None, depth: int, hop: int | None = None,
                 log: list | None = None, pushes: list | None = None, force_queue: bool = False) -> None:
        """Queue, hold or skip one discovered URL (each skip counted and logged once)."""
        url = link.url
        status = db.execute("SELECT status, priority, outcome FROM urls WHERE url=?", (url,)).fetchone()
        if status is not None and force_queue and status[0] == "skipped" and status[2] == "limit":
            db.execute("UPDATE urls SET status='held', outcome=NULL, reason=NULL WHERE url=?", (url,))
            status = ("held", status[1], None)
        if status is not None:
            if force_queue and status[0] in ("held", "queued") and (status[0] == "held" or status[1] > link.priority):
                db.execute("UPDATE urls SET status='queued', priority=?, hop=COALESCE(?, hop) WHERE url=?",
                           (link.priority, hop, url))
                entry = self.state_entry(db, url)
                pushes.append(entry)
            return
        entry = UrlEntry(url, link.priority, via, link.discovered_by, depth, hop, link.requisite, link.trusted)

        def skipped(outcome: str, reason: str, key: str) -> None:
            self.state.add_url(db, entry, status="skipped")
            db.execute("UPDATE urls SET outcome=?, reason=? WHERE url=?", (outcome, reason, url))
            self.state.skip(db, key)
            if log is not None:
                log.append(self.log_line(url, outcome, reason=reason, via=via, discovered_by=link.discovered_by,
                                         depth=depth))

        decision = self.scope.check(url, requisite=link.requisite)
        if not decision.allowed:
            return skipped("out_of_scope", decision.reason, "out_of_scope")
        learnt: list[Learnt] = []
        trap = self.traps.check(url, trusted=link.trusted, discovered_by=link.discovered_by, learnt=learnt)
        self.remember_traps(db, learnt)
        if trap:
            return skipped("trap", f"trap rule {trap}", f"trap:{trap}")
        if self.cfg.limits.max_depth and depth > self.cfg.limits.max_depth:
            return skipped("limit", f"depth {depth} > limits.max_depth", "limit:max_depth")
        if (self.chain.holding() and link.chain_member and not force_queue
                and not link.discovered_by.startswith("chain")):
            self.state.add_url(db, entry, status="held")
            return
        self.state.add_url(db, entry, status="queued")
        if pushes is not None:
            pushes.append(entry)

    def remember_traps(self, db, learnt: list[Learnt]) -> None:
        """Store what the trap rules learnt in the transaction that records what taught it."""
        for fact in learnt:
            self.state.remember_trap(db, fact.rule, fact.key, fact.value)

    def restore_traps(self) -> None:
        """The trap rules' memory as the crawl state holds it (on resume, and after a rolled-back commit)."""
        self.traps.restore(Learnt(*row) for row in self.state.trap_memory())

    def state_entry(self, db, url: str) -> UrlEntry:
        r = db.execute("SELECT url, priority, via, discovered_by, depth, hop, requisite, trusted FROM urls"
                       " WHERE url=?", (url,)).fetchone()
        return UrlEntry(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7]))

    def release_held(self) -> int:
        with self.commit_lock:
            with self.state.transaction() as db:
                rows = db.execute("SELECT url FROM urls WHERE status='held'").fetchall()
                db.execute("UPDATE urls SET status='queued' WHERE status='held'")
                entries = [self.state_entry(db, url) for (url,) in rows]
        for entry in entries:
            self.sched.push(entry)
        return len(entries)

    # logging ----------------------------------------------------------------------------------
    def log_line(self, url: str, outcome: str, **fields: Any) -> dict[str, Any]:
        line = {"time": now_iso(), "url": url, "outcome": outcome, "reason": "", "status": None, "bytes": None,
                "payload_digest": None, "via": None, "discovered_by": None, "depth": None, "hop": None,
                "warc_file": None, "warc_offset": None, "attempt": None}
        line.update(fields)
        return line

    def emit(self, *lines: dict[str, Any]) -> None:
        for line in lines:
            self.log_fh.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
        self.log_fh.flush()
        for line in lines:
            self.progress.event(line)

    # fetching ---------------------------------------------------------------------------------
    def fetch_with_retries(self, url: str, entry: UrlEntry | None) -> tuple[Exchange | None, FetchError | None, int]:
        """Fetch with backoff; each retry waits for the host's turn (the first attempt was booked by the
        scheduler: `next_task` or `move`), so retries keep the per-host delay and Crawl-delay too."""
        net = self.cfg.network
        attempt = 0
        while True:
            if self.stopping.is_set():
                raise _Interrupted()
            attempt += 1
            if attempt > 1 and not self.sched.wait_turn(url):
                raise _Interrupted()
            with self.commit_lock:
                with self.state.transaction() as db:
                    self.state.bump(db, "requests")
            try:
                ex = self.fetcher.fetch(url)
            except FetchError as exc:
                if exc.retryable and attempt <= net.retries:
                    wait = min(net.max_backoff, net.backoff * 2 ** (attempt - 1))
                    self._log_retry(url, entry, attempt, None, f"{exc}; retrying in {wait:g}s")
                    if self.stopping.wait(wait):
                        raise _Interrupted()
                    continue
                return None, exc, attempt
            if ex.status in RETRY_STATUSES and attempt <= net.retries:
                wait = net.backoff * 2 ** (attempt - 1)
                after = retry_after_seconds(ex.header("Retry-After"))
                if after is not None:
                    wait = max(wait, after)
                wait = min(wait, net.max_retry_after if after is not None else net.max_backoff)
                ex.close()
                self._log_retry(url, entry, attempt, ex.status,
                                f"HTTP {ex.status}" + (f", Retry-After {ex.header('Retry-After')}" if after is not None
                                                       else "") + f"; retrying in {wait:g}s")
                if self.stopping.wait(wait):
                    raise _Interrupted()
                continue
            return ex, None, attempt

    def _log_retry(self, url: str, entry: UrlEntry | None, attempt: int, status: int | None, reason: str) -> None:
        with self.commit_lock:
            with self.state.transaction() as db:
                self.state.bump(db, "retries")
            self.emit(self.log_line(url, "retry", reason=reason, status=status, attempt=attempt,
                                    via=entry.via if entry else None,
                                    discovered_by=entry.discovered_by if entry else "robots"))

    def analyse(self, ex: Exchange) -> PageAnalysis:
        host = urlsplit(ex.url).netloc
        platform = self.platform_of(host)
        ctype = ex.content_type
        content = ex.content
        result = PageAnalysis()
        if content is None or not (200 <= ex.status < 300):
            return result
        path = urlsplit(ex.url).path
        if "html" in ctype:
            tree = parse_html(content, ex.url)
            if tree is None:
                return result
            links = html_links(tree, ex.url)
            if platform == "wordpress":
                return wordpress.analyse_html(tree, ex.url, links, self.cfg.wordpress)
            if platform == "tumblr":
                return tumblr.analyse_html(tree, ex.url, links, self.cfg.tumblr)
            result.links = links
        elif "xml" in ctype or "rss" in ctype or "atom" in ctype:
            root = parse_xml(content)
            if root is None:
                return result
            if platform == "tumblr" and path.startswith("/api/read"):
                return tumblr.analyse_api(root, ex.url, self.cfg.tumblr)
            links = xml_links(root, ex.url)
            if platform == "wordpress":
                settings = self.cfg.wordpress
                links = [Link(l.url, l.discovered_by, l.requisite,
                              not l.requisite and wordpress.is_post_url(l.url, settings)
                              and urlsplit(l.url).netloc == host and not urlsplit(l.url).query,
                              l.priority, l.trusted) for l in links]
            result.links = links
        elif ctype == "text/css":
            result.links = css_links(content, ex.url)
        return result

    def run_task(self, task: Task) -> None:
        try:
            if task.kind == "robots":
                self.fetch_robots(task)
            else:
                self.fetch_url(task)
        except _Interrupted:
            pass
        except Exception as exc:  # a bug must not hang the crawl: record it and go on
            self.errors.append(exc)
            self.emit(self.log_line(task.url, "network_error", reason=f"internal error: {exc!r}"))
            if task.kind == "robots":
                self.sched.set_robots(task.host, policy_from_response(task.host, None, b""), 0)
        finally:
            if task.holds:
                self.sched.release(task.holds)

    def fetch_robots(self, task: Task) -> None:
        """robots.txt of a host, following up to 5 redirects to a robots.txt in scope (RFC 9309 2.3.1.2).

        Every hop is captured and logged like any fetch (outcome `redirect`, `via` the hop before);
        the final answer decides the host's policy. A redirect not followed (to a page that is not a
        robots.txt, out of scope, a loop, a sixth hop) counts as robots.txt unavailable, so a robots
        fetch never takes or marks a page of the crawl. A hop to another host waits for a free
        connection there, like any request to that host.
        """
        url, via, seen = task.url, None, {task.url}
        for hop in range(ROBOTS_MAX_REDIRECTS + 1):
            if hop and not self.sched.move(task, url):
                raise _Interrupted()
            ex, err, attempt = self.fetch_with_retries(url, None)
            entry = UrlEntry(url, 0, via, "robots", 0, None, False, True)
            target, not_followed = self.robots_redirect(ex, hop, seen)
            if target is None:
                break
            self.commit_robots_hop(ex, entry, attempt)
            seen.add(target)
            via, url = url, target
        policy = policy_from_response(task.host, ex.status if ex else None, ex.content or b"" if ex else b"",
                                      not_followed)
        if ex is not None and ex.content is None and ex.status == 200:
            policy = policy_from_response(task.host, 200, b"")
        if url != task.url:
            policy.note += f" (after redirects, from {url})"
        if not self.respect_robots:
            policy.parser = None
            policy.disallow_all = False
            policy.note += " (ignored: --ignore-robots)"
        delay = policy.crawl_delay(self.cfg.harvest.user_agent) if self.respect_robots else 0.0
        pushes: list[UrlEntry] = []
        host_row = ("INSERT OR REPLACE INTO hosts VALUES (?, ?, ?, ?, ?)",
                    (task.host, policy.note + (f"; Crawl-delay {delay:g}s" if delay else ""),
                     ex.status if ex else None, (ex.content or b"") if ex else b"", urlsplit(task.url).scheme))
        with self.commit_lock:
            with self.state.transaction() as db:
                self.state.add_url(db, entry, status="fetching")
            if ex is not None:
                analysis = PageAnalysis()
                if self.platform_of(task.host) == "wordpress" and self.cfg.wordpress.sitemaps:
                    for sm in policy.sitemaps():
                        target = normalize(sm, url)
                        if target:
                            analysis.links.append(Link(target, "robots:sitemap", priority=PRIORITY_LISTING,
                                                       trusted=True))
                self.commit(ex, entry, analysis, attempt, pushes, extra_sql=[host_row], follow_redirect=False)
            else:
                self.commit_failure(url, entry, err, attempt, extra_sql=[host_row])
        self.sched.set_robots(task.host, policy, delay)
        for entry in pushes:
            self.sched.push(entry)

    def robots_redirect(self, ex: Exchange | None, hop: int, seen: set[str]) -> tuple[str | None, str]:
        """(where a robots.txt redirect leads, "") if it is to be followed, else (None, why not; "" if no redirect)."""
        if ex is None or not 300 <= ex.status < 400:
            return None, ""
        target = normalize(ex.header("Location"), ex.url) if ex.header("Location") else None
        if target is None:
            return None, "no usable Location"
        if hop >= ROBOTS_MAX_REDIRECTS:
            return None, f"more than {ROBOTS_MAX_REDIRECTS} redirects"
        if target in seen:
            return None, f"redirect loop at {target}"
        if posixpath.basename(urlsplit(target).path) != "robots.txt":
            return None, f"redirect to {target}: not a robots.txt file"
        decision = self.scope.check(target)
        if not decision.allowed:
            return None, f"redirect to {target}: {decision.reason}"
        return target, ""

    def commit_robots_hop(self, ex: Exchange, entry: UrlEntry, attempt: int) -> None:
        """A robots.txt redirect on the way to the final answer: captured and logged, its target not queued."""
        with self.commit_lock:
            with self.state.transaction() as db:
                self.state.add_url(db, entry, status="fetching")
            self.commit(ex, entry, PageAnalysis(), attempt, [], follow_redirect=False)

    def restore_robots(self) -> None:
        """Policies fetched before an interruption: robots.txt is not asked for again on resume."""
        for host, _, status, body, scheme in self.state.q("SELECT host, robots, status, body, scheme FROM hosts"):
            policy = policy_from_response(host, status, body or b"")
            if not self.respect_robots:
                policy.parser, policy.disallow_all = None, False
            delay = policy.crawl_delay(self.cfg.harvest.user_agent) if self.respect_robots else 0.0
            self.sched.set_robots(host, policy, delay, scheme or "http")

    def fetch_url(self, task: Task) -> None:
        entry = task.entry
        if not self.claim(entry.url):
            return
        policy = self.sched.robots_of(task.host)
        if policy is not None and self.respect_robots and not policy.allowed(entry.url, self.cfg.harvest.user_agent):
            with self.commit_lock:
                with self.state.transaction() as db:
                    db.execute("UPDATE urls SET status='skipped', outcome='robots', reason=? WHERE url=?",
                               (policy.note, entry.url))
                    self.state.skip(db, "robots")
                    self.chain.on_failure(db, entry.url, "error")
                self.emit(self.log_line(entry.url, "robots", reason=f"disallowed by robots.txt ({policy.note})",
                                        via=entry.via, discovered_by=entry.discovered_by, depth=entry.depth,
                                        hop=entry.hop))
            return
        max_pages = self.cfg.limits.max_pages
        if max_pages and self.state.counters().get("responses", 0) >= max_pages:
            self.limit_hit = True
            with self.commit_lock:
                with self.state.transaction() as db:
                    db.execute("UPDATE urls SET status='queued' WHERE url=? AND status='fetching'", (entry.url,))
            return
        ex, err, attempt = self.fetch_with_retries(entry.url, entry)
        pushes: list[UrlEntry] = []
        with self.commit_lock:
            if ex is None:
                self.commit_failure(entry.url, entry, err, attempt)
            else:
                analysis = self.analyse(ex)
                self.commit(ex, entry, analysis, attempt, pushes)
        for e in pushes:
            self.sched.push(e)

    def claim(self, url: str) -> bool:
        """Take a queued URL for this worker; False if another took it (a URL may be pushed twice)."""
        with self.commit_lock:
            with self.state.transaction() as db:
                return db.execute("UPDATE urls SET status='fetching' WHERE url=? AND status='queued'",
                                  (url,)).rowcount == 1

    def commit_failure(self, url: str, entry: UrlEntry, err: FetchError | None, attempt: int,
                       extra_sql: list | None = None) -> None:
        outcome = err.outcome if err else "network_error"
        with self.state.transaction() as db:
            for sql, args in extra_sql or ():
                db.execute(sql, args)
            db.execute("UPDATE urls SET status='failed', outcome=?, reason=? WHERE url=?", (outcome, str(err), url))
            self.state.bump(db, "errors")
            self.state.skip(db, outcome)
            self.chain.on_failure(db, url, "error")
        self.emit(self.log_line(url, outcome, reason=str(err), via=entry.via, discovered_by=entry.discovered_by,
                                depth=entry.depth, hop=entry.hop, attempt=attempt))

    def commit(self, ex: Exchange, entry: UrlEntry, analysis: PageAnalysis, attempt: int,
               pushes: list[UrlEntry], extra_sql: list | None = None, follow_redirect: bool = True) -> None:
        """Write the exchange and its metadata, then record everything it taught us (caller holds commit_lock).

        If anything fails before the state has taken it, the open WARC is cut back to where this
        commit began, so no record the state does not claim stays in the file, and the trap rules
        go back to the memory the state holds.
        """
        mark = self.writer.mark()
        try:
            lines = self._commit(ex, entry, analysis, attempt, pushes, extra_sql, follow_redirect)
        except BaseException:
            self.writer.truncate_to(mark)
            self.restore_traps()
            raise
        finally:
            ex.close()
        self.emit(*lines)
        self.writer.maybe_rotate()

    def _commit(self, ex: Exchange, entry: UrlEntry, analysis: PageAnalysis, attempt: int,
                pushes: list[UrlEntry], extra_sql: list | None, follow_redirect: bool) -> list[dict[str, Any]]:
        """The WARC records and the state transaction of one commit; returns the crawl-log lines to emit."""
        writer = self.writer
        url = ex.url
        revisit_of = None
        if self.cfg.warc.revisits and 200 <= ex.status < 300 and ex.entity_length > 0:
            row = self.state.q("SELECT url, date, record_id FROM digests WHERE payload_digest=?", (ex.payload_digest,))
            if row and row[0][0] != url:
                revisit_of = row[0]
        outcome, reason = "fetched", ""
        if revisit_of:
            outcome, reason = "revisit", f"same payload as {revisit_of[0]}"
        elif 300 <= ex.status < 400:
            outcome = "redirect"
        elif ex.status >= 400:
            outcome, reason = "http_error", f"HTTP {ex.status} {ex.reason}".strip()
        if ex.content_note:
            reason = ex.content_note
            if "exceeds" in ex.content_note:
                outcome = "too_large"
        links = list(analysis.links)
        location = None
        if 300 <= ex.status < 400 and ex.header("Location"):
            location = normalize(ex.header("Location"), url)
            if location and follow_redirect:
                links.append(Link(location, "redirect", requisite=entry.requisite, chain_member=False,
                                  priority=min(entry.priority, PRIORITY_LISTING), trusted=True))
            if location:
                if self.state.known(location):
                    reason = f"redirect to {location}, already seen (redirect loop or duplicate); not followed again"
                else:
                    reason = f"redirect to {location}"
        hop = self.chain.hop_for(url, analysis)
        resp_ref, _ = writer.write_exchange(ex, revisit_of=revisit_of)
        outlinks = sorted({l.url for l in links} | ({location} if location else set()))
        meta = CaptureMetadata(entry.via, entry.discovered_by, entry.depth, tuple(outlinks), hop)
        writer.write_metadata(url, resp_ref.record_id, meta, ex.date)
        writer.flush()
        log: list[dict] = []
        with self.state.transaction() as db:
            for sql, args in extra_sql or ():
                db.execute(sql, args)
            db.execute("UPDATE urls SET status='done', outcome=?, reason=? WHERE url=?", (outcome, reason, url))
            db.execute("INSERT OR REPLACE INTO fetches VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (url, ex.status, outcome, resp_ref.warc_file, resp_ref.offset, resp_ref.length,
                        resp_ref.record_id, ex.payload_digest, ex.date.strftime("%Y-%m-%dT%H:%M:%SZ"), ex.body_length))
            if not revisit_of and ex.entity_length > 0 and 200 <= ex.status < 300:
                db.execute("INSERT OR IGNORE INTO digests VALUES (?,?,?,?)",
                           (ex.payload_digest, url, ex.date.strftime("%Y-%m-%dT%H:%M:%SZ"), resp_ref.record_id))
            self.state.bump(db, "responses")
            self.state.bump(db, "bytes", ex.record_length)
            self.state.bump(db, f"outcome:{outcome}")
            if ex.status >= 400:
                expected = expected_absence(url, ex.status, entry.discovered_by)
                self.state.bump(db, "expected_absences" if expected else "errors")
            if analysis.last_page:
                learnt: list[Learnt] = []
                self.traps.set_last_page(*analysis.last_page, learnt=learnt)
                self.remember_traps(db, learnt)
            if entry.discovered_by == "seed:listing" or (
                    entry.discovered_by == "wp:menu" and wordpress.is_listing(analysis)):
                db.execute("INSERT OR REPLACE INTO listings VALUES (?,?,?,?)",
                           (url, "config" if entry.discovered_by == "seed:listing" else "menu", ex.status,
                            len(analysis.listed_posts)))
            for link in links:
                self.consider(db, link, url, (entry.depth or 0) + 1, log=log, pushes=pushes)
            db.execute("UPDATE warc_files SET good_size=? WHERE name=?", (writer.size(), resp_ref.warc_file))
            self.chain.on_fetched(db, ex, entry, analysis, resp_ref.record_id, location, pushes)
        return [self.log_line(url, outcome, reason=reason, status=ex.status, bytes=ex.body_length,
                              payload_digest=ex.payload_digest, via=entry.via, discovered_by=entry.discovered_by,
                              depth=entry.depth, hop=hop["position"] if hop else None,
                              warc_file=resp_ref.warc_file, warc_offset=resp_ref.offset, attempt=attempt), *log]

    # main loop --------------------------------------------------------------------------------
    def seed(self) -> None:
        links: list[Link] = []
        if self.cfg.wordpress.site:
            links.extend(wordpress.seeds(self.cfg.wordpress))
        if self.cfg.tumblr.blogs:
            links.extend(tumblr.seeds(self.cfg.tumblr))
        pushes: list[UrlEntry] = []
        log: list[dict] = []
        with self.commit_lock:
            with self.state.transaction() as db:
                self.state.set_meta(db, "started", now_iso())
                self.chain.init(db)
                for link in links:
                    self.consider(db, link, None, 0, log=log, pushes=pushes)
        self.emit(*log)
        for entry in pushes:
            self.sched.push(entry)

    def worker(self) -> None:
        while not self.sched.stopped:
            task = self.sched.next_task(0.5)
            if task is None:
                continue
            self.run_task(task)
            self.progress.update(self.snapshot())

    def snapshot(self) -> dict[str, Any]:
        counters = self.state.counters()
        return {"responses": counters.get("responses", 0), "bytes": counters.get("bytes", 0),
                "errors": counters.get("errors", 0), "queue": self.sched.pending(),
                "chain": self.chain.position}

    def run(self) -> HarvestResult:
        cfg = self.cfg
        self.recover()
        before = self.state.counters()
        self.requests_before = before.get("requests", 0)
        (self.hdir / "config.toml").write_text(dump_toml(self.stored_config().redacted()), encoding="utf-8")
        self.writer = RotatingWarcWriter(self.warc_dir, cfg.warc_prefix, cfg.warc.max_size, self.warcinfo(),
                                         next_serial=self.next_serial(), on_open=self._on_open,
                                         on_close=self._on_close)
        if self.fresh or self.state.get_meta("started") is None:
            self.seed()
        else:
            self.chain.load()
            self.restore_traps()
            self.retry_failures()
            self.restore_robots()
            for entry in self.state.entries("queued"):
                self.sched.push(entry)
        threads = [threading.Thread(target=self.worker, name=f"fetch-{i}", daemon=True)
                   for i in range(cfg.politeness.concurrency)]
        self.progress.start(responses_before=before.get("responses", 0))
        for t in threads:
            t.start()
        try:
            while True:
                if self.sched.wait_idle(1.0):
                    if self.chain.on_idle():
                        continue
                    if self.release_held():
                        continue
                    if self.sched.wait_idle(0.05):
                        break
                if self.limit_hit:
                    break
        finally:
            self.stopping.set()
            self.sched.stop()
            for t in threads:
                t.join()
            self.progress.stop()
            with self.commit_lock:
                self.writer.close()
            self.fetcher.close()
        summary = self.write_summary()
        self.log_fh.close()
        cause = self.nothing_captured_cause(summary)
        self.state.close()
        if cause:
            raise NothingCaptured(cause, str(self.out))
        return HarvestResult(self.out, summary, summary["counters"], summary["skips"], summary["chain"],
                             summary["warc_files"])

    def stored_config(self) -> HarvestConfig:
        """The settings as used, with the proxy in force even when it came from http_proxy (resume keeps it)."""
        if self.cfg.network.proxy or not self.proxy:
            return self.cfg
        return self.cfg.replace(network=dataclasses.replace(self.cfg.network, proxy=self.proxy))

    def retry_failures(self) -> int:
        """On resume, queue again every URL whose last attempt may pass now: network errors, HTTP 5xx and 429.

        A host whose robots.txt could not be fetched is asked again, and what that verdict skipped
        is queued again; the chain goes back to the first hop that failed this way.
        """
        with self.commit_lock:
            with self.state.transaction() as db:
                bad_hosts, urls = retry_candidates(db)
                for host in bad_hosts:
                    db.execute("DELETE FROM hosts WHERE host=?", (host,))
                for url in urls:
                    db.execute("UPDATE urls SET status='queued', outcome=NULL, reason=NULL WHERE url=?", (url,))
                self.chain.reopen(db, set(urls))
        if urls:
            self.emit(self.log_line(None, "resume", reason=f"retrying {len(urls)} URL(s) whose last attempt failed "
                                    "(network error, HTTP 5xx or 429)"))
            self.progress.note(f"resume: retrying {len(urls)} URL(s) whose last attempt failed "
                               "(network error, HTTP 5xx or 429)")
        return len(urls)

    def nothing_captured_cause(self, summary: dict[str, Any]) -> str | None:
        """Why a harvest captured nothing (the most common failure, in words), or None if it captured something."""
        if summary["counters"].get("responses", 0) or self.limit_hit:
            return None
        failures = self.state.q("SELECT url, reason FROM urls WHERE status='failed' AND reason IS NOT NULL ORDER BY id")
        if not failures:
            skipped = self.state.q("SELECT outcome, COUNT(*) FROM urls WHERE status='skipped' GROUP BY outcome "
                                   "ORDER BY COUNT(*) DESC, outcome")
            if skipped:
                return "every URL was skipped (" + ", ".join(f"{n} {o}" for o, n in skipped) + ")"
            return "no seed URL was in scope"
        causes: dict[str, list[str]] = {}
        for url, reason in failures:
            causes.setdefault(reason.removeprefix(f"{url}: "), []).append(url)
        why, urls = max(causes.items(), key=lambda item: len(item[1]))
        return f"{why} ({len(urls)} URL(s) failed this way, e.g. {urls[0]})"

    def fetched_this_run(self) -> bool:
        """Whether this run sent any request (a fresh harvest counts as having done its work, whatever it sent)."""
        return self.fresh or self.state.counters().get("requests", 0) != self.requests_before

    def stored_summary(self) -> dict[str, Any] | None:
        try:
            stored = json.loads((self.hdir / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return stored if isinstance(stored, dict) else None

    def write_summary(self) -> dict[str, Any]:
        """Write summary.json. A resume that fetched nothing keeps the stored facts of the harvest (its
        `finished` time above all) and leaves the file untouched when nothing else changed."""
        fetched = self.fetched_this_run()
        stored = None if fetched else self.stored_summary()
        if fetched or self.state.get_meta("finished") is None:
            last = None if fetched else self.state.one("SELECT MAX(date) FROM fetches")
            with self.state.transaction() as db:
                self.state.set_meta(db, "finished", last or now_iso())
        files = sorted(n for (n,) in self.state.q("SELECT name FROM warc_files WHERE status='closed'"))
        hosts = dict(self.state.q("SELECT host, robots FROM hosts ORDER BY host"))
        summary = {
            "started": self.state.get_meta("started"),
            "finished": self.state.get_meta("finished"),
            "tool_version": tool_version(),
            "config": self.config_dict(),
            "scope": {"hosts": sorted(self.scope.hosts), "media_hosts": list(self.scope.media_patterns),
                      "include": list(self.cfg.scope.include), "exclude": list(self.cfg.scope.exclude)},
            "robots_policy": {"respected": self.respect_robots, "hosts": hosts},
            "counters": self.state.counters(),
            "skips": self.state.skips(),
            "chain": self.chain.summary(),
            "warc_files": files,
            "listings": [{"url": u, "found_by": f, "status": st, "posts": n}
                         for u, f, st, n in self.state.q("SELECT url, found_by, status, posts FROM listings ORDER BY url")],
            "limit_reached": self.limit_hit,
            "internal_errors": [repr(e) for e in self.errors],
        }
        if stored is not None:
            summary.update({key: stored[key] for key in SUMMARY_KEPT_WITHOUT_FETCHES if key in stored})
            summary["internal_errors"] = list(stored.get("internal_errors") or []) + summary["internal_errors"]
        text = json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        path = self.hdir / "summary.json"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        if not fetched:
            self.progress.note(f"nothing left to fetch: the harvest stays finished at {summary['finished']}")
        self.progress.final(summary)
        return summary


def harvest(cfg: HarvestConfig, out_dir, resume: bool = False, ignore_robots: bool = False) -> HarvestResult:
    """Run (or resume) a harvest into OUT/harvest; returns counters, chain summary and WARC names."""
    return Harvester(cfg, Path(out_dir), resume=resume, ignore_robots=ignore_robots).run()
