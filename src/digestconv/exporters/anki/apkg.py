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

import functools
import hashlib
import itertools
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import genanki
import lz4.frame
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from digestconv import zipwrite
from digestconv.exporters.anki.cards import AnkiNote
from digestconv.exporters.anki.chunks import deflate_file
from digestconv.exporters.anki.snapshot import Resumed, Snapshots, Summary
from digestconv.fragments import Chunks, Reuse

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


@functools.cache
def paper_model() -> Any:
    return _model(
        PAPER_MODEL,
        PAPER_FIELDS,
        card="Card 1",
        front="Front",
        back="Back",
        model_type=genanki.Model.FRONT_BACK,
    )


@functools.cache
def cloze_model() -> Any:
    return _model(
        CLOZE_MODEL,
        CLOZE_FIELDS,
        card="Cloze",
        front="cloze:Text",
        back="Back Extra",
        model_type=genanki.Model.CLOZE,
    )


# --------------------------------------------------------------------------- note rows
#
# A note's share of the package is its row of the ``notes`` table and the ords of its
# cards, without the ids: ids count up across the whole package, so they are given when
# the collection is assembled.  A fragment is one line of JSON with the short columns
# and the lengths of the long ones — [guid, is cloze, mtime, deck, card ords, and the
# UTF-8 lengths of tags, front and back] per note — followed by the long columns' UTF-8
# bytes, raw, each note's front and back already joined as the ``flds`` column holds
# them.  Assembly binds slices of those bytes as they are: decoding megabytes of HTML
# as JSON strings took as long as writing the database, and even handing SQLite
# ``str`` objects costs an encoding of every field on every build.

NoteRow = tuple[str, int, int, str, list[int], str, str, str]
"""guid, is cloze, mtime, deck, card ords, tags, front, back."""

_SEPARATOR = b"\x1f"
"""Between the fields of a note's ``flds`` column."""

_CLOZE_REF = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)
_CLOZE_FIELD = re.compile(r"{{[^}]*?cloze:(?:[^}]?:)*(.+?)}}")


@functools.cache
def _front_back_req() -> tuple[tuple[int, str, tuple[int, ...]], ...]:
    """Which fields each card of the paper note type needs (genanki derives it with a
    template renderer: worth doing once, not once per note)."""
    return tuple((o, how, tuple(req)) for o, how, req in paper_model()._req)


@functools.cache
def _cloze_field_indexes() -> tuple[int, ...]:
    model = cloze_model()
    names = [f["name"] for f in model.fields]
    refs = set(_CLOZE_FIELD.findall(model.templates[0]["qfmt"]))
    return tuple(names.index(n) if n in names else -1 for n in refs)


def card_ords(note: AnkiNote) -> list[int]:
    """The cards genanki would make for the note, in the order it would write them.

    Its rules, kept exactly: a front/back card when its required fields are filled;
    a cloze card per deletion number, none at all for a text without a deletion.
    """
    if not note.is_cloze:
        return [
            o
            for o, how, req in _front_back_req()
            if (any if how == "any" else all)(note.fields[i] for i in req)
        ]
    ords: set[int] = set()
    for index in _cloze_field_indexes():
        value = note.fields[index] if index >= 0 else ""
        ords.update(int(m) - 1 for m in _CLOZE_REF.findall(value) if int(m) > 0)
    return list(ords)


def note_rows(notes: Sequence[AnkiNote]) -> bytes:
    """What ``notes`` add to the package (one fragment of the export)."""
    head: list[tuple[str, int, int, str, list[int], int, int, int]] = []
    text: list[bytes] = []
    for n in notes:
        tags = (" " + " ".join(n.tags) + " ").encode()
        front, back = n.fields[0].encode(), n.fields[1].encode()
        head.append(
            (
                n.guid,
                int(n.is_cloze),
                n.mtime,
                n.deck,
                card_ords(n),
                len(tags),
                len(front),
                len(back),
            )
        )
        text += (tags, front, _SEPARATOR, back)
    line = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode()
    # The text as an LZ4 frame: the package is filled from every part at once, and at
    # 2,000 posts their 48 MB of text held together were the build's peak in memory;
    # each part's text is decompressed only while its notes go in.
    packed: bytes = lz4.frame.compress(b"".join(text))
    return line + b"\n" + packed


def _text(fragment: bytes, start: int) -> bytes:
    """The notes' text of a :func:`note_rows` fragment whose text starts at ``start``."""
    text: bytes = lz4.frame.decompress(fragment[start:])
    return text


def _heads(fragments: Sequence[bytes]) -> tuple[list[list[list[Any]]], list[int]]:
    """The short columns of :func:`note_rows` fragments, per fragment and note, and
    where each fragment's text starts: one JSON document for them all, since a call
    per fragment cost more than the decoding."""
    ends = [fragment.index(b"\n") for fragment in fragments]
    joined = b",".join([fragment[:end] for fragment, end in zip(fragments, ends, strict=True)])
    heads = cast(list[list[list[Any]]], json.loads(b"[" + joined + b"]"))
    return heads, [end + 1 for end in ends]


def read_rows(fragments: Sequence[bytes]) -> list[NoteRow]:
    """The rows of :func:`note_rows` fragments, in order, as text."""
    heads, starts = _heads(fragments)
    rows: list[NoteRow] = []
    for fragment, head, start in zip(fragments, heads, starts, strict=True):
        text, pos = _text(fragment, start), 0
        for guid, cloze, mtime, deck, ords, n_tags, n_front, n_back in head:
            front = pos + n_tags
            back = front + n_front + len(_SEPARATOR)
            end = back + n_back
            tags = text[pos:front].decode()
            fields = text[front : back - len(_SEPARATOR)].decode(), text[back:end].decode()
            rows.append((guid, cloze, mtime, deck, ords, tags, *fields))
            pos = end
    return rows


def write_apkg(notes: Sequence[AnkiNote]) -> bytes:
    """The .apkg bytes for ``notes``; the same notes give the same bytes."""
    return package([note_rows(notes)]).join()


def package(fragments: Sequence[bytes], reuse: Reuse | None = None) -> Chunks:
    """The .apkg from the notes' rows (fragments of :func:`note_rows`, in order).

    The collection is written to a temporary file and compressed from there chunk by
    chunk, so the rows' text, the database and its compressed bytes are never all in
    memory at once; with ``reuse``, chunks compressed by an earlier build are reused,
    and the collection resumes from a snapshot of its unchanged beginning when the
    cache keeps one (see :mod:`digestconv.exporters.anki.snapshot`).
    """
    snapshots = None
    if reuse is not None and reuse.scratch is not None and len(reuse.keys) == len(fragments):
        snapshots = Snapshots(reuse.scratch, reuse.keys)
    with tempfile.TemporaryDirectory(prefix="digestconv-apkg-") as folder:
        path = os.path.join(folder, "collection.anki2")
        _collection(fragments, path, snapshots)
        with open(path, "r+b") as fh:
            _as_serialized(fh.fileno())
            collection = deflate_file("collection.anki2", fh.fileno(), reuse)
    members = [collection, zipwrite.deflate("media", b"{}")]
    return Chunks(zipwrite.write_pieces(members, date_time=_ZIP_TIME))


@dataclass
class _Fill:
    """What filling the collection from part ``start`` on needs: the parts' short columns
    and where their text starts, where to take a snapshot (``cut``), what the ``col`` row
    needs of the parts before the cut and of all of them, the corpus's oldest date and
    the first note id."""

    start: int
    heads: list[list[list[Any]]]
    starts: list[int]
    cut: int | None
    at_cut: Summary
    whole: Summary
    oldest: int
    next_id: int


def _plan_fill(
    fragments: Sequence[bytes], resumed: Resumed | None, snapshots: Snapshots | None
) -> _Fill:
    start = resumed.count if resumed is not None else 0
    heads, starts = _heads(fragments[start:])
    cut = snapshots.checkpoint(start, len(fragments)) if snapshots is not None else None
    at_cut = resumed.summary.copy() if resumed is not None else Summary()
    at_cut.add(heads[: (cut or start) - start])
    whole = at_cut.copy()
    whole.add(heads[(cut or start) - start :])
    oldest = _EMPTY_PACKAGE_TIME if whole.oldest is None else whole.oldest
    next_id = resumed.next_id if resumed is not None else oldest * 1000
    return _Fill(start, heads, starts, cut, at_cut, whole, oldest, next_id)


def _collection(fragments: Sequence[bytes], path: str, snapshots: Snapshots | None) -> None:
    """The collection file at ``path``: from a snapshot of its first parts if one fits,
    else from nothing, taking a new snapshot on the way when the kept one is missing or
    lags too far behind the corpus."""
    resumed = snapshots.fitting() if snapshots is not None else None
    fill = _plan_fill(fragments, resumed, snapshots)
    # An older note than any before moves every id: then nothing of the snapshot holds.
    if (
        resumed is not None
        and snapshots is not None
        and (fill.oldest != resumed.oldest or not snapshots.copy(resumed, path))
    ):
        resumed = None
        fill = _plan_fill(fragments, None, snapshots)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=OFF")  # a scratch file: nothing to roll back
        conn.execute("PRAGMA synchronous=OFF")

        def keep(next_id: int) -> None:
            assert snapshots is not None and fill.cut is not None
            conn.commit()
            snapshots.keep(path, fill.cut, next_id, fill.at_cut, fill.oldest)

        _write(conn, fragments, fill, fresh=resumed is None, checkpoint=keep)
        conn.commit()
    finally:
        conn.close()


def _write(
    conn: sqlite3.Connection,
    fragments: Sequence[bytes],
    fill: _Fill,
    *,
    fresh: bool,
    checkpoint: Callable[[int], None] | None = None,
) -> None:
    """The notes of the parts from ``fill.start`` on, each followed by its cards, in the
    order of the parts, and then what depends on all of them (decks, note types, dates),
    so that the file's beginning is the same whatever comes after it; ``checkpoint`` is
    called with the next note id once the parts before ``fill.cut`` are in."""
    cursor = conn.cursor()
    if fresh:
        cursor.executescript(APKG_SCHEMA)
        cursor.executescript(APKG_COL)
    cursor.executescript(_FEED)
    ids = _Ids(fill.next_id)
    notes = _Notes(fragments, fill.heads, fill.starts, fill.start)
    if fill.cut is not None and checkpoint is not None:
        notes.insert(cursor, fill.cut, ids)
        checkpoint(ids.next)
    notes.insert(cursor, len(fragments), ids)
    _write_col(cursor, fill.whole)


def _fill(fragments: Sequence[bytes], conn: sqlite3.Connection) -> None:
    """The whole collection on ``conn``, as a build without a cache writes it (the tests
    compare it with a collection written a statement per row, in memory)."""
    _write(conn, fragments, _plan_fill(fragments, None, None), fresh=True)


def _write_col(cursor: sqlite3.Cursor, whole: Summary) -> None:
    """The decks and note types into the ``col`` row, as genanki writes them: deck by deck
    in order of first use, each with its note types in order of first use."""
    models = (paper_model(), cloze_model())
    newest = _EMPTY_PACKAGE_TIME if whole.newest is None else whole.newest
    decks = whole.decks or {"Daily Papers": {0: None, 1: None}}
    # An empty package still carries the note types, so importing it is harmless.
    for name, used in decks.items():
        deck = genanki.Deck(stable_id("deck", name), name)
        for cloze in used:
            deck.add_model(models[cloze])
        deck.write_to_db(cursor, newest, itertools.count())


def _as_serialized(fd: int) -> None:
    """The header of a database file as SQLite serialises an in-memory one: a file's
    header counts its writes and names the library's version (which would make the
    package depend on the machine that built it); an in-memory database leaves both
    zero, and packages have always been built that way."""
    os.pwrite(fd, bytes(4), 24)  # file change counter
    os.pwrite(fd, bytes(8), 92)  # version-valid-for number, SQLITE_VERSION_NUMBER


# The notes go in through a view whose trigger inserts a note and then its cards: one
# ``executemany`` writes the rows in the order a statement per row would (the file's
# pages depend on that order), with no Python call per statement.  The
# long columns arrive as UTF-8 blobs and become text by CAST, so the stored values and
# their column affinity are what binding ``str`` gave.  The view and trigger are TEMP:
# they live outside the collection file.
_FEED = """
CREATE TEMP VIEW feed(id, guid, mid, mod, tags, flds, sfld, did, ords) AS
    SELECT 0, 0, 0, 0, 0, 0, 0, 0, 0;
CREATE TEMP TRIGGER feed_note INSTEAD OF INSERT ON feed BEGIN
    INSERT INTO notes VALUES(
        new.id, new.guid, new.mid, new.mod, -1, CAST(new.tags AS TEXT),
        CAST(new.flds AS TEXT), CAST(new.sfld AS TEXT), 0, 0, ''
    );
    INSERT INTO cards SELECT
        new.id + 1 + key, new.id, new.did, value, new.mod, -1,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ''
    FROM json_each(new.ords);
END;
"""


@dataclass
class _Ids:
    """The next note or card id: one count across the decks."""

    next: int


class _Notes:
    """The notes of the parts from ``start`` on (whose short columns are ``heads``), put
    into the collection a run of parts at a time."""

    def __init__(
        self,
        fragments: Sequence[bytes],
        heads: list[list[list[Any]]],
        starts: list[int],
        start: int,
    ) -> None:
        self._fragments = fragments
        self._heads = heads
        self._starts = starts
        self._start = start
        self.done = start
        """The parts inserted so far."""

    def insert(self, cursor: sqlite3.Cursor, stop: int, ids: _Ids) -> None:
        """The notes of the parts up to ``stop``: one ``executemany``, no Python call per
        statement."""
        cursor.executemany("INSERT INTO feed VALUES(?,?,?,?,?,?,?,?,?)", self._rows(stop, ids))
        self.done = stop

    def _rows(self, stop: int, ids: _Ids) -> Iterator[tuple[object, ...]]:
        """The ``feed`` rows, in order: the note's id (its cards take the ones after it),
        its columns as slices of the fragment, its card ords as JSON."""
        step = len(_SEPARATOR)
        model_ids = (paper_model().model_id, cloze_model().model_id)
        deck_ids: dict[str, int] = {}
        for index in range(self.done, stop):
            view = memoryview(_text(self._fragments[index], self._starts[index - self._start]))
            pos = 0
            for guid, cloze, mtime, deck, ords, n_tags, n_front, n_back in self._heads[
                index - self._start
            ]:
                front = pos + n_tags
                end = front + n_front + step + n_back
                deck_id = deck_ids.get(deck)
                if deck_id is None:
                    deck_id = deck_ids[deck] = stable_id("deck", deck)
                note_id = ids.next
                ids.next = note_id + 1 + len(ords)
                yield (
                    note_id,
                    guid,
                    model_ids[cloze],
                    mtime,
                    view[pos:front],
                    view[front:end],
                    view[front : front + n_front],
                    deck_id,
                    str(ords),  # JSON, for a list of ints
                )
                pos = end
