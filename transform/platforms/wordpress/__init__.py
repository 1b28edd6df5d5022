"""WordPress: what a captured page, feed or sitemap of a WordPress site means."""
from transform.platforms.wordpress.extract import extract_page, extract_feed, extract_sitemap

__all__ = ["extract_page", "extract_feed", "extract_sitemap"]
