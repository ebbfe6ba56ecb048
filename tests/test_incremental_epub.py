"""The EPUB in parts: reused parts give the cold bytes, and an edit renders only what it touches.

A chapter part depends on its post, its id and the book's language; a cover part
on the title, range and counts; a book part (package, title page, index,
navigation) on every post of its book.  Each test renders with a dict-backed
store, changes one thing, and checks both the parts rendered again and that the
books equal a cold export of the changed corpus.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from tests.conftest import read_shared_corpus

from digestconv import fragments
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub import EpubExporter, EpubOptions
from digestconv.exporters.epub.write import MONTHS_FROM
from digestconv.fragments import MemoryStore, Part
from digestconv.model import Corpus, Digest, Site


class Counting(EpubExporter):
    """Records the kind and identity of every part it renders."""

    def __init__(self) -> None:
        self.rendered: list[tuple[str, ...]] = []

    def render_part(
        self, part: Part, site: Site, options: EpubOptions, diagnostics: Diagnostics
    ) -> bytes:
        key = json.loads(part.key)
        self.rendered.append((key[0], *(str(k) for k in key[1:3])))
        return super().render_part(part, site, options, diagnostics)

    def kinds(self) -> list[str]:
        return sorted(kind for kind, *_ in self.rendered)


def _cold(corpus: Corpus, options: EpubOptions) -> tuple[Any, list[str]]:
    diagnostics = Diagnostics()
    output = EpubExporter().export(corpus, options, diagnostics)
    return output, [d.format() for d in diagnostics]


def _warm(
    exporter: Counting, corpus: Corpus, options: EpubOptions, store: MemoryStore
) -> tuple[Any, list[str]]:
    exporter.rendered.clear()
    diagnostics = Diagnostics()
    rendered = fragments.export(exporter, corpus, options, diagnostics, store=store)
    store.keep(rendered)
    return fragments.joined(rendered.output), [d.format() for d in diagnostics]


def _edit_text(digest: Digest) -> Digest:
    paper = digest.papers[0]
    return replace(
        digest, papers=(replace(paper, title=paper.title + " (revised)"), *digest.papers[1:])
    )


def _with(corpus: Corpus, digests: Sequence[Digest]) -> Corpus:
    return replace(corpus, digests=tuple(digests))


OPTIONS = [EpubOptions(), EpubOptions(split="month"), EpubOptions(split="year")]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: o.split)
def test_reusing_every_part_gives_the_cold_books(
    samples_corpus: Corpus, options: EpubOptions
) -> None:
    store, exporter = MemoryStore(), Counting()
    cold, cold_diags = _cold(samples_corpus, options)
    first, first_diags = _warm(exporter, samples_corpus, options, store)
    assert (first, first_diags) == (cold, cold_diags)
    again, again_diags = _warm(exporter, samples_corpus, options, store)
    assert exporter.rendered == []
    assert (again, again_diags) == (cold, cold_diags)


def test_editing_a_post_renders_its_chapter_and_the_book_documents(samples_corpus: Corpus) -> None:
    options = EpubOptions()
    store, exporter = MemoryStore(), Counting()
    _warm(exporter, samples_corpus, options, store)
    digests = list(samples_corpus.digests)
    digests[-1] = _edit_text(digests[-1])
    edited = _with(samples_corpus, digests)
    output, diags = _warm(exporter, edited, options, store)
    # The title, range and counts are unchanged: the cover is reused.
    assert exporter.kinds() == ["book", "chapter", "toc"]
    assert (output, diags) == _cold(edited, options)
    assert output != _cold(samples_corpus, options)[0]


def test_with_split_books_an_edit_renders_only_its_own_book(samples_corpus: Corpus) -> None:
    options = EpubOptions(split="month")
    store, exporter = MemoryStore(), Counting()
    before, _ = _warm(exporter, samples_corpus, options, store)
    assert isinstance(before, dict) and len(before) > 1
    digests = list(samples_corpus.digests)
    target = digests[0]
    digests[0] = _edit_text(target)
    edited = _with(samples_corpus, digests)
    after, diags = _warm(exporter, edited, options, store)
    period = f"{target.date.year:04d}-{target.date.month:02d}"
    assert exporter.kinds() == ["book", "chapter", "toc"]
    assert all(
        title.endswith(f"({period})") for kind, title, _ in exporter.rendered if kind == "book"
    )
    assert (after, diags) == _cold(edited, options)
    assert {name for name in after if after[name] != before[name]} == {f"{period}.epub"}


def test_adding_and_removing_posts(samples_corpus: Corpus) -> None:
    options = EpubOptions()
    store, exporter = MemoryStore(), Counting()
    _warm(exporter, samples_corpus, options, store)
    newest = max(samples_corpus.digests, key=lambda d: d.date)
    added = replace(
        newest,
        source=replace(newest.source, path=newest.source.path + ".copy.md"),
        post_id=(newest.post_id or "") + "-again",
        title="Another digest the same day",
    )
    grown = _with(samples_corpus, [*samples_corpus.digests, added])
    output, diags = _warm(exporter, grown, options, store)
    # One new chapter; the counts on the cover changed; the book documents list it.
    assert exporter.kinds() == ["book", "chapter", "cover", "toc"]
    assert (output, diags) == _cold(grown, options)
    names = zipfile.ZipFile(io.BytesIO(output)).namelist()
    assert len([n for n in names if n.startswith("EPUB/text/d")]) == len(grown.digests) - sum(
        1 for d in grown.digests if not d.papers
    )

    shrunk = _with(samples_corpus, samples_corpus.digests[1:])
    output, diags = _warm(exporter, shrunk, options, store)
    assert "chapter" not in exporter.kinds()
    assert (output, diags) == _cold(shrunk, options)


def test_options_and_site_facts_render_everything_again(samples_corpus: Corpus) -> None:
    store, exporter = MemoryStore(), Counting()
    _warm(exporter, samples_corpus, EpubOptions(), store)
    n_parts = len(exporter.rendered)
    titled = EpubOptions(title="Another title")
    output, diags = _warm(exporter, samples_corpus, titled, store)
    assert len(exporter.rendered) == n_parts
    assert (output, diags) == _cold(samples_corpus, titled)

    site = replace(samples_corpus.site, author="Someone Else")
    moved = replace(samples_corpus, site=site)
    output, diags = _warm(exporter, moved, EpubOptions(), store)
    assert len(exporter.rendered) == n_parts
    assert (output, diags) == _cold(moved, EpubOptions())


def test_a_language_decided_for_the_book_is_in_every_chapter_key(samples_corpus: Corpus) -> None:
    """Without a site language the posts' most common one labels every chapter: when edits
    to some posts change it, the chapters of the others must not be reused."""
    store, exporter = MemoryStore(), Counting()
    plain = replace(samples_corpus, site=replace(samples_corpus.site, lang=None))
    _warm(exporter, plain, EpubOptions(), store)
    digests = list(plain.digests)
    for i in range(3):
        digests[i] = replace(digests[i], lang="en")
    english = _with(plain, digests)
    output, diags = _warm(exporter, english, EpubOptions(), store)
    assert exporter.kinds().count("chapter") == len(digests)
    assert (output, diags) == _cold(english, EpubOptions())


def test_notes_about_the_whole_book_are_replayed_first(samples_corpus: Corpus) -> None:
    empty = replace(samples_corpus.digests[0], papers=(), title="No papers today")
    corpus = _with(samples_corpus, [*samples_corpus.digests, replace(empty, post_id="empty")])
    corpus = replace(corpus, site=replace(corpus.site, lang="not a tag!"))
    store, exporter = MemoryStore(), Counting()
    cold, cold_diags = _cold(corpus, EpubOptions())
    assert any("left out" in d for d in cold_diags[:2]) and "not a language tag" in cold_diags[0]
    _warm(exporter, corpus, EpubOptions(), store)
    assert _warm(exporter, corpus, EpubOptions(), store) == (cold, cold_diags)
    assert exporter.rendered == []


def test_a_new_cover_file_renders_the_covers_only(samples_corpus: Corpus, tmp_path: Path) -> None:
    cover = tmp_path / "cover.png"
    Image.new("RGB", (60, 90), (10, 20, 30)).save(cover)
    options = EpubOptions(cover=cover, split="year")
    store, exporter = MemoryStore(), Counting()
    _warm(exporter, samples_corpus, options, store)
    Image.new("RGB", (60, 90), (200, 20, 30)).save(cover)
    output, diags = _warm(exporter, samples_corpus, options, store)
    assert set(exporter.kinds()) == {"cover"}
    assert (output, diags) == _cold(samples_corpus, options)
    Image.new("RGB", (60, 90), (200, 20, 30)).save(tmp_path / "cover.jpg", format="JPEG")
    jpeg = EpubOptions(cover=tmp_path / "cover.jpg", split="year")
    output, diags = _warm(exporter, samples_corpus, jpeg, store)
    assert (output, diags) == _cold(samples_corpus, jpeg)


@pytest.mark.parametrize("folder", ["hahngt.github.io", "yeonjae11-daily-papers"])
def test_the_shared_corpora_edited_and_rebuilt(folder: str) -> None:
    corpus = read_shared_corpus(folder)
    for options in (EpubOptions(), EpubOptions(split="month")):
        store, exporter = MemoryStore(), Counting()
        cold, cold_diags = _cold(corpus, options)
        assert _warm(exporter, corpus, options, store) == (cold, cold_diags)
        digests = list(corpus.digests)
        index = max(range(len(digests)), key=lambda i: (digests[i].date, bool(digests[i].papers)))
        if not digests[index].papers:
            continue
        digests[index] = _edit_text(digests[index])
        edited = _with(corpus, digests)
        assert _warm(exporter, edited, options, store) == _cold(edited, options)
        assert exporter.kinds() == ["book", "chapter", "toc"]


def _daily(corpus: Corpus, n: int) -> list[Digest]:
    """``n`` posts on consecutive days, made from the samples' posts with papers."""
    with_papers = [d for d in corpus.digests if d.papers]
    start = min(d.date for d in with_papers)
    return [
        _dated(with_papers[i % len(with_papers)], start + timedelta(days=i), f"day{i}")
        for i in range(n)
    ]


def _dated(digest: Digest, when: datetime, name: str) -> Digest:
    return replace(
        digest,
        date=when,
        post_id=name,
        source=replace(digest.source, path=f"{name}.md"),
        title=f"{digest.title} ({name})",
    )


def _toc_stems(exporter: Counting) -> list[str]:
    return sorted(stem for kind, stem, *_ in exporter.rendered if kind == "toc")


def test_a_post_inserted_in_the_middle_renders_only_its_own_share(samples_corpus: Corpus) -> None:
    """The NCX numbers every target in order, but the chapters' shares leave the numbers
    out: an insertion before most chapters renders none of their shares again."""
    options = EpubOptions()
    digests = _daily(samples_corpus, 40)  # enough to group the contents by month
    corpus = _with(samples_corpus, digests)
    store, exporter = MemoryStore(), Counting()
    _warm(exporter, corpus, options, store)
    between = digests[10].date + timedelta(hours=6)
    inserted = _dated(digests[3], between, "inserted")
    grown = _with(samples_corpus, [*digests, inserted])
    output, diags = _warm(exporter, grown, options, store)
    assert exporter.kinds() == ["book", "chapter", "cover", "toc"]
    assert (output, diags) == _cold(grown, options)
    with zipfile.ZipFile(io.BytesIO(output)) as book:
        ncx = book.read("EPUB/toc.ncx").decode()
    orders = [int(n) for n in re.findall(r'playOrder="(\d+)"', ncx)]
    assert orders == sorted(orders) and max(orders) == len(set(orders))


def test_appending_the_newest_post_keeps_the_other_shares(samples_corpus: Corpus) -> None:
    options = EpubOptions()
    digests = _daily(samples_corpus, 40)
    store, exporter = MemoryStore(), Counting()
    _warm(exporter, _with(samples_corpus, digests[:-1]), options, store)
    output, diags = _warm(exporter, _with(samples_corpus, digests), options, store)
    assert exporter.kinds() == ["book", "chapter", "cover", "toc"]
    assert (output, diags) == _cold(_with(samples_corpus, digests), options)


def test_grouping_by_month_renders_every_share_but_no_chapter(samples_corpus: Corpus) -> None:
    """From MONTHS_FROM chapters on, the NCX indents the chapters' points one level deeper."""
    options = EpubOptions()
    digests = _daily(samples_corpus, MONTHS_FROM)
    store, exporter = MemoryStore(), Counting()
    _warm(exporter, _with(samples_corpus, digests[:-1]), options, store)
    output, diags = _warm(exporter, _with(samples_corpus, digests), options, store)
    assert exporter.kinds().count("chapter") == 1
    assert len(_toc_stems(exporter)) == MONTHS_FROM
    assert (output, diags) == _cold(_with(samples_corpus, digests), options)


def test_a_paper_shown_on_two_days_is_one_index_entry(samples_corpus: Corpus) -> None:
    """An index entry of a paper shown in several chapters is not any chapter's share: it is
    written when the book is, and an edit to one of the chapters changes it."""
    options = EpubOptions()
    digests = _daily(samples_corpus, 6)
    shown = digests[1].papers[0]
    digests[4] = replace(digests[4], papers=(*digests[4].papers, shown))
    store, exporter = MemoryStore(), Counting()
    _warm(exporter, _with(samples_corpus, digests), options, store)
    digests[1] = _edit_text(digests[1])
    edited = _with(samples_corpus, digests)
    output, diags = _warm(exporter, edited, options, store)
    assert exporter.kinds() == ["book", "chapter", "toc"]
    assert (output, diags) == _cold(edited, options)
    with zipfile.ZipFile(io.BytesIO(output)) as book:
        index = book.read("EPUB/text/index.xhtml").decode()
    label = " ".join(digests[1].papers[0].title.split())
    entry = next(line for line in index.splitlines() if f">{label}</a>" in line)
    days = [c.date.strftime("%Y-%m-%d") for c in (digests[1], digests[4])]
    assert all(f">{day}</a>" in entry for day in days)
