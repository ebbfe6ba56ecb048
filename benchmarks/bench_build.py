"""`digestconv build` against its peers, every ratio from one run.

    python benchmarks/bench_build.py [--sizes 400 2000] [--rounds 3] [--runs 5]
                                     [--pandoc-posts 400] [--shared SITE]

For each generated site (``make_corpus.py``; plus a copy of ``--shared`` when given):

- **cold**: ``digestconv build`` of every default format with ``--no-cache``, and
  ``jekyll build`` with jekyll-feed set to include every post, run in alternation
  ``--rounds`` times under GNU time (wall seconds and peak memory); the best wall
  time of each is kept, because Jekyll's times are noisy;
- **incremental**: hyperfine times a cached build after editing one post's text (a
  new sentence each run), after adding one new post (the daily case: a new file,
  with a later date, each run), and after a ``touch`` that changes nothing; each is
  reported as a ratio to the best cold build;
- **watch**: the same edit and addition under one ``digestconv build --watch``
  process, which keeps the previous build's posts and parts in memory; the figure is
  the build's own time as it prints it (the watcher's 300 ms debounce is not in it);
- **imports**: what a rebuild in a new process pays before it reads a byte: hyperfine
  times a script that imports, in the same order, every module a rebuild after one edit
  loads (taken from ``python -X importtime`` of that rebuild), against ``python -c pass``;
  both are reported as ratios to the best cold build;
- **epub**: ``digestconv epub`` against ``pandoc -t epub3`` on the same posts
  (``--pandoc-posts``; pandoc needs minutes for 2,000).

The closing table is what the README's speed table shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_epub import measure as timed  # noqa: E402
from make_corpus import make  # noqa: E402


def _exe() -> str:
    """The console script beside this interpreter (a venv's), not a shell shim."""
    beside = Path(sys.executable).parent / "digestconv"
    return str(beside) if beside.exists() else shutil.which("digestconv") or "digestconv"


EXE = _exe()
JEKYLL_OVERLAY = "_bench_jekyll.yml"


def hyperfine(command: str, prepare: str, runs: int, out: Path) -> float:
    subprocess.run(
        [
            "hyperfine",
            "-S=bash",
            "--runs",
            str(runs),
            "--prepare",
            prepare,
            "--export-json",
            str(out),
            command,
        ],
        check=True,
        capture_output=True,
    )
    return float(json.loads(out.read_text())["results"][0]["mean"])


def jekyll_site(site: Path) -> None:
    """Every post in the feed; Jekyll gets only jekyll-feed through an overlay config."""
    cfg = site / "_config.yml"
    text = cfg.read_text(encoding="utf-8")
    if "posts_limit" not in text:
        cfg.write_text(text + "\nfeed:\n  posts_limit: 1000000\n", encoding="utf-8")
    (site / JEKYLL_OVERLAY).write_text("plugins: [jekyll-feed]\n", encoding="utf-8")


EDIT = """
import pathlib, sys, time
post = sorted(pathlib.Path(sys.argv[1]).glob("*.md"))[-1]
text = post.read_text(encoding="utf-8")
post.write_text(text.replace("\\n## ", "\\n- Edited %d.\\n\\n## " % time.time_ns(), 1),
                encoding="utf-8")
"""

ADD = """
import datetime, pathlib, re, sys
folder = pathlib.Path(sys.argv[1])
posts = sorted(folder.glob("*.md"))
day = datetime.date.fromisoformat(posts[-1].name[:10]) + datetime.timedelta(days=1)
text = re.sub(r"(?m)^date: .*$", f"date: {day} 08:15:00", posts[-1].read_text("utf-8"), count=1)
text = re.sub(r"\\d{4}\\.\\d{5}", lambda m: f"{day:%y%m}.9" + m.group(0)[-4:], text)
(folder / f"{day}-daily-papers.md").write_text(text, encoding="utf-8")
"""


TOP_IMPORT = re.compile(r"^import time:\s+\d+ \|\s+\d+ \| (\S+)$", re.MULTILINE)
"""A module imported at the top level (not by another module being imported)."""


def top_imports(args: list[str]) -> list[str]:
    """The modules ``python args`` imports at the top level, in order."""
    run = [sys.executable, "-X", "importtime", *args]
    done = subprocess.run(run, capture_output=True, text=True, check=True)
    return TOP_IMPORT.findall(done.stderr)


def import_floor(warm: str, edit: list[str], work: Path, runs: int) -> tuple[float, float]:
    """(Python alone, Python and the imports of a rebuild after one edit) in seconds.

    The rebuild runs serially (``-j 1``) so that every module it loads is imported in one
    process, in the order the script then imports them."""
    subprocess.run(edit, check=True)
    bare = set(top_imports(["-c", "pass"]))
    loaded = top_imports(["-m", "digestconv", *warm.split()[1:], "-j", "1"])
    script = work / "imports.py"
    script.write_text("".join(f"import {m}\n" for m in loaded if m not in bare), "utf-8")
    python = hyperfine(f"{sys.executable} -c pass", "true", runs, work / "h.json")
    return python, hyperfine(f"{sys.executable} {script}", "true", runs, work / "h.json")


BUILT = re.compile(r"^digestconv build: .*\((\d+\.\d+) s\)$")


def watched(
    command: list[str], scripts: Mapping[str, Path], posts: Path, runs: int
) -> dict[str, float]:
    """Mean rebuild time of a ``--watch`` process after each script, as the build
    reports it."""
    proc = subprocess.Popen([*command, "--watch"], stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None

    def built() -> float:
        for line in proc.stderr:  # type: ignore[union-attr]
            found = BUILT.match(line.strip())
            if found:
                return float(found.group(1))
        raise RuntimeError("the watching build stopped")

    try:
        built()  # the first build
        res: dict[str, float] = {}
        for name, script in scripts.items():
            times = []
            for _ in range(runs):
                subprocess.run([sys.executable, str(script), str(posts)], check=True)
                times.append(built())
            res[name] = sum(times) / len(times)
        return res
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # the figures stand; say so, and show where it is
            print(
                f"warning: the watching build did not stop on SIGINT ({proc.pid})", file=sys.stderr
            )
            if shutil.which("gdb"):
                dump = ["gdb", "-p", str(proc.pid), "-batch", "-ex", "thread apply all bt 12"]
                subprocess.run(dump, check=False, stdout=sys.stderr, stderr=subprocess.DEVNULL)
            proc.kill()
            proc.wait()
            sys.stderr.write(proc.stderr.read()[-4000:])


def bench(name: str, site: Path, work: Path, rounds: int, runs: int) -> dict[str, float]:
    out, dest, cache = work / f"{name}-out", work / f"{name}-jekyll", work / f"{name}-cache"
    posts = site / "_posts"
    res: dict[str, float] = {"cold": float("inf"), "jekyll": float("inf")}
    jekyll = [
        "jekyll",
        "build",
        "-q",
        "-s",
        str(site),
        "-d",
        str(dest),
        "--config",
        f"{site}/_config.yml,{site}/{JEKYLL_OVERLAY}",
    ]
    for _ in range(rounds):
        shutil.rmtree(out, ignore_errors=True)
        wall, mb = timed([EXE, "build", str(site), "-o", str(out), "--no-cache", "-q"])
        if wall < res["cold"]:
            res["cold"], res["cold_mb"] = wall, mb
        shutil.rmtree(dest, ignore_errors=True)
        shutil.rmtree(site / ".jekyll-cache", ignore_errors=True)
        wall, mb = timed(jekyll)
        if wall < res["jekyll"]:
            res["jekyll"], res["jekyll_mb"] = wall, mb
    warm = f"{EXE} build {site} -o {out} --cache-dir {cache} -q"
    subprocess.run(warm.split(), check=True)
    script = work / "edit.py"
    script.write_text(EDIT, encoding="utf-8")
    (work / "add.py").write_text(ADD, encoding="utf-8")
    res["edit"] = hyperfine(warm, f"{sys.executable} {script} {posts}", runs, work / "h.json")
    script = work / "add.py"
    res["add"] = hyperfine(warm, f"{sys.executable} {script} {posts}", runs, work / "h.json")
    watch = watched(
        [EXE, "build", str(site), "-o", str(out), "--cache-dir", str(cache)],
        {"watch_edit": work / "edit.py", "watch_add": work / "add.py"},
        posts,
        runs,
    )
    res.update(watch)
    newest = sorted(posts.glob("*.md"))[-1]
    res["touch"] = hyperfine(warm, f"touch {newest}", runs, work / "h.json")
    edit = [sys.executable, str(work / "edit.py"), str(posts)]
    res["python"], res["imports"] = import_floor(warm, edit, work, max(runs, 10))
    return res


def bench_epub(count: int, work: Path) -> tuple[float, float]:
    site = work / f"epub{count}"
    make(count, site)
    ours, _ = timed([EXE, "epub", str(site), "-o", str(work / "ours.epub"), "-q"])
    posts = sorted(str(p) for p in (site / "_posts").glob("*.md"))
    pandoc = ["pandoc", "-f", "markdown", "-t", "epub3", "--toc", "--epub-chapter-level=1"]
    theirs, _ = timed([*pandoc, "-o", str(work / "pandoc.epub"), *posts])
    return ours, theirs


def main() -> None:
    # Started in the background by a shell, this process and its children ignore SIGINT,
    # and the watching build would not stop on it: a handler of its own is reset to the
    # default in each child.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[400, 2000])
    parser.add_argument("--shared", type=Path, help="an existing Jekyll site to add")
    parser.add_argument("--rounds", type=int, default=3, help="alternating cold runs")
    parser.add_argument("--runs", type=int, default=5, help="hyperfine runs per rebuild")
    parser.add_argument("--pandoc-posts", type=int, default=400, help="0 to skip")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sites: list[tuple[str, Path]] = []
        for n in args.sizes:
            make(n, work / f"site{n}")
            sites.append((f"{n} posts", work / f"site{n}"))
        if args.shared:
            shutil.copytree(args.shared, work / "shared")
            sites.append((args.shared.name, work / "shared"))
        for name, site in sites:
            jekyll_site(site)
            rows.append((name, bench(name.replace(" ", "-"), site, work, args.rounds, args.runs)))
        epub = bench_epub(args.pandoc_posts, work) if args.pandoc_posts else None
    print(f"{dt.date.today().isoformat()}, {os.cpu_count()} cores; best of {args.rounds} cold runs")
    print(
        "| site | cold build s | jekyll s | cold/jekyll | edit 1 post s | edit/cold "
        "| add 1 post s | add/cold | touch s | touch/cold | peak MB build | peak MB jekyll |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    watch_rows = []
    for name, r in rows:
        print(
            f"| {name} | {r['cold']:.2f} | {r['jekyll']:.2f} | {r['cold'] / r['jekyll']:.2f} "
            f"| {r['edit']:.2f} | {r['edit'] / r['cold']:.3f} | {r['add']:.2f} "
            f"| {r['add'] / r['cold']:.3f} | {r['touch']:.2f} | {r['touch'] / r['cold']:.3f} "
            f"| {r['cold_mb']:.0f} | {r['jekyll_mb']:.0f} |"
        )
        watch_rows.append(
            f"| {name} | {r['watch_edit']:.2f} | {r['watch_edit'] / r['cold']:.3f} "
            f"| {r['watch_add']:.2f} | {r['watch_add'] / r['cold']:.3f} |"
        )
    print("\nUnder `build --watch` (the build's own time; cold = the cold build above):")
    print("| site | edit 1 post s | edit/cold | add 1 post s | add/cold |")
    print("|---|---|---|---|---|")
    print("\n".join(watch_rows))
    print("\nWhat a rebuild in a new process pays before reading a byte (cold = as above):")
    print("| site | python -c pass s | + a rebuild's imports s | python/cold | imports/cold |")
    print("|---|---|---|---|---|")
    for name, r in rows:
        print(
            f"| {name} | {r['python']:.3f} | {r['imports']:.3f} | {r['python'] / r['cold']:.3f} "
            f"| {r['imports'] / r['cold']:.3f} |"
        )
    if epub is not None:
        ours, theirs = epub
        print(
            f"\ndigestconv epub {ours:.2f} s vs pandoc {theirs:.2f} s on {args.pandoc_posts} "
            f"posts: {ours / theirs:.3f}x"
        )


if __name__ == "__main__":
    main()
