"""Hostile and broken posts of our own making, shared by the reader and exporter tests."""
