"""Time against input size on pathological posts: links per item, reference links, tags,
papers per post, authors of a paper.

    python benchmarks/bench_pathological.py [--sizes 2500 5000 10000] [--formats feed anki]

For each shape and size one post is generated, every format is exported from it in a fresh
process, and pandoc converts the same post to HTML as a peer measured in the same run. The
table shows seconds and, per doubling, the growth factor: about 2 for linear cost, 4 for
quadratic.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _paper(i: int, fields: str = "", items: str = "- text") -> str:
    """Paper ``i`` of a post: its heading, any field lines under it, one section."""
    heading = f"# {i + 1}. [Paper {i + 1}](https://arxiv.org/abs/2509.{i:05d})"
    return f"{heading}\n\n{fields}## Method\n{items}\n\n"


SHAPES: dict[str, Callable[[int], tuple[str, str]]] = {
    "links per item": lambda n: (
        "",
        _paper(0, items="- " + " ".join(f"[l{i}](https://e.org/{i})" for i in range(n))),
    ),
    "reference links": lambda n: (
        "",
        _paper(
            0,
            items="- "
            + " ".join(f"[l{i}][r{i}]" for i in range(n))
            + "\n\n"
            + "\n".join(f"[r{i}]: https://e.org/{i}" for i in range(n)),
        ),
    ),
    # The same on an entry the general reader reads (the home dialect's headings are read
    # apart): it tokenises the item's line, where mistletoe was quadratic in its links.
    "links, general reader": lambda n: (
        "",
        "## Paper\n[arXiv](https://arxiv.org/abs/2509.00001)\n\n- "
        + " ".join(f"[l{i}](https://e.org/{i})" for i in range(n))
        + "\n",
    ),
    "reference links, general reader": lambda n: (
        "",
        "## Paper\n[arXiv](https://arxiv.org/abs/2509.00001)\n\n- "
        + " ".join(f"[l{i}][r{i}]" for i in range(n))
        + "\n\n"
        + "\n".join(f"[r{i}]: https://arxiv.org/abs/2601.{i:05d}" for i in range(n))
        + "\n",
    ),
    # Id labels the reader looks past markup for ("**arXiv ID:** `…`"), none followed by
    # an id: each must be given up in constant time.
    "arxiv labels": lambda n: ("", _paper(0, items="- " + "arXiv * _ ` ] " * n + "\n")),
    # HTML headings and anchors, each unclosed.
    "html anchors": lambda n: (
        "",
        _paper(0, items="- " + '<a href="https://e.org/" x="y">t ' * n + "\n")
        + "".join(f"<h3><a href='https://e.org/{i}'>T{i}\n\n" for i in range(n // 10)),
    ),
    # Paragraphs that open with a paper's link, and the same set in block quotes (read
    # twice: once as quotes, once without their markers).
    "link paragraphs": lambda n: (
        "",
        "".join(
            f"[Paper {i}](https://arxiv.org/abs/2601.{i % 10000:05d})\nText.\n\n"
            for i in range(n // 4)
        ),
    ),
    "quoted entries": lambda n: (
        "",
        "".join(
            f"> **[P{i}](https://arxiv.org/abs/2601.{i % 10000:05d})**\n> A, B, C\n\n"
            for i in range(n // 4)
        ),
    ),
    # HTML tables: many small ones, then one left open (its close searched for once).
    "html tables": lambda n: (
        "",
        "".join(
            f"<table><tr><td>T{i}</td><td><a href='https://arxiv.org/abs/2601.{i % 10000:05d}'>"
            "a</a></td></tr></table>\n\n"
            for i in range(n // 10)
        )
        + "<table><tr><td>" * (n // 10),
    ),
    # HTML lists: many small ones, nested ones, one left open; lines ended by <br>.
    "html lists": lambda n: (
        "",
        "".join(
            f"<ul><li><a href='https://arxiv.org/abs/2601.{i % 10000:05d}'>T{i}</a>"
            "<ul><li>x</li></ul></li></ul>\n\n"
            for i in range(n // 10)
        )
        + "<ol><li>" * (n // 10)
        + "".join(f"**T{i}**<br>\nA B, C D<br>\n\n" for i in range(n // 10)),
    ),
    # Liquid includes with a paper's parameters, then tags that never close.
    "liquid includes": lambda n: (
        "",
        "".join(
            f'{{% include paper.html title="T{i}" '
            f'url="https://arxiv.org/abs/2601.{i % 10000:05d}" %}}\n\n'
            for i in range(n // 10)
        )
        + "{% include p.html "
        + " ".join(f'k{i}="v"' for i in range(40))
        + "\n\n" * (n // 100),
    ),
    "tags": lambda n: ("tags: [" + ", ".join(f"t{i}" for i in range(n)) + "]\n", _paper(0)),
    # One paper's entry must not look through the post's other papers (it once did, in
    # the BibTeX entries: 8 s for 5,000 papers).
    "papers per post": lambda n: ("", "".join(_paper(i) for i in range(n // 4))),
    "authors": lambda n: (
        "",
        _paper(0, fields="**Authors:** " + ", ".join(f"A{i} B{i}" for i in range(n)) + "\n\n"),
    ),
}


def write_site(root: Path, front: str, body: str) -> Path:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("url: https://example.org\ntitle: bench\n")
    post = root / "_posts" / "2025-10-08-bench.md"
    post.write_text(
        f"---\ntitle: bench\ndate: 2025-10-08\n{front}---\n{body}\n",
        encoding="utf-8",
    )
    return post


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=False, capture_output=True, timeout=600)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 5000, 10000, 20000])
    parser.add_argument("--shapes", nargs="+", choices=list(SHAPES), default=list(SHAPES))
    parser.add_argument("--formats", nargs="+", default=["json", "bibtex", "feed", "anki", "epub"])
    ns = parser.parse_args()
    exe = [sys.executable, "-m", "digestconv"]
    pandoc = shutil.which("pandoc")
    columns = [*ns.formats, *(["pandoc"] if pandoc else [])]
    print(f"{'shape':<16} {'n':>6} " + " ".join(f"{c:>9}" for c in columns))
    for shape in ns.shapes:
        make = SHAPES[shape]
        previous: dict[str, float] = {}
        for n in ns.sizes:
            with tempfile.TemporaryDirectory() as tmp:
                site = Path(tmp) / "site"
                post = write_site(site, *make(n))
                row: dict[str, float] = {}
                for fmt in ns.formats:
                    row[fmt] = timed([*exe, fmt, str(site), "-o", str(Path(tmp) / f"out.{fmt}")])
                if pandoc:
                    row["pandoc"] = timed([pandoc, str(post), "-t", "html", "-o", "/dev/null"])
            cells = []
            for c in columns:
                growth = f"×{row[c] / previous[c]:.1f}" if previous.get(c) else ""
                cells.append(f"{row[c]:5.2f}{growth:>4}"[:9].rjust(9))
            print(f"{shape:<16} {n:>6} " + " ".join(cells))
            previous = row


if __name__ == "__main__":
    main()
