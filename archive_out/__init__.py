"""archive_out"""
