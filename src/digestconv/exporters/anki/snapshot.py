"""The package's collection as it stood after its first parts, kept to resume from.

Filling the collection is most of a rebuild, yet the daily change (an edited or an
added newest post) touches only the last few of thousands of parts.  SQLite writes
the same bytes for the same statements from the same file, and the collection holds
nothing written before a part's notes that depends on later parts (the notes go in
first, in the order of the parts, and the decks, note types and dates last), so the
file after the notes of parts [0, k) is the same in every build whose first k parts
are the same.  One such file is kept in the output's scratch folder under the cache,
taken a little before the end of the corpus; a build whose first k part keys are
those it was taken at copies it and inserts only the rest.

A snapshot is named by a hash of those part keys (each holds the options, the site
facts and the code), of the SQLite version (which decides the file's pages) and of
this module's format; its record holds what the rest of the fill needs to know about
those parts, and its size and CRC.  Anything that does not check out — a missing or
damaged file, another corpus, an unreadable record — is a miss, and the build fills
the collection from nothing, as a build without a cache does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from digestconv.exporters.anki.chunks import size_and_crc

_FORMAT = "digestconv apkg snapshot 1"
_SCRIPTS = hashlib.sha256((APKG_SCHEMA + APKG_COL).encode()).hexdigest()
"""What genanki writes into the file before any note: a snapshot holds it, and the parts'
keys do not know genanki's version, so a genanki whose schema changed must miss."""
_RECORD = "snapshot.json"
SLACK = 50
"""A snapshot is taken ``1/SLACK`` of the parts before the end, and kept while it lags
no more than twice that: daily posts resume from it for weeks before it is renewed."""


@dataclass
class Summary:
    """What the ``col`` row needs to know about a run of notes: the decks in order of
    first use, each with its note types (0 front/back, 1 cloze) in order of first use,
    and the notes' oldest and newest dates."""

    decks: dict[str, dict[int, None]] = field(default_factory=dict)
    oldest: int | None = None
    newest: int | None = None

    def add(self, heads: Sequence[list[list[Any]]]) -> None:
        """Take in notes' short columns (one list per part, as the fragments hold them)."""
        decks = self.decks
        dates: set[int] = set()
        for head in heads:
            for _guid, cloze, mtime, deck, *_ in head:
                used = decks.get(deck)
                if used is None:
                    used = decks[deck] = {}
                if cloze not in used:
                    used[cloze] = None
                dates.add(mtime)
        if dates:
            low, high = min(dates), max(dates)
            self.oldest = low if self.oldest is None else min(self.oldest, low)
            self.newest = high if self.newest is None else max(self.newest, high)

    def copy(self) -> Summary:
        return Summary({k: dict(v) for k, v in self.decks.items()}, self.oldest, self.newest)

    def to_json(self) -> dict[str, Any]:
        return {
            "decks": [[name, list(used)] for name, used in self.decks.items()],
            "oldest": self.oldest,
            "newest": self.newest,
        }

    @classmethod
    def from_json(cls, data: Any) -> Summary:
        decks = {str(name): {int(c): None for c in used} for name, used in data["decks"]}
        oldest, newest = data["oldest"], data["newest"]
        if not all(d is None or type(d) is int for d in (oldest, newest)):
            raise TypeError("dates")
        return cls(decks, oldest, newest)


@dataclass(frozen=True)
class Resumed:
    """A snapshot that fits the parts: how many it holds, the next note id, what the
    ``col`` row needs from those parts, the oldest date of the corpus it was taken from
    (the ids count from it), and its file's name, size and CRC."""

    count: int
    next_id: int
    summary: Summary
    oldest: int
    name: str
    size: int
    crc: int


class Snapshots:
    """The snapshot kept for one output, in its scratch folder."""

    def __init__(self, folder: Path, keys: Sequence[str]) -> None:
        self.folder = folder
        self.keys = keys

    def _name(self, count: int) -> str:
        h = hashlib.sha256(f"{_FORMAT}\0{_SCRIPTS}\0{sqlite3.sqlite_version}\0{count}\0".encode())
        h.update("\0".join(self.keys[:count]).encode())
        return h.hexdigest()

    def fitting(self) -> Resumed | None:
        """The kept snapshot, if its record checks out and it fits these parts."""
        try:
            record = json.loads((self.folder / _RECORD).read_bytes())
            body = record["body"]
            text = json.dumps(body, sort_keys=True, separators=(",", ":"))
            if record["check"] != hashlib.sha256(text.encode()).hexdigest():
                return None
            count, name = body["count"], body["name"]
            if type(count) is not int or not 0 < count <= len(self.keys):
                return None
            if name != self._name(count):
                return None
            return Resumed(
                count,
                int(body["next_id"]),
                Summary.from_json(body["summary"]),
                int(body["oldest"]),
                name,
                int(body["size"]),
                int(body["crc"]),
            )
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            return None

    def copy(self, resumed: Resumed, path: str) -> bool:
        """The snapshot's file copied to ``path``; False (and nothing at ``path``) when it
        is missing or is not the file its record describes."""
        try:
            shutil.copyfile(self.folder / f"{resumed.name}.anki2", path)
            if _size_and_crc(path) == (resumed.size, resumed.crc):
                os.utime(self.folder / _RECORD)  # in use: not swept (cache.sweep_scratch)
                return True
        except OSError:
            pass
        with contextlib.suppress(OSError):
            os.unlink(path)
        return False

    def checkpoint(self, start: int, total: int) -> int | None:
        """Where this build should take a new snapshot, if anywhere: ``1/SLACK`` before the
        end, unless the one it resumed from (at ``start``) is recent enough."""
        slack = max(1, total // SLACK)
        return None if start >= total - 2 * slack else total - slack

    def keep(self, path: str, count: int, next_id: int, summary: Summary, oldest: int) -> None:
        """Keep the collection at ``path`` (committed, after the notes of ``count`` parts)
        as the output's snapshot, replacing the one before; failing to is only a miss for
        the next build."""
        name = self._name(count)
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, staged = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            os.close(fd)
            try:
                shutil.copyfile(path, staged)
                size, crc = _size_and_crc(staged)
                os.replace(staged, self.folder / f"{name}.anki2")
                body = {
                    "count": count,
                    "name": name,
                    "next_id": next_id,
                    "summary": summary.to_json(),
                    "oldest": oldest,
                    "size": size,
                    "crc": crc,
                }
                text = json.dumps(body, sort_keys=True, separators=(",", ":"))
                record = {"body": body, "check": hashlib.sha256(text.encode()).hexdigest()}
                _write_replacing(self.folder / _RECORD, json.dumps(record).encode())
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(staged)
            for other in self.folder.iterdir():
                if other.suffix == ".anki2" and other.stem != name:
                    with contextlib.suppress(OSError):
                        other.unlink()


def _size_and_crc(path: str) -> tuple[int, int]:
    with open(path, "rb") as fh:
        return size_and_crc(fh.fileno())


def _write_replacing(path: Path, data: bytes) -> None:
    """``data`` as the file at ``path``, which is never seen half written."""
    fd, staged = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(staged, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(staged)
