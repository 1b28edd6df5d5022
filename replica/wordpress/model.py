"""The WordPress site's content: posts, pages, authors, terms, comments and attachments.

Built once from the seed (metadata only, cheap even for 10,000 posts); page bodies are rendered
on request from per-post seeds, so any page can be rendered on its own.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timedelta, timezone

from replica import words
from replica.clock import to_stockholm
from replica.config import BLOG_NAMES, WORDPRESS_HOST, ReplicaConfig
from replica.slugs import sanitize_title, unique_slug

HOME = f"http://{WORDPRESS_HOST}"
FIRST_POST_UTC = datetime(2012, 5, 29, 8, 15, tzinfo=timezone.utc)
CLOSING_POST_UTC = datetime(2013, 12, 20, 9, 30, tzinfo=timezone.utc)
CLOSING_TITLE = "BESÖK går i mål – efter mer än 150 utbildningar"
FIRST_TITLE = "Premiärdagar för BESÖK: tre dagar om biblioteksrummet"
IMAGE_SIZES = {"thumbnail": (150, 150, True), "medium": (300, 300, False), "large": (1024, 1024, False)}


@dataclass(frozen=True)
class Author:
    slug: str
    name: str

    @property
    def url(self) -> str:
        return f"{HOME}/author/{self.slug}/"


@dataclass(frozen=True)
class Term:
    kind: str  # "category" | "tag"
    name: str
    slug: str

    @property
    def url(self) -> str:
        return f"{HOME}/{self.kind}/{self.slug}/"


@dataclass
class Comment:
    id: int
    post_id: int
    parent: int
    depth: int
    author: str
    date: datetime  # UTC
    text: str


@dataclass
class Attachment:
    id: int
    kind: str  # "image" | "document"
    filename: str  # "kursdag-linkoping.jpg"
    ym: str  # "2012/05"
    title: str
    slug: str
    parent_id: int | None
    width: int = 0
    height: int = 0
    lines: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"{HOME}/wp-content/uploads/{self.ym}/{self.filename}"

    @property
    def mime(self) -> str:
        return "image/jpeg" if self.kind == "image" else "application/pdf"

    def variant(self, size: str) -> tuple[str, int, int] | None:
        """URL and pixel size of a generated size, or None when the original is not larger."""
        bw, bh, crop = IMAGE_SIZES[size]
        if crop:
            w, h = bw, bh
        else:
            ratio = min(bw / self.width, bh / self.height)
            if ratio >= 1:
                return None
            w, h = int(round(self.width * ratio)), int(round(self.height * ratio))
        stem, ext = self.filename.rsplit(".", 1)
        return f"{HOME}/wp-content/uploads/{self.ym}/{stem}-{w}x{h}.{ext}", w, h

    def variants(self) -> list[tuple[str, int, int]]:
        if self.kind != "image":
            return []
        return [v for v in (self.variant(s) for s in IMAGE_SIZES) if v]


@dataclass
class Post:
    index: int  # 0-based publication order
    id: int
    title: str
    slug: str
    date: datetime  # UTC
    modified: datetime
    author: Author
    categories: list[Term]
    tags: list[Term]
    lead: str
    comments: list[Comment] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    kind: str = "report"  # "report" | "first" | "trip" | "closing"
    trip_blog: str | None = None

    @cached_property
    def local(self) -> datetime:
        return to_stockholm(self.date)

    @cached_property
    def url(self) -> str:
        return f"{HOME}/{self.local:%Y/%m/%d}/{self.slug}/"

    @property
    def shortlink(self) -> str:
        return f"{HOME}/?p={self.id}"

    @property
    def position(self) -> int:
        return self.index + 1

    @property
    def images(self) -> list[Attachment]:
        return [a for a in self.attachments if a.kind == "image"]

    @property
    def documents(self) -> list[Attachment]:
        return [a for a in self.attachments if a.kind == "document"]


@dataclass
class Page:
    id: int
    title: str
    slug: str
    path: str  # "kalender/arkiv"
    parent_id: int = 0
    menu_order: int = 0

    @property
    def url(self) -> str:
        return f"{HOME}/{self.path}/"


@dataclass
class Draft:
    id: int
    title: str

    @property
    def url(self) -> str:
        return f"{HOME}/?p={self.id}"


@dataclass
class Site:
    config: ReplicaConfig
    posts: list[Post]
    pages: list[Page]
    drafts: list[Draft]
    authors: list[Author]
    categories: list[Term]
    tags: list[Term]
    documents: list[Attachment]  # every PDF, site-wide ones first
    chain: list[Post]  # "Nästa" order as served
    unreachable_ids: frozenset[int]
    by_id: dict[int, Post] = field(default_factory=dict)
    by_path: dict[str, Post] = field(default_factory=dict)
    attachments_by_id: dict[int, Attachment] = field(default_factory=dict)
    attachment_paths: dict[str, tuple[Post, Attachment]] = field(default_factory=dict)
    uploads: dict[str, tuple[Attachment, int, int]] = field(default_factory=dict)
    page_by_path: dict[str, Page] = field(default_factory=dict)
    chain_index: dict[int, int] = field(default_factory=dict)
    author_ids: dict[str, int] = field(default_factory=dict)
    _by_day: dict[tuple[int, int], dict[int, list[Post]]] = field(default_factory=dict)
    _comments_desc: list[Comment] = field(default_factory=list)
    _term_ids: dict[Term, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for p in self.posts:
            self.by_id[p.id] = p
            self.by_path[p.url[len(HOME):]] = p
            for a in p.attachments:
                self.attachments_by_id[a.id] = a
                if a.kind == "image":
                    self.attachment_paths[f"{p.url[len(HOME):]}{a.slug}/"] = (p, a)
        for a in self.documents:
            self.attachments_by_id[a.id] = a
        for a in self.attachments_by_id.values():
            self.uploads[a.url[len(HOME):]] = (a, a.width, a.height)
            for url, w, h in a.variants():
                self.uploads[url[len(HOME):]] = (a, w, h)
        for pg in self.pages:
            self.page_by_path[f"/{pg.path}/"] = pg
        self.chain_index = {p.id: i for i, p in enumerate(self.chain)}
        for p in self.posts:
            loc = p.local
            self._by_day.setdefault((loc.year, loc.month), {}).setdefault(loc.day, []).append(p)
        self._comments_desc = sorted((c for p in self.posts for c in p.comments), key=lambda c: (c.date, c.id), reverse=True)
        self._term_ids = {t: n for n, t in enumerate(self.categories, start=2)}
        self._term_ids.update({t: n for n, t in enumerate(self.tags, start=40)})
        self.author_ids = {a.slug: n for n, a in enumerate(self.authors, start=1)}

    def days_with_posts(self, year: int, month: int) -> dict[int, list[Post]]:
        return self._by_day.get((year, month), {})

    def months_desc(self) -> list[tuple[int, int]]:
        return sorted(self._by_day, reverse=True)

    def recent_comments(self, n: int) -> list[Comment]:
        return self._comments_desc[:n]

    def term_id(self, term: Term) -> int:
        return self._term_ids[term]

    @property
    def first(self) -> Post:
        return self.chain[0]

    @property
    def closing(self) -> Post:
        return self.posts[-1]

    def page(self, slug: str) -> Page:
        return next(p for p in self.pages if p.slug == slug)

    def neighbours(self, post: Post) -> tuple[Post | None, Post | None]:
        """Föregående/Nästa as served: chain neighbours; a post off the chain links to the chain
        posts just before and after it in time."""
        if post.id in self.chain_index:
            i = self.chain_index[post.id]
            return (self.chain[i - 1] if i > 0 else None, self.chain[i + 1] if i + 1 < len(self.chain) else None)
        prev = next((p for p in reversed(self.posts[: post.index]) if p.id in self.chain_index), None)
        nxt = next((p for p in self.posts[post.index + 1:] if p.id in self.chain_index), None)
        return prev, nxt

    def served(self, post: Post) -> bool:
        return post.id not in self.unreachable_ids


def _dates(rng: random.Random, n: int) -> list[datetime]:
    """n publication instants, first and last fixed, the rest on weekdays between 08 and 17 local time."""
    span = (CLOSING_POST_UTC - FIRST_POST_UTC).total_seconds()
    fixed = [FIRST_POST_UTC, CLOSING_POST_UTC]
    taken = {d.replace(second=0) for d in fixed}
    out: list[datetime] = []
    while len(out) < n - 2:
        d = FIRST_POST_UTC + timedelta(seconds=rng.uniform(3600, span - 3600))
        d = d.replace(hour=rng.randint(6, 15), minute=rng.randint(0, 59), second=0, microsecond=0)
        if d.weekday() >= 5 or d in taken or not FIRST_POST_UTC < d < CLOSING_POST_UTC:
            continue
        taken.add(d)
        out.append(d)
    return [FIRST_POST_UTC] + sorted(out) + [CLOSING_POST_UTC][: max(0, n - 1)]


def build_site(config: ReplicaConfig) -> Site:
    rng = random.Random(f"wordpress:{config.seed}")
    authors = [Author(slug, name) for slug, name in words.AUTHORS]
    cat_terms = {name: Term("category", name, sanitize_title(name)) for name, _, _ in words.CATEGORIES}
    cat_terms[words.STUDY_TRIPS[0]] = Term("category", words.STUDY_TRIPS[0], sanitize_title(words.STUDY_TRIPS[0]))
    cat_terms[words.CLOSING_CATEGORY] = Term("category", words.CLOSING_CATEGORY, sanitize_title(words.CLOSING_CATEGORY))
    tag_terms: dict[str, Term] = {}

    def tag(name: str) -> Term:
        if name not in tag_terms:
            tag_terms[name] = Term("tag", name, sanitize_title(name))
        return tag_terms[name]

    taken_slugs: set[str] = set()
    pages = [
        Page(2, "Om BESÖK", "om-besok", "om-besok", menu_order=1),
        Page(5, "Kalender", "kalender", "kalender", menu_order=2),
        Page(7, "Arkiv", "arkiv", "kalender/arkiv", parent_id=5, menu_order=3),
        Page(9, "Utbildningar", "utbildningar", "utbildningar", menu_order=4),
        Page(11, "Dokument", "dokument", "dokument", menu_order=5),
        Page(13, "Individuella insatser", "individuella-insatser", "individuella-insatser", menu_order=6),
    ]
    taken_slugs.update(p.slug for p in pages)
    next_id = 15
    documents = []
    for title, ym, lines in (
        ("Projektplan BESÖK", "2011/10", ("Bibliotekspersonal i E-län Samverkar för Ökad Kompetens", "Projektperiod 2011-09-01 - 2013-12-31")),
        ("Behovsinventering", "2012/02", ("Sammanställning av enkäter och intervjuer", "15 bibliotek i Östergötland")),
        ("Utvecklingsplaner för Götabiblioteken", "2012/04", ("En plan per bibliotek", "Beslutade av bibliotekscheferna")),
    ):
        slug = unique_slug(sanitize_title(title), taken_slugs)
        documents.append(Attachment(next_id, "document", f"{slug}.pdf", ym, title, slug, 11, lines=lines))
        next_id += 1
    next_id = 40

    n = config.posts
    dates = _dates(rng, n)
    trip_dates = {}
    if n >= 8:
        trip_targets = [datetime(2013, 4, 12, 9, tzinfo=timezone.utc), datetime(2013, 5, 3, 9, tzinfo=timezone.utc),
                        datetime(2013, 5, 24, 9, tzinfo=timezone.utc)]
        for blog, target in zip(BLOG_NAMES, trip_targets):
            best = min((i for i in range(1, n - 1) if i not in trip_dates.values()), key=lambda i: abs(dates[i] - target))
            trip_dates[blog] = best
    trip_of = {i: blog for blog, i in trip_dates.items()}
    draft_at = n // 2

    posts: list[Post] = []
    drafts: list[Draft] = []
    comment_id = 1
    file_names: dict[str, set[str]] = {}
    for i, date in enumerate(dates):
        if i == draft_at:
            drafts.append(Draft(next_id, "Utkast: sammanfattning av terminens kurser"))
            next_id += 2
        post_id = next_id
        next_id += 1
        author = authors[0] if i in (0, n - 1) else rng.choice(authors)
        if i == 0:
            kind, title, cats = "first", FIRST_TITLE, [cat_terms["Biblioteksrummet"]]
            tags = [tag("premiärdagar"), tag("biblioteksrummet")]
        elif i == n - 1:
            kind, title, cats = "closing", CLOSING_TITLE, [cat_terms[words.CLOSING_CATEGORY]]
            tags = [tag("slutrapport")]
        elif i in trip_of:
            blog = trip_of[i]
            country, city, _ = words.STUDY_TRIPS[1][blog]
            kind, title, cats = "trip", f"Reserapport: studieresa till {country}", [cat_terms[words.STUDY_TRIPS[0]]]
            tags = [tag("studieresa"), tag(country.lower()), tag(city.lower())]
        else:
            kind = "report"
            cat_name, titles, tag_pool = rng.choice(words.CATEGORIES)
            title = rng.choice(titles) + words.fill(rng.choice(words.TITLE_SUFFIXES), rng, year=str(date.year),
                                                          season="våren" if date.month <= 6 else "hösten")
            cats = [cat_terms[cat_name]]
            if rng.random() < 0.2:
                other = rng.choice(words.CATEGORIES)[0]
                if other != cat_name:
                    cats.append(cat_terms[other])
            tags = [tag(t) for t in sorted(set(rng.sample(tag_pool, k=min(len(tag_pool), rng.randint(1, 3)))))]
        slug = unique_slug(sanitize_title(title), taken_slugs)
        lead = words.fill(rng.choice(words.SENTENCES[:9]), rng, topic=cats[0].name.lower())
        modified = date + timedelta(minutes=rng.randint(0, 60 * 24 * 3)) if kind != "closing" else date + timedelta(hours=2)
        post = Post(i, post_id, title, slug, date, modified, author, cats, tags, lead, kind=kind, trip_blog=trip_of.get(i))
        ym = f"{post.local:%Y/%m}"
        n_images = 0 if kind == "closing" else (2 if kind in ("first", "trip") else rng.choice((0, 0, 1, 1, 2, 3)))
        for _ in range(n_images):
            base = f"{rng.choice(words.IMAGE_NAMES)}-{sanitize_title(rng.choice(words.MUNICIPALITIES))}"
            used = file_names.setdefault(ym, set())
            stem, k = base, 1
            while f"{stem}.jpg" in used:
                stem = f"{base}{k}"
                k += 1
            used.add(f"{stem}.jpg")
            w, h = (1600, 1200) if rng.random() < 0.8 else (1200, 1600)
            post.attachments.append(Attachment(next_id, "image", f"{stem}.jpg", ym, stem,
                                               unique_slug(sanitize_title(stem), taken_slugs), post_id, w, h))
            next_id += 1
        if kind == "report" and rng.random() < 0.25:
            title_pdf = f"Utvärdering {title}"
            stem = f"utvardering-{slug}"[:60].rstrip("-")
            used = file_names.setdefault(ym, set())
            while f"{stem}.pdf" in used:
                stem += "1"
            used.add(f"{stem}.pdf")
            doc = Attachment(next_id, "document", f"{stem}.pdf", ym, title_pdf, unique_slug(stem, taken_slugs), post_id,
                             lines=(f"Kurs: {title}", f"Datum: {post.local:%Y-%m-%d}",
                                    f"Antal deltagare: {rng.randint(12, 40)}",
                                    f"Helhetsbetyg: {rng.randint(35, 50) / 10:.1f} av 5".replace(".", ",")))
            post.attachments.append(doc)
            documents.append(doc)
            next_id += 1
        next_id += rng.randint(1, 3)  # revisions and autosaves take ids too
        n_comments = rng.choice((0, 0, 0, 1, 1, 2, 2, 3, 4, 6)) if kind != "closing" else 2
        when = date
        thread: list[Comment] = []
        for _ in range(n_comments):
            when = when + timedelta(minutes=rng.randint(20, 60 * 48))
            parent = rng.choice(thread) if thread and rng.random() < 0.45 else None
            if parent is not None and parent.depth >= 3:
                parent = None
            text = words.fill(rng.choice(words.COMMENTS), rng)
            who = author.name if parent is not None and rng.random() < 0.5 else rng.choice(words.COMMENTERS)
            c = Comment(comment_id, post_id, parent.id if parent else 0, parent.depth + 1 if parent else 1, who, when, text)
            comment_id += 1
            thread.append(c)
        post.comments = thread
        posts.append(post)

    skip = set(config.chain_skip) | set(config.unreachable)
    chain = [p for p in posts if p.position not in skip]
    unreachable = frozenset(posts[pos - 1].id for pos in config.unreachable)
    return Site(config, posts, pages, drafts, authors,
                sorted({t for p in posts for t in p.categories}, key=lambda t: t.name),
                sorted(tag_terms.values(), key=lambda t: t.name), documents, chain, unreachable)

