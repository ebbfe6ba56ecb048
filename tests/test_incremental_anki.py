"""Incremental Anki exports: one part per distinct paper, reused while nothing it depends on
changes, and the same bytes as a cold export (CSV and .apkg)."""

from __future__ import annotations

import io
import sqlite3
import warnings
import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import genanki
import pytest
from tests.conftest import ROOT, read_shared_corpus

from digestconv import fragments, runs, zipwrite
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki import AnkiExporter, AnkiOptions, apkg, chunks
from digestconv.exporters.anki.cards import (
    DEFAULT_DECK,
    AnkiNote,
    DeckTemplate,
    build_notes,
    parse_kinds,
)
from digestconv.fragments import MemoryStore
from digestconv.model import Corpus, Digest, Site
from digestconv.papers import distinct_papers
from digestconv.plugins import ExportError


@pytest.fixture(autouse=True)
def one_paper_per_part(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests say exactly which papers' parts are rendered: one paper per part
    (production parts hold runs of about 16, ``digestconv.runs``)."""
    monkeypatch.setattr(runs, "AVERAGE", 1)


GOLDEN = ROOT / "tests" / "golden" / "anki"
FORMATS = ("csv", "apkg")


class Counting(AnkiExporter):
    """The exporter, counting the parts it renders (by paper key)."""

    def __init__(self) -> None:
        self.rendered: list[str] = []

    def render_part(
        self, part: fragments.Part, site: Site, options: AnkiOptions, diagnostics: Diagnostics
    ) -> bytes:
        self.rendered.append(part.key)
        return super().render_part(part, site, options, diagnostics)


def export(
    corpus: Corpus, store: MemoryStore | None = None, **options: Any
) -> tuple[bytes, list[str], Diagnostics]:
    """The output, the keys of the parts rendered, and the diagnostics."""
    exporter = Counting()
    diagnostics = Diagnostics()
    rendered = fragments.export(exporter, corpus, AnkiOptions(**options), diagnostics, store=store)
    if store is not None:
        store.keep(rendered)
    output = fragments.joined(rendered.output)
    assert isinstance(output, bytes)
    return output, exporter.rendered, diagnostics


def cold(corpus: Corpus, **options: Any) -> bytes:
    return AnkiExporter().export(corpus, AnkiOptions(**options), Diagnostics())


def keys_of(digest: Digest) -> set[str]:
    return {p.key for p in digest.papers}


def later(digest: Digest, days: int, path: str) -> Digest:
    """A new post of ``digest``'s papers ``days`` later (every paper is a repeat)."""
    return replace(
        digest,
        date=digest.date + timedelta(days=days),
        source=replace(digest.source, path=path),
        tags=("repeat",),
    )


# --------------------------------------------------------------------------- samples


@pytest.mark.parametrize("fmt", FORMATS)
def test_cold_export_is_the_golden(samples_corpus: Corpus, fmt: str) -> None:
    assert cold(samples_corpus, format=fmt) == (GOLDEN / f"cards.{fmt}").read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_rebuild_reuses_every_part(samples_corpus: Corpus, fmt: str) -> None:
    store = MemoryStore()
    first, rendered, diags = export(samples_corpus, store, format=fmt)
    assert len(rendered) == len(distinct_papers(samples_corpus.digests)) == 40
    again, rerendered, diags_again = export(samples_corpus, store, format=fmt)
    assert rerendered == []
    assert again == first == (GOLDEN / f"cards.{fmt}").read_bytes()
    assert diags_again.items == diags.items


@pytest.mark.parametrize("fmt", FORMATS)
def test_editing_one_digest_renders_only_its_papers(samples_corpus: Corpus, fmt: str) -> None:
    store = MemoryStore()
    export(samples_corpus, store, format=fmt)
    digests = list(samples_corpus.digests)
    target = digests[2]
    first = target.papers[0]
    edited = replace(
        target, papers=(replace(first, title=first.title + " (revised)"), *target.papers[1:])
    )
    digests[2] = edited
    corpus = replace(samples_corpus, digests=tuple(digests))
    out, rendered, _ = export(corpus, store, format=fmt)
    assert set(rendered) == keys_of(target)
    assert out == cold(corpus, format=fmt)
    assert out != (GOLDEN / f"cards.{fmt}").read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_adding_and_removing_digests(samples_corpus: Corpus, fmt: str) -> None:
    store = MemoryStore()
    export(samples_corpus, store, format=fmt)
    # A new post that repeats the oldest post's papers: those papers gain a tag and a
    # later modification time, so exactly their parts are rendered again.
    oldest = samples_corpus.digests[0]
    repeat = later(oldest, 120, "samples/_posts/2026-02-05-daily-papers.md")
    grown = replace(samples_corpus, digests=(*samples_corpus.digests, repeat))
    out, rendered, diags = export(grown, store, format=fmt)
    assert set(rendered) == keys_of(oldest)
    assert out == cold(grown, format=fmt)
    assert any("already has Anki notes" in d.message for d in diags.items)
    # Removing a post renders nothing: every remaining paper's part is stored.
    shrunk = replace(samples_corpus, digests=samples_corpus.digests[1:])
    out, rendered, _ = export(shrunk, store, format=fmt)
    assert rendered == []
    assert out == cold(shrunk, format=fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_options_and_site_facts_are_part_of_every_key(samples_corpus: Corpus, fmt: str) -> None:
    store = MemoryStore()
    export(samples_corpus, store, format=fmt)
    everything = {p.key for d in samples_corpus.digests for p in d.papers}
    for options in ({"deck": "Papers::{year}"}, {"cards": "summary,method"}):
        out, rendered, _ = export(samples_corpus, store, format=fmt, **options)
        assert set(rendered) == everything
        assert out == cold(samples_corpus, format=fmt, **options)
    moved = replace(samples_corpus, site=replace(samples_corpus.site, title="Other"))
    _, rendered, _ = export(moved, store, format=fmt)
    assert set(rendered) == everything


def test_note_type_names_change_only_the_csv(samples_corpus: Corpus) -> None:
    store = MemoryStore()
    export(samples_corpus, store)
    out, rendered, _ = export(samples_corpus, store, notetype_basic="Einfach")
    assert len(rendered) == 40
    assert b'"Einfach"' in out
    assert out == cold(samples_corpus, notetype_basic="Einfach")


def test_bad_options_fail_before_any_part(samples_corpus: Corpus) -> None:
    exporter = Counting()
    with pytest.raises(ExportError, match="--deck"):
        fragments.export(exporter, samples_corpus, AnkiOptions(deck="{nope}"), Diagnostics())
    assert exporter.rendered == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_corpus(fmt: str) -> None:
    empty = Corpus(Site(title="Daily Papers"), ())
    out, rendered, _ = export(empty, MemoryStore(), format=fmt)
    assert rendered == []
    assert out == cold(empty, format=fmt)
    if fmt == "csv":
        assert out.startswith(b"#separator:Comma\n") and out.count(b"\n") == 8


# --------------------------------------------------------------------------- both files


# --------------------------------------------------------------------------- package rows


def _genanki_ords(note: AnkiNote) -> list[int]:
    model = apkg.cloze_model() if note.is_cloze else apkg.paper_model()
    return [c.ord for c in genanki.Note(model=model, fields=list(note.fields)).cards]


def test_card_ords_follow_genanki(samples_corpus: Corpus) -> None:
    notes = build_notes(
        samples_corpus,
        parse_kinds("summary,cloze,method,results,limitations"),
        DeckTemplate(DEFAULT_DECK),
        Diagnostics(),
    )
    assert {n.kind for n in notes} >= {"summary", "cloze", "method"}
    for note in notes:
        assert apkg.card_ords(note) == _genanki_ords(note)
    base = next(n for n in notes if n.is_cloze)
    odd = [
        replace(base, fields=("no deletion here", "x")),
        replace(base, fields=("{{c2::b}} and {{c1::a}} {{c2::c}}", "")),
        replace(base, fields=("{{c0::zero}}", "")),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for note in odd:
            assert apkg.card_ords(note) == _genanki_ords(note)
    assert apkg.card_ords(odd[0]) == []


def test_rows_round_trip(samples_corpus: Corpus) -> None:
    notes = build_notes(
        samples_corpus, parse_kinds(None), DeckTemplate(DEFAULT_DECK), Diagnostics()
    )
    tricky = replace(notes[0], fields=('a\nb \u00e9 \U0001f600 "q" \x1f', "\n\n"), tags=("t::1",))
    fragments_ = [
        apkg.note_rows(notes[:3]),
        apkg.note_rows([]),
        apkg.note_rows([tricky, *notes[3:]]),
    ]
    rows = apkg.read_rows(fragments_)
    assert [r[0] for r in rows] == [n.guid for n in [*notes[:3], tricky, *notes[3:]]]
    assert rows[3][5:] == (" t::1 ", tricky.fields[0], tricky.fields[1])
    assert apkg.write_apkg(notes) == apkg.package([apkg.note_rows([n]) for n in notes]).join()


# --------------------------------------------------------------------------- compression


def _package_rows(corpus: Corpus, **options: Any) -> list[bytes]:
    exporter = AnkiExporter()
    opts = AnkiOptions(format="apkg", **options)
    return [
        exporter.render_part(p, corpus.site, opts, Diagnostics())
        for p in exporter.parts(corpus, opts)
    ]


def _in_memory_collection(rows: list[bytes]) -> bytes:
    """The collection as packages were built before it went through a file: in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        apkg._fill(rows, conn)
        conn.commit()
        return bytes(conn.serialize())
    finally:
        conn.close()


@pytest.mark.skipif(not hasattr(sqlite3.Connection, "serialize"), reason="Python >= 3.11")
@pytest.mark.parametrize(
    "options", [{}, {"deck": "Papers::{year}", "cards": "summary,cloze,method"}]
)
def test_the_collection_file_is_the_in_memory_database(
    samples_corpus: Corpus, options: dict[str, str]
) -> None:
    rows = _package_rows(samples_corpus, **options)
    with zipfile.ZipFile(io.BytesIO(apkg.package(rows).join())) as archive:
        assert archive.testzip() is None
        collection = archive.read("collection.anki2")
    assert collection == _in_memory_collection(rows)
    assert collection[24:28] == bytes(4) and collection[92:100] == bytes(8)  # no SQLite version


def test_the_member_is_chunks_of_one_deflate_stream(shared_corpus: Corpus) -> None:
    data = cold(shared_corpus, format="apkg")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        info = archive.getinfo("collection.anki2")
        collection = archive.read(info)
    assert info.file_size > 4 * chunks.CHUNK  # several chunks
    # As small as one stream over the whole collection (level 6, as zipfile writes it).
    assert info.compress_size <= len(zipwrite.deflate("c", collection, 6).data) * 1.005


def test_an_edited_post_recompresses_a_chunk_or_two(shared_corpus: Corpus) -> None:
    store = MemoryStore()
    exporter = Counting()
    first = fragments.export(
        exporter, shared_corpus, AnkiOptions(format="apkg"), Diagnostics(), store=store
    )
    store.keep(first)
    chunks = len(first.fresh) - len(exporter.rendered)
    assert chunks == len(first.used) - len(exporter.rendered) > 4
    digests = list(shared_corpus.digests)
    at = max(i for i, d in enumerate(digests) if d.papers)
    newest = digests[at]
    paper = newest.papers[0]
    digests[at] = replace(
        newest, papers=(replace(paper, title=paper.title + " v2"), *newest.papers[1:])
    )
    corpus = replace(shared_corpus, digests=tuple(digests))
    again = Counting()
    second = fragments.export(again, corpus, AnkiOptions(format="apkg"), Diagnostics(), store=store)
    recompressed = len(second.fresh) - len(again.rendered)
    assert 1 <= recompressed <= 2
    assert fragments.joined(second.output) == cold(corpus, format="apkg")
    # An unchanged corpus recompresses nothing.
    store.keep(second)
    third = fragments.export(
        Counting(), corpus, AnkiOptions(format="apkg"), Diagnostics(), store=store
    )
    assert third.fresh == []


# --------------------------------------------------------------------------- real data


@pytest.mark.parametrize("fmt", FORMATS)
def test_shared_corpus_edit_and_reuse(shared_corpus: Corpus, fmt: str) -> None:
    store = MemoryStore()
    first, rendered, _ = export(shared_corpus, store, format=fmt)
    assert len(rendered) == len(distinct_papers(shared_corpus.digests))
    assert first == cold(shared_corpus, format=fmt)
    digests = list(shared_corpus.digests)
    at = max(i for i, d in enumerate(digests) if d.papers)  # the newest post with papers
    newest = digests[at]
    paper = newest.papers[0]
    digests[at] = replace(
        newest, papers=(replace(paper, title=paper.title + " v2"), *newest.papers[1:])
    )
    corpus = replace(shared_corpus, digests=tuple(digests))
    out, rendered, _ = export(corpus, store, format=fmt)
    assert set(rendered) == keys_of(newest)
    assert out == cold(corpus, format=fmt)


@pytest.mark.parametrize("folder", ["hahngt.github.io", "lim4349.github.io"])
def test_other_shared_corpora_reuse_every_part(folder: str) -> None:
    corpus = read_shared_corpus(folder)
    for fmt in FORMATS:
        store = MemoryStore()
        first, _, _ = export(corpus, store, format=fmt)
        again, rendered, _ = export(corpus, store, format=fmt)
        assert rendered == [] and again == first == cold(corpus, format=fmt)


def test_build_writes_both_files_incrementally(tmp_path: Path, samples_site: Path) -> None:
    """The real command: a rebuild after editing one post equals a cold build."""
    import shutil
    import subprocess
    import sys

    site = tmp_path / "site"
    shutil.copytree(samples_site, site)

    def build(*args: str) -> None:
        command = [sys.executable, "-m", "digestconv", "build", str(site), "-q", "--only", "anki"]
        subprocess.run([*command, *args], check=True, cwd=ROOT)

    build("-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"))
    post = sorted((site / "_posts").glob("*.md"))[-1]
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build("-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"))
    build("-o", str(tmp_path / "cold"), "--no-cache")
    for name in ("cards.csv", "cards.apkg"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()


def test_card_kinds_from_a_configuration_list(samples_corpus: Corpus) -> None:
    """A configuration file may list the kinds; the options are then unhashable."""
    out, rendered, _ = export(samples_corpus, MemoryStore(), cards=["cloze", "summary"])
    assert len(rendered) == 40
    assert out == (GOLDEN / "cards.csv").read_bytes()


@pytest.mark.parametrize("size", [0, 1, chunks.CHUNK - 1, chunks.CHUNK, 3 * chunks.CHUNK + 5])
def test_any_file_deflates_to_what_it_holds(tmp_path: Path, size: int) -> None:
    data = bytes(i * 7 % 251 for i in range(size))
    path = tmp_path / "f"
    path.write_bytes(data)
    with path.open("rb") as fh:
        member = chunks.deflate_file("f", fh.fileno())
    archive = zipwrite.write_zip([member], date_time=(1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(io.BytesIO(archive)) as read:
        assert read.testzip() is None and read.read("f") == data
    if size == 0:
        assert member.pieces == (zipwrite.FINAL_BLOCK,)  # what zipfile writes for nothing
