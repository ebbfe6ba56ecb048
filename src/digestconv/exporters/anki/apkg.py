"""Notes → an .apkg deck package through genanki, byte for byte reproducible.

genanki stamps notes, cards and note types with the clock, numbers note and
card ids from it, and zips a temporary file with its mtime.  Here every one of
those comes from the posts instead: a note's modification time is the date of
the latest digest that holds the paper (so Anki's "update if newer" picks up
notes that a new digest touched and leaves the others alone), ids count up
from the earliest post date, and the zip entries carry a fixed date.  Note
type and deck ids are derived from their names, so re-importing reuses them.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from typing import Any

import genanki

from digestconv.exporters.anki.cards import AnkiNote

PAPER_MODEL = "digestconv Paper"
CLOZE_MODEL = "digestconv Cloze"
PAPER_FIELDS = ("Front", "Back")
CLOZE_FIELDS = ("Text", "Back Extra")

_EMPTY_PACKAGE_TIME = 1_577_836_800  # 2020-01-01T00:00:00Z: any fixed instant will do
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

CSS = """\
.card {
  font-family: "Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic",
    "Nanum Gothic", system-ui, sans-serif;
  font-size: 19px;
  line-height: 1.65;
  text-align: left;
  color: #1d1d1f;
  background: #fff;
  word-break: keep-all;
  overflow-wrap: anywhere;
}
.nightMode .card, .card.nightMode { color: #e8e8e8; background: #1e1e1e; }
.dc-card { max-width: 42em; margin: 0 auto; padding: 0 0.5em; }
.dc-title { font-size: 1.2em; font-weight: 700; line-height: 1.35; }
.dc-meta { margin-top: 0.3em; font-size: 0.8em; color: #6e6e73; }
.dc-section { margin-top: 0.8em; font-weight: 700; color: #0a58ca; }
.dc-goal, .dc-contribution, .dc-body, .dc-cloze { margin: 0.6em 0; }
.dc-links { margin-top: 1em; font-size: 0.85em; }
.dc-body ul { padding-left: 1.2em; margin: 0.3em 0; }
.dc-body p { margin: 0.4em 0; }
.cloze { font-weight: 700; color: #0a58ca; }
.nightMode .cloze { color: #8ab4f8; }
.nightMode .dc-meta { color: #a1a1a6; }
.nightMode .dc-section { color: #8ab4f8; }
"""


def stable_id(kind: str, name: str) -> int:
    """A note type or deck id from its name: same name, same id, on every machine.

    Kept in genanki's recommended range [2**30, 2**31) for note types; decks use
    [2**31, 2**32) so neither can meet Anki's Default deck (id 1).
    """
    h = int.from_bytes(hashlib.sha256(f"digestconv {kind}\x00{name}".encode()).digest()[:8], "big")
    base = 1 << 30 if kind == "model" else 1 << 31
    return base + h % base


def _model(
    name: str, fields: Sequence[str], *, card: str, front: str, back: str, model_type: int
) -> Any:
    """A note type with one card: ``front`` on the question side, ``back`` under it."""
    question = f'<div class="dc-card">{{{{{front}}}}}</div>'
    return genanki.Model(
        stable_id("model", name),
        name,
        fields=[{"name": n} for n in fields],
        templates=[
            {
                "name": card,
                "qfmt": question,
                "afmt": f'{question}\n<hr id="answer">\n<div class="dc-card">{{{{{back}}}}}</div>',
            }
        ],
        css=CSS,
        model_type=model_type,
    )


def paper_model() -> Any:
    return _model(
        PAPER_MODEL,
        PAPER_FIELDS,
        card="Card 1",
        front="Front",
        back="Back",
        model_type=genanki.Model.FRONT_BACK,
    )


def cloze_model() -> Any:
    return _model(
        CLOZE_MODEL,
        CLOZE_FIELDS,
        card="Cloze",
        front="cloze:Text",
        back="Back Extra",
        model_type=genanki.Model.CLOZE,
    )


class _DatedNote(genanki.Note):  # type: ignore[misc]
    """A genanki note stamped with its own modification time instead of the package's."""

    def __init__(self, mtime: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mtime = mtime

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mtime, deck_id, id_gen)


def write_apkg(notes: Sequence[AnkiNote]) -> bytes:
    """The .apkg bytes for ``notes``; the same notes give the same bytes."""
    paper, cloze = paper_model(), cloze_model()
    decks: dict[str, Any] = {}
    for note in notes:
        deck = decks.get(note.deck)
        if deck is None:
            deck = decks[note.deck] = genanki.Deck(stable_id("deck", note.deck), note.deck)
        deck.add_note(
            _DatedNote(
                note.mtime,
                model=cloze if note.is_cloze else paper,
                fields=list(note.fields),
                tags=list(note.tags),
                guid=note.guid,
            )
        )
    if not decks:
        # An empty package still carries the note types, so importing it is harmless.
        empty = genanki.Deck(stable_id("deck", "Daily Papers"), "Daily Papers")
        empty.add_model(paper)
        empty.add_model(cloze)
        decks["Daily Papers"] = empty
    newest = max((n.mtime for n in notes), default=_EMPTY_PACKAGE_TIME)
    oldest = min((n.mtime for n in notes), default=_EMPTY_PACKAGE_TIME)
    package = genanki.Package(list(decks.values()))
    collection = _sqlite_bytes(package, newest, itertools.count(oldest * 1000))

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in (("collection.anki2", collection), ("media", b"{}")):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def _sqlite_bytes(package: Any, timestamp: int, id_gen: Any) -> bytes:
    """The package's collection database, built in memory when Python can serialise it."""
    if hasattr(sqlite3.Connection, "serialize"):
        conn = sqlite3.connect(":memory:")
        try:
            package.write_to_db(conn.cursor(), timestamp, id_gen)
            conn.commit()
            return bytes(getattr(conn, "serialize")())  # noqa: B009 (Python >= 3.11)
        finally:
            conn.close()
    with tempfile.TemporaryDirectory(prefix="digestconv-apkg-") as folder:  # Python 3.10
        path = os.path.join(folder, "collection.anki2")
        conn = sqlite3.connect(path)
        try:
            package.write_to_db(conn.cursor(), timestamp, id_gen)
            conn.commit()
        finally:
            conn.close()
        with open(path, "rb") as fh:
            return fh.read()
