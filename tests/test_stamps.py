"""Stamps let a rebuild skip reading unchanged posts and outputs, and never hide a change.

A file is taken as unchanged without being read only when its stamp (device,
inode, size, modification and change times) is the recorded one and was taken
after the file had settled.  Rewriting a file changes its change time even when
its size and modification time are put back, so such an edit is still seen.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from digestconv import build, reader, stamps
from digestconv.cli import cli

ROOT = Path(__file__).resolve().parents[1]
TICK = 0.05
"""Longer than the clock tick of file times, so that a rewrite gets a new change time."""


def _build(site: Path, out: Path, cache: Path, *extra: str) -> None:
    args = ["build", str(site), "-o", str(out), "--cache-dir", str(cache), "-q", *extra]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _rewrite_keeping_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (as long) and put the modification time back."""
    assert len(old) == len(new)
    data = path.read_bytes()
    assert old in data
    before = path.stat()
    time.sleep(TICK)
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_fresh_stamp_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x")
    stamp = stamps.take(path)
    assert stamp is not None
    assert not stamps.unchanged(path, stamp)  # written in the same moment: racily clean


def test_a_settled_stamp_is_trusted_until_the_file_is_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stamps, "SETTLED_NS", -1)
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    stamp = stamps.take(path)
    assert stamps.unchanged(path, stamp)
    _rewrite_keeping_size_and_mtime(path, b"abc", b"abd")
    assert not stamps.unchanged(path, stamp)
    assert not stamps.unchanged(tmp_path / "gone", stamp)
    assert not stamps.unchanged(path, "damaged")
    assert not stamps.unchanged(path, None)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Every post read and every output hashed, by path."""
    monkeypatch.setattr(stamps, "SETTLED_NS", -1)  # no need to wait for files to settle
    seen: dict[str, list[str]] = {"posts": [], "outputs": []}
    read_bytes, file_hash = reader._read_bytes, build.file_sha256

    def counting_read(path, diagnostics):  # type: ignore[no-untyped-def]
        seen["posts"].append(Path(path).name)
        return read_bytes(path, diagnostics)

    def counting_hash(path):  # type: ignore[no-untyped-def]
        seen["outputs"].append(Path(path).name)
        return file_hash(path)

    monkeypatch.setattr(reader, "_read_bytes", counting_read)
    monkeypatch.setattr(build, "file_sha256", counting_hash)
    return seen


def _built(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The samples copied and built once with a cache: (site, output, cache)."""
    site, out, cache = tmp_path / "site", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(ROOT / "samples", site)
    _build(site, out, cache)
    return site, out, cache


def test_an_unchanged_site_is_rebuilt_without_reading_it(
    tmp_path: Path, counted: dict[str, list[str]]
) -> None:
    site, out, cache = _built(tmp_path)
    assert len(counted["posts"]) == len(list((site / "_posts").glob("*.md")))
    counted["posts"].clear()
    built = _files(out)
    _build(site, out, cache)
    assert counted == {"posts": [], "outputs": []}
    assert _files(out) == built


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(
    tmp_path: Path, counted: dict[str, list[str]]
) -> None:
    site, out, cache = _built(tmp_path)
    post = sorted((site / "_posts").glob("*.md"))[-1]
    _rewrite_keeping_size_and_mtime(post, b"## Introduction", b"## INTRODUCTION")
    counted["posts"].clear()
    _build(site, out, cache)
    assert counted["posts"] == [post.name]
    _build(site, tmp_path / "cold", cache, "--no-cache")
    assert _files(out) == _files(tmp_path / "cold")


def test_an_output_changed_behind_the_build_is_written_again(
    tmp_path: Path, counted: dict[str, list[str]]
) -> None:
    site, out, cache = _built(tmp_path)
    built = _files(out)
    feed = out / "feed.xml"
    _rewrite_keeping_size_and_mtime(feed, b"<feed", b"<FEED")
    counted["outputs"].clear()
    _build(site, out, cache)
    assert "feed.xml" in counted["outputs"]
    assert _files(out) == built


def test_an_output_rendered_again_to_the_same_bytes_is_not_read(
    tmp_path: Path, counted: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blank lines added to a post render most outputs again, to the bytes they hold:
    their records say so, and they are neither read nor replaced."""
    from digestconv import output

    site, out, cache = _built(tmp_path)
    before = {p.name: p.stat().st_ino for p in out.iterdir() if p.is_file()}
    hashed: list[str] = []
    file_hash = output.file_sha256

    def counting_hash(path):  # type: ignore[no-untyped-def]
        hashed.append(Path(path).name)
        return file_hash(path)

    monkeypatch.setattr(output, "file_sha256", counting_hash)
    post = sorted((site / "_posts").glob("*.md"))[-1]
    post.write_bytes(post.read_bytes() + b"\n\n")
    _build(site, out, cache)
    assert counted["outputs"] == [] and hashed == []
    after = {p.name: p.stat().st_ino for p in out.iterdir() if p.is_file()}
    assert before.keys() == after.keys()
    kept = [name for name in before if before[name] == after[name]]
    assert "refs.bib" in kept and "cards.apkg" in kept
    _build(site, tmp_path / "cold", cache, "--no-cache")
    assert _files(out) == _files(tmp_path / "cold")
