"""The feed over the four shared corpora: valid, unique, never an empty entry.

Read by feedparser (``bozo`` 0) and checked against the RFC 4287 RELAX NG
schema; entry ids are unique although two of the sites give many posts one
Jekyll ``post.id``; every entry has text; paper entries each have their own
``updated`` and show the authors and abstract the digest gives.
"""

from __future__ import annotations

from collections import Counter

import feedparser
import pytest
from lxml import etree
from tests.conftest import VALIDATORS, read_shared_corpus

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed import FeedExporter, FeedOptions
from digestconv.model import Corpus

A = "{http://www.w3.org/2005/Atom}"
CORPORA = {
    "hahngt.github.io": None,
    "lim4349.github.io": None,
    "AlirezaShamsoshoara.github.io": None,
    "yeonjae11-daily-papers": "https://example.org/daily-papers",
}
"""Folder → the site url to give it (the plain Markdown folder has no _config.yml)."""


def corpus_of(folder: str) -> Corpus:
    return read_shared_corpus(folder, CORPORA[folder])  # type: ignore[no-any-return]


def feed(corpus: Corpus, **options: object) -> tuple[bytes, Diagnostics]:
    diagnostics = Diagnostics()
    data = FeedExporter().export(corpus, FeedOptions(limit=0, **options), diagnostics)  # type: ignore[arg-type]
    assert isinstance(data, bytes)
    return data, diagnostics


def schema_problems(data: bytes) -> list[str]:
    rng = VALIDATORS / "atom.rng"
    if not rng.is_file():
        return []
    schema = etree.RelaxNG(etree.parse(str(rng)))
    return [] if schema.validate(etree.fromstring(data)) else [str(e) for e in schema.error_log]


@pytest.mark.parametrize("folder", sorted(CORPORA))
@pytest.mark.parametrize("entries", ["digest", "paper"])
def test_valid_unique_and_never_empty(folder: str, entries: str) -> None:
    data, diagnostics = feed(corpus_of(folder), entries=entries)
    assert not diagnostics.failed()
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert schema_problems(data) == []
    root = etree.fromstring(data)
    ids = [e.findtext(f"{A}id") for e in root.iter(f"{A}entry")]
    assert ids and len(set(ids)) == len(ids)
    for entry in root.iter(f"{A}entry"):
        text = (entry.findtext(f"{A}content") or "") + (entry.findtext(f"{A}summary") or "")
        assert text.strip(), entry.findtext(f"{A}id")
    if entries == "paper":
        updated = Counter(e.findtext(f"{A}updated") for e in root.iter(f"{A}entry"))
        assert updated.most_common(1)[0][1] == 1, updated.most_common(2)


@pytest.mark.parametrize(
    ("folder", "posts"),
    [("lim4349.github.io", 228), ("AlirezaShamsoshoara.github.io", 141)],
)
def test_colliding_post_ids_warn_once_per_later_post(folder: str, posts: int) -> None:
    corpus = corpus_of(folder)
    _, diagnostics = feed(corpus)
    warnings = [d for d in diagnostics if d.severity == "warning"]
    ids = Counter(d.post_id for d in corpus.digests)
    colliding = sum(n for n in ids.values() if n > 1)
    assert colliding == posts
    assert len(warnings) == colliding - sum(1 for n in ids.values() if n > 1)
    assert all("same Jekyll post id" in w.message for w in warnings)


def test_empty_home_blog_post_is_left_out_unless_kept() -> None:
    corpus = corpus_of("hahngt.github.io")
    data, diagnostics = feed(corpus)
    kept, _ = feed(corpus, keep_empty=True)
    count = len(etree.fromstring(data).findall(f"{A}entry"))
    assert len(etree.fromstring(kept).findall(f"{A}entry")) == count + 1 == len(corpus.digests)
    assert any("no papers and no text" in d.message for d in diagnostics)


def test_paper_entries_name_the_authors_and_show_the_abstract() -> None:
    data, _ = feed(corpus_of("AlirezaShamsoshoara.github.io"), entries="paper")
    entries = etree.fromstring(data).findall(f"{A}entry")
    with_authors = [e for e in entries if e.find(f"{A}author/{A}name") is not None]
    assert len(with_authors) == len(entries)
    assert all("<strong>Authors:</strong>" in (e.findtext(f"{A}content") or "") for e in entries)
    data, _ = feed(corpus_of("lim4349.github.io"), entries="paper")
    contents = [e.findtext(f"{A}content") or "" for e in etree.fromstring(data).iter(f"{A}entry")]
    assert sum("<h4>Abstract</h4>" in c for c in contents) >= len(contents) - 1
