"""The package's collection filled in bulk (a trigger per note, fields bound as UTF-8 blobs)
holds exactly what a statement per row with text values wrote: the same values, the same
column types (``sfld`` has integer affinity), the same file."""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import replace

import genanki
import pytest
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki import apkg, csvfile
from digestconv.exporters.anki.cards import (
    DEFAULT_DECK,
    AnkiNote,
    DeckTemplate,
    build_notes,
    parse_kinds,
)
from digestconv.model import Corpus


def _row_by_row(fragments: list[bytes], conn: sqlite3.Connection) -> None:
    """The collection as a statement per row writes it, values bound as text: every note
    and its cards in order, then genanki's decks and note types, deck by deck."""
    rows = apkg.read_rows(fragments)
    models = (apkg.paper_model(), apkg.cloze_model())
    kinds: dict[str, dict[int, None]] = {}
    for row in rows:
        kinds.setdefault(row[3], {})[row[1]] = None
    dates = [row[2] for row in rows]
    ids = itertools.count(min(dates) * 1000)
    conn.executescript(APKG_SCHEMA)
    conn.executescript(APKG_COL)
    cursor = conn.cursor()
    for guid, cloze, mtime, deck_name, ords, tags, front, back in rows:
        note_id = next(ids)
        flds = front + "\x1f" + back
        cursor.execute(
            "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)",
            (note_id, guid, models[cloze].model_id, mtime, -1, tags, flds, front, 0, 0, ""),
        )
        for o in ords:
            cursor.execute(
                "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    next(ids),
                    note_id,
                    apkg.stable_id("deck", deck_name),
                    o,
                    mtime,
                    -1,
                    *[0] * 11,
                    "",
                ),
            )
    for name, used in kinds.items():
        deck = genanki.Deck(apkg.stable_id("deck", name), name)
        for cloze in used:
            deck.add_model(models[cloze])
        deck.write_to_db(cursor, max(dates), itertools.count())


def _collection(fill: object, fragments: list[bytes]) -> tuple[bytes, list[tuple[object, ...]]]:
    conn = sqlite3.connect(":memory:")
    try:
        fill(fragments, conn)  # type: ignore[operator]
        conn.commit()
        typed = conn.execute(
            "SELECT id, typeof(sfld), sfld, typeof(flds), typeof(tags) FROM notes ORDER BY id"
        ).fetchall()
        return bytes(conn.serialize()), typed
    finally:
        conn.close()


@pytest.fixture(scope="module")
def tricky(samples_corpus: Corpus) -> list[bytes]:
    """Fragments with fronts SQLite would take for numbers, text beyond the BMP, a note
    without cards, several deletions, and decks whose notes interleave across parts."""
    notes = build_notes(
        samples_corpus,
        parse_kinds("summary,cloze,method"),
        DeckTemplate(DEFAULT_DECK),
        Diagnostics(),
    )
    cloze = next(n for n in notes if n.is_cloze)
    basic = next(n for n in notes if not n.is_cloze)
    odd: list[AnkiNote] = [
        replace(basic, guid="dcA", fields=("123", "back")),
        replace(basic, guid="dcB", fields=("1.5e3", "\U0001f600 é \x1f")),
        replace(basic, guid="dcC", fields=(" 42 ", ""), deck="Other"),
        replace(cloze, guid="dcD", fields=("{{c3::x}} {{c1::y}} {{c2::z}}", "")),
        replace(cloze, guid="dcE", fields=("no deletion", "x"), deck="Other"),
    ]
    return [
        apkg.note_rows(notes[:5]),
        apkg.note_rows(odd[:3]),
        apkg.note_rows([]),
        apkg.note_rows(odd[3:]),
        *(apkg.note_rows([n]) for n in notes[5:]),
    ]


def test_bulk_fill_is_the_row_by_row_collection(tricky: list[bytes]) -> None:
    bulk, bulk_types = _collection(apkg._fill, tricky)
    reference, reference_types = _collection(_row_by_row, tricky)
    assert bulk_types == reference_types
    assert bulk == reference
    by_front = {t[2]: t[1] for t in bulk_types}
    assert by_front[123] == "integer"  # the column's affinity applied, as to text
    assert {t[3] for t in bulk_types} == {t[4] for t in bulk_types} == {"text"}


def test_the_feed_is_not_part_of_the_collection(tricky: list[bytes]) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        apkg._fill(tricky, conn)
        names = {r[0] for r in conn.execute("SELECT name FROM main.sqlite_master")}
        cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
    finally:
        conn.close()
    assert "feed" not in names and not any(n.startswith("feed") for n in names)
    rows = apkg.read_rows(tricky)
    assert cards == sum(len(r[4]) for r in rows)


def test_csv_pieces_are_the_rows_in_order(samples_corpus: Corpus) -> None:
    notes = build_notes(
        samples_corpus, parse_kinds(None), DeckTemplate(DEFAULT_DECK), Diagnostics()
    )
    parts = [csvfile.csv_rows([n], "Basic", "Cloze") for n in notes]
    for count in (0, 1, csvfile.BATCH, csvfile.BATCH + 1, len(parts)):
        pieces = csvfile.pieces(parts[:count])
        assert len(pieces) == 1 + -(-count // csvfile.BATCH)
        assert b"".join(pieces) == csvfile.write_csv(notes[:count], "Basic", "Cloze")
