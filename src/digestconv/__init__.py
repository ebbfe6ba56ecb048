"""digestconv: a Jekyll blog of paper digests → BibTeX, feeds, EPUB and Anki."""

__version__ = "0.1.0"
