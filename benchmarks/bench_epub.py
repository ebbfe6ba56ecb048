"""EPUB of every post: ``digestconv epub`` against pandoc, wall time and peak memory.

    python benchmarks/bench_epub.py [--posts 2000] [--no-pandoc]

Both tools run once each, in one run, on the same generated N-post site, as
whole commands under ``/usr/bin/time -v`` (start-up, reading, rendering,
writing): ``digestconv epub SITE -o digests.epub`` and ``pandoc -f markdown
-t epub3 --toc --epub-chapter-level=1 -o pandoc.epub POSTS…`` (posts in date
order).  Targets (issue 5): digestconv in at most 0.1x pandoc's wall time,
and under 500 MB peak memory.  pandoc needs minutes (and gigabytes) for 2,000
posts; ``--posts 200`` gives a quick comparison.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import make  # noqa: E402

TIME = "/usr/bin/time"


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of ``command``, from GNU time's -v report."""
    proc = subprocess.run(
        [TIME, "-v", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"{command[0]} failed:\n{proc.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if not wall or not rss:
        sys.exit(f"could not read /usr/bin/time output:\n{proc.stderr[-2000:]}")
    hours, minutes, seconds = wall.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    return total, int(rss.group(1)) / 1024


def documents(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        return sum(1 for n in zf.namelist() if n.endswith(".xhtml"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--no-pandoc", action="store_true", help="measure digestconv only")
    args = parser.parse_args()
    tools = ["digestconv"] + ([] if args.no_pandoc else ["pandoc"])
    for tool in [TIME, *tools]:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = root / "site"
        make(args.posts, site)
        posts = sorted(str(p) for p in (site / "_posts").glob("*.md"))
        ours_out = root / "digests.epub"
        ours = ["digestconv", "epub", str(site), "-o", str(ours_out)]
        t_ours, m_ours = measure(ours)
        print(f"posts: {args.posts}")
        print(
            f"digestconv epub: {t_ours:8.2f} s  {m_ours:8.1f} MB peak  "
            f"{ours_out.stat().st_size / 1e6:.1f} MB, {documents(ours_out)} documents"
        )
        if args.no_pandoc:
            return
        pandoc_out = root / "pandoc.epub"
        pandoc = [
            "pandoc",
            "-f",
            "markdown",
            "-t",
            "epub3",
            "--toc",
            "--epub-chapter-level=1",
            "-o",
            str(pandoc_out),
            *posts,
        ]
        t_pandoc, m_pandoc = measure(pandoc)
        print(
            f"pandoc:          {t_pandoc:8.2f} s  {m_pandoc:8.1f} MB peak  "
            f"{pandoc_out.stat().st_size / 1e6:.1f} MB, {documents(pandoc_out)} documents"
        )
        print(f"wall-time ratio digestconv / pandoc: {t_ours / t_pandoc:.3f}  (target <= 0.1)")
        print(f"digestconv peak memory: {m_ours:.0f} MB  (target < 500 MB)")


if __name__ == "__main__":
    main()
