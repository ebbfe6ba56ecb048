"""Atomic output: a reader of the output file sees the old bytes or the new, never a mix.

Sites are often rebuilt by CI and served while being rebuilt; a feed or a
bibliography that is half-written for a moment, or emptied by an error, is
worse than a stale one.  Every write goes to a temporary file in the target
folder and is renamed over the target once fsynced.  Unchanged files are not
rewritten at all, so their mtime stays and deploy tools see no change.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class UnsafePathError(ValueError):
    """An exporter asked for a file name outside the output folder."""


def _special(path: Path) -> bool:
    """A character device or FIFO (``-o /dev/stdout``, a named pipe): written through,
    never replaced by a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; return False when the file already held it.

    An existing regular file keeps its permission bits, but never setuid, setgid or
    sticky: a site's output must not become a privileged program by inheritance.
    """
    if _special(path):
        with open(path, "wb", buffering=0) as fh:
            fh.write(data)
        return True
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    staged = stage(path.parent, (data,), prefix=f".{path.name}.")
    try:
        _install(staged, path)
    except BaseException:
        discard((staged,))
        raise
    _remove_stale_temporaries(path)
    return True


def _install(staged: Staged, path: Path) -> None:
    """Rename a staged file over ``path``, keeping the old file's permission bits (never
    setuid, setgid or sticky), and make the rename durable."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    os.chmod(staged.tmp, mode)
    _sync_file(staged.tmp)
    os.replace(staged.tmp, path)
    _fsync_dir(path.parent)


@dataclass(frozen=True)
class Staged:
    """An output file written in full to a temporary file of the output folder and not
    yet published: what a build's worker hands back instead of the bytes."""

    tmp: str
    sha256: str
    size: int


STAGING = ".digestconv-staging"
"""The folder, inside the output folder, where a build writes before it publishes."""


def staging_folder(out_dir: Path) -> Path:
    """This build's own folder for staged files, inside the output folder: the same file
    system as the outputs, so publishing is a rename."""
    return out_dir / STAGING / f"{os.getpid()}-{secrets.token_hex(4)}"


def stage(folder: Path, pieces: Iterable[bytes], *, prefix: str = ".") -> Staged:
    """Write ``pieces`` to a new temporary file in ``folder``, hashed as it is written.

    Not fsynced here: most staged files of a rebuild turn out to hold what their
    output already holds and are dropped, and flushing them to disk first cost a
    watching rebuild a tenth of its time.  :func:`_install` syncs what it publishes."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in pieces:
                fh.write(piece)
                digest.update(piece)
                size += len(piece)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return Staged(tmp, digest.hexdigest(), size)


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file read in blocks (outputs run to 86 MB); None if it cannot be
    read."""
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def _same(path: Path, staged: Staged) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != staged.size:
            return False
    except OSError:
        return False
    return file_sha256(path) == staged.sha256


def publish(staged: Staged, path: Path, *, same: bool | None = None) -> bool:
    """Move a staged file over ``path`` by :func:`write_atomic`'s rules; False when the
    file already held these bytes (then it is not touched).  ``same`` is whether it does,
    when the caller knows without reading it."""
    if _special(path):
        with open(staged.tmp, "rb") as src, open(path, "wb", buffering=0) as dst:
            shutil.copyfileobj(src, dst)
        os.unlink(staged.tmp)
        return True
    if _same(path, staged) if same is None else same:
        os.unlink(staged.tmp)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    _install(staged, path)
    return True


def discard(staged: Iterable[Staged]) -> None:
    for one in staged:
        with contextlib.suppress(OSError):
            os.unlink(one.tmp)


def end_staging(folder: Path) -> None:
    """Remove this build's staging folder with whatever is left in it (an interrupted
    build's files), the folders of builds killed over an hour ago, and the staging
    folder itself once empty."""
    shutil.rmtree(folder, ignore_errors=True)
    now = time.time()
    with contextlib.suppress(OSError):
        for leftover in folder.parent.iterdir():
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > STALE_SECONDS:
                    shutil.rmtree(leftover, ignore_errors=True)
        folder.parent.rmdir()


STALE_SECONDS = 3600
"""A temporary file older than this was left by a writer that was killed."""


def _remove_stale_temporaries(path: Path) -> None:
    """Delete ``.name.*.tmp`` files a killed writer left beside ``path``.

    Only old ones: a fresh one may belong to another writer that is still running.
    """
    now = time.time()
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()


def sync_soon(staged: Staged) -> None:
    """Start flushing a staged file to disk in the background.

    Publishing syncs a file before its rename, and waits for what is not on disk yet:
    the 86 MB JSON of a 2,000-post site took 0.35 s, after every output had rendered.
    Begun as soon as the file is staged, the flush overlaps the rendering of the other
    outputs.  Only a head start: :func:`_install` still syncs, so a thread that did not
    finish (its process ended, the file was dropped) costs nothing but the I/O.
    """
    threading.Thread(target=_sync_quietly, args=(staged.tmp,), daemon=True).start()


def _sync_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        _sync_file(path)


def _sync_file(path: str) -> None:
    """Flush a file's data before it is renamed into place, so that a crash cannot
    publish an empty file; a failure (a full disk found only now) is the write's."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; not every platform lets a folder be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def confine(root: Path, name: str) -> Path:
    """``root / name`` after checking that ``name`` is a plain relative path inside root,
    also once symbolic links are followed.

    Exporters build file names from post data (tags, slugs); ``../../x``, an absolute
    name, or a symlinked folder inside the output folder must never make a write land
    outside it.
    """
    pure = PurePosixPath(name.replace("\\", "/"))
    if (
        not name
        or pure.is_absolute()
        or any(part in ("", ".", "..") for part in pure.parts)
        or ":" in pure.parts[0]
        or "\x00" in name
    ):
        raise UnsafePathError(f"unsafe output file name {name!r}")
    target = root.joinpath(*pure.parts)
    real_root = root.resolve()
    real = target.resolve()
    if real != real_root and real_root not in real.parents:
        raise UnsafePathError(f"{name!r} leads outside the output folder through a symbolic link")
    return target


def write_tree(root: Path, files: Mapping[str, bytes]) -> tuple[int, int]:
    """Write several files under ``root``; return (written, unchanged) counts.

    Every name is checked before anything is written, so a bad name writes nothing.
    """
    targets = [(confine(root, name), data) for name, data in sorted(files.items())]
    written = unchanged = 0
    for target, data in targets:
        if write_atomic(target, data):
            written += 1
        else:
            unchanged += 1
    return written, unchanged
