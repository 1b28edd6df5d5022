"""The decoded text and its UTF-8 bytes parse to the same tree: a <meta> or XML declaration that
names another charset never makes the parser re-decode what `decode_page` already decoded."""
import pytest
from lxml import etree

from transform.clean import decode_page
from transform.platforms.wordpress.extract import parse_html

PAGES = {
    "plain": "<html><head><title>Åsa – ”x”</title></head><body><p>åäö 😀</p></body></html>",
    "meta says latin-1": "<html><head><meta charset='iso-8859-1'><title>ä</title></head><body><p>ö – ’</p></body></html>",
    "xml declaration": "<?xml version='1.0' encoding='iso-8859-1'?><html><body><p>åäö</p></body></html>",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_bytes_and_text_give_one_tree(name):
    body = PAGES[name].encode("utf-8")
    text, utf8, warnings = decode_page(body, "utf-8")
    assert utf8 == body and not warnings
    from_bytes = etree.tostring(parse_html(text, utf8), encoding="unicode")
    from_text = etree.tostring(parse_html(text), encoding="unicode")
    assert from_bytes == from_text
    assert "åäö" in from_bytes or "ä" in from_bytes


def test_no_bytes_when_the_text_is_not_the_body():
    mojibake = "<html><body><p>SmÃ¥land</p></body></html>".encode("utf-8")
    text, utf8, _ = decode_page(mojibake, "utf-8")
    assert "Småland" in text and utf8 is None
    _, utf8, _ = decode_page("<p>ä</p>".encode("cp1252"), "windows-1252")
    assert utf8 is None
