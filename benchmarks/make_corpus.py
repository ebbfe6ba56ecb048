"""Make a deterministic N-post Jekyll site from the samples, for benchmarks.

Each generated post is a sample post with a new date (one per day, counting
back from the newest sample) and a distinct arXiv id per paper, so exporters
that deduplicate papers see N × papers-per-post distinct entries.

    python benchmarks/make_corpus.py 2000 /tmp/site2000
"""

from __future__ import annotations

import argparse
import shutil
from datetime import date, timedelta
from pathlib import Path

from installed import compile_installed

from digestconv.reader import read_paths

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def make(count: int, out: Path) -> None:
    compile_installed()  # every benchmark makes its site here, before it times anything
    posts = sorted((SAMPLES / "_posts").glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in posts]
    ids = [
        [p.arxiv.id for p in d.papers if p.arxiv]
        for d in read_paths([str(p) for p in posts], config=SAMPLES / "_config.yml").corpus.digests
    ]
    if out.exists():
        shutil.rmtree(out)
    (out / "_posts").mkdir(parents=True)
    shutil.copy(SAMPLES / "_config.yml", out / "_config.yml")
    start = date(2025, 12, 31)
    serial = 0
    for n in range(count):
        day = start - timedelta(days=n)
        index = n % len(texts)
        text = texts[index]
        for old in ids[index]:
            serial += 1
            # YYMM from the post's date, a serial number unique across the site.
            new = f"{day:%y%m}.{serial:05d}"
            text = text.replace(old, new)
        head, sep, body = text.partition("\n---\n")
        head = "\n".join(
            f"date: {day:%Y-%m-%d} 08:15:00"
            if line.startswith("date:")
            else f'title: "Daily Papers — {day:%Y-%m-%d}"'
            if line.startswith("title:")
            else line
            for line in head.split("\n")
        )
        name = f"{day:%Y-%m-%d}-daily-papers.md"
        (out / "_posts" / name).write_text(head + sep + body, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    make(args.count, args.out)


if __name__ == "__main__":
    main()
