"""The three BESÖK study-trip blogs on Tumblr, spring 2013, with API v1 and media hosts."""
