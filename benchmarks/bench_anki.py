"""Anki CSV export speed against the reader's own time on the same posts, in one run.

    python benchmarks/bench_anki.py [N]      (default: 2000)

A deterministic N-post site is generated (make_corpus.py) and read once; then,
best of 3 in-process: reading the site (the reader's own time) and building
the CSV from the model (the exporter's time).  Printed: both times, the
export's share of reading, and the whole ``digestconv anki`` job (read +
export) against reading alone — the goal is at most 1.2x.  The .apkg is timed
too, for information.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki import AnkiExporter, AnkiOptions
from digestconv.reader import read_paths

sys.path.insert(0, str(Path(__file__).parent))
from make_corpus import make

GOAL = 1.2


def best(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / f"site{n}"
        make(n, site)
        corpus = read_paths([str(site)]).corpus
        exporter = AnkiExporter()
        csv, apkg = AnkiOptions(), AnkiOptions(format="apkg")
        csv_bytes = exporter.export(corpus, csv, Diagnostics())
        read_s = best(lambda: read_paths([str(site)]))
        csv_s = best(lambda: exporter.export(corpus, csv, Diagnostics()))
        apkg_s = best(lambda: exporter.export(corpus, apkg, Diagnostics()), runs=1)
    papers = len(corpus.papers())
    rows = csv_bytes.count(b'\n"')
    total = (read_s + csv_s) / read_s
    print(f"posts {n}, papers {papers}, CSV notes {rows}, CSV {len(csv_bytes) / 1e6:.1f} MB")
    print(f"reader          {read_s:8.3f} s")
    print(f"anki CSV export {csv_s:8.3f} s   ({csv_s / read_s:.2f}x the reader)")
    print(f"anki .apkg      {apkg_s:8.3f} s   ({apkg_s / read_s:.2f}x the reader, information)")
    print(f"read + CSV vs read alone: {total:.2f}x (goal <= {GOAL}x)")
    return 0 if total <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
