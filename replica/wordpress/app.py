"""Routing for projektbesok.se: a request path in, a Response out (permalinks as WordPress resolved them)."""
from __future__ import annotations

import hashlib
import re
from typing import Callable
from urllib.parse import parse_qs, quote, unquote, urlsplit

from replica import media
from replica.clock import SV_MONTHS, http_date, sv_date
from replica.response import Response, html, redirect, text
from replica.wordpress import feeds, theme
from replica.wordpress.model import HOME, Attachment, Page, Post, Site
from replica.wordpress.theme import e

PER_PAGE = 10
ARKIV_PER_PAGE = 50
RSS = "application/rss+xml; charset=UTF-8"
LATEST = (2013, 12)

_DATE_RE = re.compile(r"^/(\d{4})/(?:(\d{2})/(?:(\d{2})/)?)?(?:page/(\d+)/)?$")
_POST_RE = re.compile(r"^(/\d{4}/\d{2}/\d{2}/[^/]+/)(.*)$")
_TERM_RE = re.compile(r"^/(category|tag|author)/([^/]+)/(?:(feed)/|page/(\d+)/)?$")
_PAGED_RE = re.compile(r"^(/(?:.*/)?)page/(\d+)/$")

STYLE = """/* Theme Name: Besök. Based on Underscores http://underscores.me/ */
body{font-family:Georgia,serif;color:#333;margin:0 auto;max-width:1000px}
.site-content{display:flex}.content-area{flex:3}.widget-area{flex:1;margin-left:2em;font-size:90%}
.post-navigation{float:right}.post-navigation div{display:inline;margin-left:1em}
.screen-reader-text{position:absolute!important;clip:rect(1px,1px,1px,1px)}
.updated:not(.published){display:none}
.gallery-item{float:left;margin:0 8px 8px 0}.aligncenter{display:block;margin:0 auto}
#wp-calendar td,#wp-calendar th{text-align:center;padding:2px}
"""
NAV_JS = "( function() { var c = document.getElementById( 'site-navigation' ); if ( ! c ) return; } )();\n"
REPLY_JS = "var addComment={moveForm:function(a,b,c,d){return true;}};\n"
RSD = f"""<?xml version="1.0" encoding="UTF-8"?><rsd version="1.0" xmlns="http://archipelago.phrasewise.com/rsd">
  <service>
    <engineName>WordPress</engineName>
    <engineLink>http://wordpress.org/</engineLink>
    <homePageLink>{HOME}</homePageLink>
    <apis>
      <api name="WordPress" blogID="1" preferred="true" apiLink="{HOME}/xmlrpc.php" />
    </apis>
  </service>
</rsd>
"""
WLW = """<?xml version="1.0" encoding="utf-8" ?>
<manifest xmlns="http://schemas.microsoft.com/wlw/manifest/weblog">
  <options>
    <clientType>WordPress</clientType>
    <supportsKeywords>Yes</supportsKeywords>
  </options>
</manifest>
"""


class WordPressApp:
    """projektbesok.se. `extra_links` are paths the home page links to (fault paths the site lacks)."""

    def __init__(self, site: Site, crawl_delay: float | None = None) -> None:
        self.site = site
        self.crawl_delay = crawl_delay
        self.extra_links: list[str] = []
        self.newest_first = site.posts[::-1]
        self._cat_posts: dict[str, list[Post]] = {}
        self._tag_posts: dict[str, list[Post]] = {}
        self._author_posts: dict[str, list[Post]] = {}
        for p in self.newest_first:
            for t in p.categories:
                self._cat_posts.setdefault(t.slug, []).append(p)
            for t in p.tags:
                self._tag_posts.setdefault(t.slug, []).append(p)
            self._author_posts.setdefault(p.author.slug, []).append(p)
        self._terms = {("category", t.slug): t for t in site.categories}
        self._terms.update({("tag", t.slug): t for t in site.tags})
        self._authors = {a.slug: a for a in site.authors}
        self._static: dict[str, Callable[[], Response]] = {
            "/robots.txt": self.robots,
            "/feed/": lambda: text(feeds.posts_feed(site, self.newest_first, f"{HOME}/feed/"), RSS, headers=self._feed_headers()),
            "/comments/feed/": lambda: text(feeds.comments_feed(site, site.recent_comments(10), f"{HOME}/comments/feed/", None), RSS),
            "/wp-includes/wlwmanifest.xml": lambda: text(WLW, "application/xml"),
            "/wp-content/themes/besok/style.css": lambda: text(STYLE, "text/css"),
            "/wp-content/themes/besok/js/navigation.js": lambda: text(NAV_JS, "application/javascript"),
            "/wp-includes/js/comment-reply.min.js": lambda: text(REPLY_JS, "application/javascript"),
            "/wp-login.php": lambda: html("<!DOCTYPE html><html><head><title>BESÖK &rsaquo; Logga in</title>"
                                          "<meta name='robots' content='noindex,nofollow' /></head><body class='login'>"
                                          "<form name='loginform' id='loginform' method='post'></form></body></html>"),
        }
        self._query = ""

    # -- dispatch -------------------------------------------------------------------------

    def get(self, path: str, headers) -> Response:
        parts = urlsplit(path)
        route = unquote(parts.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        if route == "/" and parts.query:
            routed = self.query_route(query)
            if routed is not None:
                return routed
        if route.startswith("/wp-admin"):
            return redirect(f"{HOME}/wp-login.php?redirect_to={quote(HOME + route, safe='')}&reauth=1", 302)
        if route.startswith("/wp-content/uploads/"):
            return self.upload(route, headers)
        if route == "/xmlrpc.php":
            if "rsd" in query or parts.query == "rsd":
                return text(RSD, "text/xml; charset=UTF-8")
            return text("XML-RPC server accepts POST requests only.", "text/plain; charset=UTF-8")
        if route in self._static:
            return self._static[route]()
        if route == "/":
            return self.home(1)
        m = _PAGED_RE.match(route)
        if m and m.group(1) == "/":
            return self.home(int(m.group(2)))
        m = _POST_RE.match(route)
        if m and m.group(1) in self.site.by_path:
            return self.post_route(self.site.by_path[m.group(1)], m.group(2), query)
        m = _DATE_RE.match(route)
        if m:
            return self.date_archive(int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0), int(m.group(4) or 1))
        m = _TERM_RE.match(route)
        if m:
            return self.term_archive(m.group(1), m.group(2), bool(m.group(3)), int(m.group(4) or 1))
        page_route = route
        paged = 1
        m = _PAGED_RE.match(route)
        if m:
            page_route, paged = m.group(1), int(m.group(2))
        if page_route in self.site.page_by_path:
            return self.page(self.site.page_by_path[page_route], paged)
        if not route.endswith("/") and "." not in route.rsplit("/", 1)[-1]:
            slashed = self.get(route + "/" + (f"?{parts.query}" if parts.query else ""), headers)
            if slashed.status == 200:
                return redirect(f"{HOME}{route}/" + (f"?{parts.query}" if parts.query else ""))
        return self.not_found()

    def query_route(self, query: dict[str, list[str]]) -> Response | None:
        site = self.site
        if "p" in query or "page_id" in query:
            raw = (query.get("p") or query.get("page_id"))[0]
            if not raw.isdigit():
                return self.not_found()
            pid = int(raw)
            if pid in site.by_id:
                return redirect(site.by_id[pid].url)
            page = next((pg for pg in site.pages if pg.id == pid), None)
            if page:
                return redirect(page.url)
            att = site.attachments_by_id.get(pid)
            if att:
                return self._attachment_redirect(att)
            return self.not_found()
        if "attachment_id" in query:
            raw = query["attachment_id"][0]
            att = site.attachments_by_id.get(int(raw)) if raw.isdigit() else None
            return self._attachment_redirect(att) if att else self.not_found()
        paged_raw = (query.get("paged") or ["1"])[0]
        paged = int(paged_raw) if paged_raw.isdigit() else 1
        if "m" in query:
            raw = query["m"][0]
            if re.fullmatch(r"\d{6}", raw):
                return self.date_archive(int(raw[:4]), int(raw[4:]), 0, paged, always=True)
            if re.fullmatch(r"\d{4}", raw):
                return self.date_archive(int(raw), 0, 0, paged, always=True)
            if re.fullmatch(r"\d{8}", raw):
                return self.date_archive(int(raw[:4]), int(raw[4:6]), int(raw[6:]), paged, always=True)
            return self.home(1)
        if "s" in query:
            return self.search(query["s"][0], paged)
        if "paged" in query:
            return self.home(paged)
        return None

    def _attachment_redirect(self, att: Attachment) -> Response:
        if att.kind == "image" and att.parent_id in self.site.by_id:
            return redirect(f"{self.site.by_id[att.parent_id].url}{att.slug}/")
        return redirect(att.url)

    # -- pages ----------------------------------------------------------------------------

    def _render(self, *, title: str, body_class: str, main: str, calendar=LATEST, status: int = 200,
                canonical=None, shortlink=None, prev=None, nxt=None, feeds_=(), current=None, home=False) -> Response:
        head = theme.head_links(self.site, canonical=canonical, shortlink=shortlink, prev=prev, nxt=nxt, feeds=list(feeds_))
        links = self.extra_links if home else []
        body = theme.shell(self.site, title=title, body_class=body_class, main=main, head=head, calendar=calendar,
                           current_menu=current, footer_links=[HOME + p for p in links])
        return html(body, status, [("X-Pingback", f"{HOME}/xmlrpc.php")])

    def not_found(self) -> Response:
        return self._render(title="Sidan kunde inte hittas", body_class="error404", main=theme.not_found_main(), status=404)

    def _listing(self, posts: list[Post], paged: int, base: str, *, title: str, body_class: str, header: str = "",
                 calendar=LATEST, feeds_=(), home=False, always: bool = False) -> Response:
        pages = max(1, -(-len(posts) // PER_PAGE))
        if paged > pages or paged < 1 or (not posts and not always):
            return self.not_found()
        chunk = posts[(paged - 1) * PER_PAGE: paged * PER_PAGE]
        older = f"{base}page/{paged + 1}/" if paged < pages else None
        newer = (base if paged == 2 else f"{base}page/{paged - 1}/") if paged > 1 else None
        if base.startswith(f"{HOME}/?"):
            older = f"{base}&paged={paged + 1}" if paged < pages else None
            newer = (base if paged == 2 else f"{base}&paged={paged - 1}") if paged > 1 else None
        if chunk:
            main = header + "\n".join(theme.listing_article(self.site, p) for p in chunk) + "\n" + theme.paging_nav(older, newer)
        else:
            main = theme.no_results_main(title)
        if paged > 1:
            body_class += f" paged paged-{paged}"
        return self._render(title=title if paged == 1 else f"{title} | Sida {paged}", body_class=body_class, main=main,
                            calendar=calendar, feeds_=feeds_, home=home and paged == 1)

    def home(self, paged: int) -> Response:
        return self._listing(self.newest_first, paged, f"{HOME}/", title="", body_class="home blog", home=True)

    def date_archive(self, year: int, month: int, day: int, paged: int, always: bool = False) -> Response:
        if month and not 1 <= month <= 12:
            return self.not_found()
        if day:
            posts = self.site.days_with_posts(year, month).get(day, [])[::-1]
        elif month:
            posts = [p for d in sorted(self.site.days_with_posts(year, month), reverse=True)
                     for p in self.site.days_with_posts(year, month)[d][::-1]]
        else:
            posts = [p for m in range(12, 0, -1) for d in sorted(self.site.days_with_posts(year, m), reverse=True)
                     for p in self.site.days_with_posts(year, m)[d][::-1]]
        if always:
            base = f"{HOME}/?m={year:04d}" + (f"{month:02d}" if month else "") + (f"{day:02d}" if day else "")
        else:
            base = f"{HOME}/{year:04d}/" + (f"{month:02d}/" if month else "") + (f"{day:02d}/" if day else "")
        if day:
            label = f"Dagsarkiv: <span>{day} {SV_MONTHS[month - 1]}, {year}</span>"
            title = f"{day} {SV_MONTHS[month - 1]}, {year}"
        elif month:
            label = f"Månadsarkiv: <span>{SV_MONTHS[month - 1]} {year}</span>"
            title = f"{SV_MONTHS[month - 1]} {year}"
        else:
            label = f"Årsarkiv: <span>{year}</span>"
            title = str(year)
        header = f'<header class="page-header">\n\t\t\t\t<h1 class="page-title">{label}</h1>\n\t\t\t</header><!-- .page-header -->\n'
        cal = (year, month or 1) if 1 <= year <= 9999 else LATEST
        return self._listing(posts, paged, base, title=title, body_class="archive date", header=header, calendar=cal,
                             always=always)

    def term_archive(self, kind: str, slug: str, feed: bool, paged: int) -> Response:
        if kind == "author":
            author = self._authors.get(slug)
            if author is None:
                return self.not_found()
            posts = self._author_posts.get(slug, [])
            name, label, feed_title = author.name, f"Författararkiv: <span class=\"vcard\"><a class=\"url fn n\" href=\"{author.url}\" title=\"{e(author.name)}\" rel=\"me\">{e(author.name)}</a></span>", f"Inlägg av {author.name} Flöde"
            body_class = f"archive author author-{slug} author-{self.site.author_ids[slug]}"
            base = author.url
        else:
            term = self._terms.get((kind, slug))
            if term is None:
                return self.not_found()
            posts = (self._cat_posts if kind == "category" else self._tag_posts).get(slug, [])
            name = term.name
            label = (f"Kategoriarkiv: <span>{e(name)}</span>" if kind == "category" else f"Etikettarkiv: <span>{e(name)}</span>")
            feed_title = f"{name} Kategoriflöde" if kind == "category" else f"{name} Etikettflöde"
            body_class = f"archive {kind} {kind}-{slug} {kind}-{self.site.term_id(term)}"
            base = term.url
        if feed:
            return text(feeds.posts_feed(self.site, posts, f"{base}feed/", name), RSS, headers=self._feed_headers(posts))
        header = f'<header class="page-header">\n\t\t\t\t<h1 class="page-title">{label}</h1>\n\t\t\t</header><!-- .page-header -->\n'
        return self._listing(posts, paged, base, title=name, body_class=body_class, header=header,
                             feeds_=[(feed_title, f"{base}feed/")])

    def search(self, term: str, paged: int) -> Response:
        needle = term.strip().lower()
        posts = [p for p in self.newest_first if needle and needle in p.title.lower()]
        header = f'<header class="page-header">\n\t\t\t\t<h1 class="page-title">Sökresultat för: <span>{e(term)}</span></h1>\n\t\t\t</header>\n'
        from urllib.parse import quote_plus
        return self._listing(posts, paged, f"{HOME}/?s={quote_plus(term)}", title=f"Sökresultat för \"{term}\"",
                             body_class="search search-results" if posts else "search search-no-results",
                             header=header, always=True)

    def post_route(self, post: Post, rest: str, query: dict[str, list[str]]) -> Response:
        site = self.site
        if not site.served(post):
            return self.not_found()
        if rest == "":
            reply = query.get("replytocom", [""])[0]
            reply_to = int(reply) if reply.isdigit() and any(c.id == int(reply) for c in post.comments) else None
            return self.single(post, reply_to)
        if rest == "feed/":
            return text(feeds.comments_feed(site, sorted(post.comments, key=lambda c: (c.date, c.id), reverse=True),
                                            f"{post.url}feed/", post), RSS)
        att_path = f"{post.url[len(HOME):]}{rest}"
        if att_path in site.attachment_paths:
            _, att = site.attachment_paths[att_path]
            return self._render(title=att.title, body_class=f"single single-attachment postid-{att.id} attachmentid-{att.id} attachment-jpeg",
                                main=theme.attachment_article(site, post, att), calendar=(post.local.year, post.local.month),
                                canonical=f"{post.url}{att.slug}/", shortlink=f"{HOME}/?p={att.id}")
        if not rest.endswith("/") and f"{att_path}/" in site.attachment_paths:
            return redirect(f"{HOME}{att_path}/")
        return self.not_found()

    def single(self, post: Post, reply_to: int | None) -> Response:
        prev, nxt = self.site.neighbours(post)
        main = theme.post_nav(self.site, post) + "\n\n" + theme.single_article(self.site, post) + "\n\n" + theme.comments_area(self.site, post, reply_to)
        return self._render(title=post.title, body_class=f"single single-post postid-{post.id} single-format-standard",
                            main=main, calendar=(post.local.year, post.local.month), canonical=post.url,
                            shortlink=post.shortlink, prev=prev, nxt=nxt,
                            feeds_=[(f"{post.title} Kommentarsflöde", f"{post.url}feed/")])

    def page(self, page: Page, paged: int) -> Response:
        if page.slug == "arkiv":
            content, pages = self._arkiv(paged)
            if paged > pages:
                return self.not_found()
        elif paged > 1:
            return self.not_found()
        else:
            content = self._page_content(page)
        body_class = f"page page-id-{page.id}" + (f" page-child parent-pageid-{page.parent_id}" if page.parent_id else "") + " page-template-default"
        title = page.title if paged == 1 else f"{page.title} | Sida {paged}"
        return self._render(title=title, body_class=body_class, main=theme.page_article(page, content),
                            canonical=page.url if paged == 1 else None, shortlink=f"{HOME}/?p={page.id}", current=page.url)

    def _arkiv(self, paged: int) -> tuple[str, int]:
        posts = self.newest_first
        pages = max(1, -(-len(posts) // ARKIV_PER_PAGE))
        chunk = posts[(paged - 1) * ARKIV_PER_PAGE: paged * ARKIV_PER_PAGE]
        base = self.site.page("arkiv").url
        items = "\n".join(f'\t<li><a href="{p.url}">{e(p.title)}</a> <span class="arkiv-datum">{sv_date(p.local)}</span></li>'
                          for p in chunk)
        nav = []
        if paged < pages:
            nav.append(f'<div class="nav-previous"><a href="{base}page/{paged + 1}/">&larr; Äldre inlägg</a></div>')
        if paged > 1:
            nav.append(f'<div class="nav-next"><a href="{base if paged == 2 else f"{base}page/{paged - 1}/"}">Nyare inlägg &rarr;</a></div>')
        content = (f"<p>Alla kursrapporter och inlägg, det senaste först ({len(posts)} inlägg).</p>\n"
                   f'<ul class="arkiv-lista">\n{items}\n</ul>\n'
                   + (f'<nav class="navigation paging-navigation arkiv-navigation">{"".join(nav)}</nav>' if nav else ""))
        return content, pages

    def _page_content(self, page: Page) -> str:
        site = self.site
        if page.slug == "utbildningar":
            out = ["<p>Här är alla kursrapporter ordnade efter ämne, den äldsta först.</p>"]
            for term in site.categories:
                posts = self._cat_posts.get(term.slug, [])[::-1]
                out.append(f'<h2 id="{term.slug}"><a href="{term.url}">{e(term.name)}</a></h2>\n<ul>\n'
                           + "\n".join(f'\t<li><a href="{p.url}">{e(p.title)}</a> ({sv_date(p.local)})</li>' for p in posts)
                           + "\n</ul>")
            return "\n".join(out)
        if page.slug == "dokument":
            project = [d for d in site.documents if d.parent_id == page.id]
            evals = [d for d in site.documents if d.parent_id != page.id][::-1]
            out = ["<p>Projektets styrdokument och kursutvärderingar som PDF.</p>", "<h2>Projektdokument</h2>", "<ul>"]
            out += [f'\t<li><a href="{d.url}">{e(d.title)}</a> (PDF)</li>' for d in project]
            out += ["</ul>", "<h2>Utvärderingar</h2>", "<ul>"]
            out += [f'\t<li><a href="{d.url}">{e(d.title)}</a> (PDF)</li>' for d in evals]
            out.append("</ul>")
            return "\n".join(out)
        if page.slug == "kalender":
            return (f"<p>BESÖK avslutas den 31 december 2013 och inga fler kurser är inplanerade.</p>\n"
                    f"<p>Alla genomförda kurser finns i {theme.a(site.page('arkiv').url, 'Arkiv')}, "
                    f"och efter ämne under {theme.a(site.page('utbildningar').url, 'Utbildningar')}.</p>")
        if page.slug == "individuella-insatser":
            return ("<p>Förutom de gemensamma kurserna har varje bibliotek kunnat söka medel för individuella insatser: "
                    "specialistutbildningar, konferenser och studiebesök som passar just det egna bibliotekets utvecklingsplan.</p>\n"
                    "<ul>\n\t<li>Konferensen Mötesplats Inför Framtiden, Borås</li>\n\t<li>Bok &amp; Bibliotek, Göteborg</li>\n"
                    "\t<li>Kurs i lättläst svenska, Stockholm</li>\n\t<li>Handledarutbildning i bokprat</li>\n</ul>")
        return (f"<p>BESÖK – {e(theme.TAGLINE)} – är ett kompetensutvecklingsprojekt för personalen på 15 bibliotek i "
                f"Östergötland, finansierat av Europeiska socialfonden 2011–2013.</p>\n"
                f"<p>Läs mer under {theme.a(site.page('dokument').url, 'Dokument')}.</p>")

    # -- files and small things -------------------------------------------------------------

    def upload(self, route: str, headers) -> Response:
        entry = self.site.uploads.get(route)
        if entry is None:
            return self.not_found()
        att, w, h = entry
        post = self.site.by_id.get(att.parent_id or 0)
        if att.kind == "image":
            body = media.jpeg(w, h, f"{self.site.config.seed}:{att.id}")
        else:
            body = media.pdf(att.title, att.lines)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = http_date(post.date if post else self.site.posts[0].date)
        hdrs = [("Last-Modified", modified), ("ETag", etag), ("Accept-Ranges", "bytes")]
        if headers is not None and (headers.get("If-None-Match") == etag
                                    or (not headers.get("If-None-Match") and headers.get("If-Modified-Since") == modified)):
            return Response(304, b"", att.mime, hdrs)
        return Response(200, body, att.mime, hdrs)

    def robots(self) -> Response:
        lines = ["User-agent: *", "Disallow: /wp-admin/", "Disallow: /wp-includes/"]
        if self.crawl_delay is not None:
            lines.append(f"Crawl-delay: {self.crawl_delay:g}")
        return text("\n".join(lines) + "\n", "text/plain; charset=utf-8")


    def _feed_headers(self, posts: list[Post] | None = None) -> list[tuple[str, str]]:
        posts = posts if posts is not None else self.newest_first
        last = max((p.modified for p in posts[:10]), default=self.site.closing.modified)
        return [("Last-Modified", http_date(last)), ("ETag", f'"{hashlib.md5(http_date(last).encode()).hexdigest()}"')]
