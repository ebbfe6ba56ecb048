"""The CSL-JSON exporter on hand-made digests: shape, keys, dedup, options, clients.

The corpus is built from digestconv's public model, as any plugin's tests would,
so this suite needs neither the reader nor the digestconv repository.  The
output is checked by the two things that matter to a user: the official CSL-JSON
schema and pandoc's citeproc, which must read it without a single warning.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from digestconv import fragments, runs
from digestconv.diagnostics import Diagnostics
from digestconv.fragments import MemoryStore, Part
from digestconv.model import (
    Corpus,
    Digest,
    Item,
    Paper,
    Section,
    Site,
    SourceSpan,
    paper_from_json,
)
from digestconv.options import OptionError, from_config
from digestconv.plugins import Exporter

from digestconv_csljson.exporter import CslJsonExporter, CslJsonOptions
from digestconv_csljson.items import collect, distinct

HERE = Path(__file__).resolve().parent
SCHEMA = json.loads((HERE / "csl-data.json").read_text(encoding="utf-8"))
KST = timezone(timedelta(hours=9))


def arxiv_id(ident: str, version: int | None = None) -> Any:
    """The model's arXiv id, made through the public JSON form of a paper.

    A plugin only reads ``Paper.arxiv``; parsing URLs is the reader's job.
    """
    fields = {"rank": 0, "title": "", "url": "", "anchor": "", "links": [], "sections": []}
    return paper_from_json({**fields, "arxiv": {"id": ident, "version": version}}).arxiv


def paper(rank: int, title: str, url: str, arxiv: Any = None, summary: str = "요약") -> Paper:
    return Paper(
        rank=rank,
        title=title,
        url=url,
        arxiv=arxiv,
        anchor=f"{rank}",
        sections=(
            Section(
                "introduction",
                "Introduction",
                (Item(summary, "goal", "Goal"), Item("**강조**된 [링크](https://x.org) 항목")),
            ),
            Section("limitations", "Limitations", (Item("정보 부족"),), placeholder=True),
        ),
        source=SourceSpan(f"_posts/{rank}.md", 10 * rank, 10 * rank + 9),
    )


def digest(day: int, tags: tuple[str, ...], *papers: Paper) -> Digest:
    return Digest(
        source=SourceSpan(f"_posts/2025-10-{day:02d}-daily-papers.md", 1, 100),
        title=f"Daily Papers — 2025-10-{day:02d}",
        date=datetime(2025, 10, day, 9, 0, tzinfo=KST),
        slug="daily-papers",
        path=f"/dailypaper/2025/10/{day:02d}/daily-papers/",
        url=None,
        post_id=f"/dailypaper/2025/10/{day:02d}/daily-papers",
        tags=tags,
        papers=papers,
    )


CORPUS = Corpus(
    Site(title="Daily Papers"),
    (
        digest(
            8,
            ("papers", "hugginface"),
            paper(
                1,
                "Fast-dLLM v2: Efficient Block-Diffusion LLM",
                "https://arxiv.org/abs/2509.26328",
                arxiv_id("2509.26328"),
            ),
            paper(
                2,
                "An Old Paper",
                "http://arxiv.org/pdf/hep-th/9901001v2.pdf",
                arxiv_id("hep-th/9901001", 2),
            ),
            paper(3, "A Blog Post & <think> Tags", "https://www.example.org/post?id=1"),
        ),
        digest(
            9,
            ("Papers", "diffusion"),
            # The same paper again, another version and URL shape: one item.
            paper(
                1,
                "Fast-dLLM v2 (retitled)",
                "https://arxiv.org/abs/2509.26328v3",
                arxiv_id("2509.26328", 3),
                "다른 요약",
            ),
            paper(2, "Early 2007 Paper", "https://arxiv.org/abs/0704.0001", arxiv_id("0704.0001")),
        ),
    ),
)


def export(corpus: Corpus = CORPUS, **options: object) -> tuple[list[dict[str, Any]], Diagnostics]:
    diagnostics = Diagnostics()
    data = CslJsonExporter().export(corpus, CslJsonOptions(**options), diagnostics)  # type: ignore[arg-type]
    items: list[dict[str, Any]] = json.loads(data)
    return items, diagnostics


PUBLIC_API = {
    "digestconv.model",
    "digestconv.plugins",
    "digestconv.options",
    "digestconv.diagnostics",
    "digestconv.fragments",
    "digestconv.papers",
    "digestconv.runs",
    "digestconv.text.markdown",
}


def test_uses_only_the_public_api() -> None:
    """The point of the example: a plugin needs nothing but digestconv's public modules."""
    used: set[str] = set()
    for source in (HERE.parent / "src" / "digestconv_csljson").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                used.add(node.module)
            elif isinstance(node, ast.Import):
                used.update(alias.name for alias in node.names)
    from_digestconv = {m for m in used if m.split(".")[0] == "digestconv"}
    assert from_digestconv
    assert from_digestconv <= PUBLIC_API


def test_satisfies_the_exporter_protocol() -> None:
    assert isinstance(CslJsonExporter(), Exporter)
    assert CslJsonExporter.name == "csljson"
    spec = CslJsonExporter().outputs(CslJsonOptions())
    assert not spec.binary
    assert spec.suffix == ".json"


def test_one_item_per_distinct_paper_sorted_with_stable_keys() -> None:
    items, diagnostics = export()
    assert [i["id"] for i in items] == [
        "arXiv:hep-th/9901001",
        "arXiv:0704.0001",
        "arXiv:2509.26328",
        f"web:example.org-{_sha('https://www.example.org/post?id=1')}",
    ]
    for item in items:
        assert item["id"].isascii()
        # Every id must be usable as a pandoc citation key (@key).
        assert re.fullmatch(r"[A-Za-z0-9_][\w:.#$%&\-+?<>~/]*[A-Za-z0-9_]", item["id"])
    assert not diagnostics.failed()


def _sha(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:10]


def test_arxiv_item_follows_zotero_preprint_export() -> None:
    items, _ = export()
    fast = next(i for i in items if i["id"] == "arXiv:2509.26328")
    assert fast == {
        "id": "arXiv:2509.26328",
        "type": "article",
        # The first digest that mentioned the paper gives its title.
        "title": "Fast-dLLM v2: Efficient Block-Diffusion LLM",
        "publisher": "arXiv",
        "number": "arXiv:2509.26328",
        "DOI": "10.48550/arXiv.2509.26328",
        "source": "arXiv.org",
        "URL": "https://arxiv.org/abs/2509.26328",
        "issued": {"date-parts": [[2025, 9]]},
        # Tags of both digests, case-insensitively deduplicated, sorted.
        "keyword": "diffusion, hugginface, papers",
    }
    old = next(i for i in items if i["id"] == "arXiv:hep-th/9901001")
    assert old["issued"] == {"date-parts": [[1999, 1]]}
    assert old["URL"] == "https://arxiv.org/abs/hep-th/9901001"


def test_non_arxiv_paper_is_a_webpage_accessed_on_the_digest_day() -> None:
    items, _ = export()
    web = items[-1]
    assert web["type"] == "webpage"
    assert web["URL"] == "https://www.example.org/post?id=1"
    assert web["accessed"] == {"date-parts": [[2025, 10, 8]]}
    assert "issued" not in web
    assert "DOI" not in web


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.example.org/a", "example.org"),
        ("https://bücher.example/x", "xn--bcher-kva.example"),
        ("http://[::1/broken", "link"),
        ("mailto:someone@example.org", "link"),
        ("https://" + "a" * 70 + ".org/", "link"),
    ],
)
def test_web_keys_are_key_safe_whatever_the_url(url: str, host: str) -> None:
    odd = digest(11, (), paper(1, "Odd", url))
    [item], _ = export(Corpus(Site(), (odd,)))
    assert item["id"] == f"web:{host}-{_sha(url)}"


@pytest.mark.parametrize("place", ["abstract", "note"])
def test_summary_goes_where_asked_as_plain_text(place: str) -> None:
    items, _ = export(summary=place)
    fast = next(i for i in items if i["id"] == "arXiv:2509.26328")
    assert fast[place] == "Introduction: Goal: 요약 강조된 링크 항목"
    other = "note" if place == "abstract" else "abstract"
    assert other not in fast
    # The placeholder section is left out of every summary.
    assert all("정보 부족" not in i.get(place, "") for i in items)


def test_no_summary_by_default() -> None:
    items, _ = export()
    assert all("abstract" not in i and "note" not in i for i in items)


def test_bad_summary_option_is_a_config_error() -> None:
    """Values are checked once, by the declaration, for the CLI and _config.yml alike."""
    with pytest.raises(OptionError, match="expected one of none, abstract, note"):
        from_config(CslJsonOptions, {"summary": "footnote"}, "digestconv.csljson")


def test_title_with_csl_markup_is_noted() -> None:
    marked = digest(
        10,
        (),
        paper(
            1, "The <i>Italic</i> Paper", "https://arxiv.org/abs/2510.00001", arxiv_id("2510.00001")
        ),
    )
    _, diagnostics = export(Corpus(Site(), (marked,)))
    [note] = list(diagnostics)
    assert (note.severity, note.code, note.path, note.line) == ("note", "export", "_posts/1.md", 10)
    assert "<i>" in note.message


def test_empty_corpus_is_an_empty_bibliography_with_a_warning() -> None:
    items, diagnostics = export(Corpus(Site(), ()))
    assert items == []
    assert [d.severity for d in diagnostics] == ["warning"]


def test_deterministic_whatever_the_reading_order() -> None:
    reordered = Corpus(CORPUS.site, tuple(reversed(CORPUS.digests)))
    a = CslJsonExporter().export(CORPUS, CslJsonOptions(), Diagnostics())
    b = CslJsonExporter().export(CORPUS, CslJsonOptions(), Diagnostics())
    assert a == b
    assert a.endswith(b"\n")
    # Keys and order do not depend on which digest came first (titles may).
    ids = [i["id"] for i in json.loads(a)]
    assert [
        i["id"]
        for i in json.loads(CslJsonExporter().export(reordered, CslJsonOptions(), Diagnostics()))
    ] == ids


@pytest.mark.parametrize("summary", ["none", "abstract", "note"])
def test_output_validates_against_the_csl_schema(summary: str) -> None:
    items, _ = export(summary=summary)
    jsonschema.validate(items, SCHEMA, cls=jsonschema.Draft7Validator)


def test_schema_rejects_what_it_should() -> None:
    """The shipped schema copy is the strict one: unknown keys fail."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "article", "keywords": ["a"]}], SCHEMA)


def normalise(text: str) -> str:
    """Compare as a reader would: case, curly quotes and line wrapping do not matter."""
    quotes: dict[str, str | int | None] = {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
    text = text.translate(str.maketrans(quotes))
    return " ".join(text.casefold().split())


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_citeproc_resolves_every_key_and_renders_every_title(tmp_path: Path) -> None:
    data = CslJsonExporter().export(CORPUS, CslJsonOptions(summary="abstract"), Diagnostics())
    (tmp_path / "refs.json").write_bytes(data)
    # Citing every key in the text proves each id parses as a pandoc @key:
    # an unresolved citation would be a warning on stderr.
    cites = "; ".join(f"@{item['id']}" for item in json.loads(data))
    doc = f"---\nnocite: '@*'\n---\nSee [{cites}].\n"
    (tmp_path / "doc.md").write_text(doc, encoding="utf-8")
    run = subprocess.run(
        ["pandoc", "doc.md", "--citeproc", "--bibliography", "refs.json", "-t", "plain"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stderr == ""
    rendered = normalise(run.stdout)
    for item in json.loads(data):
        assert normalise(item["title"]) in rendered


# ------------------------------------------------------------ incremental builds


@pytest.fixture
def one_item_per_part(monkeypatch: pytest.MonkeyPatch) -> None:
    """A part per item, so that a test can say exactly which items an edit renders again
    (a part holds a run of items, cut by ``digestconv.runs``)."""
    monkeypatch.setattr(runs, "AVERAGE", 1)


class Counting(CslJsonExporter):
    """Records the papers whose items were rendered."""

    def __init__(self) -> None:
        self.rendered: list[str] = []

    def render_part(
        self, part: Part, site: Site, options: CslJsonOptions, diagnostics: Diagnostics
    ) -> bytes:
        self.rendered.extend(key for key, _ in part.data)
        return super().render_part(part, site, options, diagnostics)


def build(
    corpus: Corpus, store: MemoryStore, options: CslJsonOptions | None = None
) -> tuple[bytes, list[str], Diagnostics]:
    """One incremental export: what it wrote, the papers it rendered, its diagnostics."""
    exporter, diagnostics = Counting(), Diagnostics()
    done = fragments.export(exporter, corpus, options or CslJsonOptions(), diagnostics, store=store)
    store.keep(done)
    assert isinstance(done.output, bytes)
    return done.output, exporter.rendered, diagnostics


def cold(corpus: Corpus, options: CslJsonOptions | None = None) -> bytes:
    return CslJsonExporter().export(corpus, options or CslJsonOptions(), Diagnostics())


@pytest.mark.parametrize("summary", ["none", "abstract", "note"])
def test_parts_join_to_the_json_of_the_whole_list(summary: str) -> None:
    options = CslJsonOptions(summary=summary)  # type: ignore[arg-type]
    data = cold(CORPUS, options)
    assert data == (json.dumps(json.loads(data), ensure_ascii=False, indent=2) + "\n").encode()
    assert cold(Corpus(Site(), ())) == b"[]\n"


@pytest.mark.usefixtures("one_item_per_part")
def test_reusing_every_item_gives_the_cold_bytes_and_diagnostics() -> None:
    marked = digest(10, (), paper(1, "The <i>Italic</i> Paper", "https://x.org/i"))
    corpus = Corpus(CORPUS.site, (*CORPUS.digests, marked))
    store = MemoryStore()
    first, rendered, diagnostics = build(corpus, store)
    assert first == cold(corpus)
    assert len(rendered) == 5
    again, rendered, replayed = build(corpus, store)
    assert (again, rendered) == (first, [])
    assert [d.message for d in replayed] == [d.message for d in diagnostics] != []


@pytest.mark.usefixtures("one_item_per_part")
def test_an_edited_digest_renders_only_its_papers() -> None:
    store = MemoryStore()
    build(CORPUS, store)
    eighth, ninth = CORPUS.digests
    edited = Corpus(CORPUS.site, (eighth, replace(ninth, tags=("Papers", "edited"))))
    out, rendered, _ = build(edited, store)
    # The 9th features 2509.26328 again and 0704.0001: only their items change.
    assert sorted(rendered) == ["arxiv:0704.0001", "arxiv:2509.26328"]
    assert out == cold(edited)
    assert b"edited" in out


@pytest.mark.usefixtures("one_item_per_part")
def test_added_and_removed_digests() -> None:
    store = MemoryStore()
    eighth = CORPUS.digests[0]
    build(Corpus(CORPUS.site, (eighth,)), store)
    out, rendered, _ = build(CORPUS, store)
    assert sorted(rendered) == ["arxiv:0704.0001", "arxiv:2509.26328"]
    assert out == cold(CORPUS)
    out, rendered, _ = build(Corpus(CORPUS.site, (eighth,)), store)
    assert rendered == []
    assert out == cold(Corpus(CORPUS.site, (eighth,)))


@pytest.mark.usefixtures("one_item_per_part")
def test_an_option_renders_every_item_again() -> None:
    store = MemoryStore()
    build(CORPUS, store)
    out, rendered, _ = build(CORPUS, store, CslJsonOptions(summary="note"))
    assert len(rendered) == 4
    assert out == cold(CORPUS, CslJsonOptions(summary="note"))


@pytest.mark.usefixtures("one_item_per_part")
def test_a_paper_listed_twice_in_one_digest_is_one_item() -> None:
    twice = digest(
        12,
        ("a",),
        paper(1, "Twice", "https://arxiv.org/abs/2510.00002", arxiv_id("2510.00002")),
        paper(2, "Twice", "https://arxiv.org/abs/2510.00002v2", arxiv_id("2510.00002", 2)),
    )
    corpus = Corpus(Site(), (twice,))
    out, rendered, _ = build(corpus, MemoryStore())
    assert rendered == ["arxiv:2510.00002"]
    assert [i["id"] for i in json.loads(out)] == ["arXiv:2510.00002"]


def test_distinct_lists_the_papers_as_collect_does() -> None:
    """The one-pass listing of ``parts`` agrees with ``collect``, which the items use."""
    web = paper(4, "Another Post", "https://example.com/b")
    again = digest(10, ("x",), web, *CORPUS.digests[0].papers, web)
    corpus = Corpus(CORPUS.site, (*CORPUS.digests, again))
    listed = distinct(corpus.digests)
    expected = collect(corpus.papers())
    assert [key for key, _ in listed] == [e.paper.key for e in expected]
    for (_, entry), full in zip(listed, expected, strict=True):
        assert entry.paper is full.paper
        assert entry.digests == list({id(d): d for d in full.digests}.values())


def test_runs_an_edit_renders_only_the_runs_holding_its_papers() -> None:
    ids = [f"2509.{n:05d}" for n in range(1, 401)]
    papers = [
        paper(1 + n % 8, f"Paper {n}", f"https://arxiv.org/abs/{i}", arxiv_id(i))
        for n, i in enumerate(ids)
    ]
    digests = tuple(digest(1 + n // 16, ("p",), *papers[n : n + 16]) for n in range(0, 400, 16))
    store = MemoryStore()
    build(Corpus(Site(), digests), store)
    edited = (*digests[:10], replace(digests[10], tags=("edited",)), *digests[11:])
    out, rendered, _ = build(Corpus(Site(), edited), store)
    assert out == cold(Corpus(Site(), edited))
    assert b"edited" in out
    touched = {p.key for p in digests[10].papers}
    parts = CslJsonExporter().parts(Corpus(Site(), edited), CslJsonOptions())
    held = [{key for key, _ in part.data} for part in parts]
    assert 1 < len(parts) < len(papers) / 4
    # Exactly the runs holding an edited paper are rendered: far fewer items than listed.
    assert sorted(rendered) == sorted(k for keys in held if keys & touched for k in keys)
    assert touched <= set(rendered)
    assert len(rendered) < len(papers) / 2
