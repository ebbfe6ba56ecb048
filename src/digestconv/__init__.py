"""digestconv: a Jekyll blog of paper digests → BibTeX, feeds, EPUB and Anki."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("digestconv")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
