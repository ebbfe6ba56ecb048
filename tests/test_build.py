"""`digestconv build`: one pass, configured in _config.yml, incremental, parallel, watchable."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from digestconv import reader
from digestconv.cache import BuildCache
from digestconv.cli import cli
from digestconv.model import to_json
from digestconv.reader import read_paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from make_corpus import make

DEFAULT_OUTPUTS = {
    "opds/catalog.xml",
    "opds/catalog.json",
    "cards.apkg",
    "cards.csv",
    "digests.epub",
    "digests.json",
    "feed.xml",
    "refs.bib",
}


def build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", *args], catch_exceptions=False)
    return result.exit_code, result.stderr


@pytest.fixture
def site(tmp_path: Path, samples_site: Path) -> Path:
    dest = tmp_path / "site"
    shutil.copytree(samples_site, dest)
    return dest


def test_build_writes_every_format_then_nothing(site: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    code, err = build(str(site), "-o", str(out), "--cache-dir", str(cache))
    assert code == 0, err
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert names >= DEFAULT_OUTPUTS
    assert "5 post(s), 40 paper(s)" in err
    files = [p for p in out.rglob("*") if p.is_file()]
    for p in files:
        os.utime(p, (1, 1))
    code, err = build(str(site), "-o", str(out), "--cache-dir", str(cache))
    assert code == 0 and "0 output file(s) written" in err
    assert all(p.stat().st_mtime == 1 for p in files)


def test_build_is_deterministic_without_cache(site: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(str(site), "-o", str(a), "--no-cache", "-j", "1")[0] == 0
    assert build(str(site), "-o", str(b), "--no-cache", "-j", "2")[0] == 0
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_config_section_selects_formats_and_options(site: Path, tmp_path: Path) -> None:
    cfg = site / "_config.yml"
    cfg.write_text(
        cfg.read_text()
        + "digestconv:\n  formats: [json, bibtex]\n  bibtex:\n    output: papers.bib\n"
    )
    out = tmp_path / "out"
    code, err = build(str(site), "-o", str(out), "--no-cache")
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["digests.json", "papers.bib"]
    code, _ = build(str(site), "-o", str(tmp_path / "o2"), "--no-cache", "--only", "json")
    assert sorted(p.name for p in (tmp_path / "o2").iterdir()) == ["digests.json"]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("digestconv:\n  fromats: [json]\n", "unknown key 'fromats'"),
        ("digestconv:\n  formats: [jsno]\n", "unknown format(s) jsno"),
        ("digestconv:\n  json:\n    nope: 1\n", "digestconv.json: unknown option 'nope'"),
    ],
)
def test_config_errors_are_reported_and_nothing_written(
    site: Path, tmp_path: Path, section: str, message: str
) -> None:
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text() + section)
    out = tmp_path / "out"
    code, err = build(str(site), "-o", str(out), "--no-cache")
    assert code == 1
    assert message in err and "[config]" in err and "_config.yml: error:" in err
    assert not out.exists()


def test_bad_option_value_uses_the_option_type(site: Path, tmp_path: Path) -> None:
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text() + "digestconv:\n  formats: [feed]\n  feed:\n    limit: many\n")
    code, err = build(str(site), "-o", str(tmp_path / "out"), "--no-cache")
    assert code == 1 and "digestconv.feed.limit:" in err


def test_rebuild_after_one_change_parses_only_that_post(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = BuildCache(tmp_path / "cache")
    first = read_paths([str(site)], cache=cache)
    calls: list[str] = []
    real = reader.read_post

    def spy(data: bytes, path: str, site_: object, diagnostics: object) -> object:
        calls.append(path)
        return real(data, path, site_, diagnostics)  # type: ignore[arg-type]

    monkeypatch.setattr(reader, "read_post", spy)
    again = read_paths([str(site)], cache=cache)
    assert calls == [] and to_json(again.corpus) == to_json(first.corpus)
    post = sorted((site / "_posts").glob("*.md"))[2]
    post.write_text(
        post.read_text(encoding="utf-8").replace("정보 부족", "새 한계"), encoding="utf-8"
    )
    changed = read_paths([str(site)], cache=cache)
    assert calls == [str(post)]
    assert to_json(changed.corpus) == to_json(read_paths([str(site)]).corpus)


def test_parallel_reading_is_byte_identical(tmp_path: Path) -> None:
    make(reader.PARALLEL_MIN + 16, tmp_path / "big")
    serial = read_paths([str(tmp_path / "big")])
    parallel = read_paths([str(tmp_path / "big")], cache=BuildCache(tmp_path / "c"), jobs=2)
    assert to_json(parallel.corpus) == to_json(serial.corpus)
    assert parallel.diagnostics.items == serial.diagnostics.items


def test_input_errors_stop_the_build(site: Path, tmp_path: Path) -> None:
    (site / "_posts" / "2025-12-31-bad.md").write_text("---\ndate: never\n---\n")
    out = tmp_path / "out"
    code, err = build(str(site), "-o", str(out), "--no-cache")
    assert code == 1 and "[bad-date]" in err and not out.exists()
    code, _ = build(str(site), "-o", str(out), "--no-cache", "--keep-going", "--only", "json")
    assert code == 1 and (out / "digests.json").is_file()


def test_shared_corpus_builds_as_is(shared_site: Path, tmp_path: Path) -> None:
    code, err = build(str(shared_site), "-o", str(tmp_path / "out"), "--no-cache")
    assert code == 0, err
    assert "93 post(s), 787 paper(s)" in err


def _wait(predicate: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_watch_rebuilds_and_survives_a_broken_save(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "digestconv",
            "build",
            str(site),
            "-o",
            str(out),
            "--only",
            "json",
            "--no-cache",
            "--watch",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    assert proc.stderr is not None
    stream = proc.stderr
    threading.Thread(target=lambda: lines.extend(stream), daemon=True).start()
    try:
        target = out / "digests.json"
        assert _wait(lambda: any("watching" in ln for ln in lines))
        first = target.read_text()
        post = site / "_posts" / "2025-12-17-daily-papers.md"
        good = post.read_text(encoding="utf-8")
        post.write_text("---\ndate: broken\n", encoding="utf-8")  # a half-saved file
        assert _wait(lambda: any("[front-matter-unclosed]" in ln for ln in lines))
        assert target.read_text() == first  # input errors: outputs untouched
        post.write_text(good.replace("Daily Papers — 2025-12-17", "Edited title"), encoding="utf-8")
        assert _wait(lambda: "Edited title" in target.read_text())
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert not any("Traceback" in ln for ln in lines)


def test_output_name_follows_the_options_suffix(site: Path, tmp_path: Path) -> None:
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text() + "digestconv:\n  formats: [anki]\n  anki:\n    format: apkg\n")
    out = tmp_path / "out"
    code, err = build(str(site), "-o", str(out), "--no-cache")
    assert code == 0, err
    assert [p.name for p in out.iterdir()] == ["cards.apkg"]  # the default output of that suffix
    assert (out / "cards.apkg").read_bytes()[:2] == b"PK"


def test_progress_bar_only_on_a_terminal(site: Path, tmp_path: Path) -> None:
    import pty

    master, slave = pty.openpty()
    cmd = [
        sys.executable,
        "-m",
        "digestconv",
        "build",
        str(site),
        "-o",
        str(tmp_path / "o"),
        "--only",
        "json",
        "--no-cache",
    ]
    with os.fdopen(master, "rb", buffering=0) as reader_end:
        proc = subprocess.Popen(cmd, stderr=slave, stdout=subprocess.DEVNULL)
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = reader_end.read(4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
    on_tty = b"".join(chunks).decode("utf-8", "replace")
    assert "reading posts" in on_tty and "100%" in on_tty
    piped = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "reading posts" not in piped.stderr
    assert "digestconv build: 5 post(s)" in piped.stderr


def test_parallel_export_is_byte_identical(tmp_path: Path) -> None:
    from digestconv.build import PARALLEL_EXPORT_MIN

    site = tmp_path / "big"
    make(max(PARALLEL_EXPORT_MIN, reader.PARALLEL_MIN) + 6, site)
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(str(site), "-o", str(a), "--no-cache", "-j", "1")[0] == 0
    assert build(str(site), "-o", str(b), "--no-cache", "-j", "2")[0] == 0
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert set(names) >= DEFAULT_OUTPUTS
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_watch_on_a_missing_site_says_so_and_stops(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    command = [sys.executable, "-m", "digestconv", "build", str(missing), "--watch"]
    proc = subprocess.run(
        [*command, "-o", str(tmp_path / "o")],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "no such file or folder" in proc.stderr and "Traceback" not in proc.stderr


def test_a_save_during_the_first_watched_build_is_built(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watcher exists before the first build: a post saved while it runs is rebuilt
    right after, not lost until the next save."""
    from digestconv import cli as cli_module

    post = site / "_posts" / "2025-12-17-daily-papers.md"
    builds: list[str] = []

    class Done(Exception):
        pass

    def build_once(params: object, warm: object = None) -> int:
        builds.append(post.read_text(encoding="utf-8"))
        if len(builds) == 1:  # the first build: the post is saved while it runs
            post.write_text(builds[0].replace("2025-12-17", "Saved early", 1), encoding="utf-8")
            return 0
        raise Done

    monkeypatch.setattr(cli_module, "_build_once", build_once)
    params = {"site": str(site), "output": str(tmp_path / "out")}
    watcher = threading.Thread(target=lambda: _run(cli_module._watch, params), daemon=True)
    watcher.start()
    watcher.join(timeout=30)
    assert not watcher.is_alive(), "the save during the first build was not seen"
    assert len(builds) == 2 and "Saved early" in builds[1]


def _run(watch: Any, params: dict[str, str]) -> None:
    with contextlib.suppress(Exception):
        watch(params, None)


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX signal sent to itself")
def test_a_ctrl_c_during_the_idle_collection_is_not_lost() -> None:
    """Between watched builds the collector runs finalizers; a Ctrl-C handled inside one
    would be printed as "Exception ignored" and dropped, and ``--watch`` would go on."""
    import gc

    from digestconv import cli as cli_module

    class Interrupting:
        def __init__(self) -> None:
            self.cycle = self

        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)
            sum(range(1000))  # Python code, where a handled signal would raise

    gc.collect()
    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # a test worker's may differ
    try:
        Interrupting()
        with pytest.raises(KeyboardInterrupt):
            cli_module._collect_idle()
    finally:
        signal.signal(signal.SIGINT, before)
