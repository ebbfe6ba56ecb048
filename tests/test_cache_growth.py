"""The cache holds one version of each post: it does not grow with every edit or keep
removed posts.

A watching build rewrites a post's row on every save; a cache kept across CI runs
sees posts renamed and removed.  Both would otherwise grow the cache without end.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

from click.testing import CliRunner

from digestconv.cli import cli

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import make  # noqa: E402


def _build(site: Path, out: Path, cache: Path) -> None:
    args = ["build", str(site), "-o", str(out), "--cache-dir", str(cache), "-q"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


def _rows(cache: Path, table: str) -> list[str]:
    with sqlite3.connect(cache / "digestconv-cache.sqlite") as db:
        return sorted(Path(p).name for (p,) in db.execute(f"SELECT path FROM {table}"))


def test_edits_replace_a_posts_row_and_removed_posts_leave(tmp_path: Path) -> None:
    site, out, cache = tmp_path / "site", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(ROOT / "samples", site)
    posts = sorted((site / "_posts").glob("*.md"))
    names = sorted(p.name for p in posts)
    _build(site, out, cache)
    assert _rows(cache, "posts3") == names
    for n in range(3):
        with posts[-1].open("a", encoding="utf-8") as fh:
            fh.write(f"\nEdit number {n}.\n")
        _build(site, out, cache)
    assert _rows(cache, "posts3") == names  # one row per post, not one per version
    posts[0].unlink()
    _build(site, out, cache)
    assert _rows(cache, "posts3") == names[1:]
    assert _rows(cache, "stamps") == names[1:]


def test_scratch_folders_unused_for_a_month_are_removed(tmp_path: Path) -> None:
    """An output's scratch folder (the Anki collection's snapshot, 48 MB at 2,000 posts)
    goes once no build has used it for SCRATCH_DAYS: a renamed site or a dropped output
    would otherwise keep it for ever."""
    import os
    import time

    from digestconv.cache import SCRATCH_DAYS

    site, out, cache = tmp_path / "site", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(ROOT / "samples", site)
    stale, fresh = cache / "scratch" / "stale", cache / "scratch" / "fresh"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
        (folder / "snapshot").write_bytes(b"x")
    old = time.time() - (SCRATCH_DAYS + 1) * 86400
    for path in (stale / "snapshot", stale):
        os.utime(path, (old, old))
    _build(site, out, cache)
    assert not stale.exists()
    assert (fresh / "snapshot").exists()


def _names(cache: Path, table: str, column: str) -> set[str]:
    with sqlite3.connect(cache / "digestconv-cache.sqlite") as db:
        return {n for (n,) in db.execute(f"SELECT DISTINCT {column} FROM {table}")}


def test_outputs_unused_for_a_month_lose_their_record_and_parts(tmp_path: Path) -> None:
    """One cache serves every output folder: the record and parts of one no build has
    used for SCRATCH_DAYS go, those in use stay, and the forgotten output builds again as
    a cold build would."""
    import time

    from digestconv.cache import SCRATCH_DAYS, BuildCache

    site, other, cache = tmp_path / "site", tmp_path / "other", tmp_path / "cache"
    old, kept = tmp_path / "old", tmp_path / "kept"
    shutil.copytree(ROOT / "samples", site)
    make(4, other)  # other posts: no part is shared with the samples' outputs
    _build(site, old, cache)
    _build(other, kept, cache)
    names = _names(cache, "outputs", "name")
    ours = {n for n in names if n.startswith(str(kept.resolve()) + "\0")}
    assert ours and names - ours and _names(cache, "fragments", "target") >= ours
    later = time.time() + (SCRATCH_DAYS + 1) * 86400
    store = BuildCache(cache)
    store.mark_used(sorted(ours), now=later)
    store.forget_unused(now=later)
    store.close()
    assert _names(cache, "outputs", "name") == ours
    assert _names(cache, "fragments", "target") == ours
    assert _names(cache, "used", "name") == ours
    _build(site, old, cache)
    _build(site, tmp_path / "cold", tmp_path / "no-cache")
    for path in (tmp_path / "cold").rglob("*"):
        if path.is_file():
            assert (old / path.relative_to(tmp_path / "cold")).read_bytes() == path.read_bytes()


def test_a_build_marks_its_outputs_used_once_a_day(tmp_path: Path) -> None:
    site, out, cache = tmp_path / "site", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(ROOT / "samples", site)
    _build(site, out, cache)
    with sqlite3.connect(cache / "digestconv-cache.sqlite") as db:
        marks = dict(db.execute("SELECT name, at FROM used"))
    assert set(marks) == _names(cache, "outputs", "name")
    _build(site, out, cache)
    with sqlite3.connect(cache / "digestconv-cache.sqlite") as db:
        assert dict(db.execute("SELECT name, at FROM used")) == marks
