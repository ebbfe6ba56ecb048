"""The build cache: read posts by content hash, and the inputs each output was built from.

A site owner rebuilds after every post; re-parsing hundreds of unchanged posts
and re-rendering unchanged outputs is what makes a rebuild slow.  Posts are
cached as their model JSON (which round-trips exactly) under a key made of the
digestconv version, the site facts that shape a digest (timezone, permalink…)
and the post's path and bytes; an output is skipped when the key of everything
it was made from is the one recorded after its last build and its files are
still what was written then.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from digestconv.fingerprint import code_version, digest_of

__all__ = ["BuildCache", "code_version", "digest_of", "post_key"]

SCHEMA = """
DROP TABLE IF EXISTS posts2;
CREATE TABLE IF NOT EXISTS posts3 (key TEXT PRIMARY KEY, path TEXT NOT NULL, source TEXT NOT NULL,
                                   digest TEXT, diagnostics TEXT NOT NULL, checksum TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS posts3_source ON posts3 (source);
CREATE INDEX IF NOT EXISTS posts3_path ON posts3 (path);
CREATE TABLE IF NOT EXISTS outputs (name TEXT PRIMARY KEY, key TEXT NOT NULL, files TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fragments (key TEXT PRIMARY KEY, target TEXT NOT NULL,
                                      data BLOB NOT NULL, diagnostics TEXT NOT NULL,
                                      checksum TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS fragments_target ON fragments (target);
CREATE TABLE IF NOT EXISTS stamps (path TEXT PRIMARY KEY, stamp TEXT NOT NULL,
                                   sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS used (name TEXT PRIMARY KEY, at INTEGER NOT NULL);
"""


MMAP_BYTES = 1 << 30

SCAN_FROM = 1000
"""Keys from which one scan of an output's rows is cheaper than looking each one up."""


def _row_sum(key: str, data: bytes, diagnostics: str) -> str:
    """A stored part's check: any damage to its bytes or its diagnostics reads as a miss.

    CRC-32, as zip and PNG check their members: a build reads every part back (190 MB
    at 2,000 posts), and SHA-256 of that cost as much as reading it.  The key already
    is a SHA-256 of the part's inputs; this only has to notice damage, and a checksum
    without a secret could not stop deliberate edits whatever its strength."""
    return _crc(data, f"\0{key}\0{diagnostics}")


def _crc(body: bytes, tail: str) -> str:
    """The stored check of ``body`` followed by ``tail``: CRC-32 and the body's length."""
    crc = zlib.crc32(tail.encode("utf-8", "surrogatepass"), zlib.crc32(body))
    return f"c{crc:08x}{len(body):x}"


def _checksum(digest: str | bytes | None, diagnostics: str) -> str:
    """Rows are checked before use: a damaged or edited cache must read as a miss, never as
    a model the exporters then trip over (CRC-32, for the reason given at ``_row_sum``;
    the code's version is in it, so a row written by other code is a miss too)."""
    if isinstance(digest, str):
        digest = digest.encode("utf-8", "surrogatepass")
    return _crc(b"\0" if digest is None else digest, f"\0{code_version()}\0{diagnostics}")


def post_key(site_fingerprint: str, path: str, sha256: str) -> str:
    """A post's key, from its bytes' SHA-256: a post whose stamp says it is unchanged
    (``digestconv.stamps``) has its key without being read."""
    return digest_of(code_version(), site_fingerprint, path, sha256)


def _valid_row(digest: object, diagnostics: object, checksum: object) -> bool:
    return (
        (digest is None or isinstance(digest, bytes))
        and isinstance(diagnostics, str)
        and checksum == _checksum(digest, diagnostics)
    )


IN_CHUNK = 500
"""Values bound per ``IN (…)`` query (SQLite allows a few hundred host parameters at least)."""


def _in_queries(select: str, column: str, values: Sequence[str]) -> list[tuple[str, list[str]]]:
    """``select`` restricted to rows whose ``column`` is one of ``values``, as queries of
    at most ``IN_CHUNK`` bound values each."""
    listed = list(values)
    return [
        (f"{select} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk)
        for chunk in (listed[i : i + IN_CHUNK] for i in range(0, len(listed), IN_CHUNK))
    ]


class BuildCache:
    """A small SQLite store; any database problem degrades to "not cached", never to a failure."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "digestconv-cache.sqlite"
        self.db: sqlite3.Connection | None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            # A cache, not a record: a commit need not reach the disk before the build
            # goes on (a write-ahead log survives a crash intact; a lost last transaction
            # is a miss).  The default journal synced twice per commit, and a build
            # commits once per output.
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            # Parts are read back by the hundred megabytes: through a mapping, SQLite hands
            # them over without copying each page into its own cache first (half the time).
            self.db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            self.db.executescript(SCHEMA)
        except (sqlite3.Error, OSError):  # a file in the way, a read-only disk, not a database
            self.db = None

    def get_posts(self, keys: Iterable[str]) -> dict[str, tuple[bytes | None, str]]:
        """Cached digests by post key, as the UTF-8 bytes of their text: decoding them is
        the reader's (orjson reads bytes), and 80 MB of Korean text at 2,000 posts would
        otherwise be held twice, once decoded by SQLite into Python strings."""
        if self.db is None:
            return {}
        found: dict[str, tuple[bytes | None, str]] = {}
        select = "SELECT key, CAST(digest AS BLOB), diagnostics, checksum FROM posts3"
        try:
            for sql, args in _in_queries(select, "key", list(keys)):
                for key, digest, diags, checksum in self.db.execute(sql, args):
                    if _valid_row(digest, diags, checksum):
                        found[key] = (digest, diags)
        except sqlite3.Error:
            return {}
        return found

    def put_posts(self, rows: Iterable[tuple[str, str, str, str | None, str]]) -> None:
        """Store (key, path, source, digest, diagnostics) of posts just parsed.

        ``source`` names the file as a given site reads it (the path and the site facts):
        a post's new version replaces the row of its previous one, so editing a post a
        hundred times under ``--watch`` leaves one row, not a hundred."""
        if self.db is None:
            return
        listed = list(rows)
        with contextlib.suppress(sqlite3.Error), self.db:
            self.db.executemany(
                "DELETE FROM posts3 WHERE source = ? AND key <> ?",
                [(source, key) for key, _, source, _, _ in listed],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO posts3 VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (key, path, source, d, diags, _checksum(d, diags))
                    for key, path, source, d, diags in listed
                ],
            )

    def forget_missing(self) -> None:
        """Drop the posts and stamps of files that no longer exist (removed or renamed
        posts, of this site or any other the cache serves): without it the cache only
        grows.  Only the cache's own rows are touched."""
        if self.db is None:
            return
        with contextlib.suppress(sqlite3.Error), self.db:
            for table in ("posts3", "stamps"):
                paths = [p for (p,) in self.db.execute(f"SELECT DISTINCT path FROM {table}")]
                gone = [(p,) for p in paths if isinstance(p, str) and not os.path.exists(p)]
                self.db.executemany(f"DELETE FROM {table} WHERE path = ?", gone)

    def get_stamps(self, paths: Sequence[str]) -> dict[str, tuple[str, str]]:
        """The stamp and SHA-256 recorded for each of ``paths`` (absolute) that has them."""
        if self.db is None:
            return {}
        found: dict[str, tuple[str, str]] = {}
        wanted = set(paths)
        try:
            for sql, args in _in_queries("SELECT path, stamp, sha256 FROM stamps", "path", paths):
                for path, stamp, sha in self.db.execute(sql, args):
                    if path in wanted and isinstance(stamp, str) and isinstance(sha, str):
                        found[path] = (stamp, sha)
        except sqlite3.Error:
            return {}
        return found

    def put_stamps(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Record (path, stamp, SHA-256) of files just read."""
        if self.db is None or not rows:
            return
        with contextlib.suppress(sqlite3.Error), self.db:
            self.db.executemany("INSERT OR REPLACE INTO stamps VALUES (?, ?, ?)", rows)

    def get_fragments(
        self, keys: Sequence[str] | None, target: str | None = None
    ) -> dict[str, tuple[bytes, str]]:
        """Stored parts of outputs (see :mod:`digestconv.fragments`) that pass their check;
        with ``keys`` None, every part of ``target``.

        With ``target`` and many keys, the output's rows are read in one scan and the
        wanted ones kept: after the previous build's sweep they are the parts it used,
        nearly all wanted again, and one scan reads them in half the time of looking
        each key up."""
        if self.db is None or (keys is None and target is None):
            return {}
        found: dict[str, tuple[bytes, str]] = {}
        wanted = None if keys is None else set(keys)
        try:
            select = "SELECT key, data, diagnostics, checksum FROM fragments"
            if target is not None and (wanted is None or len(wanted) >= SCAN_FROM):
                queries = [(f"{select} WHERE target = ?", [target])]
            else:
                queries = _in_queries(select, "key", list(wanted or ()))
            for sql, args in queries:
                for key, data, diags, checksum in self.db.execute(sql, args):
                    if (
                        (wanted is None or key in wanted)
                        and isinstance(data, bytes)
                        and isinstance(diags, str)
                        and checksum == _row_sum(key, data, diags)
                    ):
                        found[key] = (data, diags)
        except sqlite3.Error:
            return {}
        return found

    def parts_of(self, target: str) -> TargetParts:
        return TargetParts(self, target)

    def put_fragments(
        self, target: str, rows: Iterable[tuple[str, bytes, str]], used: Sequence[str] | None
    ) -> None:
        """Store freshly rendered parts of ``target`` and drop its parts no longer used,
        so the cache holds one build's worth of each output, not every past one.  With
        ``used`` None nothing is dropped: a build that did not assemble the output does
        not know what its assembly keeps (see :class:`~digestconv.fragments.Reuse`);
        the next build that assembles it drops what is stale."""
        if self.db is None:
            return
        with contextlib.suppress(sqlite3.Error), self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO fragments VALUES (?, ?, ?, ?, ?)",
                [(k, target, d, g, _row_sum(k, d, g)) for k, d, g in rows],
            )
            if used is None:
                return
            keep = set(used)
            stale = [
                (key,)
                for (key,) in self.db.execute(
                    "SELECT key FROM fragments WHERE target = ?", (target,)
                )
                if key not in keep
            ]
            self.db.executemany("DELETE FROM fragments WHERE key = ?", stale)

    def output(self, name: str) -> tuple[str, dict[str, str]] | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute(
                "SELECT key, files FROM outputs WHERE name = ?", (name,)
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        try:
            files = json.loads(row[1])
        except (TypeError, ValueError):
            return None
        if not isinstance(row[0], str) or not isinstance(files, dict):
            return None
        return row[0], {str(k): str(v) for k, v in files.items()}

    def put_output(self, name: str, key: str, files: Mapping[str, str]) -> None:
        if self.db is None:
            return
        with contextlib.suppress(sqlite3.Error), self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)",
                (name, key, json.dumps(dict(sorted(files.items())))),
            )

    def mark_used(self, names: Sequence[str], now: float | None = None) -> None:
        """Record that a build used these outputs (their record and parts): what
        :meth:`forget_unused` goes by, which runs whenever a mark is written.  Written at
        most once a day per output, so that an up-to-date build stays a read."""
        if self.db is None or not names:
            return
        day = int(time.time() if now is None else now) // 86400
        due: list[tuple[str, int]] = []
        with contextlib.suppress(sqlite3.Error), self.db:
            known: dict[str, int] = {}
            for sql, args in _in_queries("SELECT name, at FROM used", "name", names):
                known.update(self.db.execute(sql, args).fetchall())
            due = [(n, day) for n in dict.fromkeys(names) if known.get(n) != day]
            self.db.executemany("INSERT OR REPLACE INTO used VALUES (?, ?)", due)
        if due:  # a new day: the sweep runs with the marks, not with every build
            self.forget_unused(now)

    def forget_unused(self, now: float | None = None) -> None:
        """Drop the record and parts of every output no build has used for
        ``SCRATCH_DAYS``: one cache serves every site and output folder, and an output
        dropped from a config, a site renamed or a folder built once would otherwise
        keep its parts (tens of megabytes at 2,000 posts) for ever.  An output found
        without a mark (a cache older than the marks, a build that failed) is marked now.
        A part two outputs share belongs to the one that stored it: once that one is
        forgotten, the other renders it again, as after any cache miss."""
        if self.db is None:
            return
        day = int(time.time() if now is None else now) // 86400
        with contextlib.suppress(sqlite3.Error), self.db:
            for table, column in (("outputs", "name"), ("fragments", "target")):
                self.db.execute(
                    f"INSERT OR IGNORE INTO used SELECT DISTINCT {column}, ? FROM {table}",
                    (day,),
                )
            old = [
                (name,)
                for (name,) in self.db.execute(
                    "SELECT name FROM used WHERE at < ?", (day - SCRATCH_DAYS,)
                )
            ]
            for table, column in (("outputs", "name"), ("fragments", "target"), ("used", "name")):
                self.db.executemany(f"DELETE FROM {table} WHERE {column} = ?", old)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


class TargetParts:
    """The store of one output's parts, as :func:`digestconv.fragments.export` uses it."""

    def __init__(self, cache: BuildCache, target: str) -> None:
        self.cache = cache
        self.target = target
        self.scratch = scratch_folder(cache.folder, target)

    def get_fragments(self, keys: Sequence[str]) -> dict[str, tuple[bytes, str]]:
        return self.cache.get_fragments(keys, target=self.target)


SCRATCH_DAYS = 30
"""A scratch folder no build has used for this long belongs to an output no longer built."""


def sweep_scratch(folder: Path) -> None:
    """Remove the scratch folders (see :func:`scratch_folder`) that no build has written
    to or used for ``SCRATCH_DAYS``: a snapshot of an Anki collection at 2,000 posts is
    48 MB, and a site renamed or an output dropped would otherwise keep its folder."""
    cutoff = time.time() - SCRATCH_DAYS * 86400
    with contextlib.suppress(OSError), os.scandir(folder / "scratch") as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                with os.scandir(entry.path) as inside:
                    times = [entry.stat().st_mtime, *(e.stat().st_mtime for e in inside)]
                if max(times) < cutoff:
                    shutil.rmtree(entry.path, ignore_errors=True)


def scratch_folder(folder: Path, target: str) -> Path:
    """The folder of ``target``'s own under the cache (see ``fragments.Reuse.scratch``),
    named by a hash: a target's name holds the output folder's path."""
    name = hashlib.sha256(target.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return folder / "scratch" / name
