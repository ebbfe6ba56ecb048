"""Real clients judge the books: EPUBCheck 5.3, ebooklib reading back, MuPDF rendering.

Java starts once for the whole module: every book is written to one folder and
checked in one JVM by a ten-line Java driver calling EPUBCheck's own command
line entry (``EpubChecker.run``) per file – launched as a single-file source
program when a JDK is present, else ``java -jar`` per book.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from ebooklib import ITEM_DOCUMENT
from ebooklib import epub as ebooklib_epub
from lxml import etree

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub import EpubExporter
from digestconv.model import Corpus, Digest, Item, Link, Paper, Section, Site, SourceSpan
from digestconv.reader import read_paths
from digestconv.text.markdown import markdown_to_text

pytestmark = pytest.mark.slow

HOSTILE_POSTS = {
    "2025-03-01-hostile.md": """---
title: "<script>alert(1)</script> & ]]> \\"quoted\\""
date: 2025-03-01 09:00:00
tags: [<b>tag</b>, "a&b", 논문]
lang: "ko_KR"
---

<think>raw html block</think>

# 1. [<img src=x onerror=alert(1)> Title & more](https://arxiv.org/abs/2501.00001v3)

> [Alphaxiv](https://www.alphaxiv.org/ko/overview/2501.00001)

## Introduction
- Goal: <script>document.write(1)</script> 목표 &nbsp; &copy; &#0;
- [js](javascript:alert(1)) and [data](data:text/html,x) and <https://exa mple.org/x y>
- | a | b |
  |:--|--:|
  | 1 | 2 |

## Method
```html
<style>body{color:red}</style>
```

1. first
2. second
   - nested **bold** `code`

## Results
# heading inside a section
> quote

---

## Limitations
정보 부족.

# 2. [Same day paper](https://example.org/a%zz/논문?q=<x>)

## Conclusion
마지막 문장.
""",
    "2025-03-01-second.md": """---
title: ""
date: 2025-03-01 21:00:00
---

# 1. [Second post same day](https://arxiv.org/abs/hep-th/9901001)

## Introduction
- Motivation: 동기.
""",
    "2025-03-02-nopapers.md": """---
title: Empty one
date: 2025-03-02
---

Just some text, no papers.
""",
}

KST = timezone(timedelta(hours=9))


def hostile_model() -> Corpus:
    """Text the reader would clean, handed to the exporter directly."""
    bad = "제목\x00\x0b\x1f\x7f\x85\ud800\ufffe\U0010ffff]]><!-- -->"
    item_texts = (
        "<svg onload=alert(1)>",
        "**unclosed <b> &amp; &bogus; [link](https://a.b/c d)",
        "\u202etext right-to-left\u202c 😀 " + "가" * 400,
        bad,
    )
    paper = Paper(
        rank=7,
        title=bad,
        url="https://exa mple.org/<x>",
        arxiv=None,
        anchor="7",
        links=(Link("", "javascript:alert(1)"), Link("x\x00y", "https://ok.example/\x01")),
        sections=(
            Section("other", "", tuple(Item(t, None, None) for t in item_texts)),
            Section("results", bad, tuple(Item(t, "goal", bad, bullet=False) for t in item_texts)),
        ),
        source=SourceSpan("x.md", 1, 2),
    )
    d = Digest(
        source=SourceSpan("x.md", 1, 9),
        title=bad,
        date=datetime(1999, 12, 31, 23, 59, tzinfo=KST),
        slug="x",
        path="/x",
        url="https://exa mple.org/",
        post_id="/x",
        tags=("", bad),
        lang="no such language",
        papers=(paper, paper),
        preamble=(Item("<script>x</script>", None, None, bullet=False),),
    )
    return Corpus(Site(title=bad, author=bad, description=bad, url="javascript:x", lang="??"), (d,))


def write(out: Path, name: str, data: object) -> list[Path]:
    if isinstance(data, bytes):
        (out / f"{name}.epub").write_bytes(data)
        return [out / f"{name}.epub"]
    assert isinstance(data, dict)
    paths = []
    for fname, blob in sorted(data.items()):
        p = out / f"{name}-{fname}"
        p.write_bytes(blob)
        paths.append(p)
    return paths


@pytest.fixture(scope="module")
def hostile_posts(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("hostile")
    for name, text in HOSTILE_POSTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return read_paths([str(folder)]).corpus


@pytest.fixture(scope="module")
def corpora(
    request: pytest.FixtureRequest, samples_corpus: Corpus, hostile_posts: Corpus
) -> dict[str, Corpus]:
    found = {
        "samples": samples_corpus,
        "hostile-posts": hostile_posts,
        "hostile-model": hostile_model(),
    }
    with contextlib.suppress(pytest.skip.Exception):
        found["corpus"] = request.getfixturevalue("shared_corpus")
    return found


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, corpora: dict[str, Corpus]) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("books")
    made: dict[str, Path] = {}
    for name, corpus in corpora.items():
        for path in write(
            out, name, EpubExporter().export(corpus, EpubExporter.Options(), Diagnostics())
        ):
            made[path.stem] = path
    split = EpubExporter().export(
        corpora["samples"], EpubExporter.Options(split="month"), Diagnostics()
    )
    for path in write(out, "samples", split):
        made[path.stem] = path
    return made


def run_epubcheck(paths: list[Path]) -> dict[str, dict[str, Any]]:
    if shutil.which("java") is None:
        pytest.skip("java is not installed")
    from conformance.clients import epubcheck_reports

    return {p.stem: report for p, report in epubcheck_reports(paths, paths[0].parent).items()}


@pytest.fixture(scope="module")
def epubcheck_reports(books: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return run_epubcheck(list(books.values()))


NAMES = ["samples", "samples-2025-10", "hostile-posts", "hostile-model", "corpus"]


def _book(books: dict[str, Path], name: str) -> Path:
    if name not in books:
        pytest.skip(f"{name} is not available")
    return books[name]


@pytest.mark.parametrize("name", NAMES)
def test_epubcheck_reports_nothing(
    name: str, books: dict[str, Path], epubcheck_reports: dict[str, dict[str, Any]]
) -> None:
    _book(books, name)
    report = epubcheck_reports[name]
    checker = report["checker"]
    messages = [
        (m["ID"], m["severity"], m["message"], m["locations"][:1]) for m in report["messages"]
    ]
    assert checker["checkerVersion"].startswith("5.3"), checker
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), messages


def test_every_split_book_is_checked(
    books: dict[str, Path], epubcheck_reports: dict[str, dict[str, Any]]
) -> None:
    split = [n for n in books if n.startswith("samples-20")]
    assert len(split) == 3
    bad = {n: epubcheck_reports[n]["messages"] for n in split if epubcheck_reports[n]["messages"]}
    assert not bad


def _book_text(path: Path) -> str:
    book = ebooklib_epub.read_epub(str(path))
    parts = [
        " ".join(etree.fromstring(item.content).itertext())
        for item in book.get_items_of_type(ITEM_DOCUMENT)
    ]
    return " ".join(" ".join(parts).split())


def _expected(corpus: Corpus) -> Iterator[str]:
    for _digest, paper in corpus.papers():
        for section in paper.sections:
            for item in section.items:
                if item.label_text:
                    yield " ".join(item.label_text.split())
                for line in markdown_to_text(item.text).splitlines():
                    for cell in line.strip().removeprefix("- ").split(" | "):
                        text = " ".join(cell.split())
                        if text:
                            yield text


@pytest.mark.parametrize("name", ["samples", "hostile-posts", "corpus"])
def test_ebooklib_reads_back_every_item(
    name: str, books: dict[str, Path], corpora: dict[str, Corpus]
) -> None:
    path = _book(books, name)
    text = _book_text(path)
    expected = list(_expected(corpora[name]))
    assert expected
    missing = [t for t in expected if t not in text]
    assert not missing, missing[:5]
    for _digest, paper in corpora[name].papers():
        assert " ".join(paper.title.split()) in text


def test_hostile_text_is_escaped_and_scriptless(books: dict[str, Path]) -> None:
    for name in ("hostile-posts", "hostile-model"):
        book = ebooklib_epub.read_epub(str(books[name]))
        for item in book.get_items_of_type(ITEM_DOCUMENT):
            root = etree.fromstring(item.content)
            assert not root.xpath("//*[local-name()='script' or local-name()='style']")
            assert not root.xpath("//@*[starts-with(local-name(), 'on')]")
            assert not root.xpath("//@href[starts-with(., 'javascript:')]")
        text = _book_text(books[name])
        if name == "hostile-posts":
            assert "<script>alert(1)</script>" in text  # shown as text, not run


def test_mupdf_renders_the_first_pages(books: dict[str, Path], tmp_path: Path) -> None:
    mutool = shutil.which("mutool")
    if mutool is None:
        pytest.skip("mutool (mupdf-tools) is not installed")
    for name in ("samples", "hostile-model"):
        out = tmp_path / f"{name}-%d.png"
        proc = subprocess.run(
            [
                mutool,
                "draw",
                "-q",
                "-r",
                "60",
                "-W",
                "420",
                "-H",
                "640",
                "-o",
                str(out),
                str(books[name]),
                "1-4",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert "error" not in proc.stderr.lower(), proc.stderr
        pngs = sorted(tmp_path.glob(f"{name}-*.png"))
        assert len(pngs) == 4
        assert all(p.stat().st_size > 1000 for p in pngs)


OUTLINE_JS = """
var doc = new Document(scriptArgs[0]);
doc.layout(420, 640, 10);
function walk(items) {
  for (var i = 0; i < items.length; i++) {
    var dest = doc.resolveLink(items[i].uri);
    print(JSON.stringify({title: items[i].title, uri: items[i].uri, dest: dest}));
    if (items[i].down) walk(items[i].down);
  }
}
walk(doc.loadOutline() || []);
"""


def test_mupdf_resolves_every_toc_entry_to_its_own_place(
    books: dict[str, Path], tmp_path: Path
) -> None:
    """MuPDF resolves a fragment to its element's box: the ids must be on the headings.

    With them on the enclosing ``<section>``, the samples' 47 entries landed on 12 places.
    """
    from tests.test_publish_tools import tool

    mutool = tool("mutool")
    script = tmp_path / "outline.js"
    script.write_text(OUTLINE_JS, encoding="utf-8")
    proc = subprocess.run(
        [mutool, "run", str(script), str(books["samples"])],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    entries = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    nav = etree.fromstring(zipfile_read(books["samples"], "EPUB/nav.xhtml"))
    toc_links = nav.xpath(
        "//x:nav[@id='toc']//x:a", namespaces={"x": "http://www.w3.org/1999/xhtml"}
    )
    assert len(entries) == len(toc_links) == 47
    places = [json.dumps(e["dest"], sort_keys=True) for e in entries]
    assert len(set(places)) == len(places), [e["uri"] for e in entries]


def zipfile_read(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.read(name)
