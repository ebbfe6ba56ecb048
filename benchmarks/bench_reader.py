"""Reader speed against mistletoe alone, and CLI start-up, measured in one run.

    python benchmarks/bench_reader.py [N ...]      (default: 400 2000)
    python benchmarks/bench_reader.py --site DIR   (a real site or folder of digests)

For each N a deterministic N-post site is generated (make_corpus.py); reading
it with digestconv (front matter, Markdown AST, model) is timed against
``mistletoe.Document`` alone on the same files (best of 3, in-process), and
the ratio printed.  ``digestconv --help`` is timed with hyperfine when it is
installed, against ``python -c pass`` as the peer.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mistletoe import Document

from digestconv.reader import read_paths

sys.path.insert(0, str(Path(__file__).parent))
from make_corpus import make


def best(fn: Callable[[], object], runs: int = 3) -> tuple[float, float]:
    """Best wall and best CPU seconds: CPU time is the fairer figure on a busy machine."""
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def mistletoe_only(files: list[Path]) -> None:
    for f in files:
        Document(f.read_bytes().decode("utf-8"))


def bench_site(root: Path, runs: int = 5) -> None:
    """A real collection, read serially in this process so CPU time counts all of it."""
    base = root / "_posts" if (root / "_posts").is_dir() else root
    files = sorted(p for p in base.rglob("*") if p.suffix in (".md", ".markdown"))
    entries = sum(len(d.papers) for d in read_paths([str(root)], jobs=1).corpus.digests)
    ours = best(lambda: read_paths([str(root)], jobs=1), runs)
    peer = best(lambda: mistletoe_only(files), runs)
    print(f"{root.name}: {len(files)} files, {entries} entries")
    print(f"  digestconv  wall {ours[0]:.3f} s  cpu {ours[1]:.3f} s")
    print(f"  mistletoe   wall {peer[0]:.3f} s  cpu {peer[1]:.3f} s")
    print(f"  ratio       wall {ours[0] / peer[0]:.2f}    cpu {ours[1] / peer[1]:.2f}")


def main() -> None:
    if sys.argv[1:2] == ["--site"]:
        for arg in sys.argv[2:]:
            bench_site(Path(arg))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [400, 2000]
    print(
        f"{'posts':>6} {'digestconv wall/cpu s':>22} {'mistletoe wall/cpu s':>21} "
        f"{'ratio wall':>10} {'ratio cpu':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            site = Path(tmp) / f"site{n}"
            make(n, site)
            files = sorted((site / "_posts").glob("*.md"))
            ours = best(functools.partial(read_paths, [str(site)]))
            peer = best(functools.partial(mistletoe_only, files))
            print(
                f"{n:>6} {ours[0]:>10.2f} / {ours[1]:>9.2f} {peer[0]:>9.2f} / {peer[1]:>9.2f} "
                f"{ours[0] / peer[0]:>10.2f} {ours[1] / peer[1]:>9.2f}"
            )
    exe = shutil.which("digestconv")
    if shutil.which("hyperfine") and exe:
        subprocess.run(
            [
                "hyperfine",
                "-N",
                "--warmup",
                "3",
                "--runs",
                "20",
                f"{exe} --help",
                f"{sys.executable} -c pass",
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
