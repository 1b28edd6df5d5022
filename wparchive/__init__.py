"""wparchive: harvest WordPress sites and Tumblr blogs into WARC, a JSON corpus and preservation packages."""

__version__ = "0.1.0"
