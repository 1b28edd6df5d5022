"""The scheduler: decides what is fetched next and when (per-host delay, connections, robots first).

Workers ask `next_task()`; a host gives out nothing until its robots.txt is in, never more than
`max_connections_per_host` requests at once, and request starts at least `delay` seconds apart.
"""
from __future__ import annotations

import heapq
import itertools
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from harvester.robots import RobotsPolicy
from harvester.state import UrlEntry


@dataclass
class Task:
    kind: str  # "robots" or "url"
    host: str
    url: str
    entry: UrlEntry | None = None
    holds: str | None = None  # the host whose connection the task holds (None: none); see Scheduler.move

    def __post_init__(self) -> None:
        if self.holds is None:
            self.holds = self.host


@dataclass
class HostSlot:
    host: str
    scheme: str = "http"
    queue: list = field(default_factory=list)
    active: int = 0
    next_time: float = 0.0
    last_start: float = 0.0
    delay: float = 0.0
    robots: RobotsPolicy | None = None
    robots_pending: bool = False
    queued_urls: set = field(default_factory=set)


class Scheduler:
    def __init__(self, delay: float, max_per_host: int, robots_first: bool = True):
        self.default_delay = delay
        self.max_per_host = max_per_host
        self.robots_first = robots_first
        self.hosts: dict[str, HostSlot] = {}
        self.cond = threading.Condition()
        self._seq = itertools.count()
        self.stopped = False
        self.paused = False

    def _slot(self, url: str) -> HostSlot:
        parts = urlsplit(url)
        host = parts.netloc
        slot = self.hosts.get(host)
        if slot is None:
            slot = self.hosts[host] = HostSlot(host, parts.scheme, delay=self.default_delay)
        return slot

    def push(self, entry: UrlEntry) -> None:
        with self.cond:
            slot = self._slot(entry.url)
            heapq.heappush(slot.queue, (entry.priority, next(self._seq), entry))
            slot.queued_urls.add(entry.url)
            self.cond.notify()

    def set_robots(self, host: str, policy: RobotsPolicy, crawl_delay: float, scheme: str = "http") -> None:
        with self.cond:
            slot = self._slot(f"{scheme}://{host}/")
            slot.robots = policy
            slot.robots_pending = False
            slot.delay = max(self.default_delay, crawl_delay)
            slot.next_time = max(slot.next_time, slot.last_start + slot.delay)
            self.cond.notify_all()

    def wait_turn(self, url: str) -> bool:
        """Block until the URL's host may be asked again, then book that start; False if the crawl stops.

        `next_task` books the first attempt of a task; every further request of it to the host whose
        connection it holds (a retry, a robots.txt redirect hop) calls this, so per-host delay and
        Crawl-delay hold for each one. A request to another host goes through `move`.
        """
        with self.cond:
            slot = self._slot(url)
            while not self.stopped:
                now = time.monotonic()
                if slot.next_time <= now:
                    slot.last_start = now
                    slot.next_time = now + slot.delay
                    return True
                self.cond.wait(slot.next_time - now)
            return False

    def move(self, task: Task, url: str) -> bool:
        """Take the connection for the task's next request, to the URL's host; False if the crawl stops.

        To the host it holds, this is `wait_turn`. To another one (a robots.txt redirect across hosts)
        the held connection is given back first, then this waits until that host has a free connection
        (max_connections_per_host) and its delay has passed, and books both. Never holding one host
        while waiting for another, two robots.txt that redirect to each other cannot deadlock.
        """
        with self.cond:
            slot = self._slot(url)
            if slot.host == task.holds:
                return self.wait_turn(url)
            if task.holds:
                self.hosts[task.holds].active -= 1
                task.holds = None
                self.cond.notify_all()
            while not self.stopped:
                now = time.monotonic()
                if slot.active < self.max_per_host and slot.next_time <= now:
                    slot.active += 1
                    slot.last_start = now
                    slot.next_time = now + slot.delay
                    task.holds = slot.host
                    return True
                self.cond.wait(slot.next_time - now if slot.active < self.max_per_host else None)
            return False

    def robots_of(self, host: str) -> RobotsPolicy | None:
        with self.cond:
            slot = self.hosts.get(host)
            return slot.robots if slot else None

    def pending(self) -> int:
        with self.cond:
            return sum(len(s.queue) for s in self.hosts.values())

    def active(self) -> int:
        with self.cond:
            return sum(s.active for s in self.hosts.values())

    def idle(self) -> bool:
        with self.cond:
            return all(not s.queue and not s.active and not s.robots_pending for s in self.hosts.values())

    def release(self, host: str) -> None:
        with self.cond:
            self.hosts[host].active -= 1
            self.cond.notify_all()

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.cond:
            end = time.monotonic() + timeout
            while not self.stopped:
                if all(not s.queue and not s.active and not s.robots_pending for s in self.hosts.values()):
                    return True
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return False

    def next_task(self, timeout: float = 0.5) -> Task | None:
        """The next thing to fetch, waiting for a free and rested host; None on stop or timeout."""
        end = time.monotonic() + timeout
        with self.cond:
            while not self.stopped:
                now = time.monotonic()
                best = None
                wake = end
                for slot in self.hosts.values():
                    if not slot.queue or slot.active >= self.max_per_host:
                        continue
                    if self.paused:
                        continue
                    if self.robots_first and slot.robots is None:
                        if slot.robots_pending:
                            continue
                        if slot.next_time > now:
                            wake = min(wake, slot.next_time)
                            continue
                        slot.robots_pending = True
                        slot.active += 1
                        slot.last_start = now
                        slot.next_time = now + slot.delay
                        return Task("robots", slot.host, f"{slot.scheme}://{slot.host}/robots.txt")
                    if slot.robots is not None and slot.robots.disallow_all:
                        _, _, entry = heapq.heappop(slot.queue)
                        slot.queued_urls.discard(entry.url)
                        slot.active += 1
                        return Task("url", slot.host, entry.url, entry)  # recorded as a skip, never sent
                    if slot.next_time > now:
                        wake = min(wake, slot.next_time)
                        continue
                    head = slot.queue[0][0]
                    if best is None or head < best[0]:
                        best = (head, slot)
                if best is not None:
                    slot = best[1]
                    _, _, entry = heapq.heappop(slot.queue)
                    slot.queued_urls.discard(entry.url)
                    slot.active += 1
                    slot.last_start = now
                    slot.next_time = now + slot.delay
                    return Task("url", slot.host, entry.url, entry)
                if now >= end:
                    return None
                self.cond.wait(max(0.0, min(wake, end) - now))
        return None
