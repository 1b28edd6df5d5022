"""The blogs' posts: ids, dates, types, photos (with Tumblr's media URL shape), tags, notes, one reblog."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from replica import words
from replica.config import BLOG_NAMES, ReplicaConfig
from replica.slugs import sanitize_title

PHOTO_SIZES = (1280, 500, 400, 250, 100)
MEDIA_HOSTS = (24, 25, 31, 33, 38, 41)
TRIPS = {"besokholland": datetime(2013, 4, 8, 6, tzinfo=timezone.utc),
         "besokdanmark": datetime(2013, 4, 22, 6, tzinfo=timezone.utc),
         "besokengland": datetime(2013, 5, 13, 6, tzinfo=timezone.utc)}
TITLES = {"besokholland": "BESÖK i Holland", "besokdanmark": "BESÖK i Danmark", "besokengland": "BESÖK i England"}
_EPOCH = datetime(2013, 4, 1, tzinfo=timezone.utc)
_B62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class Photo:
    offset: str  # "o1"
    host: int  # NN of NN.media.tumblr.com
    hash: str  # 32 hex
    key: str  # "mlk4d2Xyz1qfl2q3t"
    width: int
    height: int
    caption: str = ""

    def url(self, size: int | str) -> str:
        return f"http://{self.host}.media.tumblr.com/{self.hash}/tumblr_{self.key}{self.offset}_{size}.jpg"

    def size_of(self, size: int | str) -> tuple[int, int]:
        if size == "75sq":
            return 75, 75
        w = min(int(size), self.width)
        return w, int(round(self.height * w / self.width))

    def sizes(self) -> dict[str, str]:
        out = {str(s): self.url(s) for s in PHOTO_SIZES}
        out["75sq"] = self.url("75sq")
        return out


@dataclass
class TumblrPost:
    blog: str
    id: int
    type: str  # API v1 names: "photo", "regular", "quote", "link"
    slug: str
    date: datetime  # UTC
    tags: list[str]
    note_count: int
    reblog_key: str
    photos: list[Photo] = field(default_factory=list)
    caption: str = ""
    title: str = ""
    body: str = ""
    quote: str = ""
    source: str = ""
    link_url: str = ""
    link_text: str = ""
    reblogged_from: "TumblrPost | None" = None

    @property
    def host(self) -> str:
        return f"{self.blog}.tumblr.com"

    @property
    def url(self) -> str:
        return f"http://{self.host}/post/{self.id}"

    @property
    def url_with_slug(self) -> str:
        return f"{self.url}/{self.slug}" if self.slug else self.url

    @property
    def unix(self) -> int:
        return int(self.date.timestamp())


@dataclass
class Blog:
    name: str
    title: str
    description: str
    posts: list[TumblrPost]  # newest first, as the index and the API list them

    @property
    def host(self) -> str:
        return f"{self.name}.tumblr.com"

    @property
    def url(self) -> str:
        return f"http://{self.host}/"


def _slug(text: str) -> str:
    return "-".join(sanitize_title(text).split("-")[:8])


def build_blogs(config: ReplicaConfig) -> dict[str, Blog]:
    rng = random.Random(f"tumblr:{config.seed}")
    blogs: dict[str, Blog] = {}
    used_ids: set[int] = set()
    for name, count in zip(BLOG_NAMES, config.blog_sizes()):
        country, city, city2 = words.STUDY_TRIPS[1][name]
        start = TRIPS[name] - timedelta(days=2)
        span = timedelta(days=7 + count // 4).total_seconds()
        stamps = sorted({int((start + timedelta(seconds=rng.uniform(0, span))).timestamp()) for _ in range(count * 2)})
        stamps = sorted(rng.sample(stamps, count))
        posts = []
        for n, ts in enumerate(stamps, start=1):
            date = datetime.fromtimestamp(ts, timezone.utc)
            pid = 46_500_000_000 + int((date - _EPOCH).total_seconds()) * 700 + rng.randrange(700)
            while pid in used_ids:
                pid += 1
            used_ids.add(pid)
            kind = rng.choices(("photo", "regular", "quote", "link"), (60, 20, 10, 10))[0]
            tags = sorted({country.lower(), rng.choice((city.lower(), city2.lower())), "studieresa"}
                          | ({"bibliotek"} if rng.random() < 0.5 else set()))
            post = TumblrPost(name, pid, kind, "", date, tags, rng.randint(0, 40),
                              "".join(rng.choice(_B62) for _ in range(8)))
            place = rng.choice((city, city2))
            if kind == "photo":
                post.caption = words.fill(rng.choice(words.TRIP_CAPTIONS), rng, city=place)
                w, h = rng.choice(((1280, 960), (1280, 853), (1280, 1280)))
                key = "m" + "".join(rng.choice(_B62[10:36]) for _ in range(2)) + "".join(rng.choice(_B62) for _ in range(14))
                host = rng.choice(MEDIA_HOSTS)
                for k in range(1, rng.choices((1, 2, 3, 4), (55, 20, 15, 10))[0] + 1):
                    post.photos.append(Photo(f"o{k}", host, "%032x" % rng.getrandbits(128), key, w, h,
                                             words.fill(rng.choice(words.TRIP_CAPTIONS), rng, city=place) if k > 1 and rng.random() < 0.4 else ""))
                post.slug = _slug(post.caption)
            elif kind == "regular":
                post.title = f"Dag {min(5, 1 + n * 5 // count)} i {place}"
                post.body = "".join(f"<p>{words.fill(t, rng, country=country, n=str(min(5, 1 + n * 5 // count)))}</p>"
                                    for t in rng.sample(words.TRIP_TEXTS, 2))
                post.slug = _slug(post.title)
            elif kind == "quote":
                q, s = rng.choice(words.TRIP_QUOTES)
                post.quote, post.source = q, words.fill(s, rng, city=place)
                post.slug = _slug(q)
            else:
                lt, lu, ld = rng.choice(words.TRIP_LINKS)
                host_name = sanitize_title(place) + ".example.nl" if name == "besokholland" else (
                    sanitize_title(place) + ".example.dk" if name == "besokdanmark" else sanitize_title(place) + ".example.co.uk")
                post.link_text, post.link_url = words.fill(lt, rng, city=place), words.fill(lu, rng, host=host_name)
                post.body = f"<p>{ld}</p>"
                post.slug = _slug(post.link_text)
            posts.append(post)
        blogs[name] = Blog(name, TITLES[name], f"Deltagarna i BESÖK:s studieresa till {country} berättar. Våren 2013.",
                           posts[::-1])
    # one reblog: besokdanmark reblogs a photo post from besokholland
    source = next((p for p in reversed(blogs["besokholland"].posts) if p.type == "photo"), None)
    target_blog = blogs["besokdanmark"]
    if source is not None and target_blog.posts:
        oldest = target_blog.posts[-1]
        reblog = target_blog.posts[-1] = TumblrPost(
            "besokdanmark", oldest.id, "photo", source.slug, oldest.date, ["reblogg", "holland"], source.note_count,
            oldest.reblog_key, photos=source.photos, caption=source.caption, reblogged_from=source)
        if reblog.date <= source.date:
            reblog.date = source.date + timedelta(hours=3)
        source.note_count += 1
        reblog.note_count = source.note_count
        target_blog.posts.sort(key=lambda p: p.date, reverse=True)
    return blogs
