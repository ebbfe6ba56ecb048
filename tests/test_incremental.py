"""Incremental builds are byte-identical to cold ones, whatever happens to the site.

A sequence of edits — a post's text, a new post, a removed one, a renamed one, a
paper shared by two posts, options and site facts in ``_config.yml``, a damaged
cache — is applied to one site; after each step an incremental ``build`` (with the
cache of the previous steps) and a cold ``build --no-cache`` write every output,
and every file and every diagnostic must be the same.  The forked-worker path runs
on a site large enough to use it.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from digestconv.cli import cli

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import make  # noqa: E402

FORMATS = "[json, bibtex, feed, epub, anki, csljson, opds, index]"
CONFIG_TAIL = f"""
digestconv:
  formats: {FORMATS}
  anki:
    - output: cards.csv
    - output: cards.apkg
      format: apkg
"""

Step = Callable[[Path], None]


def _posts(site: Path) -> list[Path]:
    return sorted((site / "_posts").glob("*.md"))


def edit_text(site: Path) -> None:
    post = _posts(site)[-1]
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("\n## ", "\n- An added sentence, **in bold**.\n\n## ", 1))


def add_post(site: Path) -> None:
    newest = _posts(site)[-1]
    text = newest.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^date: .*$", "date: 2026-01-05 09:00:00", text, count=1)
    text = re.sub(r"(?m)^title: .*$", 'title: "A new day"', text, count=1)
    text = re.sub(r"\d{4}\.\d{5}", lambda m: "2601." + m.group(0)[-5:], text)
    (site / "_posts" / "2026-01-05-new-day.md").write_text(text, encoding="utf-8")


def remove_post(site: Path) -> None:
    _posts(site)[len(_posts(site)) // 2].unlink()


def rename_post(site: Path) -> None:
    post = _posts(site)[0]
    post.rename(post.with_name(post.name.replace("daily-papers", "renamed-digest")))


def share_paper(site: Path) -> None:
    """The first paper of the oldest post appears again in the newest one."""
    first, last = _posts(site)[0], _posts(site)[-1]
    source = first.read_text(encoding="utf-8")
    heading = re.search(r"(?ms)^# 1\. .*?(?=^# 2\. )", source)
    assert heading is not None
    entry = heading.group(0).replace("# 1. ", "# 99. ", 1)
    last.write_text(last.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + entry)


def change_options(site: Path) -> None:
    cfg = site / "_config.yml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8")
        + "  feed:\n    entries: paper\n  epub:\n    split: month\n  bibtex:\n    biblatex: true\n",
        encoding="utf-8",
    )


def change_site(site: Path) -> None:
    cfg = site / "_config.yml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("title: Daily Papers", "title: Papers of the Day")
    text = text.replace("https://dailypapers.example.org", "https://papers.example.net")
    cfg.write_text(text, encoding="utf-8")


def edit_again(site: Path) -> None:
    post = _posts(site)[1]
    post.write_text(post.read_text(encoding="utf-8") + "\n- One more line at the end.\n")


def corrupt_cache(cache: Path) -> None:
    """Every stored part and post is damaged: the build must notice and render again."""
    db = sqlite3.connect(cache / "digestconv-cache.sqlite")
    with db:
        db.execute("UPDATE fragments SET data = CAST('garbage' AS BLOB)")
        db.execute("UPDATE posts3 SET digest = '{\"broken\": true}'")
    db.close()


STEPS: list[tuple[str, Step]] = [
    ("first build", lambda site: None),
    ("unchanged", lambda site: None),
    ("edit text", edit_text),
    ("add a post", add_post),
    ("remove a post", remove_post),
    ("rename a post", rename_post),
    ("share a paper", share_paper),
    ("change options", change_options),
    ("change site facts", change_site),
    ("edit again", edit_again),
]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build(site: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", str(site), "-o", str(out), "-v", *extra])
    # the closing line holds the duration and the count of files written, which differ
    text = re.sub(r"(?m)^digestconv build: \d+ post.*$", "", result.output)
    return result.exit_code, text


def _site(tmp_path: Path, kind: str) -> Path:
    site = tmp_path / "site"
    if kind == "samples":
        shutil.copytree(ROOT / "samples", site)
    else:
        make(72, site)  # above the size where build exports in forked workers
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + CONFIG_TAIL, encoding="utf-8")
    return site


FORKED_STEPS = {"first build", "edit text", "add a post", "share a paper", "change options"}
"""The forked-worker path repeats the steps that render parts in the workers."""


@pytest.mark.parametrize(("kind", "jobs"), [("samples", "1"), ("generated", "2")])
def test_incremental_builds_equal_cold_builds(tmp_path: Path, kind: str, jobs: str) -> None:
    site = _site(tmp_path, kind)
    cache, warm = tmp_path / "cache", tmp_path / "warm"
    steps = STEPS if jobs == "1" else [s for s in STEPS if s[0] in FORKED_STEPS]
    for number, (name, step) in enumerate(steps):
        step(site)
        code, said = _build(site, warm, "--cache-dir", str(cache), "-j", jobs)
        cold = tmp_path / f"cold-{number}"
        cold_code, cold_said = _build(site, cold, "--no-cache", "-j", jobs)
        assert (code, said) == (cold_code, cold_said), name
        assert code == 0, (name, said)
        got, want = _files(warm), _files(cold)
        assert sorted(got) == sorted(want), name
        different = [f for f in want if got[f] != want[f]]
        assert not different, (name, different)
        assert {"digests.json", "refs.bib", "cards.apkg", "cards.csv"} <= set(want), name
        assert any(f.endswith(".epub") for f in want), name


def test_damaged_cache_degrades_to_a_cold_build(tmp_path: Path) -> None:
    site = _site(tmp_path, "samples")
    cache, warm, cold = tmp_path / "cache", tmp_path / "warm", tmp_path / "cold"
    assert _build(site, warm, "--cache-dir", str(cache))[0] == 0
    edit_text(site)
    corrupt_cache(cache)
    code, said = _build(site, warm, "--cache-dir", str(cache))
    assert (code, said) == _build(site, cold, "--no-cache")
    assert _files(warm) == _files(cold)
    (cache / "digestconv-cache.sqlite").write_bytes(b"not a database at all" * 100)
    edit_again(site)
    code, said = _build(site, warm, "--cache-dir", str(cache))
    assert (code, said) == _build(site, cold, "--no-cache")
    assert _files(warm) == _files(cold)


def _count_json_parts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The source path of every part the JSON exporter renders from now on."""
    from digestconv.exporters.json import JsonExporter

    rendered: list[str] = []
    original = JsonExporter.render_part

    def counting(self, part, site_, options, diagnostics):  # type: ignore[no-untyped-def]
        rendered.append(part.digests[0].source.path)
        return original(self, part, site_, options, diagnostics)

    monkeypatch.setattr(JsonExporter, "render_part", counting)
    return rendered


def test_an_edit_renders_only_its_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After one post changes, the JSON exporter renders that post's part alone."""
    site = _site(tmp_path, "samples")
    cache, out = tmp_path / "cache", tmp_path / "out"
    assert _build(site, out, "--cache-dir", str(cache), "--only", "json")[0] == 0
    rendered = _count_json_parts(monkeypatch)
    edit_text(site)
    assert _build(site, out, "--cache-dir", str(cache), "--only", "json")[0] == 0
    assert rendered == [str(_posts(site)[-1])]


def _watch_params(site: Path, out: Path, cache: Path, jobs: str) -> dict[str, object]:
    """The parameters ``build --watch`` passes to each of its builds."""
    command = cli.get_command(click.Context(cli), "build")
    assert command is not None
    args = [str(site), "-o", str(out), "--cache-dir", str(cache), "-v", "-j", jobs]
    return dict(command.make_context("build", args).params)


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The export pools a build starts, by their number of workers."""
    from digestconv import build as build_module

    started: list[int] = []
    pool = build_module.pool

    def counting_pool(workers: int, **kw: Any) -> Any:
        started.append(workers)
        return pool(workers, **kw)

    monkeypatch.setattr(build_module, "pool", counting_pool)
    return started


@pytest.mark.parametrize(("kind", "jobs"), [("samples", "1"), ("generated", "2")])
def test_a_watching_session_equals_cold_builds(
    tmp_path: Path,
    kind: str,
    jobs: str,
    *,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    forked: list[int],
) -> None:
    """``--watch`` keeps the previous build's posts and parts in memory (``Warm``); over
    the same sequence of edits each of its builds equals a cold one, diagnostics too.
    With two jobs the rebuilds render in forked workers, whatever the site's size."""
    from digestconv import build as build_module
    from digestconv.cli import _build_once
    from digestconv.warm import Warm

    monkeypatch.setattr(build_module, "WARM_PARALLEL_EXPORT_MIN", 0)
    site = _site(tmp_path, kind)
    cache, out = tmp_path / "cache", tmp_path / "watched"
    params = _watch_params(site, out, cache, jobs)
    session = Warm()
    steps = STEPS if jobs == "1" else [s for s in STEPS if s[0] in FORKED_STEPS]
    for number, (name, step) in enumerate(steps):
        step(site)
        capsys.readouterr()
        code = _build_once(params, session)
        said = re.sub(r"(?m)^digestconv build: \d+ post.*$", "", capsys.readouterr().err)
        cold = tmp_path / f"cold-{number}"
        assert (code, said) == _build(site, cold, "--no-cache", "-j", jobs), name
        assert _files(out) == _files(cold), name
        assert session.posts and session.parts, name
    assert (len(forked) > 1) == (jobs == "2")  # the first build and rebuilds


def test_a_watching_session_started_on_built_outputs_holds_their_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Started on outputs that are up to date, the session's first build renders nothing
    yet holds every output's parts, so its first rebuild asks the cache for none it had."""
    from digestconv.cache import BuildCache
    from digestconv.cli import _build_once
    from digestconv.warm import Warm

    site = _site(tmp_path, "samples")
    params = _watch_params(site, tmp_path / "out", tmp_path / "cache", "1")
    assert _build_once(params, None) == 0  # an earlier build, in another process
    session = Warm()
    assert _build_once(params, session) == 0
    assert "0 output file(s) written" in capsys.readouterr().err
    held = {key for parts in session.parts.values() for key in parts}
    assert len(session.parts) >= 8 and held  # every default output
    asked: list[str] = []
    get_parts = BuildCache.get_fragments

    def counting_parts(self, keys, **where):  # type: ignore[no-untyped-def]
        asked.extend(keys or ())
        return get_parts(self, keys, **where)

    monkeypatch.setattr(BuildCache, "get_fragments", counting_parts)
    edit_text(site)
    assert _build_once(params, session) == 0
    capsys.readouterr()
    assert not held.intersection(asked)


def test_a_small_watching_rebuild_renders_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], forked: list[int]
) -> None:
    """Below ``WARM_PARALLEL_EXPORT_MIN`` posts a watching rebuild does not fork: the
    first build does, and equals a cold build either way (above)."""
    from digestconv.cli import _build_once
    from digestconv.warm import Warm

    site = _site(tmp_path, "generated")
    params = _watch_params(site, tmp_path / "out", tmp_path / "cache", "2")
    session = Warm()
    assert _build_once(params, session) == 0
    assert forked == [2]
    edit_text(site)
    assert _build_once(params, session) == 0
    capsys.readouterr()
    assert forked == [2]


def test_a_watching_rebuild_reads_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """After an edit, a watching build parses the one edited post, asks the cache for no
    other post, and asks it for no part it already holds."""
    from digestconv import reader
    from digestconv.cache import BuildCache
    from digestconv.cli import _build_once
    from digestconv.warm import Warm

    site = _site(tmp_path, "samples")
    session = Warm()
    params = _watch_params(site, tmp_path / "out", tmp_path / "cache", "1")
    assert _build_once(params, session) == 0
    held = {key for parts in session.parts.values() for key in parts}
    parsed: list[str] = []
    asked_posts: list[str] = []
    asked_parts: list[str] = []
    read_one, get_posts, get_parts = (
        reader._read_one,
        BuildCache.get_posts,
        BuildCache.get_fragments,
    )

    def counting_read(data, path, *args):  # type: ignore[no-untyped-def]
        parsed.append(path)
        return read_one(data, path, *args)

    def counting_posts(self, keys):  # type: ignore[no-untyped-def]
        keys = list(keys)
        asked_posts.extend(keys)
        return get_posts(self, keys)

    def counting_parts(self, keys, **where):  # type: ignore[no-untyped-def]
        asked_parts.extend(keys)
        return get_parts(self, keys, **where)

    monkeypatch.setattr(reader, "_read_one", counting_read)
    monkeypatch.setattr(BuildCache, "get_posts", counting_posts)
    monkeypatch.setattr(BuildCache, "get_fragments", counting_parts)
    edit_text(site)
    assert _build_once(params, session) == 0
    capsys.readouterr()
    assert parsed == [str(_posts(site)[-1])]
    assert len(asked_posts) == 1
    assert asked_parts and not held.intersection(asked_parts)


def test_two_sites_sharing_a_cache_keep_their_own_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default cache folder serves every site: building another site in between
    must not sweep away this site's parts (each output's parts are kept per folder)."""
    first, second = _site(tmp_path / "a", "samples"), _site(tmp_path / "b", "samples")
    edit_again(second)
    cache = tmp_path / "cache"
    for site, out in ((first, tmp_path / "out-a"), (second, tmp_path / "out-b")):
        assert _build(site, out, "--cache-dir", str(cache), "--only", "json")[0] == 0
    rendered = _count_json_parts(monkeypatch)
    edit_text(first)
    assert _build(first, tmp_path / "out-a", "--cache-dir", str(cache), "--only", "json")[0] == 0
    assert rendered == [str(_posts(first)[-1])]


def test_only_files_that_will_change_are_flushed_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A staged file that replaces different bytes starts its flush to disk as soon as
    it is staged (publishing syncs it before the rename); one its record shows
    unchanged is dropped without costing the disk anything."""
    from digestconv import build, output, stamps

    monkeypatch.setattr(stamps, "SETTLED_NS", -1)  # no need to wait for files to settle
    site = _site(tmp_path, "samples")
    out, cache = tmp_path / "out", tmp_path / "cache"
    flushed: list[str] = []
    real = output.sync_soon

    def noted(staged: output.Staged) -> None:
        flushed.append(staged.tmp)
        real(staged)

    monkeypatch.setattr(build, "sync_soon", noted)
    assert _build(site, out, "--cache-dir", str(cache), "-j", "1")[0] == 0
    first = len(flushed)
    assert first == len([f for f in out.rglob("*") if f.is_file()])
    flushed.clear()
    edit_text(site)
    before = {f: f.stat().st_mtime_ns for f in out.rglob("*") if f.is_file()}
    assert _build(site, out, "--cache-dir", str(cache), "-j", "1")[0] == 0
    changed = [f for f in out.rglob("*") if f.is_file() and f.stat().st_mtime_ns != before[f]]
    assert 0 < len(flushed) == len(changed) < first


def test_an_edit_that_changes_no_note_leaves_the_anki_files_unassembled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Anki files are a function of their parts' bytes (``assembles_parts_only``): a
    post whose bytes change but whose notes do not re-renders its parts and finds them the
    same, and neither file is filled, packed or written again, unless it was changed."""
    from digestconv.exporters.anki import AnkiExporter

    site = _site(tmp_path, "samples")
    cache, out, cold = tmp_path / "cache", tmp_path / "out", tmp_path / "cold"
    build = ("--cache-dir", str(cache), "--only", "anki")
    assert _build(site, out, *build)[0] == 0
    before = _files(out)
    assert set(before) == {"cards.csv", "cards.apkg"}
    assembled: list[str] = []
    original = AnkiExporter.assemble

    def counting(self, corpus, options, *args, **kwargs):  # type: ignore[no-untyped-def]
        assembled.append(options.format)
        return original(self, corpus, options, *args, **kwargs)

    monkeypatch.setattr(AnkiExporter, "assemble", counting)
    post = _posts(site)[-1]
    post.write_text(post.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    assert _build(site, out, *build)[0] == 0
    assert assembled == []
    assert _files(out) == before
    assert _build(site, cold, "--no-cache", "--only", "anki")[0] == 0
    assert _files(cold) == before
    assembled.clear()  # the cold build assembled both
    (out / "cards.csv").write_bytes(b"edited by hand\n")
    post.write_text(post.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    assert _build(site, out, *build)[0] == 0
    assert assembled == ["csv"]
    assert _files(out) == before
    edit_text(site)  # a change to the notes is assembled as always
    assert _build(site, out, *build)[0] == 0
    assert _build(site, cold, "--no-cache", "--only", "anki")[0] == 0
    assert _files(out) == _files(cold)
