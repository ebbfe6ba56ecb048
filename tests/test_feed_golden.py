"""Golden files: the samples' Atom and RSS feeds, byte for byte.

The files were reviewed by eye once; any change to the output shows up here as
a diff to review.  Regenerate deliberately with ``DIGESTCONV_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed import FeedExporter
from digestconv.model import Corpus

GOLDEN = Path(__file__).resolve().parent / "golden" / "feed"
CASES = {
    "samples.atom.xml": {"feed_format": "atom"},
    "samples.rss.xml": {"feed_format": "rss"},
    "samples.papers.atom.xml": {"feed_format": "atom", "entries": "paper", "limit": 0},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(samples_corpus: Corpus, name: str) -> None:
    data = FeedExporter().export(samples_corpus, CASES[name], Diagnostics())
    assert isinstance(data, bytes)
    path = GOLDEN / name
    if os.environ.get("DIGESTCONV_UPDATE_GOLDEN"):
        path.write_bytes(data)
    assert path.is_file(), f"missing golden file {name}; run with DIGESTCONV_UPDATE_GOLDEN=1"
    assert data == path.read_bytes()
