"""Pure parts of the harvester (config, traps, platform rules, decoding) and the wire-level client."""
from __future__ import annotations

import gzip
import io
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harvester import ConfigError, load_config
from harvester.config import WordPressSettings, parse_override
from harvester.fetch import Fetcher, decode_content
from harvester.links import parse_html, parse_xml
from harvester.metadata import CaptureMetadata, from_warc_fields, parse_fields, to_warc_fields
from harvester.platforms import tumblr, wordpress
from harvester.platforms.base import PRIORITY_LISTING
from harvester.state import CrawlState
from harvester.traps import Learnt, TrapFilter, rule_match
from harvester.config import TrapSettings, TRAP_RULES
from harvester.warc import RotatingWarcWriter, complete_members_end, recover_open_file

ROOT = Path(__file__).resolve().parents[2]
TOML = ROOT / "replica" / "harvest.toml"


def bin_(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


# config ----------------------------------------------------------------------------------------
def test_overrides_are_toml_values_with_string_fallback():
    assert parse_override("politeness.delay=0.5") == ("politeness", "delay", 0.5)
    assert parse_override("wordpress.chain_start=http://x.se/a/") == ("wordpress", "chain_start", "http://x.se/a/")
    cfg = load_config(TOML, overrides=["politeness.max_connections_per_host=4", "tumblr.blogs=[]"])
    assert cfg.politeness.max_connections_per_host == 4 and cfg.tumblr.blogs == ()


@pytest.mark.parametrize("override, key", [
    ("politeness.delay=-1", "politeness.delay"),
    ("politeness.dealy=1", "politeness.dealy"),
    ("network.proxy=ftp://x", "network.proxy"),
    ("traps.rules=['nope']", "traps.rules"),
    ("wordpress.chain_start=somewhere", "wordpress.chain_start"),
])
def test_bad_settings_name_the_offending_key(override, key):
    with pytest.raises(ConfigError) as info:
        load_config(TOML, overrides=[override])
    assert info.value.key == key


def test_cli_exits_2_with_a_clear_message_on_bad_config(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[politeness]\ndelay = 'soon'\n")
    proc = subprocess.run([sys.executable, "-m", "wparchive", "harvest", str(bad), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "politeness.delay" in proc.stderr and "expected a number" in proc.stderr


@pytest.mark.parametrize("args, names", [
    (["--set", "limits.max_depth=-1"], "limits.max_depth"),
    (["--set", "limits.max_pages=-5"], "limits.max_pages"),
    (["--proxy", "http://127.0.0.1:notaport"], "network.proxy"),
    (["--set", "wordpress.nav_selectors=['.nav-links', 'div > a']"], "wordpress.nav_selectors"),
    (["--set", "wordpress.nav_selectors=['nav[role=x]']"], "wordpress.nav_selectors"),
])
def test_bad_settings_exit_2_with_one_line_naming_the_setting(tmp_path, capsys, args, names):
    from wparchive.cli import main

    code = main(["harvest", str(TOML), "--out", str(tmp_path / "o"), *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("wparchive harvest: bad configuration: ") and names in err[0]
    assert not (tmp_path / "o").exists(), "nothing is written for a config that cannot be used"


def test_a_bad_http_proxy_variable_exits_2_naming_it_before_anything_is_written(tmp_path, capsys, monkeypatch):
    from wparchive.cli import main

    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:notaport")
    code = main(["harvest", str(TOML), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "http_proxy (environment variable)" in err[0], err
    assert not (tmp_path / "o" / "harvest" / "state.sqlite").exists()


def test_a_folder_given_as_the_config_file_exits_2_saying_so(tmp_path, capsys):
    from wparchive.cli import main

    code = main(["harvest", str(tmp_path), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert str(tmp_path) in err[0] and "is a folder, not a config file" in err[0]


def test_the_nav_selectors_the_config_accepts_are_the_ones_the_crawl_compiles():
    from harvester.selectors import selector_xpath

    cfg = load_config(TOML, overrides=["wordpress.nav_selectors=['nav', '.nav-links', '#nav-below', 'div.x']"])
    assert [selector_xpath(s) for s in cfg.wordpress.nav_selectors]
    with pytest.raises(ValueError):
        selector_xpath("div > a")
    with pytest.raises(ConfigError) as info:
        load_config(TOML, overrides=["wordpress.nav_selectors=['div > a']"])
    assert info.value.key == "wordpress.nav_selectors" and "div > a" in str(info.value)


def test_example_config_uses_auto_chain_start():
    cfg = load_config(ROOT / "examples" / "besok.toml")
    assert cfg.wordpress.chain_start == "auto" and len(cfg.tumblr.blogs) == 3


def test_the_installed_package_ships_the_example_config_and_harvest_prints_it(capsys):
    from importlib.resources import as_file, files

    from wparchive.cli import main

    shipped = files("wparchive") / "besok.toml"
    assert shipped.read_bytes() == (ROOT / "examples" / "besok.toml").read_bytes(), \
        "examples/besok.toml is a link to the packaged wparchive/besok.toml; restore the link"
    with as_file(shipped) as path:
        cfg = load_config(path)
    assert cfg.wordpress.site == "http://projektbesok.se/" and len(cfg.tumblr.blogs) == 3
    assert main(["harvest", "--example-config"]) == 0
    assert capsys.readouterr().out == shipped.read_text(encoding="utf-8")


# traps -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("url, rule", [
    ("http://s.se/?m=201205", "calendar"),
    ("http://s.se/2012/05/29/x/?replytocom=3#respond", "replytocom"),
    ("http://s.se/wp-login.php?redirect_to=x", "login_admin"),
    ("http://s.se/?s=bibliotek", "search"),
    ("http://s.se/2012/05/29/x/feed/", "feed_fanout"),
    ("http://s.se/category/teknik/feed/", "feed_fanout"),
    ("http://s.se/?p=219&preview=true", "preview"),
    ("http://s.se/x/?share=facebook", "share"),
])
def test_trap_rules_name_their_reason(url, rule):
    assert rule_match(url, frozenset(TRAP_RULES)) == rule


def test_site_feed_and_ordinary_pages_are_not_traps():
    for url in ("http://s.se/feed/", "http://s.se/comments/feed/", "http://s.se/2012/05/29/x/", "http://s.se/?p=40"):
        assert rule_match(url, frozenset(TRAP_RULES)) is None


def test_query_explosion_and_pages_beyond_the_last_are_cut():
    traps = TrapFilter(TrapSettings(max_query_variants=3))
    assert [traps.check(f"http://s.se/x?id={i}") for i in range(5)] == [None, None, None,
                                                                        "query_explosion", "query_explosion"]
    traps.set_last_page("s.se/arkiv/", 4)
    assert traps.check("http://s.se/arkiv/page/4/") is None
    assert traps.check("http://s.se/arkiv/page/5/") == "page_beyond_last"


def test_what_the_trap_rules_learnt_is_restored_from_the_crawl_state(tmp_path):
    traps, learnt = TrapFilter(TrapSettings(max_query_variants=2)), []
    traps.set_last_page("s.se/arkiv/", 4, learnt)
    traps.set_last_page("s.se/arkiv/", 3, learnt)
    assert [traps.check(f"http://s.se/x?id={i}", learnt=learnt) for i in range(3)] == [None, None, "query_explosion"]
    state = CrawlState(tmp_path / "state.sqlite")
    with state.transaction() as db:
        for fact in learnt:
            state.remember_trap(db, fact.rule, fact.key, fact.value)
    state.close()

    resumed = TrapFilter(TrapSettings(max_query_variants=2))
    resumed.restore(Learnt(*row) for row in CrawlState(tmp_path / "state.sqlite").trap_memory())
    assert resumed.check("http://s.se/x?id=1") is None
    assert resumed.check("http://s.se/x?id=7") == "query_explosion"
    assert resumed.check("http://s.se/arkiv/page/4/") is None
    assert resumed.check("http://s.se/arkiv/page/5/") == "page_beyond_last"


# platforms -------------------------------------------------------------------------------------
SINGLE = b"""<html><head><link rel="shortlink" href="/?p=7"></head>
<body class="single postid-7"><article><time class="entry-date" datetime="2012-06-01T10:00:00+02:00">1 juni</time>
<img src="/wp-content/uploads/2012/06/bild-300x225.jpg"></article>
<nav class="navigation-post"><div class="nav-previous"><a href="/2012/05/01/a/">&larr; F\xc3\xb6reg\xc3\xa5ende</a></div>
<div class="nav-next"><a href="/2012/07/01/c/">N\xc3\xa4sta &rarr;</a></div></nav></body></html>"""


def test_next_link_found_by_text_when_rel_is_missing():
    tree = parse_html(SINGLE, "http://s.se/2012/06/01/b/")
    settings = WordPressSettings(site="http://s.se/")
    assert wordpress.find_adjacent(tree, "http://s.se/2012/06/01/b/", settings, "next") == \
        ("http://s.se/2012/07/01/c/", "nav-text")
    assert wordpress.find_adjacent(tree, "http://s.se/2012/06/01/b/", settings, "prev")[0] == "http://s.se/2012/05/01/a/"


def test_rel_next_in_post_navigation_wins_over_text():
    html = SINGLE.replace(b'<a href="/2012/07/01/c/">', b'<a rel="next" href="/2012/07/02/d/">')
    tree = parse_html(html, "http://s.se/2012/06/01/b/")
    found = wordpress.find_adjacent(tree, "http://s.se/2012/06/01/b/", WordPressSettings(site="http://s.se/"), "next")
    assert found == ("http://s.se/2012/07/02/d/", "nav-rel-next")


def test_size_variants_lead_to_the_original_upload():
    assert wordpress.original_image("http://s.se/wp-content/uploads/2012/06/bild-300x225.jpg") == \
        "http://s.se/wp-content/uploads/2012/06/bild.jpg"
    assert wordpress.original_image("http://s.se/wp-content/uploads/2012/06/bild.jpg") is None
    tree = parse_html(SINGLE, "http://s.se/2012/06/01/b/")
    from harvester.links import html_links
    url = "http://s.se/2012/06/01/b/"
    analysis = wordpress.analyse_html(tree, url, html_links(tree, url), WordPressSettings(site="http://s.se/"))
    assert analysis.is_post and analysis.published.startswith("2012-06-01")
    assert "http://s.se/wp-content/uploads/2012/06/bild.jpg" in {l.url for l in analysis.links}


API = b"""<?xml version="1.0" encoding="UTF-8"?><tumblr version="1.0"><tumblelog name="b"/>
<posts start="0" total="120"><post id="1" url="http://b.tumblr.com/post/1" url-with-slug="http://b.tumblr.com/post/1/x" type="photo">
<photo-url max-width="1280">http://41.media.tumblr.com/a/p_1280.jpg</photo-url>
<photo-url max-width="500">http://41.media.tumblr.com/a/p_500.jpg</photo-url>
<photoset><photo offset="o1"><photo-url max-width="400">http://41.media.tumblr.com/a/q_400.jpg</photo-url>
<photo-url max-width="1280">http://41.media.tumblr.com/a/q_1280.jpg</photo-url></photo></photoset></post></posts></tumblr>"""


def test_tumblr_api_gives_largest_photos_and_pages_until_total():
    url = "http://b.tumblr.com/api/read?start=0&num=50"
    result = tumblr.analyse_api(parse_xml(API), url, load_config(TOML).tumblr)
    urls = {l.url: l.discovered_by for l in result.links}
    assert urls["http://b.tumblr.com/post/1/x"] == "tumblr:api-post"
    assert {u for u, how in urls.items() if how == "tumblr:largest-photo"} == {
        "http://41.media.tumblr.com/a/p_1280.jpg", "http://41.media.tumblr.com/a/q_1280.jpg"}
    assert urls["http://b.tumblr.com/api/read?start=50&num=50"] == "tumblr:api-next"
    last = tumblr.analyse_api(parse_xml(API), "http://b.tumblr.com/api/read?start=100&num=50",
                              load_config(TOML).tumblr)
    assert not [l for l in last.links if l.discovered_by == "tumblr:api-next"]


def test_xml_entities_are_never_expanded():
    evil = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><link>&x;</link></rss>'
    root = parse_xml(evil)
    assert "root:" not in (root.findtext("link") or "")


def test_internal_xml_entities_are_not_expanded_by_our_parser_as_they_are_by_lxmls_default():
    import lxml.etree

    payload = "A" * 10_000
    doc = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "{payload}">]><x>&e;</x>'.encode()
    assert lxml.etree.fromstring(doc).text == payload, "the default parser expands it: the case is a real one"
    root = parse_xml(doc)
    assert root is not None and root.tag == "x"
    assert payload not in "".join(root.itertext()) and payload.encode() not in lxml.etree.tostring(root)


def test_decompression_is_capped_so_a_gzip_bomb_cannot_fill_memory():
    import tracemalloc

    inflated = 50_000_000
    bomb = io.BytesIO(gzip.compress(b"\0" * inflated))
    tracemalloc.start()
    try:
        content, note = decode_content(bomb, "gzip", 1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert content is None and "gzip bomb" in note
    assert peak < inflated // 10, f"decoding the bomb peaked at {peak} bytes of {inflated} inflated"
    content, note = decode_content(io.BytesIO(gzip.compress(b"hej")), "gzip", 1_000_000)
    assert content == b"hej" and note == ""


# wire level and WARC ---------------------------------------------------------------------------
def capture(tmp_path: Path, chunked: bool) -> tuple[Path, object]:
    from replica import ReplicaConfig, ReplicaServer

    with ReplicaServer(ReplicaConfig(chunked=chunked), port=0) as srv:
        url = srv.ground_truth()["wordpress"]["posts"][0]["url"]
        ex = Fetcher("wparchive-test (+mailto:test@example.org)", srv.proxy_url, accept_encoding="identity").fetch(url)
    writer = RotatingWarcWriter(tmp_path / ("chunked" if chunked else "plain"), "t", 10**9, {"software": "test"})
    writer.write_exchange(ex)
    writer.close()
    return next((tmp_path / ("chunked" if chunked else "plain")).glob("*.warc.gz")), ex


def test_chunked_response_kept_as_received_with_payload_digest_of_the_entity(tmp_path):
    warc, ex = capture(tmp_path, chunked=True)
    _, plain = capture(tmp_path, chunked=False)
    assert ex.chunked and b"transfer-encoding: chunked" in ex.head_bytes.lower()
    ex.body.seek(0)
    assert ex.body.read().rstrip().endswith(b"0"), "chunk framing is stored as received"
    assert ex.payload_digest == plain.payload_digest, "same entity, same payload digest, whatever the framing"
    assert ex.block_digest != plain.block_digest
    fast = subprocess.run([bin_("fastwarc"), "check", "-q", str(warc)], capture_output=True, text=True)
    assert fast.returncode == 0, "FastWARC verifies the block digest of the chunked record"
    checked = subprocess.run([bin_("warcio"), "check", "-v", str(warc)], capture_output=True, text=True)
    problems = [l.strip() for l in checked.stdout.splitlines() if "failed" in l]
    assert problems == [f"payload digest failed {ex.payload_digest}"] or \
        problems == [f"payload digest failed: {ex.payload_digest}"], (
        "warcio hashes the transfer-encoded bytes (warcio issue #74); its only complaint is that payload digest")


def test_open_warc_cut_by_kill_is_truncated_to_its_last_whole_record(tmp_path):
    _, ex = capture(tmp_path, chunked=False)
    writer = RotatingWarcWriter(tmp_path / "w", "t", 10**9, {"software": "test"})
    writer.write_exchange(ex)
    writer.flush()
    good = writer.size()
    ex.body.seek(0)
    writer.write_exchange(ex)
    writer.flush()
    path = writer.open_path
    with open(path, "r+b") as fh:
        fh.truncate(writer.size() - 100)
    assert complete_members_end(path) >= good
    size, cut = recover_open_file(path, good)
    assert cut and size == good
    proc = subprocess.run([bin_("warcio"), "check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


# scope and URLs --------------------------------------------------------------------------------
def test_media_hosts_serve_page_requisites_only_and_other_hosts_nothing():
    from harvester.scope import Scope

    scope = Scope(load_config(TOML))
    assert scope.check("http://projektbesok.se/kalender/").allowed
    assert scope.check("http://41.media.tumblr.com/a/p_1280.jpg").allowed
    assert not scope.check("http://41.media.tumblr.com/some/page").allowed
    assert scope.check("http://41.media.tumblr.com/some/page", requisite=True).allowed
    decision = scope.check("http://www.esf.se/")
    assert not decision.allowed and "www.esf.se" in decision.reason
    assert not scope.check("ftp://projektbesok.se/x").allowed


def test_scope_compares_the_port_too_default_for_the_scheme_unless_the_entry_names_one():
    from harvester.scope import Scope

    scope = Scope(load_config(TOML))
    assert scope.check("http://projektbesok.se/").allowed and scope.check("http://projektbesok.se:80/").allowed
    assert scope.check("https://projektbesok.se/").allowed
    other = scope.check("http://projektbesok.se:8080/")
    assert not other.allowed and "projektbesok.se:8080" in other.reason
    assert not scope.check("https://projektbesok.se:80/").allowed
    assert not scope.check("http://41.media.tumblr.com:8080/a/p_1280.jpg").allowed
    named = Scope(load_config(TOML, overrides=["scope.extra_hosts=['projektbesok.se:8080']"]))
    assert named.check("http://projektbesok.se:8080/").allowed
    local = Scope(load_config(TOML, overrides=["wordpress.site=http://127.0.0.1:8080/", "tumblr.blogs=[]"]))
    assert local.check("http://127.0.0.1:8080/x/").allowed
    assert not local.check("http://127.0.0.1/x/").allowed and not local.check("http://127.0.0.1:9/x/").allowed
    with pytest.raises(ConfigError) as info:
        load_config(TOML, overrides=["scope.extra_hosts=['projektbesok.se:http']"])
    assert info.value.key == "scope.extra_hosts"


def test_media_host_patterns_with_character_classes_are_accepted_and_match_with_their_port():
    from harvester.scope import Scope

    patterns = "scope.media_hosts=['[0-9]*.media.tumblr.com', 'img[a-c].example.org:8080']"
    scope = Scope(load_config(TOML, overrides=[patterns]))
    assert scope.check("http://41.media.tumblr.com/a/p_1280.jpg").allowed
    assert not scope.check("http://xx.media.tumblr.com/a/p_1280.jpg").allowed
    assert scope.check("http://imgb.example.org:8080/a.jpg").allowed
    assert not scope.check("http://imgb.example.org/a.jpg").allowed
    assert not scope.check("http://imgd.example.org:8080/a.jpg").allowed
    with pytest.raises(ConfigError) as info:
        load_config(TOML, overrides=["scope.media_hosts=['[0-9]*.media.tumblr.com:http']"])
    assert info.value.key == "scope.media_hosts" and "port" in str(info.value)


def test_interrupted_message_says_which_warc_files_are_still_open(tmp_path):
    from wparchive.cmd_harvest import interrupted_message

    warc = tmp_path / "harvest" / "warc"
    warc.mkdir(parents=True)
    (warc / "besok-20240101000000-00001-h.warc.gz").write_bytes(b"")
    assert "the WARC files are closed" in interrupted_message(str(tmp_path), "wparchive harvest ... --resume")
    (warc / "besok-20240101000000-00002-h.warc.gz.open").write_bytes(b"")
    message = interrupted_message(str(tmp_path), "wparchive harvest ... --resume")
    assert "the WARC files are closed" not in message
    assert "1 WARC file(s) still open (besok-20240101000000-00002-h.warc.gz.open)" in message
    assert message.rstrip().endswith("wparchive harvest ... --resume")


def test_urls_are_normalised_to_one_spelling():
    from harvester.urls import normalize

    assert normalize("HTTP://ProjektBesok.SE:80/a b/#frag") == "http://projektbesok.se/a%20b/"
    assert normalize("../x/?q=1", "http://s.se/a/b/") == "http://s.se/a/x/?q=1"
    assert normalize("javascript:alert(1)") is None and normalize("mailto:a@b.se") is None


def test_retry_after_accepts_seconds_and_http_dates():
    from harvester.crawler import retry_after_seconds

    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None


# metadata records --------------------------------------------------------------------------------
def test_metadata_is_one_named_field_per_line_and_reads_back():
    hop = {"position": 2, "from": "http://a.se/2012/01/01/x/", "to": "http://a.se/2012/01/02/y/",
           "found_by": "nav-rel-next"}
    meta = CaptureMetadata("http://a.se/", "chain:nav-rel-next", 3,
                           ("http://a.se/b/", "http://a.se/a/\r\nx-injected: 1"), hop)
    block = to_warc_fields(meta)
    lines = block.decode("utf-8").split("\r\n")
    assert lines[:3] == ["via: http://a.se/", "wparchive-discovered-by: chain:nav-rel-next", "wparchive-depth: 3"]
    assert [n for n, _ in parse_fields(block)].count("outlink") == 2
    assert "x-injected" not in [n for n, _ in parse_fields(block)]
    assert lines[-2].startswith("wparchive-chain-hop: {") and lines[-1] == ""
    back = from_warc_fields(block)
    assert back.chain_hop == hop and back.via == "http://a.se/" and back.depth == 3
    assert back.outlinks[0] == "http://a.se/a/"
    plain = from_warc_fields(to_warc_fields(CaptureMetadata(None, "seed", 0)))
    assert plain.via is None and plain.chain_hop is None and plain.outlinks == ()


# real WordPress markup: oEmbed alternates, month archives, menu listings --------------------------
SAMPLES = ROOT / "tests" / "realwp" / "samples"


def analyse_sample(theme: str, name: str, url: str, settings: WordPressSettings | None = None):
    from harvester.links import html_links

    tree = parse_html((SAMPLES / theme / name).read_bytes(), url)
    return wordpress.analyse_html(tree, url, html_links(tree, url), settings or WordPressSettings())


def test_oembed_alternates_of_a_real_post_are_skipped_as_a_trap():
    url = "http://projektbesok.se/2012/05/29/premiardagarna-29-31-maj-besok-drar-i-gang/"
    analysis = analyse_sample("twentytwentythree", "first-post.html", url)
    oembeds = [l for l in analysis.links if "/oembed/" in l.url]
    assert len(oembeds) == 2 and {l.discovered_by for l in oembeds} == {"link:oembed"}
    traps = TrapFilter(TrapSettings())
    assert {traps.check(l.url, l.trusted, l.discovered_by) for l in oembeds} == {"oembed"}
    assert rule_match("http://x.se/?rest_route=/oembed/1.0/embed&url=http%3A%2F%2Fx.se%2F", frozenset(TRAP_RULES)) == "oembed"
    assert traps.check(url, False, "a") is None


def test_month_archives_are_derived_from_permalinks_on_a_theme_that_links_none():
    url = "http://projektbesok.se/2012/05/29/premiardagarna-29-31-maj-besok-drar-i-gang/"
    page = (SAMPLES / "twentytwentythree" / "front-page.html").read_text(encoding="utf-8")
    assert "/2013/12/\"" not in page and "/2012/05/\"" not in page
    front = analyse_sample("twentytwentythree", "front-page.html", "http://projektbesok.se/")
    derived = {l.url for l in front.links if l.discovered_by == "wp:date-archive"}
    assert derived and all(re.fullmatch(r"http://projektbesok\.se/\d{4}/\d{2}/", u) for u in derived)
    assert {f"http://projektbesok.se{urlsplit(p).path[:9]}" for p in front.listed_posts} == derived
    single = analyse_sample("twentytwentythree", "first-post.html", url)
    assert "http://projektbesok.se/2012/05/" in {l.url for l in single.links if l.discovered_by == "wp:date-archive"}


def test_menu_pages_are_walked_as_listings_at_listing_priority():
    html = b"""<html><body><nav id="site-navigation"><ul class="menu">
      <li class="menu-item"><a href="/">Hem</a></li>
      <li class="menu-item"><a href="/kalender/">Kalender</a><ul class="sub-menu">
        <li class="menu-item"><a href="/kalender/arkiv/">Arkiv</a></li></ul></li>
      <li class="page_item"><a href="/utbildningar/">Utbildningar</a></li></ul></nav>
      <nav class="post-navigation"><a rel="next" href="/2012/06/01/b/">B</a></nav>
      <a href="/om/">Om</a></body></html>"""
    url = "http://projektbesok.se/2012/05/29/a/"
    tree = parse_html(html, url)
    from harvester.links import html_links

    analysis = wordpress.analyse_html(tree, url, html_links(tree, url), WordPressSettings())
    assert analysis.menu_pages == ["http://projektbesok.se/kalender/", "http://projektbesok.se/kalender/arkiv/",
                                   "http://projektbesok.se/utbildningar/"]
    menu = {l.url: l for l in analysis.links if l.discovered_by == "wp:menu"}
    assert set(menu) == set(analysis.menu_pages) and all(l.priority == PRIORITY_LISTING for l in menu.values())
    off = wordpress.analyse_html(tree, url, html_links(tree, url), WordPressSettings(menu_listings=False))
    assert off.menu_pages == [] and not [l for l in off.links if l.discovered_by == "wp:menu"]


def test_resume_keeps_stored_settings_an_empty_proxy_does_not_erase_and_changes_are_named(tmp_path):
    from harvester.config import config_for, dump_toml

    stored = load_config(TOML, overrides=["network.proxy=http://127.0.0.1:8080", "politeness.delay=0.5"])
    (tmp_path / "harvest").mkdir()
    (tmp_path / "harvest" / "config.toml").write_text(dump_toml(stored), encoding="utf-8")
    cfg, changes = config_for(tmp_path, ROOT / "examples" / "besok.toml", [], resume=True)
    assert cfg.network.proxy == "http://127.0.0.1:8080"
    assert cfg.politeness.delay == 2.0 and "politeness.delay: 0.5 (stored) -> 2.0" in changes
    assert not [c for c in changes if c.startswith("network.proxy")]
    cfg, changes = config_for(tmp_path, TOML, ["network.proxy=http://127.0.0.1:9"], resume=True)
    assert cfg.network.proxy == "http://127.0.0.1:9"
    assert changes == ["network.proxy: 'http://127.0.0.1:8080' (stored) -> 'http://127.0.0.1:9'",
                       "politeness.delay: 0.5 (stored) -> 0.0"]
    fresh, none = config_for(tmp_path / "new", TOML, [], resume=True)
    assert none is None and fresh.network.proxy == ""


def test_progress_rate_after_resume_counts_only_the_pages_of_this_run():
    import time as _time

    from harvester.progress import Progress, rate

    assert rate(3615 + 10, 3615, 2.0) == 5.0
    assert rate(10, 0, 2.0) == 5.0
    assert rate(3615, 3615, 0.0) == 0.0
    progress = Progress(mode="quiet")
    progress.start(responses_before=3615)
    progress.t0 = _time.monotonic() - 2.0
    progress.snap = {"responses": 3625}
    line = progress._line()
    assert line.startswith("pages 3625 ") and " 5.0/s " in line
