"""RSS 2.0 feeds as WordPress 3.7 wrote them (feed-rss2.php and feed-rss2-comments.php)."""
from __future__ import annotations

from html import escape

from replica.clock import rfc2822
from replica.wordpress.model import HOME, Comment, Post, Site
from replica.wordpress.theme import SITE_NAME, TAGLINE, WP_VERSION, body_parts, teaser_text

NAMESPACES = """	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	"""


def _cdata(s: str) -> str:
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _channel_head(title: str, self_url: str, link: str, last: str) -> str:
    return f"""	<title>{escape(title)}</title>
	<atom:link href="{escape(self_url)}" rel="self" type="application/rss+xml" />
	<link>{escape(link)}</link>
	<description>{escape(TAGLINE)}</description>
	<lastBuildDate>{last}</lastBuildDate>
	<language>sv-SE</language>
		<sy:updatePeriod>hourly</sy:updatePeriod>
		<sy:updateFrequency>1</sy:updateFrequency>
	<generator>http://wordpress.org/?v={WP_VERSION}</generator>
"""


def posts_feed(site: Site, posts: list[Post], self_url: str, title_suffix: str = "") -> str:
    """Up to 10 newest of `posts` (already newest first)."""
    items = []
    for p in posts[:10]:
        lead, rest = body_parts(site, p)
        cats = "".join(f"\t\t<category>{_cdata(t.name)}</category>\n" for t in p.categories + p.tags)
        excerpt = teaser_text(site, p) + " [&#8230;]"
        items.append(f"""		<item>
		<title>{escape(p.title)}</title>
		<link>{p.url}</link>
		<comments>{p.url}#comments</comments>
		<pubDate>{rfc2822(p.date)}</pubDate>
		<dc:creator>{escape(p.author.name)}</dc:creator>
{cats}
		<guid isPermaLink="false">{p.shortlink}</guid>
		<description>{_cdata(excerpt)}</description>
				<content:encoded>{_cdata(lead + f'<p><span id="more-{p.id}"></span></p>' + chr(10) + rest)}</content:encoded>
			<wfw:commentRss>{p.url}feed/</wfw:commentRss>
		<slash:comments>{len(p.comments)}</slash:comments>
		</item>
""")
    last = rfc2822(max((p.modified for p in posts[:10]), default=site.closing.modified))
    title = SITE_NAME + (f" &#187; {escape(title_suffix)}" if title_suffix else "")
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n{NAMESPACES}>\n\n<channel>\n'
            + _channel_head(title, self_url, HOME, last).replace(escape(title), title, 1)
            + "".join(items) + "	</channel>\n</rss>\n")


def comments_feed(site: Site, comments: list[Comment], self_url: str, post: Post | None) -> str:
    """Newest comments first, up to 10; site-wide or for one post."""
    items = []
    for c in comments[:10]:
        p = site.by_id[c.post_id]
        title = f"Av: {c.author}" if post else f"Kommentar till {p.title} av {c.author}"
        items.append(f"""	<item>
		<title>{escape(title)}</title>
		<link>{p.url}#comment-{c.id}</link>
		<dc:creator>{escape(c.author)}</dc:creator>
		<pubDate>{rfc2822(c.date)}</pubDate>
		<guid isPermaLink="false">{p.shortlink}#comment-{c.id}</guid>
		<description>{escape(c.text)}</description>
		<content:encoded>{_cdata(f"<p>{escape(c.text)}</p>")}</content:encoded>
	</item>
""")
    if post is not None:
        title, link = f"Kommentarer till: {post.title}", post.url
    else:
        title, link = f"Kommentarer för {SITE_NAME}", HOME
    last = rfc2822(comments[0].date if comments else (post.modified if post else site.closing.modified))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n{NAMESPACES}>\n<channel>\n'
            + _channel_head(title, self_url, link, last) + "".join(items) + "</channel>\n</rss>\n")
