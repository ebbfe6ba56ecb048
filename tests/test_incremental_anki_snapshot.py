"""The .apkg's collection resumed from a snapshot of its first parts is the full fill.

A build with a cache keeps the collection as it stood after the notes of all but the
last parts; a rebuild whose first parts are unchanged copies it and inserts only the
rest.  Every step here (editing the newest post, adding one, editing an old one,
changing options, an older post arriving last, a damaged snapshot) must give the
bytes of a cold export, and the steps that can resume must have resumed.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.conftest import ROOT

from digestconv import fragments, runs
from digestconv.cli import cli
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki import AnkiExporter, AnkiOptions, apkg, snapshot
from digestconv.fragments import MemoryStore
from digestconv.model import Corpus, Digest
from digestconv.reader import read_paths

sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import make


@pytest.fixture(autouse=True)
def one_paper_per_part(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests say exactly which papers' parts are rendered: one paper per part
    (production parts hold runs of about 16, ``digestconv.runs``)."""
    monkeypatch.setattr(runs, "AVERAGE", 1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixty posts: hundreds of parts, so the newest post's lie after the checkpoint."""
    folder = tmp_path_factory.mktemp("site")
    make(60, folder)
    return folder


@pytest.fixture(scope="module")
def corpus(site: Path) -> Corpus:
    posts = sorted(str(p) for p in (site / "_posts").glob("*.md"))
    return read_paths(posts, config=site / "_config.yml").corpus


class Spy:
    """What the builds with a scratch folder did with the snapshot: per look-up, from how
    many parts the kept one fitted (``looked``, None when none did), and per collection
    written, from how many parts it resumed (``resumed``, None when filled from nothing)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.looked: list[int | None] = []
        self.resumed: list[int | None] = []
        self.writes = 0
        """Collections written, with or without a scratch folder."""
        fitting, collection, write = snapshot.Snapshots.fitting, apkg._collection, apkg._write
        kept: list[bool] = [False]

        def spied_fitting(this: snapshot.Snapshots) -> snapshot.Resumed | None:
            found = fitting(this)
            self.looked.append(found.count if found is not None else None)
            return found

        def spied_collection(
            fragments: Any, path: str, snapshots: snapshot.Snapshots | None
        ) -> None:
            kept[0] = snapshots is not None
            collection(fragments, path, snapshots)

        def spied_write(conn: Any, fragments: Any, fill: Any, **how: Any) -> None:
            self.writes += 1
            if kept[0]:
                self.resumed.append(None if how["fresh"] else fill.start)
            write(conn, fragments, fill, **how)

        monkeypatch.setattr(snapshot.Snapshots, "fitting", spied_fitting)
        monkeypatch.setattr(apkg, "_collection", spied_collection)
        monkeypatch.setattr(apkg, "_write", spied_write)

    @property
    def last(self) -> int | None:
        return self.resumed[-1]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    return Spy(monkeypatch)


def cached(corpus: Corpus, store: MemoryStore, **options: Any) -> bytes:
    rendered = fragments.export(
        AnkiExporter(), corpus, AnkiOptions(format="apkg", **options), Diagnostics(), store=store
    )
    store.keep(rendered)
    data = fragments.joined(rendered.output)
    assert isinstance(data, bytes)
    return data


def cold(corpus: Corpus, **options: Any) -> bytes:
    return AnkiExporter().export(corpus, AnkiOptions(format="apkg", **options), Diagnostics())


def retitled(corpus: Corpus, at: int, suffix: str) -> Corpus:
    digests = list(corpus.digests)
    paper = digests[at].papers[0]
    digests[at] = replace(
        digests[at], papers=(replace(paper, title=paper.title + suffix), *digests[at].papers[1:])
    )
    return replace(corpus, digests=tuple(digests))


def moved(digest: Digest, days: int, name: str, marker: str) -> Digest:
    """``digest`` as a post ``days`` later, its papers made new ones (ids of its own)."""
    papers = tuple(
        replace(p, arxiv=replace(p.arxiv, id=f"{p.arxiv.id}{marker}") if p.arxiv else None)
        for p in digest.papers
    )
    path = str(Path(digest.source.path).with_name(name))
    return replace(
        digest,
        date=digest.date + timedelta(days=days),
        source=replace(digest.source, path=path),
        papers=papers,
    )


def snapshots_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.anki2"))


def test_a_build_keeps_a_snapshot_and_the_next_resumes(
    corpus: Corpus, tmp_path: Path, spy: Spy
) -> None:
    store = MemoryStore(tmp_path)
    expected = cold(corpus)
    assert cached(corpus, store) == expected
    assert spy.last is None and len(snapshots_in(tmp_path)) == 1
    count = len(AnkiExporter().parts(corpus, AnkiOptions(format="apkg")))
    assert cached(corpus, store) == expected
    assert spy.last == count - count // snapshot.SLACK
    # Without a scratch folder (no cache directory) nothing is kept or looked for.
    writes = spy.writes
    assert cached(corpus, MemoryStore()) == expected
    assert spy.writes == writes + 1 and len(spy.looked) == len(spy.resumed) == 2


def test_the_daily_changes_resume_and_equal_a_cold_build(
    corpus: Corpus, tmp_path: Path, spy: Spy
) -> None:
    store = MemoryStore(tmp_path)
    cached(corpus, store)
    newest = len(corpus.digests) - 1
    steps = [retitled(corpus, newest, " v2"), retitled(corpus, newest, " v3")]
    last = corpus.digests[newest]
    for n in range(1, 4):  # a new newest post, day after day
        added = moved(last, n, f"2026-01-0{n}-daily-papers.md", f"a{n}")
        steps.append(replace(steps[-1], digests=(*steps[-1].digests, added)))
    steps.append(retitled(steps[-1], len(steps[-1].digests) - 1, " v4"))
    for step in steps:
        assert cached(step, store) == cold(step)
        assert spy.last is not None
    assert len(snapshots_in(tmp_path)) == 1


def test_changes_before_the_checkpoint_fill_from_nothing(
    corpus: Corpus, tmp_path: Path, spy: Spy
) -> None:
    store = MemoryStore(tmp_path)
    cached(corpus, store)
    old = retitled(corpus, 3, " (revised)")
    assert cached(old, store) == cold(old)
    assert spy.last is None
    # The snapshot taken on the way serves the next daily change.
    newest = retitled(old, len(old.digests) - 1, " v2")
    assert cached(newest, store) == cold(newest)
    assert spy.last is not None
    # Other options: other part keys, so nothing resumes, and back again.
    assert cached(newest, store, cards="summary") == cold(newest, cards="summary")
    assert spy.last is None
    assert cached(newest, store, cards="summary") == cold(newest, cards="summary")
    assert spy.last is not None
    assert cached(newest, store) == cold(newest)
    assert spy.last is None


def test_an_older_note_last_moves_every_id(corpus: Corpus, tmp_path: Path, spy: Spy) -> None:
    """A post dated before every other but read last: its parts follow the checkpoint,
    yet the ids count from its date, so the snapshot cannot serve."""
    store = MemoryStore(tmp_path)
    cached(corpus, store)
    early = moved(corpus.digests[-1], -400, "2025-01-01-daily-papers.md", "e")
    late = replace(corpus, digests=(*corpus.digests, early))
    assert cached(late, store) == cold(late)
    assert spy.looked[-1] is not None  # the snapshot fits the parts, but not the ids,
    assert spy.last is None  # so the collection is filled from nothing
    # and a snapshot for the new ids taken on the way.
    again = retitled(late, len(late.digests) - 1, " v2")
    assert cached(again, store) == cold(again)
    assert spy.last is not None


def _flip(folder: Path) -> None:
    (path,) = snapshots_in(folder)
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 1
    path.write_bytes(bytes(data))


def _truncate(folder: Path) -> None:
    (path,) = snapshots_in(folder)
    path.write_bytes(path.read_bytes()[:-4096])


def _unchecked_record(folder: Path) -> None:
    record = folder / "snapshot.json"
    held = json.loads(record.read_text())
    held["body"]["next_id"] += 1
    record.write_text(json.dumps(held))


DAMAGES = {
    "a flipped byte": _flip,
    "a truncated file": _truncate,
    "a missing file": lambda folder: snapshots_in(folder)[0].unlink(),
    "a record edited without its check": _unchecked_record,
    "a truncated record": lambda folder: (folder / "snapshot.json").write_text('{"body": {'),
    "a record of another shape": lambda folder: (folder / "snapshot.json").write_text("[]"),
    "a missing record": lambda folder: (folder / "snapshot.json").unlink(),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_snapshot_is_a_miss(
    corpus: Corpus, tmp_path: Path, spy: Spy, damage: str
) -> None:
    store = MemoryStore(tmp_path)
    cached(corpus, store)
    edited = retitled(corpus, len(corpus.digests) - 1, " v2")
    DAMAGES[damage](tmp_path)
    assert cached(edited, store) == cold(edited)
    assert spy.last is None
    # The full fill took a sound snapshot again.
    again = retitled(edited, len(edited.digests) - 1, " v3")
    assert cached(again, store) == cold(again)
    assert spy.last is not None


def test_a_scratch_folder_that_cannot_be_written(corpus: Corpus, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_bytes(b"")  # a file where the folder would be
    assert cached(corpus, MemoryStore(blocked)) == cold(corpus)


def test_builds_with_a_cache_equal_cold_builds(site: Path, tmp_path: Path) -> None:
    """Through the command: the snapshot lives in the cache folder, and the rebuild after
    an edit of the newest post is the cold build's package."""
    work = tmp_path / "site"
    make(60, work)
    cache, out, ref = tmp_path / "cache", tmp_path / "out", tmp_path / "ref"

    def build(target: Path, *extra: str) -> bytes:
        result = CliRunner().invoke(
            cli, ["build", str(work), "-o", str(target), "--only", "anki", "-j", "1", *extra]
        )
        assert result.exit_code == 0, result.output
        return (target / "cards.apkg").read_bytes()

    assert build(out, "--cache-dir", str(cache)) == build(ref, "--no-cache")
    assert list((cache / "scratch").glob("*/*.anki2"))
    newest = sorted((work / "_posts").glob("*.md"))[-1]
    text = newest.read_text(encoding="utf-8")
    heading = text.index("\n## ") + 4
    newest.write_text(text[:heading] + "Edited: " + text[heading:], encoding="utf-8")
    assert build(out, "--cache-dir", str(cache)) == build(ref, "--no-cache")
