"""Per-export in-process timings against a peer installation, side by side in one run.

    python benchmarks/bench_exports.py SITE [--peer PYTHON] [--runs 3]

SITE is a generated site (``make_corpus.py 400 SITE``).  Each interpreter – the
one running this script and the peer (another virtual environment with an
older digestconv, e.g. the release before a refactoring) – runs this file as a
worker, one fresh process per export: it reads SITE, then times that export
with its default options.  ``first`` is the first export of the process, the
import of the exporter and filling per-process caches included (what a forked
``build`` worker pays); ``best`` is the best of ``--runs`` further calls (warm
caches).  The two sides alternate for ``--rounds`` rounds and each figure is the
best of its rounds; ``--clock cpu`` measures CPU time instead of wall time, which
other load on the machine disturbs less.  Printed as a table with ratios.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import subprocess
import sys
import time
from typing import Any

# (label, exporter module, class, options given to the exporter)
EXPORTS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("json", "json", "JsonExporter", {}),
    ("bibtex", "bibtex", "BibtexExporter", {}),
    ("feed", "feed", "FeedExporter", {}),
    ("epub", "epub", "EpubExporter", {}),
    ("anki csv", "anki", "AnkiExporter", {}),
    ("anki apkg", "anki", "AnkiExporter", {"format": "apkg"}),
]


def _options(exporter: Any, given: dict[str, Any]) -> Any:
    """The exporter's typed options when it declares them, else the mapping older ones take."""
    declared = getattr(exporter, "Options", None)
    return declared(**given) if isinstance(declared, type) else given


def worker(site: str, label: str, runs: int, clock: str) -> tuple[float, float]:
    """(first, best) seconds of one export, in this fresh process."""
    from digestconv.diagnostics import Diagnostics
    from digestconv.reader import read_paths

    now = time.process_time if clock == "cpu" else time.perf_counter
    corpus = read_paths([site]).corpus
    module, cls, given = next((m, c, g) for lb, m, c, g in EXPORTS if lb == label)
    # The heap is collected first, so that a full collection owed to reading is not
    # charged to the export.  The first figure includes importing the exporter: older
    # versions load their heavy modules with the plugin, newer ones when they export.
    gc.collect()
    start = now()
    exporter = getattr(importlib.import_module(f"digestconv.exporters.{module}"), cls)()
    options = _options(exporter, given)
    imported = now() - start
    times = []
    for _ in range(runs + 1):
        start = now()
        exporter.export(corpus, options, Diagnostics())
        times.append(now() - start)
    return times[0] + imported, min(times[1:])


def _run(python: str, site: str, runs: int, clock: str) -> dict[str, tuple[float, float]]:
    """Every export's figures, each from a process of its own (as a build worker has)."""
    out: dict[str, tuple[float, float]] = {}
    for label, *_ in EXPORTS:
        done = subprocess.run(
            [python, __file__, "--worker", label, site, "--runs", str(runs), "--clock", clock],
            check=True,
            capture_output=True,
            text=True,
        )
        first, best = json.loads(done.stdout)
        out[label] = (first, best)
    return out


def _merge(into: dict[str, tuple[float, float]], new: dict[str, tuple[float, float]]) -> None:
    for label, (first, best) in new.items():
        old = into.get(label)
        into[label] = (first, best) if old is None else (min(old[0], first), min(old[1], best))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site")
    parser.add_argument("--peer", help="python of the peer installation")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each side")
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="wall time, or the process's CPU time (steadier on a machine others use)",
    )
    parser.add_argument("--worker", metavar="EXPORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.site, args.worker, args.runs, args.clock)))
        return
    # Alternate the two, round by round, and keep each figure's best: load from other
    # processes on the machine then slows both sides alike instead of one.
    ours: dict[str, tuple[float, float]] = {}
    peer: dict[str, tuple[float, float]] | None = {} if args.peer else None
    for _ in range(args.rounds):
        _merge(ours, _run(sys.executable, args.site, args.runs, args.clock))
        if peer is not None:
            _merge(peer, _run(args.peer, args.site, args.runs, args.clock))
    head = f"{'export':<10} {'first':>7} {'best':>7}"
    if peer is not None:
        head += f" {'peer 1st':>8} {'peer best':>9} {'ratio 1st':>9} {'ratio best':>10}"
    print(head)
    for label, (first, best) in ours.items():
        line = f"{label:<10} {first:7.3f} {best:7.3f}"
        if peer is not None and label in peer:
            p_first, p_best = peer[label]
            line += f" {p_first:8.3f} {p_best:9.3f} {first / p_first:9.2f} {best / p_best:10.2f}"
        print(line)


if __name__ == "__main__":
    main()
