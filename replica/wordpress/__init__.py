"""The projektbesok.se replica: a WordPress 3.x site with an Underscores-style theme, December 2013."""
from replica.wordpress.model import Site, build_site

__all__ = ["Site", "build_site"]
