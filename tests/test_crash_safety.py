"""Killing digestconv with SIGKILL while it writes leaves each output old or complete-new."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from make_corpus import make

WRITER = """
import sys
from pathlib import Path
from digestconv.output import write_atomic
target = Path(sys.argv[1])
a, b = b"A" * 8_000_000, b"B" * 9_000_000
i = 0
while True:
    write_atomic(target, a if i % 2 else b)
    i += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_during_atomic_writes(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"A" * 8_000_000)
    rng = random.Random(4287)
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)])
        time.sleep(0.3 + rng.random() * 0.7)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = target.read_bytes()
        assert data in (b"A" * 8_000_000, b"B" * 9_000_000)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_during_cli_export_keeps_old_or_new(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make(120, site)
    out = tmp_path / "digests.json"
    out.write_text("OLD")
    done = subprocess.run(
        [sys.executable, "-m", "digestconv", "json", str(site), "-o", str(tmp_path / "ref.json")],
        check=True,
        capture_output=True,
    )
    assert done.returncode == 0
    new = (tmp_path / "ref.json").read_bytes()
    rng = random.Random(5005)
    outcomes = set()
    for _ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-m", "digestconv", "json", str(site), "-o", str(out)],
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.random() * 1.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = out.read_bytes()
        assert data in (b"OLD", new)
        outcomes.add(data == new)
        out.write_text("OLD")
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".digests.json.")]
    # a killed writer may leave its temporary file behind, never a damaged target
    assert all(name.endswith(".tmp") for name in leftovers)


def test_published_files_are_synced_before_their_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A power cut cannot publish an empty file: the data reaches the disk before the
    rename, the rename after it; a staged file that is dropped (its output already held
    those bytes) is never synced, which cost a watching rebuild a tenth of its time."""
    import os

    from digestconv import output

    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    target = tmp_path / "out.bib"
    staged = output.stage(tmp_path, [b"@misc{a,}\n"])
    assert events == []
    assert output.publish(staged, target) is True
    assert events == [("fsync", staged.tmp), ("replace", str(target)), ("fsync", str(tmp_path))]
    events.clear()
    again = output.stage(tmp_path, [b"@misc{a,}\n"])
    assert output.publish(again, target) is False
    assert events == []
    assert not Path(again.tmp).exists()
    assert target.read_bytes() == b"@misc{a,}\n"
