"""HTML as WordPress 3.7 core and an Underscores (_s) theme emitted it, with the site's Swedish interface.

Pure functions from model objects to markup; no routing and no HTTP here.
"""
from __future__ import annotations

import calendar as cal
import random
import re
from html import escape, unescape

from replica import words
from replica.clock import SV_MONTHS, SV_WEEKDAYS_SHORT, iso, sv_date, sv_time, to_stockholm
from replica.wordpress.model import HOME, Attachment, Comment, Page, Post, Site

WP_VERSION = "3.7.1"
SITE_NAME = "BESÖK"
TAGLINE = "Bibliotekspersonal i E-län Samverkar för Ökad Kompetens"
THEME = f"{HOME}/wp-content/themes/besok"
WEEKDAY_NAMES = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
EXTERNAL = {
    "esf": "http://www.esf.se/",
    "gota": "http://www.gotabiblioteken.se/",
    "lansbibliotek": "http://www.lansbiblioteket.se/ostergotland/",
    "liu": "http://www.bibl.liu.se/",
    "hso": "http://www.hso-ostergotland.se/",
}


def a(href: str, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<a href="{escape(href)}"{extra}>{text}</a>'


def e(s: str) -> str:
    return escape(s, quote=True)


# --- the page shell -------------------------------------------------------------------------


def head_links(site: Site, *, canonical: str | None = None, shortlink: str | None = None,
               prev: Post | None = None, nxt: Post | None = None, feeds: list[tuple[str, str]] = ()) -> str:
    out = [f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Flöde" href="{HOME}/feed/" />',
           f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Kommentarsflöde" href="{HOME}/comments/feed/" />']
    for title, href in feeds:
        out.append(f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; {e(title)}" href="{e(href)}" />')
    out += [f"<link rel='stylesheet' id='besok-style-css'  href='{THEME}/style.css?ver={WP_VERSION}' type='text/css' media='all' />",
            f"<script type='text/javascript' src='{HOME}/wp-includes/js/comment-reply.min.js?ver={WP_VERSION}'></script>",
            f'<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{HOME}/xmlrpc.php?rsd" />',
            f'<link rel="wlwmanifest" type="application/wlwmanifest+xml" href="{HOME}/wp-includes/wlwmanifest.xml" /> ']
    if prev is not None:
        out.append(f"<link rel='prev' title='{e(prev.title)}' href='{prev.url}' />")
    if nxt is not None:
        out.append(f"<link rel='next' title='{e(nxt.title)}' href='{nxt.url}' />")
    out.append(f'<meta name="generator" content="WordPress {WP_VERSION}" />')
    if canonical:
        out.append(f"<link rel='canonical' href='{e(canonical)}' />")
    if shortlink:
        out.append(f"<link rel='shortlink' href='{e(shortlink)}' />")
    return "\n".join(out)


def menu(site: Site, current: str | None) -> str:
    def item(page: Page | None, label: str, href: str, children: str = "") -> str:
        pid = page.id if page else 30
        classes = ["menu-item", "menu-item-type-post_type" if page else "menu-item-type-custom",
                   "menu-item-object-page" if page else "menu-item-object-custom", f"menu-item-{pid + 100}"]
        if children:
            classes.append("menu-item-has-children")
        if current == href:
            classes += ["current-menu-item", "current_page_item"]
        return f'<li id="menu-item-{pid + 100}" class="{" ".join(classes)}"><a href="{href}">{e(label)}</a>{children}</li>'

    arkiv = site.page("arkiv")
    sub = f'\n<ul class="sub-menu">\n\t{item(arkiv, arkiv.title, arkiv.url)}\n</ul>\n'
    items = [item(None, "Hem", f"{HOME}/")]
    for slug in ("om-besok", "kalender", "utbildningar", "dokument", "individuella-insatser"):
        pg = site.page(slug)
        items.append(item(pg, pg.title, pg.url, sub if slug == "kalender" else ""))
    return ('<div class="menu-huvudmeny-container"><ul id="menu-huvudmeny" class="menu">'
            + "".join(items) + "</ul></div>")


def calendar_widget(site: Site, year: int, month: int) -> str:
    """The sidebar calendar; its ?m= neighbours are always linked, so it never runs out of months."""
    py, pm = (year, month - 1) if month > 1 else (year - 1, 12)
    ny, nm = (year, month + 1) if month < 12 else (year + 1, 1)
    days = site.days_with_posts(year, month)
    rows = []
    weeks = cal.Calendar(firstweekday=0).monthdayscalendar(year, month)
    for week in weeks:
        cells = []
        for i, d in enumerate(week):
            if d == 0:
                cells.append('<td class="pad">&nbsp;</td>')
            elif d in days:
                titles = ", ".join(p.title for p in days[d][:5])
                cells.append(f'<td><a href="{HOME}/{year:04d}/{month:02d}/{d:02d}/" title="{e(titles)}">{d}</a></td>')
            else:
                cells.append(f"<td>{d}</td>")
        rows.append("<tr>\n\t\t" + "".join(cells) + "\n\t</tr>")
    head = "".join(f'\n\t\t<th scope="col" title="{WEEKDAY_NAMES[i]}">{SV_WEEKDAYS_SHORT[i]}</th>' for i in range(7))
    return f"""<aside id="calendar-2" class="widget widget_calendar"><h1 class="widget-title">Kalender</h1><div id="calendar_wrap"><table id="wp-calendar">
	<caption>{SV_MONTHS[month - 1]} {year}</caption>
	<thead>
	<tr>{head}
	</tr>
	</thead>

	<tfoot>
	<tr>
		<td colspan="3" id="prev"><a href="{HOME}/?m={py:04d}{pm:02d}" title="Visa inlägg för {SV_MONTHS[pm - 1]} {py}">&laquo; {SV_MONTHS[pm - 1][:3]}</a></td>
		<td class="pad">&nbsp;</td>
		<td colspan="3" id="next"><a href="{HOME}/?m={ny:04d}{nm:02d}" title="Visa inlägg för {SV_MONTHS[nm - 1]} {ny}">{SV_MONTHS[nm - 1][:3]} &raquo;</a></td>
	</tr>
	</tfoot>

	<tbody>
	{"".join(rows)}
	</tbody>
	</table></div></aside>"""


def sidebar(site: Site, year: int, month: int) -> str:
    recent = site.posts[-5:][::-1]
    recent_html = "".join(f'\n\t\t\t\t<li>{a(p.url, e(p.title))}</li>' for p in recent)
    comments_html = "".join(
        f'<li class="recentcomments">{e(c.author)} om {a(site.by_id[c.post_id].url + f"#comment-{c.id}", e(site.by_id[c.post_id].title))}</li>'
        for c in site.recent_comments(5))
    months = "".join(f"\n\t<li><a href='{HOME}/{y:04d}/{m:02d}/'>{SV_MONTHS[m - 1]} {y}</a></li>"
                     for y, m in site.months_desc())
    cats = "".join(f'\n\t<li class="cat-item cat-item-{site.term_id(t)}">{a(t.url, e(t.name), title=f"Visa alla inlägg sparade under {t.name}")}\n</li>'
                   for t in site.categories)
    return f"""<div id="secondary" class="widget-area" role="complementary">
			<aside id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{HOME}/">
	<label>
		<span class="screen-reader-text">Sök efter:</span>
		<input type="search" class="search-field" placeholder="Sök &hellip;" value="" name="s" title="Sök efter:" />
	</label>
	<input type="submit" class="search-submit" value="Sök" />
</form>
</aside>		<aside id="recent-posts-2" class="widget widget_recent_entries">		<h1 class="widget-title">Senaste inläggen</h1>		<ul>{recent_html}
				</ul>
		</aside><aside id="recent-comments-2" class="widget widget_recent_comments"><h1 class="widget-title">Senaste kommentarer</h1><ul id="recentcomments">{comments_html}</ul></aside>{calendar_widget(site, year, month)}<aside id="archives-2" class="widget widget_archive"><h1 class="widget-title">Arkiv</h1>		<ul>{months}
		</ul>
</aside><aside id="categories-2" class="widget widget_categories"><h1 class="widget-title">Kategorier</h1>		<ul>{cats}
		</ul>
</aside>		</div><!-- #secondary -->"""


def shell(site: Site, *, title: str, body_class: str, main: str, head: str, calendar: tuple[int, int],
          current_menu: str | None = None, footer_links: list[str] = ()) -> str:
    doc_title = f"{e(title)} | {SITE_NAME}" if title else f"{SITE_NAME} | {e(TAGLINE)}"
    extra_footer = "".join(f'<a href="{e(href)}">{e(href)}</a> ' for href in footer_links)
    return f"""<!DOCTYPE html>
<html lang="sv-SE">
<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width" />
<title>{doc_title}</title>
<link rel="profile" href="http://gmpg.org/xfn/11" />
<link rel="pingback" href="{HOME}/xmlrpc.php" />
{head}
</head>

<body class="{body_class}">
<div id="page" class="hfeed site">
		<header id="masthead" class="site-header" role="banner">
		<div class="site-branding">
			<h1 class="site-title"><a href="{HOME}/" title="{SITE_NAME}" rel="home">{SITE_NAME}</a></h1>
			<h2 class="site-description">{e(TAGLINE)}</h2>
		</div>

		<nav id="site-navigation" class="main-navigation" role="navigation">
			<h1 class="menu-toggle">Meny</h1>
			<a class="skip-link screen-reader-text" href="#content">Hoppa till innehåll</a>

			{menu(site, current_menu)}
		</nav><!-- #site-navigation -->
	</header><!-- #masthead -->

	<div id="content" class="site-content">

	<div id="primary" class="content-area">
		<main id="main" class="site-main" role="main">

{main}

		</main><!-- #main -->
	</div><!-- #primary -->

{sidebar(site, *calendar)}

	</div><!-- #content -->

	<footer id="colophon" class="site-footer" role="contentinfo">
		<div class="site-info">
			{extra_footer}<a href="http://wordpress.org/" title="En semantisk personlig publiceringsplattform" rel="generator">Drivs med WordPress</a>
			<span class="sep"> | </span>
			Tema: Besök, baserat på Underscores.
		</div><!-- .site-info -->
	</footer><!-- #colophon -->
</div><!-- #page -->

<script type='text/javascript' src='{THEME}/js/navigation.js?ver=20120206'></script>
</body>
</html>
"""


# --- posts ----------------------------------------------------------------------------------


def post_classes(site: Site, post: Post) -> str:
    cls = [f"post-{post.id}", "post", "type-post", "status-publish", "format-standard", "hentry"]
    cls += [f"category-{t.slug}" for t in post.categories] + [f"tag-{t.slug}" for t in post.tags]
    return " ".join(cls)


def entry_meta(post: Post) -> str:
    local = post.local
    modified = to_stockholm(post.modified)
    updated = ""
    if post.modified > post.date:
        updated = f'<time class="updated" datetime="{iso(modified)}">{sv_date(modified)}</time>'
    return (f'<div class="entry-meta">\n\t\t\t<span class="posted-on">Posted on {a(post.url, "", title=sv_time(local), rel="bookmark")[:-4]}'
            f'<time class="entry-date published" datetime="{iso(local)}">{sv_date(local)}</time>{updated}</a></span>'
            f'<span class="byline"> by <span class="author vcard"><a class="url fn n" href="{post.author.url}" '
            f'title="Visa alla inlägg av {e(post.author.name)}" rel="author">{e(post.author.name)}</a></span></span>\t\t</div><!-- .entry-meta -->')


def entry_footer(site: Site, post: Post) -> str:
    cats = ", ".join(a(t.url, e(t.name), title=f"Visa alla inlägg i {t.name}", rel="category tag") for t in post.categories)
    tags = ", ".join(a(t.url, e(t.name), rel="tag") for t in post.tags)
    text = f"Detta inlägg publicerades i {cats}"
    if tags:
        text += f" och har märkts med {tags}"
    text += f". Bokmärk {a(post.url, 'permalänken', title=f'Permalänk till {post.title}', rel='bookmark')}."
    return f'<footer class="entry-meta">\n\t\t{text}\n\t</footer><!-- .entry-meta -->'


def image_html(att: Attachment, size: str = "medium", align: str = "aligncenter") -> str:
    v = att.variant(size) or (att.url, att.width, att.height)
    url, w, h = v
    return (f'<a href="{att.url}"><img class="{align} size-{size} wp-image-{att.id}" alt="{e(att.title)}" '
            f'src="{url}" width="{w}" height="{h}" /></a>')


def gallery_html(site: Site, post: Post) -> str:
    items = []
    for att in post.images:
        url, w, h = att.variant("thumbnail")  # type: ignore[misc]
        orientation = "landscape" if att.width >= att.height else "portrait"
        items.append(f"""<dl class='gallery-item'>
			<dt class='gallery-icon {orientation}'>
				<a href='{post.url}{att.slug}/'><img width="{w}" height="{h}" src="{url}" class="attachment-thumbnail" alt="{e(att.title)}" /></a>
			</dt></dl>""")
    return (f"<div id='gallery-{post.id}' class='gallery galleryid-{post.id} gallery-columns-3 gallery-size-thumbnail'>"
            + "".join(items) + "\n\t\t\t<br style='clear: both;' />\n\t\t</div>\n")


def body_parts(site: Site, post: Post) -> tuple[str, str]:
    """The post content before and after <!--more-->, as the_content() printed it."""
    if post.kind == "closing":
        return closing_parts(site, post)
    rng = random.Random(f"post:{site.config.seed}:{post.id}")
    topic = post.categories[0].name.lower()
    lead = f"<p>{e(post.lead)}</p>\n"
    rest = []
    if post.images:
        rest.append(f"<p>{image_html(post.images[0])}</p>")
    for _ in range(rng.randint(2, 4)):
        sentences = [words.fill(rng.choice(words.SENTENCES), rng, topic=topic) for _ in range(rng.randint(2, 4))]
        rest.append(f"<p>{e(' '.join(sentences))}</p>")
    if len(post.images) > 1:
        rest.append(gallery_html(site, post))
    if post.kind == "trip" and post.trip_blog:
        country = words.STUDY_TRIPS[1][post.trip_blog][0]
        blog = f"http://{post.trip_blog}.tumblr.com/"
        rest.append(f"<p>Under resan till {country} skrev deltagarna själva på bloggen "
                    f"{a(blog, f'{post.trip_blog}.tumblr.com')}. Där finns bilder och korta rapporter från varje dag.</p>")
    for doc in post.documents:
        rest.append(f"<p>Utvärderingen finns som PDF: {a(doc.url, e(doc.title))}</p>")
    if post.kind == "first":
        rest.append(f"<p>Alla kurser finns samlade på sidan {a(site.page('utbildningar').url, 'Utbildningar')}.</p>")
    rest.append(f"<p><em>/Text: {e(post.author.name)}</em></p>")
    return lead, "\n".join(rest) + "\n"


def teaser_text(site: Site, post: Post) -> str:
    """The plain text before <!--more-->: what WordPress's feed <description> and a reader show
    as the post's excerpt."""
    lead, _ = body_parts(site, post)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", lead)).split())


def closing_parts(site: Site, post: Post) -> tuple[str, str]:
    first = site.first
    hops = len(site.chain) - 1
    docs = {d.title: d for d in site.documents}
    behov = docs.get("Behovsinventering")
    trips = {p.trip_blog: p for p in site.posts if p.trip_blog}
    def trip_link(blog: str, label: str) -> str:
        p = trips.get(blog)
        return a(p.url if p else f"http://{blog}.tumblr.com/", label)
    lead = (f"<p>Den 31 december 2013 är det slut för BESÖK – Bibliotekspersonal i E-län Samverkar för Ökad Kompetens. "
            f"Projektet kom igång i september 2011, sedan {a(EXTERNAL['esf'], 'Europeiska socialfonden')} beviljat "
            f"närmare 5,7 miljoner kronor för att utveckla kompetensen hos personalen på 15 bibliotek i Östergötland. "
            f"Med i projektet var länets {a(EXTERNAL['gota'], '13 folkbibliotek')}, "
            f"{a(EXTERNAL['lansbibliotek'], 'länsbiblioteket')} som ägde projektet och "
            f"{a(EXTERNAL['liu'], 'Linköpings universitetsbibliotek')}.</p>\n")
    rest = [
        f"<p>Under det första året handlade arbetet om att förbereda: en "
        f"{a(behov.url if behov else site.page('dokument').url, 'behovsinventering')} gjordes och varje bibliotek "
        f"tog fram en utvecklingsplan (allt finns under {a(site.page('dokument').url, 'Dokument')}). "
        f"Under senvåren 2012 fick projektet klartecken att gå över i genomförandefasen, och kursverksamheten tog fart.</p>",
        f"<p>Från {a(site.posts[0].url, 'premiärdagarna')} den 29–31 maj 2012 och framåt har mer än 100 gemensamma kursdagar "
        f"hållits, om allt från biblioteksrummet, teknik och marknadsföring till bemötande och lässtimulerande metoder. "
        f"Efter varje kurs har en rapport med utvärdering lagts ut här på {a(HOME + '/', 'projektbesok.se')}.</p>",
        f"<p>Rapporterna listas med den senaste först på sidan {a(site.page('arkiv').url, 'Arkiv')} under fliken Kalender, "
        f"och efter ämne på sidan {a(site.page('utbildningar').url, 'Utbildningar')}. Den som hellre läser allt i den ordning "
        f"det publicerades kan börja {a(first.url, 'här')} och sedan trycka på \"Nästa\" i det övre högra hörnet "
        f"{hops} gånger.</p>",
        f"<p>Utöver kurserna har varje bibliotek kunnat göra dussintals "
        f"{a(site.page('individuella-insatser').url, 'individuella insatser')} – fördjupningskurser, konferenser och "
        f"liknande – som ett komplement till det gemensamma programmet.</p>",
        f"<p>Våren 2013 gjordes också tre fullspäckade studieresor till bibliotek i {trip_link('besokholland', 'Holland')}, "
        f"{trip_link('besokdanmark', 'Danmark')} och {trip_link('besokengland', 'England')}. Sammanlagt 75 "
        f"biblioteksanställda var med på någon av resorna. Deltagarna skrev själva om vad de såg, dels i reserapporter "
        f"här på webbplatsen, dels på tre bloggar: {a('http://besokholland.tumblr.com/', 'besokholland.tumblr.com')}, "
        f"{a('http://besokdanmark.tumblr.com/', 'besokdanmark.tumblr.com')} och "
        f"{a('http://besokengland.tumblr.com/', 'besokengland.tumblr.com')}.</p>",
        "<p>Totalt har <strong>360 personer</strong> på de 15 biblioteken gått minst en utbildning som BESÖK har betalat. "
        "(Egentligen är de ännu fler, eftersom personal från andra bibliotek ibland fick följa med när det fanns lediga "
        "platser.) Sammanlagt har 11722 timmar gått till kursdeltagande.</p>",
        f"<p>En lika viktig vinst är att samarbetet mellan Götabiblioteken har blivit tätare, liksom kontakterna med "
        f"universitetsbiblioteket och {a(EXTERNAL['hso'], 'Handikappföreningarna Östergötland')}, som har hjälpt projektet "
        f"att göra kurserna mer tillgängliga för personer med funktionsnedsättning.</p>",
        "<p>Att samverka kring kompetensutveckling lönar sig: det ger fler, större och bättre kurser till en rimlig "
        "kostnad, och personal i hela länet lär av varandra, både på och vid sidan av kurserna. Bibliotekscheferna har "
        "därför bestämt att samarbetet kring utbildning ska fortsätta även när BESÖK är avslutat.</p>",
        f"<p><em>/Text: {e(post.author.name)}, projektledare</em></p>",
    ]
    return lead, "\n".join(rest) + "\n"


def post_nav(site: Site, post: Post) -> str:
    prev, nxt = site.neighbours(post)
    parts = ['<nav role="navigation" id="nav-above" class="navigation post-navigation">',
             '\t\t<h1 class="screen-reader-text">Inläggsnavigering</h1>']
    if prev is not None:
        parts.append(f'\t\t<div class="nav-previous"><a href="{prev.url}" rel="prev">Föregående</a></div>')
    if nxt is not None:
        parts.append(f'\t\t<div class="nav-next"><a href="{nxt.url}" rel="next">Nästa</a></div>')
    parts.append("\t</nav><!-- #nav-above -->")
    return "\n".join(parts)


def comment_html(site: Site, post: Post, c: Comment, children: dict[int, list[Comment]], counter: list[int]) -> str:
    counter[0] += 1
    parity = "odd alt" if counter[0] % 2 == 0 else "even"
    kids = children.get(c.id, [])
    cls = f"comment {parity} thread-{parity.split()[0]} depth-{c.depth}" + (" parent" if kids else "")
    local = to_stockholm(c.date)
    reply = ""
    if c.depth < 5:
        reply = (f"<div class=\"reply\">\n\t\t\t\t<a class='comment-reply-link' href='{post.url}?replytocom={c.id}#respond' "
                 f"onclick='return addComment.moveForm(\"div-comment-{c.id}\", \"{c.id}\", \"respond\", \"{post.id}\")'>Svara</a>\t\t\t</div>")
    inner = ""
    if kids:
        inner = '\n<ol class="children">\n' + "".join(comment_html(site, post, k, children, counter) for k in kids) + "</ol><!-- .children -->\n"
    return f"""		<li id="comment-{c.id}" class="{cls}">
			<article id="div-comment-{c.id}" class="comment-body">
				<footer class="comment-meta">
					<div class="comment-author vcard">
						<b class="fn">{e(c.author)}</b> <span class="says">skriver:</span>					</div><!-- .comment-author -->

					<div class="comment-metadata">
						<a href="{post.url}#comment-{c.id}">
							<time datetime="{iso(local)}">{sv_date(local)} kl. {sv_time(local)}</time>
						</a>
					</div><!-- .comment-metadata -->
				</footer><!-- .comment-meta -->

				<div class="comment-content">
					<p>{e(c.text)}</p>
				</div><!-- .comment-content -->

				{reply}
			</article><!-- .comment-body -->
{inner}</li><!-- #comment-## -->
"""


def comments_area(site: Site, post: Post, reply_to: int | None) -> str:
    children: dict[int, list[Comment]] = {}
    for c in post.comments:
        children.setdefault(c.parent, []).append(c)
    parts = ['<div id="comments" class="comments-area">']
    if post.comments:
        n = len(post.comments)
        label = "En reaktion" if n == 1 else f"{n} reaktioner"
        counter = [0]
        parts.append(f'\t<h2 class="comments-title">\n\t\t\t{label} på &ldquo;<span>{e(post.title)}</span>&rdquo;\t\t</h2>')
        parts.append('\t<ol class="comment-list">\n' + "".join(comment_html(site, post, c, children, counter) for c in children.get(0, []))
                     + "\t</ol><!-- .comment-list -->")
    hidden = "" if reply_to else ' style="display:none;"'
    parts.append(f"""								<div id="respond" class="comment-respond">
				<h3 id="reply-title" class="comment-reply-title">Lämna ett svar <small><a rel="nofollow" id="cancel-comment-reply-link" href="{post.url}#respond"{hidden}>Avbryt svar</a></small></h3>
				<form action="{HOME}/wp-comments-post.php" method="post" id="commentform" class="comment-form">
					<p class="comment-notes">Din e-postadress kommer inte publiceras.</p>
					<p class="comment-form-author"><label for="author">Namn</label> <input id="author" name="author" type="text" value="" size="30" /></p>
					<p class="comment-form-email"><label for="email">E-post</label> <input id="email" name="email" type="text" value="" size="30" /></p>
					<p class="comment-form-comment"><label for="comment">Kommentar</label> <textarea id="comment" name="comment" cols="45" rows="8"></textarea></p>
					<p class="form-submit">
						<input name="submit" type="submit" id="submit" value="Publicera kommentar" />
						<input type='hidden' name='comment_post_ID' value='{post.id}' id='comment_post_ID' />
						<input type='hidden' name='comment_parent' id='comment_parent' value='{reply_to or 0}' />
					</p>
				</form>
							</div><!-- #respond -->
			</div><!-- #comments -->""")
    return "\n".join(parts)


def single_article(site: Site, post: Post) -> str:
    lead, rest = body_parts(site, post)
    return f"""<article id="post-{post.id}" class="{post_classes(site, post)}">
	<header class="entry-header">
		<h1 class="entry-title">{e(post.title)}</h1>

		{entry_meta(post)}
	</header><!-- .entry-header -->

	<div class="entry-content">
		{lead}<p><span id="more-{post.id}"></span></p>
{rest}	</div><!-- .entry-content -->

	{entry_footer(site, post)}
</article><!-- #post-## -->"""


def listing_article(site: Site, post: Post) -> str:
    lead, _ = body_parts(site, post) if post.kind == "closing" else (f"<p>{e(post.lead)}</p>\n", "")
    more = f' <a href="{post.url}#more-{post.id}" class="more-link">Fortsätt läsa <span class="meta-nav">&rarr;</span></a>'
    lead = lead.rstrip()
    if lead.endswith("</p>"):
        lead = lead[:-4] + more + "</p>"
    n = len(post.comments)
    comments_link = (f'<span class="comments-link"><a href="{post.url}#comments" title="Kommentarer till {e(post.title)}">'
                     + ("Lämna en kommentar" if n == 0 else ("1 kommentar" if n == 1 else f"{n} kommentarer")) + "</a></span>")
    return f"""<article id="post-{post.id}" class="{post_classes(site, post)}">
	<header class="entry-header">
		<h1 class="entry-title"><a href="{post.url}" rel="bookmark">{e(post.title)}</a></h1>

		{entry_meta(post)}
	</header><!-- .entry-header -->

	<div class="entry-content">
		{lead}
	</div><!-- .entry-content -->

	<footer class="entry-meta">
		{comments_link}
	</footer><!-- .entry-meta -->
</article><!-- #post-## -->"""


def paging_nav(older: str | None, newer: str | None) -> str:
    if not older and not newer:
        return ""
    parts = ['<nav role="navigation" id="nav-below" class="navigation paging-navigation">',
             '\t\t<h1 class="screen-reader-text">Inläggsnavigering</h1>']
    if older:
        parts.append(f'\t\t<div class="nav-previous"><a href="{older}" ><span class="meta-nav">&larr;</span> Äldre inlägg</a></div>')
    if newer:
        parts.append(f'\t\t<div class="nav-next"><a href="{newer}" >Nyare inlägg <span class="meta-nav">&rarr;</span></a></div>')
    parts.append("\t</nav><!-- #nav-below -->")
    return "\n".join(parts)


def attachment_article(site: Site, post: Post, att: Attachment) -> str:
    large = att.variant("large") or (att.url, att.width, att.height)
    images = post.images
    i = images.index(att)
    nxt = images[i + 1] if i + 1 < len(images) else None
    prv = images[i - 1] if i > 0 else None
    link_to = f"{post.url}{nxt.slug}/" if nxt else att.url
    local = post.local
    nav = ['<nav role="navigation" id="image-navigation" class="image-navigation">']
    if prv:
        nav.append(f'\t<div class="nav-previous"><a href=\'{post.url}{prv.slug}/\'><span class="meta-nav">&larr;</span> Föregående</a></div>')
    if nxt:
        nav.append(f'\t<div class="nav-next"><a href=\'{post.url}{nxt.slug}/\'>Nästa <span class="meta-nav">&rarr;</span></a></div>')
    nav.append("</nav><!-- #image-navigation -->")
    return f"""<article id="post-{att.id}" class="post-{att.id} attachment type-attachment status-inherit hentry">
	<header class="entry-header">
		<h1 class="entry-title">{e(att.title)}</h1>

		<div class="entry-meta">
			Publicerad <span class="entry-date"><time class="entry-date" datetime="{iso(local)}">{sv_date(local)}</time></span> i <a href="{att.url}" title="Länk till fullstor bild">{att.width} &times; {att.height}</a> i <a href="{post.url}" title="Gå tillbaka till {e(post.title)}" rel="gallery">{e(post.title)}</a>
		</div><!-- .entry-meta -->

		{chr(10).join(nav)}
	</header><!-- .entry-header -->

	<div class="entry-content">
		<div class="entry-attachment">
			<div class="attachment">
				<a href="{link_to}" rel="attachment"><img width="{large[1]}" height="{large[2]}" src="{large[0]}" class="attachment-1200x1200" alt="{e(att.title)}" /></a>
			</div><!-- .attachment -->
		</div><!-- .entry-attachment -->
	</div><!-- .entry-content -->
</article><!-- #post-{att.id} -->"""


def page_article(page: Page, content: str) -> str:
    return f"""<article id="post-{page.id}" class="post-{page.id} page type-page status-publish hentry">
	<header class="entry-header">
		<h1 class="entry-title">{e(page.title)}</h1>
	</header><!-- .entry-header -->

	<div class="entry-content">
{content}
	</div><!-- .entry-content -->
</article><!-- #post-{page.id} -->"""


def not_found_main() -> str:
    return """<section class="error-404 not-found">
				<header class="page-header">
					<h1 class="page-title">Hoppsan! Sidan kunde inte hittas.</h1>
				</header><!-- .page-header -->

				<div class="page-content">
					<p>Det verkar som om ingenting hittades här. Prova en av länkarna nedan eller en sökning?</p>
				</div><!-- .page-content -->
			</section><!-- .error-404 -->"""


def no_results_main(title: str) -> str:
    return f"""<header class="page-header">
				<h1 class="page-title">{title}</h1>
			</header><!-- .page-header -->
<section class="no-results not-found">
	<header class="page-header">
		<h1 class="page-title">Inget hittades</h1>
	</header><!-- .page-header -->

	<div class="page-content">
		<p>Det verkar som om vi inte kan hitta det du letar efter. Kanske kan en sökning hjälpa.</p>
	</div><!-- .page-content -->
</section><!-- .no-results -->"""
