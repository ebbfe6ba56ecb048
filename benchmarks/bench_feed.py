"""Full-content feed of every post: ``digestconv feed`` against ``jekyll build`` + jekyll-feed.

    python benchmarks/bench_feed.py [--posts 2000] [--repeat 3] [--hyperfine]

Both tools run on the same generated N-post site, in one run, as whole
commands (start-up, reading, rendering, writing): ``digestconv feed SITE
--limit 0 -o feed.xml`` and ``jekyll build`` with jekyll-feed's
``posts_limit`` set to every post.  Jekyll 4 keeps converted posts in the site's
``.jekyll-cache``; it is removed before each Jekyll run, so that both tools read every post
(``digestconv feed`` keeps no cache).  The target (issue 4) is a ratio of at most 0.5.
Each command is timed ``--repeat`` times and the best run counts; with ``--hyperfine``
the same two commands are measured by hyperfine instead.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import make  # noqa: E402


def best_of(command: list[str], repeat: int, clear: Path | None = None) -> float:
    times = []
    for _ in range(repeat):
        if clear is not None:
            shutil.rmtree(clear, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def hyperfine(commands: list[tuple[list[str], str]], repeat: int, out: Path) -> list[float]:
    """Each (command, what to run before each of its runs)."""
    report = out / "hyperfine.json"
    subprocess.run(
        [
            "hyperfine",
            "--runs",
            str(repeat),
            "--warmup",
            "1",
            "--export-json",
            str(report),
            *(a for _, prepare in commands for a in ("--prepare", prepare)),
            *(" ".join(c) for c, _ in commands),
        ],
        check=True,
    )
    results = json.loads(report.read_text())["results"]
    return [float(r["min"]) for r in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hyperfine", action="store_true")
    args = parser.parse_args()
    for tool in ("jekyll", "digestconv") + (("hyperfine",) if args.hyperfine else ()):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = root / "site"
        make(args.posts, site)
        config = site / "_config.yml"
        text = config.read_text("utf-8")
        if "jekyll-feed" not in text:
            text += "\nplugins: [jekyll-feed]\n"
        # Liquid's `limit:` needs a number: "all" is every post of the site.
        config.write_text(text + f"\nfeed:\n  posts_limit: {args.posts}\n", "utf-8")
        ours_out = root / "feed.xml"
        ours = ["digestconv", "feed", str(site), "--limit", "0", "-o", str(ours_out)]
        jekyll = ["jekyll", "build", "-q", "-s", str(site), "-d", str(root / "_site")]

        cache = site / ".jekyll-cache"
        if args.hyperfine:
            runs = [(ours, "true"), (jekyll, f"rm -rf {cache}")]
            t_ours, t_jekyll = hyperfine(runs, args.repeat, root)
        else:
            t_ours = best_of(ours, args.repeat)
            t_jekyll = best_of(jekyll, args.repeat, clear=cache)

        theirs = (root / "_site" / "feed.xml").read_bytes()
        mine = ours_out.read_bytes()
        print(f"posts: {args.posts}")
        print(f"entries: digestconv {mine.count(b'<entry')}, jekyll-feed {theirs.count(b'<entry')}")
        print(f"bytes:   digestconv {len(mine)}, jekyll-feed {len(theirs)}")
        print(f"digestconv feed: {t_ours:.3f} s (best of {args.repeat})")
        print(f"jekyll build:    {t_jekyll:.3f} s (best of {args.repeat})")
        print(f"ratio digestconv / jekyll: {t_ours / t_jekyll:.3f}  (target <= 0.5)")


if __name__ == "__main__":
    main()
