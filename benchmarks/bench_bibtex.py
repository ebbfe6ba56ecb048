"""BibTeX export time against the reader's own time on the same N-post site, in one run.

    python benchmarks/bench_bibtex.py [--posts 2000] [--repeat 3] [--biblatex] [--summary]

The target (issue 3): reading + exporting within 1.2x of reading alone, i.e.
the exporter adds at most 20 % to ``digestconv bibtex``'s work.  Each phase is
timed ``--repeat`` times and the best run counts (the usual way to take
scheduler noise out of a wall-clock measurement).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import make  # noqa: E402

from digestconv.diagnostics import Diagnostics  # noqa: E402
from digestconv.exporters.bibtex import BibtexExporter, BibtexOptions  # noqa: E402
from digestconv.reader import read_paths  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--biblatex", action="store_true")
    parser.add_argument("--summary", action="store_true")
    args = parser.parse_args()
    options = BibtexOptions(biblatex=args.biblatex, summary=args.summary)

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        make(args.posts, site)
        read_times, export_times = [], []
        size = entries = 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = read_paths([str(site)])
            t1 = time.perf_counter()
            out = BibtexExporter().export(result.corpus, options, Diagnostics())
            t2 = time.perf_counter()
            assert isinstance(out, bytes)
            read_times.append(t1 - t0)
            export_times.append(t2 - t1)
            size, entries = len(out), out.count(b"\n@") + 1
        read, export = min(read_times), min(export_times)
        papers = sum(len(d.papers) for d in result.corpus.digests)
        print(f"posts: {args.posts}, papers: {papers}, entries: {entries}, bytes: {size}")
        print(f"reader:  {read:.3f} s (best of {args.repeat})")
        print(f"bibtex:  {export:.3f} s (best of {args.repeat})")
        print(f"export / read:            {export / read:.3f}")
        print(f"(read + export) / read:   {(read + export) / read:.3f}  (target <= 1.2)")


if __name__ == "__main__":
    main()
