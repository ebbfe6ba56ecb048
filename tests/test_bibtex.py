"""The BibTeX exporter's entries, keys, escaping and --update, without the TeX toolchain."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import bibtexparser
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from digestconv.arxiv import parse_id
from digestconv.cli import cli
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import BibtexExporter
from digestconv.exporters.bibtex import escape as bib_escape
from digestconv.exporters.bibtex import keys as bib_keys
from digestconv.model import Corpus, Digest, Item, Paper, Section, Site, SourceSpan
from digestconv.plugins import ExportError

KST = timezone(timedelta(hours=9))
KEY_CHARS = re.compile(r"\A[A-Za-z0-9._-]+\Z")


def paper(
    ident: str | None, title: str = "A Title", url: str | None = None, rank: int = 1
) -> Paper:
    ax = parse_id(ident) if ident else None
    return Paper(
        rank=rank,
        title=title,
        url=url or f"https://arxiv.org/abs/{ident}",
        arxiv=ax,
        anchor=f"{rank}-x",
        sections=(
            Section("introduction", "Introduction", (Item("목표: 요약 & 100%", "goal", "Goal"),)),
            Section("limitations", "Limitations", (Item("정보 부족."),), placeholder=True),
        ),
    )


def digest(day: int, *papers: Paper, tags: tuple[str, ...] = ("papers",)) -> Digest:
    return Digest(
        source=SourceSpan(f"_posts/2025-10-{day:02d}-daily.md", 1, 10),
        title=f"Daily Papers — 2025-10-{day:02d}",
        date=datetime(2025, 10, day, 8, 15, tzinfo=KST),
        slug="daily-papers",
        path=f"/2025/10/{day:02d}/daily-papers/",
        url=f"https://example.org/2025/10/{day:02d}/daily-papers/",
        post_id=f"/2025/10/{day:02d}/daily-papers",
        tags=tags,
        papers=papers,
    )


def export(*digests: Digest, diagnostics: Diagnostics | None = None, **options: object) -> str:
    out = BibtexExporter().export(
        Corpus(Site(), tuple(digests)),
        BibtexExporter.Options(**options),
        diagnostics if diagnostics is not None else Diagnostics(),
    )
    assert isinstance(out, bytes)
    return out.decode("utf-8")


def parsed(text: str) -> list[bibtexparser.model.Entry]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return list(library.entries)


def fields(entry: bibtexparser.model.Entry) -> dict[str, str]:
    return {f.key: f.value for f in entry.fields}


# ----------------------------------------------------------------- entries


def test_samples_entry_has_arxivs_export_shape(samples_corpus: Corpus) -> None:
    text = BibtexExporter().export(samples_corpus, BibtexExporter.Options(), Diagnostics())
    assert isinstance(text, bytes)
    block = text.decode().split("@misc{fastdllm-2509.26328,\n", 1)[1].split("\n}\n", 1)[0]
    assert block.splitlines() == [
        "  title = {{Fast-dLLM} v2: Efficient Block-Diffusion {LLM}},",
        "  year = {2025},",
        "  month = sep,",
        "  howpublished = {arXiv preprint arXiv:2509.26328},",
        "  eprint = {2509.26328},",
        "  archivePrefix = {arXiv},",
        "  url = {https://arxiv.org/abs/2509.26328},",
        "  key = {Fast-dLLM v2(2025)},",
        "  keywords = {hugginface, papers},",
        "  annote = {Featured in 2025-10-08:"
        " https://dailypapers.example.org/dailypaper/2025/10/08/daily-papers/}",
    ]


def test_papers_are_deduplicated_across_digests_and_sorted_by_id() -> None:
    text = export(
        digest(9, paper("2510.00002v1", rank=1), paper("2509.00001", rank=2)),
        digest(8, paper("2510.00002v3", rank=1), paper("hep-th/9901001", rank=2), tags=("b",)),
    )
    entries = parsed(text)
    assert [fields(e)["url"] for e in entries] == [
        "https://arxiv.org/abs/hep-th/9901001",
        "https://arxiv.org/abs/2509.00001",
        "https://arxiv.org/abs/2510.00002",
    ]
    old, _, twice = (fields(e) for e in entries)
    assert old["year"] == "1999" and old["primaryClass"] == "hep-th" and old["month"] == "jan"
    assert twice["eprint"] == "2510.00002v3"  # the highest version a post linked
    assert twice["keywords"] == "b, papers"
    assert "2025-10-09" in twice["annote"] and "2025-10-08" in twice["annote"]


def test_output_does_not_depend_on_input_order() -> None:
    a = digest(8, paper("2510.00002", rank=1), paper("2509.00001", "Other", rank=2))
    b = digest(9, paper("2511.00003", "Third"), tags=("x", "papers"))
    assert export(a, b) == export(b, a) == export(a, b)


def test_biblatex_mode_writes_online_entries() -> None:
    entry = parsed(export(digest(8, paper("2509.26328v2")), biblatex=True))[0]
    assert entry.entry_type == "online"
    f = fields(entry)
    assert f["date"] == "2025-09"
    assert f["eprint"] == "2509.26328v2"
    assert f["eprinttype"] == "arxiv"
    assert "annotation" in f and "annote" not in f and "key" not in f


def test_summary_goes_to_annote_only() -> None:
    plain = fields(parsed(export(digest(8, paper("2509.26328"))))[0])
    rich = fields(parsed(export(digest(8, paper("2509.26328")), summary=True))[0])
    assert "요약" not in plain["annote"]
    assert r"Introduction: Goal: 목표: 요약 \& 100\%" in rich["annote"]
    assert "정보 부족" not in rich["annote"]  # placeholder sections stay out
    assert set(rich) == set(plain)
    for name, value in rich.items():
        if name != "annote":
            assert not re.search(r"[\uac00-\ud7a3]", value), name


def test_non_arxiv_paper_is_misc_with_url_and_howpublished() -> None:
    url = "https://example.org/a paper{1}?x=1&y=2"
    f = fields(parsed(export(digest(8, paper(None, "Blog Post", url=url))))[0])
    assert f["url"] == "https://example.org/a%20paper%7B1%7D?x=1&y=2"
    assert f["howpublished"] == r"\url{https://example.org/a%20paper%7B1%7D?x=1&y=2}"
    assert f["key"] == "Blog Post(2025)"
    assert f["year"] == "2025"


def test_url_preamble_comes_with_the_first_url_command(tmp_path: Path) -> None:
    web = paper(None, "Blog Post", url="https://example.org/a_b%20c#x")
    text = export(digest(8, web))
    assert text.startswith("@preamble{")
    assert text.count("@preamble{") == 1
    assert "@preamble" not in export(digest(8, paper("2509.26328")))
    assert "@preamble" not in export(digest(8, web), biblatex=True)
    existing = tmp_path / "refs.bib"
    existing.write_text(text, encoding="utf-8")
    more = digest(9, paper(None, "Other", url="https://example.org/other"))
    grown = export(more, update=existing)
    assert grown.count("@preamble{") == 1 and grown.count("@misc{") == 2


def test_digest_authors_become_the_author_field() -> None:
    named = replace(
        paper("2509.26328"),
        authors=("Yicheng Zou", "Ludwig van Beethoven", "OpenAI Team", "Jane Doe (MIT)", "et al."),
        abstract="We show τ < 1 & more.",
    )
    entry = parsed(export(digest(8, named)))[0]
    f = fields(entry)
    assert entry.entry_type == "article"
    assert f["author"] == (
        "Zou, Yicheng and van Beethoven, Ludwig and {OpenAI Team} and Doe, Jane and others"
    )
    assert f["journal"] == "arXiv preprint arXiv:2509.26328"
    assert "key" not in f and "howpublished" not in f
    assert f["abstract"] == r"We show {\ensuremath{\tau}} < 1 \& more."
    online = fields(parsed(export(digest(8, named), biblatex=True))[0])
    assert online["author"] == f["author"]
    assert online["abstract"] == r"We show τ < 1 \& more."
    assert "shorttitle" not in online


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (("A B", "C D", "al. (ServiceNow)"), "B, A and D, C and others"),
        (("NVIDIA (Aakshita Chandiramani, Aaron Blakeman,", "al.)"), "NVIDIA and others"),
        (
            ("The Soofi-Team (Benedikt Droste, Lukas Helff", "others)"),
            "{The Soofi-Team} and others",
        ),
        (("anonymous (cs.LG submission)",), None),
        (("(see arxiv)",), None),
        (("et al. (8 authors)",), None),
        (
            ("Meituan LongCat Team: Bin Xiao", "Chao Wang"),
            "{Meituan LongCat Team: Bin Xiao} and Wang, Chao",
        ),
        (("Tom and Jerry Lab",), "{Tom and Jerry Lab}"),
        (("Zoë Ångström",), r"{\r{A}}ngstr{\"o}m, Zo{\"e}"),
    ],
)
def test_author_lists_as_digests_write_them(written: tuple[str, ...], expected: str | None) -> None:
    f = fields(parsed(export(digest(8, replace(paper("2509.26328"), authors=written))))[0])
    assert f.get("author") == expected
    if expected is None:
        assert f["key"] == "A Title(2025)"


def test_enrich_completes_a_list_cut_short_and_keeps_a_complete_one() -> None:
    from digestconv.exporters.bibtex.enrich import ArxivMeta
    from digestconv.exporters.bibtex.entries import authors, collect

    meta = ArxivMeta(authors=("Ann Lee", "Bo Kim", "Cy Young"))
    for written, expected in [
        (("Ann Lee", "et al."), "Lee, Ann and Kim, Bo and Young, Cy"),
        (("Ann Lee", "Bo Kim"), "Lee, Ann and Kim, Bo"),
        ((), "Lee, Ann and Kim, Bo and Young, Cy"),
    ]:
        corpus = Corpus(Site(), (digest(8, replace(paper("2509.26328"), authors=written)),))
        (rec,) = collect(corpus, Diagnostics())
        assert authors(rec, meta).field() == expected


def test_pdflatex_output_writes_symbols_as_commands_and_keeps_what_has_none() -> None:
    title = "Δ-Attention for τ ≤ 1 — “naïve” 한글 😀 Привет"
    f = fields(parsed(export(digest(8, paper("2509.26328", title))))[0])
    assert f["title"] == (
        r"{{\ensuremath{\Delta}}-Attention} for {\ensuremath{\tau}} {\ensuremath{\leq}} 1"
        r" {\textemdash} {\textquotedblleft}na{\"\i}ve{\textquotedblright} 한글 😀 Привет"
    )
    assert bib_escape.decoder().latex_to_text(f["title"]) == title
    online = fields(parsed(export(digest(8, paper("2509.26328", title)), biblatex=True))[0])
    assert "Δ" in online["title"] and "τ" in online["title"]


def test_title_protection_and_escaping() -> None:
    assert bib_escape.title("GPT-4o and LLaMA: A Study of I/O") == (
        "{GPT-4o} and {LLaMA}: {A} Study of {I/O}"
    )
    assert bib_escape.title("R&D 50% $5 #1 a_b") == r"{R\&D} 50\% \$5 \#1 a\_b"
    assert bib_escape.escape("a {b} c") == r"a \{b\} c"
    assert bib_escape.escape("a { b") == r"a \textbraceleft{} b"
    assert bib_escape.escape("} x {") == r"\textbraceright{} x \textbraceleft{}"
    assert (
        bib_escape.escape("x\\y ~ ^") == r"x\textbackslash{}y \textasciitilde{} \textasciicircum{}"
    )
    assert (
        bib_escape.escape("a--b ``c'' <<d>> ,,e ?`f") == r"a-{}-b `{}`c'{}' <{}<d>{}> ,{},e ?{}`f"
    )
    assert bib_escape.escape("한글 😀\x00\x1b\t x") == "한글 😀 x"


def test_pylatexenc_gaps_are_real() -> None:
    """Why the round trip needs its own macros: stock latex2text drops or changes these."""
    from pylatexenc.latex2text import LatexNodes2Text

    stock = LatexNodes2Text()
    assert stock.latex_to_text(r"\textbraceleft{}") != "{"
    assert stock.latex_to_text(r"\textasciicircum{}") != "^"
    assert bib_escape.decoder().latex_to_text(r"\textbraceleft{}\textasciicircum{}") == "{^"


def brace_depths_ok(value: str) -> bool:
    """BibTeX's view: braces counted without regard to backslashes, never below zero."""
    depth = 0
    for ch in value:
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            return False
    return depth == 0


titles = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


@settings(max_examples=400, deadline=None)
@given(titles)
def test_titles_round_trip_through_latex2text(text: str) -> None:
    encoded = bib_escape.title(text)
    assert brace_depths_ok(encoded)
    assert bib_escape.decoder().latex_to_text(encoded) == bib_escape.clean(text)


@settings(max_examples=200, deadline=None)
@given(titles)
def test_escape_round_trips_and_balances(text: str) -> None:
    encoded = bib_escape.escape(text)
    assert brace_depths_ok(encoded)
    assert bib_escape.decoder().latex_to_text(encoded) == bib_escape.clean(text)


# ----------------------------------------------------------------- keys


def test_keys_are_stable_ascii_and_independent_of_other_entries() -> None:
    alone = parsed(export(digest(8, paper("2509.26328", "Fast-dLLM v2: Efficient"))))[0].key
    crowd = parsed(
        export(
            digest(
                8, paper("2509.26328", "Fast-dLLM v2: Efficient"), paper("2510.1", "Fast", rank=2)
            ),
            digest(7, paper("2501.00001", "Fast Things")),
        )
    )
    assert alone == "fastdllm-2509.26328"
    assert alone in [e.key for e in crowd]
    for e in crowd:
        assert KEY_CHARS.match(e.key)


def test_key_template_fields() -> None:
    p = paper("hep-th/9901001", "The Über-Theory of Strings")
    text = export(digest(8, p), key_template="{word}{year}:{id}")
    assert parsed(text)[0].key == "ubertheory1999-hep-th.9901001"
    hangul = export(digest(8, paper("2509.26328", "한국어 제목")), key_template="{word}_{year}")
    assert parsed(hangul)[0].key == "paper_2025"


def test_colliding_template_keys_get_the_id_and_a_warning() -> None:
    diagnostics = Diagnostics()
    text = export(
        digest(
            8, paper("2509.00001", "Attention Now"), paper("2509.00002", "attention later", rank=2)
        ),
        diagnostics=diagnostics,
        key_template="{word}{year}",
    )
    keys = [e.key for e in parsed(text)]
    assert keys == ["attention2025-2509.00001", "attention2025-2509.00002"]
    assert sum(d.severity == "warning" for d in diagnostics) == 2


@pytest.mark.parametrize("template", ["{title}", "{word", "static", "{id!r}{bad}"])
def test_bad_key_template_is_an_export_error(template: str) -> None:
    with pytest.raises(ExportError, match="key-template"):
        export(digest(8, paper("2509.00001")), key_template=template)


def test_key_assignment_is_case_insensitive() -> None:
    keys, changed = bib_keys.assign({"a": "Key", "b": "key"}, {"a": "1", "b": "2"}, taken=["KEY-1"])
    assert len({k.lower() for k in keys.values()}) == 2
    assert "KEY-1".lower() not in {k.lower() for k in keys.values()}
    assert sorted(changed) == ["a", "b"]


# ----------------------------------------------------------------- --update

USER_BIB = """% my own bibliography
@string{acl = "Proc. ACL"}

@article{knuth1984,
  author = {Donald E. Knuth},
  title = {Literate Programming},
  journal = {The Computer Journal},
  year = 1984
}

@misc{my-renamed-key,
  title = {{Fast-dLLM} v2, my edited title},
  eprint = {2509.26328v1},
  archivePrefix = {arXiv},
  note = {my note},
}
"""


def test_update_keeps_user_entries_and_appends_new(tmp_path: Path) -> None:
    existing = tmp_path / "refs.bib"
    existing.write_text(USER_BIB, encoding="utf-8")
    text = export(
        digest(8, paper("2509.26328"), paper("2510.06208", "Knuth1984", rank=2)),
        update=existing,
        key_template="{word}",
    )
    assert text.startswith(USER_BIB)
    entries = parsed(text)
    keys = [e.key for e in entries]
    assert keys[:2] == ["knuth1984", "my-renamed-key"]
    assert len(keys) == 3  # 2509.26328 is already there under the user's key
    assert keys[2].lower() != "knuth1984" and keys[2].startswith("knuth1984-")
    # Running again changes nothing: the new entry is now the user's.
    existing.write_text(text, encoding="utf-8")
    assert (
        export(
            digest(8, paper("2509.26328"), paper("2510.06208", "Knuth1984", rank=2)),
            update=existing,
            key_template="{word}",
        )
        == text
    )


def test_update_with_missing_file_starts_a_new_bibliography(tmp_path: Path) -> None:
    d = digest(8, paper("2509.26328"))
    assert export(d, update=tmp_path / "new.bib") == export(d)


@pytest.mark.parametrize(
    "broken",
    [
        "@misc{a, title = {unclosed}\n@misc{b, title={x}}\n",
        "@misc{a, title={x}}\n@misc{a, title={y}}\n",
        "@misc{a, title={x}}\n@misc{A, title={y}}\n",
        "@misc{a, title={x}}\njunk @ here\n",
    ],
)
def test_update_refuses_unparseable_files(tmp_path: Path, broken: str) -> None:
    existing = tmp_path / "refs.bib"
    existing.write_text(broken, encoding="utf-8")
    with pytest.raises(ExportError, match="nothing was written"):
        export(digest(8, paper("2509.26328")), update=existing)


def test_update_refuses_non_utf8(tmp_path: Path) -> None:
    existing = tmp_path / "refs.bib"
    existing.write_bytes(b"@misc{a, title={caf\xe9}}\n")
    with pytest.raises(ExportError, match="not UTF-8"):
        export(digest(8, paper("2509.26328")), update=existing)


def test_cli_update_in_place_and_refusal(samples_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    runner = CliRunner()
    first = runner.invoke(cli, ["bibtex", str(samples_site), "-o", str(out)])
    assert first.exit_code == 0, first.output
    grown = USER_BIB + "\n" + out.read_text(encoding="utf-8")
    out.write_text(grown, encoding="utf-8")
    again = runner.invoke(cli, ["bibtex", str(samples_site), "--update", str(out), "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert out.read_text(encoding="utf-8") == grown
    broken = "@misc{x, title={oops}\n"
    out.write_text(broken, encoding="utf-8")
    refused = runner.invoke(
        cli, ["bibtex", str(samples_site), "--update", str(out), "-o", str(out)]
    )
    assert refused.exit_code == 1
    assert "does not parse" in refused.output
    assert out.read_text(encoding="utf-8") == broken


def test_cli_writes_to_stdout(samples_site: Path) -> None:
    result = CliRunner().invoke(cli, ["bibtex", str(samples_site), "--biblatex"])
    assert result.exit_code == 0
    assert result.output.count("@online{") == len(parsed(result.output))


def test_titles_differing_between_digests_are_noted() -> None:
    diagnostics = Diagnostics()
    p = paper("2509.26328", "First Title")
    export(digest(8, p), digest(9, replace(p, title="Second Title")), diagnostics=diagnostics)
    assert [d.severity for d in diagnostics] == ["note"]


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Sparse Query Attention (SQA): Faster Transformers", "Sparse Query Attention(2025)"),
        ("Memex(RL): Memory", "Memex(2025)"),
        ("[Pool] 2407.21783", "Pool 2407.21783(2025)"),
        ("One Two Three Four Five Six Seven Eight Nine Ten", "One Two Three Four(2025)"),
    ],
)
def test_natbib_key_is_a_short_title_with_the_year(title: str, key: str) -> None:
    """natbib splits its label at the first parenthesis: the name before it, the year in it."""
    f = fields(parsed(export(digest(8, paper("2509.26328", title))))[0])
    assert f["key"] == key
