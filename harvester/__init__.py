"""harvester"""
