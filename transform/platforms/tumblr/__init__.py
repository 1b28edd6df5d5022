"""Tumblr: permalink pages, API v1 (XML and JSON), RSS and index pages of a blog."""
from transform.platforms.tumblr.extract import (blog_of, extract_api_json, extract_api_xml, extract_html,
                                                extract_rss)
from transform.platforms.tumblr.merge import merge_fragments

__all__ = ["blog_of", "extract_api_json", "extract_api_xml", "extract_html", "extract_rss", "merge_fragments"]
