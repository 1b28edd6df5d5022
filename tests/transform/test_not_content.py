"""Documents a WordPress site serves beside its content (oEmbed, RSD, wlwmanifest) are counted in
the manifest's stats by kind, not reported as bad input in rejects.jsonl."""
from __future__ import annotations

import json

from transform import transform
from transform_warcs import HOST, WarcBuilder, wp_post, wp_url

POST = wp_url("inbaddad", day="16")
OEMBED = f"http://{HOST}/wp-json/oembed/1.0/embed?url=http%3A%2F%2F{HOST}%2F2012%2F05%2F16%2Finbaddad%2F"
OEMBED_XML = (b'<?xml version="1.0"?>\n<oembed><version>1.0</version><provider_name>BES\xc3\x96K</provider_name>'
              b'<type>rich</type><width>600</width><height>338</height><html>&lt;blockquote&gt;x&lt;/blockquote&gt;</html></oembed>\n')
OEMBED_JSON = b'{"version":"1.0","provider_name":"BES\\u00d6K","type":"rich","width":600,"height":338,"html":"<blockquote>x</blockquote>"}'
RSD = (b'<?xml version="1.0" encoding="UTF-8"?><rsd version="1.0" xmlns="http://archipelago.phrasewise.com/rsd">'
       b'<service><engineName>WordPress</engineName></service></rsd>')
WLW = (b"<?xml version='1.0' encoding='UTF-8' ?>\n<manifest xmlns=\"http://schemas.microsoft.com/wlw/manifest/weblog\">"
       b"<options><clientType>WordPress</clientType></options></manifest>")
STRANGE = b'<?xml version="1.0"?><inventory><item>1</item></inventory>'


def test_oembed_rsd_and_wlwmanifest_are_counted_as_not_content_and_unknown_xml_is_still_rejected(tmp_path):
    b = WarcBuilder(tmp_path / "extra.warc.gz")
    b.response(POST, wp_post(600, "inbaddad", "Inbäddad", day="16").encode())
    b.response(OEMBED, OEMBED_JSON, content_type="application/json; charset=UTF-8")
    b.response(OEMBED + "&format=xml", OEMBED_XML, content_type="text/xml; charset=UTF-8")
    b.response(f"http://{HOST}/xmlrpc.php?rsd", RSD, content_type="text/xml; charset=UTF-8")
    b.response(f"http://{HOST}/wp-includes/wlwmanifest.xml", WLW, content_type="application/xml")
    b.response(f"http://{HOST}/inventory.xml", STRANGE, content_type="application/xml")
    b.close()
    transform(tmp_path / "out", warcs=[tmp_path / "extra.warc.gz"])
    corpus = tmp_path / "out" / "corpus"
    rejects = [json.loads(line) for line in (corpus / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["reason"], r["url"]) for r in rejects] == [("unknown_xml", f"http://{HOST}/inventory.xml")]
    stats = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["stats"]
    assert stats["outcome.not_content.oembed"] == 2
    assert stats["outcome.not_content.rsd"] == 1 and stats["outcome.not_content.wlwmanifest"] == 1
    (post,) = [json.loads(line) for line in (corpus / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert post["title"] == "Inbäddad"
