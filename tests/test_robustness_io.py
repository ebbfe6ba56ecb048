"""Broken disks, odd output targets, damaged caches and signals: diagnostics, never tracebacks.

The suite runs as root in CI, so it mounts small tmpfs file systems for "disk full" and
"read-only" and makes device nodes; outside CI, without root, those cases skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import HANG_SECONDS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from make_corpus import make

ROOT_ONLY = "needs root (mounts and device nodes); CI runs as root"


def _need_root() -> None:
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail(ROOT_ONLY)
        pytest.skip(ROOT_ONLY)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "digestconv", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=300,
    )


def _clean(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr


@pytest.fixture
def site(samples_site: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "site"
    shutil.copytree(samples_site, dest)
    return dest


@contextlib.contextmanager
def tmpfs(where: Path, size: str, *, readonly: bool = False) -> Iterator[Path]:
    _need_root()
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        if readonly:
            subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


# --------------------------------------------------------------------------- output targets


def test_fifo_is_written_through(samples_site: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    proc = run("bibtex", str(samples_site), "-o", str(fifo))
    reader.join(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode), "the FIFO was replaced by a file"
    assert got and got[0].startswith(b"@misc{")


def test_character_device_is_written_through(samples_site: Path, tmp_path: Path) -> None:
    _need_root()
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # /dev/null's numbers
    proc = run("json", str(samples_site), "-o", str(node))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(node.stat().st_mode)


def test_setuid_bits_are_not_copied(samples_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("old")
    out.chmod(0o6755)
    assert run("bibtex", str(samples_site), "-o", str(out)).returncode == 0
    mode = stat.S_IMODE(out.stat().st_mode)
    assert mode == 0o755


def test_symlinked_folder_inside_the_output_cannot_lead_out(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "by_tag").symlink_to(elsewhere, target_is_directory=True)
    proc = run("feed", str(site), "--by-tag", "-o", str(out))
    _clean(proc)
    assert proc.returncode == 1
    assert "outside the output folder" in proc.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_path_component_that_is_a_file(samples_site: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run("bibtex", str(samples_site), "-o", str(blocker / "refs.bib"))
    _clean(proc)
    assert proc.returncode == 1 and "cannot write" in proc.stderr
    build = run("build", str(samples_site), "-o", str(blocker / "out"), "--no-cache")
    _clean(build)
    assert build.returncode == 1 and "[io-error]" in build.stderr


# --------------------------------------------------------------------------- builds


def test_site_without_posts_writes_nothing(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(site), "-o", str(out), "--no-cache").returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for post in (site / "_posts").iterdir():
        post.unlink()
    proc = run("build", str(site), "-o", str(out), "--no-cache")
    _clean(proc)
    assert proc.returncode == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_disk_full_is_one_diagnostic_per_output(samples_site: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "48k") as out:
        proc = run("build", str(samples_site), "-o", str(out), "--no-cache")
        _clean(proc)
        assert proc.returncode == 1
        assert "[io-error]" in proc.stderr and "written or up to date:" in proc.stderr
        assert not list(out.rglob("*.tmp")), "temporary files left behind"


def test_read_only_output_folder(samples_site: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "1m", readonly=True) as out:
        proc = run("build", str(samples_site), "-o", str(out), "--no-cache")
        _clean(proc)
        assert proc.returncode == 1 and "[io-error]" in proc.stderr
        single = run("bibtex", str(samples_site), "-o", str(out / "refs.bib"))
        _clean(single)
        assert single.returncode == 1 and "cannot write" in single.stderr


def test_cache_folder_that_is_a_file_means_no_cache(samples_site: Path, tmp_path: Path) -> None:
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "digestconv").write_text("not a folder")  # the default cache folder
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    proc = run("build", str(samples_site), "-o", str(tmp_path / "out"), env=env)
    _clean(proc)
    assert proc.returncode == 0, proc.stderr


def test_damaged_cache_rows_read_as_misses(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    out, cold = tmp_path / "out", tmp_path / "cold"
    assert run("build", str(site), "-o", str(out), "--cache-dir", str(cache)).returncode == 0
    db = sqlite3.connect(cache / "digestconv-cache.sqlite")
    with db:
        db.execute("UPDATE posts3 SET digest = '{\"not\": ' WHERE rowid % 2 = 0")
        db.execute("UPDATE posts3 SET diagnostics = 'garbage' WHERE rowid % 2 = 1")
        db.execute("UPDATE outputs SET files = '[1, 2'")
    db.close()
    post = sorted((site / "_posts").iterdir())[0]
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    proc = run("build", str(site), "-o", str(out), "--cache-dir", str(cache))
    _clean(proc)
    assert proc.returncode == 0, proc.stderr
    assert run("build", str(site), "-o", str(cold), "--no-cache").returncode == 0
    for path in cold.rglob("*"):
        if path.is_file():
            assert (out / path.relative_to(cold)).read_bytes() == path.read_bytes(), path.name


# --------------------------------------------------------------------------- signals


def _marked_processes(mark: str) -> list[int]:
    """Processes whose environment carries ``mark`` (workers too: they inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"DIGESTCONV_TEST_MARK={mark}".encode() in environ:
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    make(1200, root)
    return root


def _start_build(site: Path, out: Path, mark: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DIGESTCONV_TEST_MARK": mark}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "digestconv",
            "build",
            str(site),
            "-o",
            str(out),
            "--no-cache",
            "-j",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _wait_gone(mark: str, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = _marked_processes(mark)
        if not left:
            return []
        time.sleep(0.1)
    left = _marked_processes(mark)
    for pid in left:  # do not leak them into the rest of the suite
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


def test_a_torn_down_pool_thread_prints_no_invalid_state_traceback() -> None:
    """Python 3.11's pool manager marks futures failed without looking at their state when
    its workers die: one cancelled by the shutdown raises InvalidStateError in the thread.
    That one thread's error is not reported; any other thread's still is."""
    from concurrent.futures import InvalidStateError

    from digestconv import workers

    def fail(exc: BaseException) -> None:
        raise exc

    reported: list[str] = []
    saved = threading.excepthook
    threading.excepthook = lambda args: reported.append(str(args.exc_value))
    try:
        manager = threading.Thread(target=fail, args=(InvalidStateError("CANCELLED"),))
        workers._quiet(manager)
        manager.start()
        manager.join()
        other = threading.Thread(target=fail, args=(InvalidStateError("elsewhere"),))
        other.start()
        other.join()
    finally:
        threading.excepthook = saved
    assert reported == ["elsewhere"]


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("after", [0.8, 2.5])
def test_interrupt_ends_promptly_with_its_status_and_no_workers_left(
    big_site: Path, tmp_path: Path, signum: int, code: int, after: float
) -> None:
    mark = uuid.uuid4().hex
    proc = _start_build(big_site, tmp_path / "out", mark)
    time.sleep(after)
    if proc.poll() is not None:
        pytest.fail(f"the build finished before the signal ({after} s): make the corpus larger")
    proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the command hung after the signal")
    assert proc.returncode == code, err.decode()
    assert b"Traceback" not in err, err.decode()
    assert _wait_gone(mark) == []
    out = tmp_path / "out"
    assert not out.exists() or not list(out.rglob("*.tmp"))


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_workers_die_with_a_killed_parent(big_site: Path, tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    proc = _start_build(big_site, tmp_path / "out", mark)
    time.sleep(1.0)
    proc.kill()
    proc.wait(timeout=10)
    assert _wait_gone(mark) == [], "worker processes outlived their parent"


def test_twenty_thousand_tags_do_not_hang(tmp_path: Path) -> None:
    """feedgen rebuilt its category list on every call: 20,000 tags took 22 s in the feed."""
    posts = tmp_path / "_posts"
    posts.mkdir()
    (tmp_path / "_config.yml").write_text("url: https://example.org\ntitle: t\n")
    tags = ", ".join(f"t{i}" for i in range(20_000))
    (posts / "2025-10-08-x.md").write_text(
        f"---\ntitle: t\ndate: 2025-10-08\ntags: [{tags}]\n---\n"
        "# 1. [Paper](https://arxiv.org/abs/2509.26328)\n\n## Method\n- text\n"
    )
    for fmt in ("feed", "anki", "json"):
        started = time.monotonic()
        proc = run(fmt, str(tmp_path), "-o", str(tmp_path / f"out.{fmt}"))
        assert proc.returncode == 0, proc.stderr
        assert time.monotonic() - started < HANG_SECONDS, f"{fmt}: {HANG_SECONDS} s"
