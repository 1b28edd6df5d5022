"""Where a Tumblr theme and the API v1 put each fact; ordered, most specific first."""
from __future__ import annotations

import re

from lxml import etree

X = etree.XPath

POST_PATH = re.compile(r"^/post/(\d+)(?:/([^/?#]*))?")
PHOTO_SIZE = re.compile(r"_(\d+)(sq)?\.(?:jpe?g|png|gif|webp)$", re.I)
NOTES = re.compile(r"(\d[\d\s.,]*)\s*(?:notes?|anteckningar|anteckning)\b", re.I)

OWN_BLOCK = X("//*[@id=$id]")
POST_BLOCK = [X("//*[starts-with(@id, 'post-') and contains(concat(' ', normalize-space(@class), ' '), ' post ')]"),
              X("//article[contains(@class, 'post')]"),
              X("//*[contains(concat(' ', normalize-space(@class), ' '), ' post ')]"),
              X("//*[@id='posts']"), X("//main"), X("//body")]
DATE = [X(".//time/@datetime"), X("//meta[@property='article:published_time']/@content")]
DATE_TEXT = [X(".//a[contains(@class, 'permalink')]"), X(".//*[contains(@class, 'date')]"), X(".//time")]
TAG_LINKS = X(".//a[contains(@href, '/tagged/')]")
PHOTOS = X(".//img[contains(@src, 'media.tumblr.com')]")
CAPTION = [X(".//*[contains(@class, 'caption')]"), X(".//figcaption")]
TITLE = [X(".//h2[not(contains(@class, 'link'))]"), X(".//*[contains(@class, 'title')]")]
BODY = [X(".//*[contains(@class, 'body-text')]"), X(".//*[contains(@class, 'description')]"),
        X(".//*[contains(@class, 'body')]"), X(".//*[contains(@class, 'post-content')]")]
QUOTE = [X(".//blockquote"), X(".//*[contains(@class, 'quote')]")]
QUOTE_SOURCE = [X(".//*[contains(@class, 'source')]"), X(".//cite")]
LINK = [X(".//*[contains(@class, 'link')]//a[@href] | .//a[contains(@class, 'link')]")]
NOTE_TEXT = [X(".//*[contains(@class, 'notes') or contains(@class, 'note-count') or contains(@class, 'note_count')]"),
             X("//*[contains(@class, 'notes') or contains(@class, 'note-count')]")]
REBLOG = [X(".//*[contains(@class, 'reblogged')]//a"), X(".//a[contains(@class, 'tumblr_blog')]"),
          X(".//a[contains(@class, 'reblog')]")]
TYPE_CLASS = re.compile(r"\b(?:type-)?(photo|photoset|text|regular|quote|link|chat|conversation|video|audio|answer)\b")
INDEX_POST_LINKS = X("//a[contains(@href, '/post/')]/@href")
