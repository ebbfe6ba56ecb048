"""Notes → the CSV text file Anki's File › Import reads with no question asked.

The header lines tell Anki everything (separator, HTML, which columns hold the
GUID, note type, deck and tags; update notes that match), so the import
dialog opens ready to go.  Every cell is quoted: an unquoted row that starts
with ``#`` would be taken for a header comment and silently dropped.  Tags sit
in their column, never in a global ``#tags:`` header, which Anki would add to
every note on every import and so re-update every note forever.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from digestconv.exporters.anki.cards import AnkiNote
from digestconv.lazy import Lazy

COLUMNS = ("GUID", "Notetype", "Deck", "Field 1", "Field 2", "Tags")

HEADER = (
    "#separator:Comma\n"
    "#html:true\n"
    "#guid column:1\n"
    "#notetype column:2\n"
    "#deck column:3\n"
    "#tags column:6\n"
    "#if matches:update current\n"
    f"#columns:{','.join(COLUMNS)}\n"
)


def write_csv(notes: Sequence[AnkiNote], notetype_basic: str, notetype_cloze: str) -> bytes:
    """UTF-8 CSV (no BOM, ``\\n`` line ends) with one row per note."""
    return HEADER.encode("utf-8") + csv_rows(notes, notetype_basic, notetype_cloze)


def csv_rows(notes: Sequence[AnkiNote], notetype_basic: str, notetype_cloze: str) -> bytes:
    """The notes' rows, without the header: one paper's share of the file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows(
        (
            note.guid,
            notetype_cloze if note.is_cloze else notetype_basic,
            note.deck,
            note.fields[0],
            note.fields[1],
            " ".join(note.tags),
        )
        for note in notes
    )
    return buffer.getvalue().encode("utf-8")


BATCH = 64
"""Parts' rows per piece of the file (a part holds a run of about 16 papers): joining a few
dozen of them costs less than a call to write and to hash per part."""


def pieces(fragments: Sequence[bytes]) -> Sequence[bytes]:
    """The file as pieces: the header, then the rows in batches joined as they are
    written, so the whole file is never one more copy in memory."""
    header = HEADER.encode("utf-8")
    count = (len(fragments) + BATCH - 1) // BATCH

    def batch(index: int) -> bytes:
        if index == 0:
            return header
        start = (index - 1) * BATCH
        return b"".join(fragments[start : start + BATCH])

    return Lazy(count + 1, batch)
