"""The general digest reader on layouts of the genre: languages, entry shapes, fields.

Fixtures are in tests/fixtures/readers/ (written for these tests, one layout each).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.conftest import HANG_SECONDS

from digestconv.diagnostics import Diagnostics
from digestconv.model import Digest, Site
from digestconv.reader import read_paths, read_post

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readers"


def read(name: str, site: Site | None = None) -> tuple[Digest, Diagnostics]:
    diags = Diagnostics()
    path = FIXTURES / name
    digest = read_post(path.read_bytes(), str(path), site or Site(), diags)
    assert digest is not None, [d.format() for d in diags]
    assert not diags.failed(), [d.format() for d in diags]
    return digest, diags


def titled_ids(digest: Digest) -> list[tuple[str, str]]:
    """Each paper as (title, arXiv id): what a layout test checks first."""
    return [(p.title, str(p.arxiv)) for p in digest.papers]


def shape_note(diags: Diagnostics) -> str:
    (note,) = [d for d in diags if d.code == "reader"]
    assert note.severity == "note" and note.line >= 1
    return note.message


def test_chinese_translated_headings_with_field_table_and_field_lines() -> None:
    digest, diags = read("zh-field-table.md")
    assert "numbered level-2 headings, 3 entries" in shape_note(diags)
    first, second, third = digest.papers
    assert first.title == "Sparse Attention for Long Contexts"
    assert first.translated_title == "面向长上下文的稀疏注意力"
    assert str(first.arxiv) == "2604.21573" and first.url == "https://arxiv.org/abs/2604.21573"
    assert first.authors == ("张伟", "李娜", "王芳", "et al.")
    assert first.abstract == "我们提出一种稀疏注意力方法。"
    assert first.section("method") is not None
    assert "字段" not in first.fields  # the table's header row is not a field
    assert second.title == "Multi-Agent Reinforcement Learning at Scale"
    assert str(second.arxiv) == "2604.20001v2"
    assert second.authors == ("Alice Chen", "Bob Li")
    code = second.link("code")
    assert code is not None and code.url == "https://github.com/example/marl"
    assert str(third.arxiv) == "2604.19999" and "alphaxiv" in third.url
    assert digest.title == "每日论文精选 2026-04-22"  # no front matter: the first heading
    assert digest.date.date().isoformat() == "2026-04-22"


def test_spanish_numbered_list_wrapped_bold_titles_and_honorable_mentions() -> None:
    digest, diags = read("es-list.md")
    assert "numbered list items, 3 entries" in shape_note(diags)
    titles = [p.title for p in digest.papers]
    assert titles == [
        "Aprendizaje por refuerzo con recompensas verificables",
        "Modelos de difusión para vídeo largo: un estudio sistemático",
        "Agentes que usan herramientas",
    ]
    first, second, third = digest.papers
    assert first.authors == ("Ana García", "Luis Pérez", "María López")
    assert first.link("pdf") is not None and first.section("summary") is not None
    assert str(second.arxiv) == "2605.02222" and "huggingface.co" in second.url
    assert second.fields["heading_extra"] == "⭐ 4.5"
    assert str(third.arxiv) == "2605.03333"
    # "+/-0000": a theme's placeholder that Ruby's Time.parse reads as UTC
    assert digest.date.isoformat() == "2026-05-05T08:00:00+00:00"
    assert any("Menciones" in i.text for i in digest.preamble)


def test_toc_and_summary_table_repeat_entries_without_adding_any() -> None:
    digest, diags = read("en-toc-hf-details.md")
    assert "level-3 headings, 2 entries" in shape_note(diags)
    first, second = digest.papers
    assert first.title == "Scaling Laws for Tokenizers"
    assert str(first.arxiv) == "2602.00011" and "huggingface.co/papers" in first.url
    assert first.abstract == "We study how tokenizer size scales."
    assert first.link("code") is not None and first.link("project") is not None
    summary = first.section("summary")
    assert summary is not None and summary.items[0].text.startswith("Bigger vocabularies")
    assert str(second.arxiv) == "2602.00022"  # a bare arXiv:ID line
    assert second.fields.get("Score") == "9.1"
    # the methodology note names another paper: still digest text, not an entry
    assert any("Methodology" in i.text for i in digest.preamble)


def test_korean_original_title_fields_and_emoji_section_labels() -> None:
    digest, diags = read("ko-original-title.md")
    assert "numbered level-4 headings, 2 entries" in shape_note(diags)
    first, second = digest.papers
    assert first.title == "Self-Verification in Reasoning Models"
    assert first.translated_title == "추론 모델의 자기 검증"
    assert first.authors == ("김민수", "이지은", "et al.")
    assert first.affiliations == ("서울대학교", "KAIST")
    assert str(first.arxiv) == "2601.11111"
    section = first.sections[0]
    assert section.heading == "문제 정의" and section.kind == "introduction"
    assert second.title == "Efficient MoE Routing" and str(second.arxiv) == "2601.22222"


def test_no_dot_numbering_bold_heading_titles_and_non_arxiv_links() -> None:
    digest, _ = read("en-dash-numbers.md")
    assert [p.title for p in digest.papers] == [
        "Vision Transformers Need Registers, Again",
        "Tiny Recursive Models",
        "Not on arXiv: A Blog Post",
    ]
    assert [p.rank for p in digest.papers] == [1, 2, 3]
    assert str(digest.papers[1].arxiv) == "2606.00002v3"
    assert digest.papers[2].arxiv is None and digest.papers[2].url == "https://example.org/post"


def test_a_table_of_papers() -> None:
    digest, diags = read("table-only.md")
    assert "table rows, 2 entries" in shape_note(diags)
    assert [p.title for p in digest.papers] == ["Learning to Route", "Sparse Mixture of Experts"]
    assert [str(p.arxiv) for p in digest.papers] == ["2607.00001", "2607.00002"]
    first, second = digest.papers
    # Columns of known labels are the paper's facts; the row number is its rank, no field.
    assert first.authors == ("X. Li",) and second.authors == ("Y. Wu", "Z. Chen")
    summary = first.section("summary")
    assert summary is not None and summary.items[0].text == "Routers learn."
    assert second.section("summary") is None
    assert "#" not in first.fields and "Authors" not in first.fields


def test_a_tech_note_is_not_a_digest() -> None:
    digest, diags = read("tech-note.md")
    assert digest.papers == () and digest.preamble
    assert {d.code for d in diags} >= {"reader", "no-papers"}


def test_plain_markdown_folder_dates_from_names_paths_and_headings() -> None:
    result = read_paths([str(FIXTURES / "plain")])
    assert not result.diagnostics.failed()
    assert "no-front-matter" not in {d.code for d in result.diagnostics}
    got = {
        Path(d.source.path).name: (d.date.date().isoformat(), d.title)
        for d in result.corpus.digests
    }
    assert got == {
        "2026-03-24.md": ("2026-03-24", "2026-03-24 논문 요약"),
        "2026-03-25.md": ("2026-03-25", "📚 브리핑 - 2026-03-25"),
        "digest.md": ("2026-04-17", "Papers of the day"),
        "20260505-daily.md": ("2026-05-05", "Daily papers"),
        "2026-05-06_digest.md": ("2026-05-06", "Daily papers"),
        "notes.md": ("2026-05-07", "2026年5月7日 论文"),
        "reading-log.md": ("2026-05-09", "Reading log"),  # its newest day's heading
    }
    # README.md has no date and no paper: skipped with a note, not an error
    (skipped,) = [d for d in result.diagnostics if d.code == "not-a-digest"]
    assert skipped.severity == "note" and Path(skipped.path).name == "README.md"
    log = next(d for d in result.corpus.digests if d.source.path.endswith("reading-log.md"))
    assert [str(p.arxiv) for p in log.papers] == ["2605.09001", "2605.08001"]


def test_jekyll_defaults_permalink_and_undated_posts_skipped(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text(
        "url: https://example.org\n"
        "defaults:\n"
        "  - scope: {path: '', type: posts}\n"
        "    values: {permalink: '/posts/:title/', layout: post}\n"
        "  - scope: {path: assets}\n"
        "    values: {sitemap: false}\n",
        encoding="utf-8",
    )
    post = "---\ntitle: t\n---\n\n## 1. A\n\n**Link:** https://arxiv.org/abs/2501.00001\n"
    (site / "_posts" / "2026-01-02-daily.md").write_text(post, encoding="utf-8")
    (site / "_posts" / "notes.md").write_text(post, encoding="utf-8")
    result = read_paths([str(site)])
    assert not result.diagnostics.failed()
    (digest,) = result.corpus.digests
    assert digest.path == "/posts/daily/" and digest.url == "https://example.org/posts/daily/"
    assert digest.meta["layout"] == "post" and "sitemap" not in digest.meta
    skipped = [d for d in result.diagnostics if d.code == "not-a-post"]
    assert len(skipped) == 1 and skipped[0].path.endswith("notes.md")


def test_declarative_reader_config_is_validated_with_lines(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text(
        "title: x\ndigestconv:\n  reader:\n    entry: rows\n    level: 9\n    links: [x]\n",
        encoding="utf-8",
    )
    (site / "_posts" / "2026-01-02-a.md").write_text("---\ntitle: t\n---\n\ntext\n", "utf-8")
    result = read_paths([str(site)])
    errors = [d for d in result.diagnostics if d.code == "config"]
    assert [(d.line, d.severity) for d in errors] == [(4, "error"), (5, "error"), (6, "error")]
    assert all(d.format().startswith(f"{site / '_config.yml'}:") for d in errors)


def test_declarative_reader_config_names_field_labels(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text(
        "digestconv:\n  reader:\n    entry: heading\n    level: 3\n"
        "    link: [Fuente]\n    authors: Firmantes\n",
        encoding="utf-8",
    )
    body = (
        "---\ntitle: t\n---\n\n## Resumen del día\n\n### Un título\n\n"
        "Firmantes: A. Uno, B. Dos\n\nFuente: https://arxiv.org/abs/2501.00002\n"
    )
    (site / "_posts" / "2026-01-02-a.md").write_text(body, "utf-8")
    result = read_paths([str(site)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
    (paper,) = result.corpus.digests[0].papers
    assert paper.title == "Un título" and paper.authors == ("A. Uno", "B. Dos")
    assert str(paper.arxiv) == "2501.00002"


@pytest.mark.parametrize(
    "body",
    [
        "".join(f"{i}. **Paper {i}**\n   - arXiv: 2501.{i:05d}\n" for i in range(1, 5001)),
        "".join(f"## Paper {i}\n\nhttps://arxiv.org/abs/2501.{i:05d}\n\n" for i in range(1, 5001)),
        "".join(
            f"#### {i}) T\n**Link:** https://arxiv.org/abs/2501.{i:05d}\n" for i in range(1, 5001)
        ),
        "| a | b |\n|---|---|\n"
        + "".join(f"| T{i} | arXiv:2501.{i:05d} |\n" for i in range(1, 5001)),
    ],
    ids=["list", "headings", "level4-fields", "table"],
)
def test_five_thousand_entries_in_linear_time(body: str) -> None:
    diags = Diagnostics()
    data = ("---\ntitle: t\ndate: 2026-01-01\n---\n\n" + body).encode()
    start = time.process_time()
    digest = read_post(data, "big.md", Site(), diags)
    elapsed = time.process_time() - start
    assert digest is not None and len(digest.papers) == 5000
    assert elapsed < HANG_SECONDS, elapsed


HOSTILE_BODIES = {
    "long-heading": "## 1. " + "x " * 100_000 + "\n\n**Link:** https://arxiv.org/abs/2501.00001\n",
    "spaces-in-field": "## 1. T\n\n**Authors:**" + " " * 200_000 + "x\n\narXiv:2501.00001\n",
    "stars-line": "## 1. T\n\n- " + "*" * 200_000 + " -" * 1000 + ":\n\narXiv:2501.00001\n",
    "details-tags": "## 1. T\n\n<details>" + "<a" * 100_000 + "\n\narXiv:2501.00001\n",
    "summary-open": "## 1. T\n\n<details>" + "<summary>" * 20_000 + "\n\narXiv:2501.00001\n",
    "score-dashes": "1. **T** " + " - !" * 50_000 + "\n   - arXiv:2501.00001\n",
    "pipes": "## 1. T\n\n**A:** x" + " | " * 100_000 + "\n\narXiv:2501.00001\n",
    "ids-everywhere": "## 1. T\n\n" + "arXiv:2501.00001 " * 50_000 + "\n",
    "brackets": "## 1. " + "[" * 100_000 + "\n\ntext\n",
    "numbered-empties": "".join(f"## {i}. \n" for i in range(1, 5001)),
    # an include's parameters, never closed: a value read two ways was 2**40 ways to fail
    "open-includes": ("{% include p.html " + " ".join(f'k{i}="v"' for i in range(40)) + "\n\n")
    * 200,
    "br-lines": "**T**<br>\nA B, C D<br>\n" * 20_000 + "arXiv:2501.00001\n",
    "html-lists": "<ul><li>" * 20_000 + "<ol start='99999999999'>" * 1000,
    "references": "[1] " + "A. B, " * 20_000 + '"Title," arXiv:2501.00001\n',
}


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
def test_hostile_bodies_read_in_linear_time(name: str) -> None:
    diags = Diagnostics()
    data = ("---\ntitle: t\ndate: 2026-01-01\n---\n\n" + HOSTILE_BODIES[name]).encode()
    start = time.process_time()
    read_post(data, "hostile.md", Site(), diags)
    assert time.process_time() - start < HANG_SECONDS
    assert any(d.code == "reader" for d in diags) or diags.failed()


def test_bold_numbered_title_lines_head_entries() -> None:
    digest, diags = read("en-bold-lines.md")
    assert "numbered bold title lines, 2 entries" in shape_note(diags)
    first, second = digest.papers
    assert (first.title, str(first.arxiv)) == ("Agents That Plan", "2601.00001")
    assert first.authors == ("A. One", "B. Two")
    assert (second.title, str(second.arxiv)) == ("Diffusion for Text", "2601.00002")
    assert second.authors == ("张伟",) and second.fields["heading_extra"] == "⭐ 5"


def test_table_with_an_id_column() -> None:
    digest, _ = read("table-bare-ids.md")
    assert titled_ids(digest) == [
        ("Row Paper A", "2601.00005"),
        ("Row Paper B", "2601.00006v2"),
    ]


def test_emoji_marked_headings_and_ids_written_on_the_heading() -> None:
    digest, _ = read("en-emoji-headings.md")
    assert titled_ids(digest) == [
        ("Emoji Marked Title", "2601.00003"),
        ("Another One", "2601.00004"),
    ]


def test_a_title_field_gives_the_title_and_keeps_the_heading_as_translation() -> None:
    digest, _ = read("zh-title-field.md")
    (paper,) = digest.papers
    assert paper.title == "Sparse Attention Again" and paper.translated_title == "稀疏注意力"


def test_a_broken_reader_plugin_is_reported_and_left_out(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from digestconv import readers

    def broken() -> type:
        raise ImportError("no such module")

    found = dict(readers.discover_readers())
    found["broken"] = readers.ReaderInfo("broken", "digestconv-broken 1.0", broken)
    monkeypatch.setattr(readers, "discover_readers", lambda: found)
    readers._instance.cache_clear()
    try:
        (tmp_path / "2026-01-01.md").write_text("# 1. A\n\narXiv:2601.00001\n", "utf-8")
        result = read_paths([str(tmp_path)])
        warned = [d for d in result.diagnostics if d.code == "plugin"]
        assert len(warned) == 1 and "'broken'" in warned[0].message
        assert len(result.corpus.digests[0].papers) == 1
    finally:
        readers._instance.cache_clear()


def test_a_one_paper_summary_table_does_not_become_an_entry() -> None:
    result = read_paths([str(FIXTURES / "plain" / "2026" / "03" / "2026-03-25.md")])
    (digest,) = result.corpus.digests
    assert titled_ids(digest) == [("Only Paper Title", "2603.22117")]


def test_entries_that_cite_other_papers_and_details_abstracts() -> None:
    digest, _ = read("en-citing-entries.md")
    first, second = digest.papers
    assert (first.title, str(first.arxiv)) == ("Scaling Agents", "2601.00011")
    assert first.abstract == "We scale agents."
    assert (second.title, str(second.arxiv)) == ("World Models", "2601.00012")
    assert second.fields["Related"] == "https://arxiv.org/abs/2301.00001"
    assert any("Honorable" in i.text for i in digest.preamble)


def test_a_generic_link_beside_the_title_is_not_part_of_it() -> None:
    digest, _ = read("en-link-beside-title.md")
    assert titled_ids(digest) == [
        ("Title Beside Its Link", "2601.00021"),
        ("Second Paper", "2601.00022"),
    ]
    assert digest.papers[1].link("code") is not None


def test_a_numbered_section_after_the_papers_is_digest_text() -> None:
    digest, diags = read("en-trailing-section.md")
    assert [p.title for p in digest.papers] == ["First", "Second"]
    assert any("Trends of the day" in i.text for i in digest.preamble)
    assert any(d.code == "stray-text" for d in diags)


def test_a_reader_can_be_forced(tmp_path: Path) -> None:
    (tmp_path / "2026-01-01.md").write_text(
        "# Reading list\n\n2601.00041  A Paper\n2601.00042  Another\n", "utf-8"
    )
    default = read_paths([str(tmp_path)])
    forced = read_paths([str(tmp_path)], reader="digest")
    unknown = read_paths([str(tmp_path)], reader="nope")
    notes = [d.message for d in forced.diagnostics if d.code == "reader"]
    assert notes and "'digest'" in notes[0]
    assert [d.code for d in unknown.diagnostics if d.severity == "error"] == ["config"]
    assert len(default.corpus.digests) == 1


def test_emoji_marked_field_lines_under_a_link_line() -> None:
    """``👥 Authors: …`` is a field line like ``Authors: …``, also right under a link line
    in the same paragraph; a pictograph before prose does not make it a field."""
    digest, _ = read("en-emoji-fields.md")
    first, second, third = digest.papers
    assert str(first.arxiv) == "2601.10101"
    assert first.authors == ("Y. LeCun", "M. Assran")
    assert first.abstract == "We propose a latent planning objective."
    assert first.sections[0].heading == "💡 Key points" and len(first.sections[0].items) == 2
    assert str(second.arxiv) == "2601.20202"
    assert second.authors == ("S. Yao", "K. Narasimhan")
    assert second.affiliations == ("Princeton",)
    assert str(third.arxiv) == "2601.30303" and not third.authors
    assert "This sentence" in " ".join(i.text for s in third.sections for i in s.items)


def test_headings_that_open_with_a_bare_arxiv_id() -> None:
    """``## [2602.01111] Title`` and ``## 2602.02222: Title``, as listings cite papers; a
    number of that shape anywhere else (a version, a date) is no id."""
    digest, diags = read("en-id-first-headings.md")
    assert "level-2 headings, 3 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Contrastive Decoding for Factuality", "2602.01111"),
        ("Preference Optimization without Reference Models", "2602.02222"),
        ("Sparse Upcycling", "2602.03333v2"),
    ]
    assert digest.papers[0].authors == ("A. One", "B. Two")
    assert digest.papers[0].url == "https://arxiv.org/abs/2602.01111"


def test_list_items_with_the_address_in_parentheses_or_beside_the_title() -> None:
    digest, diags = read("en-list-bare-urls.md")
    assert "list items, 5 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Sparse Autoencoders Find Features", "2602.13333"),
        ("Linear Attention Is All You Need", "2602.14444v1"),
        ("Learned Optimizers", "2602.15555"),
        ("Token Dropping", "2602.21111"),  # items that open with the bare id
        ("Sparse Upcycling", "2602.23333"),
    ]


def test_heading_with_the_id_and_a_score_set_off_by_bars() -> None:
    digest, _ = read("en-heading-pipes.md")
    first, second = digest.papers
    assert (first.title, str(first.arxiv)) == ("Vision-Language Action Models", "2602.16666")
    assert first.fields["heading_extra"] == "arXiv 2602.16666 | ⭐ 120"
    assert (second.title, str(second.arxiv)) == ("Self-Play Fine-Tuning", "2602.17777")


def test_list_items_that_open_with_a_title_field() -> None:
    digest, diags = read("en-title-field-items.md")
    assert "bulleted list items, 2 entries" in shape_note(diags)
    first, second = digest.papers
    assert (first.title, str(first.arxiv), first.authors) == (
        "Efficient Reasoning Traces",
        "2602.05555",
        ("G. Seven",),
    )
    assert first.section("summary") is not None
    assert (second.title, second.authors) == ("World Models for Driving", ("H. Eight", "I. Nine"))


def test_italic_field_lines_and_links_in_brackets() -> None:
    digest, _ = read("en-italic-authors.md")
    first, second = digest.papers
    assert (str(first.arxiv), first.authors) == ("2602.03333", ("D. Four", "E. Five"))
    code = first.link("code")
    assert code is not None and code.url == "https://github.com/x/y"
    assert (str(second.arxiv), second.authors) == ("2602.04444", ("F. Six",))
    assert second.url == "https://arxiv.org/pdf/2602.04444"
    # an italic line that is no field stays text
    assert "we read this one twice" in " ".join(i.text for s in second.sections for i in s.items)


def test_entries_folded_in_details_blocks() -> None:
    """``<details><summary>1. Title</summary>`` heads an entry, as digests on GitHub fold
    each paper; a ``<summary>Abstract</summary>`` inside one is its abstract."""
    digest, diags = read("en-details-entries.md")
    assert "folded <details> entries, 2 entries" in shape_note(diags)
    first, second = digest.papers
    assert (first.title, str(first.arxiv), first.authors) == (
        "Adaptive Computation in Transformers",
        "2602.11111",
        ("J. Ten",),
    )
    texts = [i.text for s in first.sections for i in s.items]
    assert texts == ["Adaptive depth per token."]  # without the closing tag
    assert (second.title, str(second.arxiv)) == ("Scaling Test-Time Compute & Search", "2602.12222")
    assert second.abstract == "We scale search at inference."


def test_japanese_numbered_headings_and_field_labels() -> None:
    digest, diags = read("ja-headings.md")
    assert "numbered level-2 headings, 2 entries" in shape_note(diags)
    first, second = digest.papers
    assert (first.rank, first.title, str(first.arxiv)) == (
        1,
        "大規模言語モデルの推論能力",
        "2602.18888",
    )
    assert first.authors == ("山田太郎", "鈴木花子") and first.section("summary") is not None
    assert (second.rank, second.title, str(second.arxiv)) == (2, "効率的な画像生成", "2602.19999")
    code = second.link("code")
    assert code is not None and code.url == "https://github.com/example/gen"
    assert not first.fields and not second.fields  # every label was understood


def test_paragraphs_of_bracket_labels_without_headings() -> None:
    """``【标题】…`` over ``【作者】…`` and ``【链接】…``: one paragraph of fields per paper,
    no heading or list item between them (the post once failed: its title was taken for
    one entry without a link)."""
    digest, diags = read("zh-bracket-labels.md")
    assert "paragraphs that open with a title field, 2 entries" in shape_note(diags)
    first, second = digest.papers
    assert (first.title, str(first.arxiv)) == ("多智能体协作的涌现行为", "2603.03333")
    assert first.authors == ("张三", "李四")
    assert first.abstract == "我们研究了多智能体系统中的协作。"
    assert (second.title, str(second.arxiv), second.authors) == (
        "长文本理解的新基准",
        "2603.04444",
        ("王五",),
    )
    assert second.fields == {"点评": "值得一读。"}


def test_keycap_numbered_bold_lines_with_the_link_beside() -> None:
    digest, diags = read("en-keycap-bold-lines.md")
    assert "numbered bold title lines, 2 entries" in shape_note(diags)
    assert [(p.rank, p.title, str(p.arxiv)) for p in digest.papers] == [
        (1, "Diffusion Forcing", "2603.05555"),
        (2, "Flow Matching Policies", "2603.06666"),
    ]


def test_a_title_over_prose_that_cites_papers_is_text_not_an_error() -> None:
    """The post's one heading names several papers in its prose and none as its link: that
    is no paper without a link (an error, which stops the export) but the digest's text."""
    digest, diags = read("en-prose-mentions.md")
    assert digest.papers == ()
    assert {d.code for d in diags} >= {"stray-text", "no-papers"}
    assert any("2603.22222" in i.text for i in digest.preamble)


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("**Enlace al paper:** https://arxiv.org/abs/2604.10001", "link"),
        ("**Link to paper:** https://arxiv.org/abs/2604.10001", "link"),
        ("**原文地址**：https://arxiv.org/abs/2604.10001", "link"),
        ("**논문 주소:** https://arxiv.org/abs/2604.10001", "link"),
        ("**Authors & affiliations:** A. Person (MIT)", "authors"),
        ("Authored by: A. Person, B. Person", "authors"),
        ("**저자 및 소속:** 홍길동 (KAIST)", "authors"),
        ("**代码地址**：https://github.com/x/y", "code"),
        ("**Código fuente:** https://github.com/x/y", "code"),
        ("【链接】https://arxiv.org/abs/2604.10001", "link"),
        ("👥 Authors: A. Person", "authors"),
        ("*Authors: A. Person*", "authors"),
    ],
)
def test_field_labels_of_the_genre(line: str, role: str) -> None:
    from digestconv.readers.digest.fields import parse_field

    fields = parse_field(line)
    assert fields is not None and fields[0].role == role, fields


def test_reference_links_on_headings() -> None:
    """``## [Title][1]`` with ``[1]: https://arxiv.org/abs/…`` at the end of the post: the
    reader once failed on it (mistletoe had no document to look the label up in)."""
    digest, diags = read("en-reference-links.md")
    assert "level-2 headings, 2 entries" in shape_note(diags)
    first, second = digest.papers
    assert (first.title, str(first.arxiv)) == ("Memory Layers at Scale", "2605.03333")
    assert (second.title, str(second.arxiv)) == ("Byte Latent Transformer", "2605.04444")
    # the definitions are no entry's text
    assert [i.text for s in second.sections for i in s.items] == ["Patches instead of tokens."]
    # an item that uses one carries its definition, so it stays a link where it is rendered
    (item,) = [i for s in first.sections for i in s.items]
    assert item.text == "Product keys, see [the blog][b].\n\n[b]: <https://example.org/blog>"
    from digestconv.text.markdown import markdown_to_html

    assert markdown_to_html(item.text) == (
        'Product keys, see <a href="https://example.org/blog">the blog</a>.'
    )


def test_unnumbered_bold_titles_over_a_link_line_and_text() -> None:
    digest, diags = read("en-bold-titles-rules.md")
    assert "bold title lines, 3 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Large Concept Models", "2605.05555"),
        ("Coconut: Reasoning in Latent Space", "2605.06666"),
        ("Phi-5 Technical Report", "2605.07777"),
    ]
    first = digest.papers[0]
    assert [i.text for s in first.sections for i in s.items] == ["Sentence-level modeling."]


def test_topic_headings_over_numbered_items_leave_the_items_the_entries() -> None:
    digest, diags = read("es-topics-numbered-items.md")
    assert "numbered list items, 2 entries" in shape_note(diags)
    first, second = digest.papers
    assert (first.rank, first.title, first.authors) == (
        1,
        "Razonamiento eficiente",
        ("María Pérez",),
    )
    assert first.section("summary") is not None
    assert (second.rank, second.title, str(second.arxiv)) == (
        2,
        "Segmentación abierta",
        "2606.06666",
    )


def test_authors_written_beside_the_title() -> None:
    """``by A, B`` or ``(K. Lee, M. Park)`` beside a title are its authors; a venue or an
    award in parentheses stays what stands beside the title."""
    digest, _ = read("en-bylines.md")
    first, second, third, fourth = digest.papers
    assert first.authors == ("Tri Dao", "Albert Gu") and "heading_extra" not in first.fields
    assert second.authors == ("K. Lee", "M. Park")
    assert not third.authors and third.fields["heading_extra"] == "(Best Paper)"
    assert not fourth.authors and fourth.fields["heading_extra"] == "(ICLR 2026)"


def test_chinese_numerals_and_parenthesised_numbers_number_entries() -> None:
    digest, _ = read("zh-numerals.md")
    assert [(p.rank, p.title) for p in digest.papers] == [
        (1, "多模态推理的新方法"),
        (2, "高效训练框架"),
        (3, "长上下文评测"),
    ]
    assert digest.papers[0].authors == ("张三",)


def test_spanish_article_numbers_and_links_beside_the_title() -> None:
    digest, _ = read("es-articulo-links-beside.md")
    first, second = digest.papers
    assert (first.rank, first.title, str(first.arxiv)) == (1, "Modelos del mundo", "2607.05555")
    assert (second.rank, second.title, str(second.arxiv)) == (2, "Redes de grafos", "2607.07777")
    code = second.link("code")  # the title line's other link is the paper's too
    assert code is not None and code.url == "https://github.com/a/b"


def test_bold_items_with_a_phrase_and_links_after_the_title() -> None:
    digest, diags = read("en-bold-items-links-after.md")
    assert "numbered list items, 2 entries" in shape_note(diags)
    first, second = digest.papers
    assert (first.title, str(first.arxiv)) == ("Agent Workflow Memory", "2608.03333")
    assert first.fields["heading_extra"] == "agents remember workflows."  # no link residue
    code = first.link("code")
    assert code is not None and code.url == "https://github.com/x/awm"
    assert second.fields["heading_extra"] == "memory-efficient cross-entropy."
    assert any("Honorable mentions" in i.text for i in digest.preamble)


def test_a_summary_on_the_lines_after_a_closed_title() -> None:
    """Once the link or bold span that opens an item has closed, its next lines are the
    entry's text, not more of its title; bare names after a dash are its authors."""
    digest, diags = read("en-title-then-summary.md")
    assert "numbered list items, 4 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Scaling Sparse Attention", "2608.10001"),
        ("Tiny Agents", "2608.10002"),
        ("Long Context Retrieval for Very Large Language Models With Learned Memory", "2608.10003"),
        ("Routing Without Tears", "2608.10004"),
    ]
    first, second, third, fourth = digest.papers
    assert first.authors == ("Ana Pérez", "Bo Li") and "heading_extra" not in first.fields
    assert [i.text for s in first.sections for i in s.items] == [
        "A study of sparse attention at scale."
    ]
    assert second.authors == ("C. Doe",)
    assert any("Agents that are small." in i.text for s in second.sections for i in s.items)
    # one organisation's name without an initial is no byline
    assert not third.authors and third.fields["heading_extra"] == "Google DeepMind"
    assert [i.text for s in third.sections for i in s.items] == ["Memory that is learned."]
    code = fourth.link("code")
    assert code is not None and code.url == "https://github.com/x/routing"
    assert "heading_extra" not in fourth.fields


def test_obsidian_and_github_callouts_that_hold_a_fact() -> None:
    """``> [!abstract]``, ``> [!info] Authors``, ``> [!TLDR]``: the callout's title (else
    its type) names the fact; a callout of anything else stays the entry's text."""
    digest, _ = read("en-callouts.md")
    first, second = digest.papers
    assert titled_ids(digest) == [
        ("Scaling Sparse Attention", "2608.20001"),
        ("Tiny Agents", "2608.20002"),
    ]
    assert first.authors == ("Ana Pérez", "Bo Li")
    assert first.abstract == "A study of sparse attention at scale.\nIt is long."
    assert [i.text for s in first.sections for i in s.items] == ["> [!tip]\n> Read section 3."]
    summary = second.section("summary")
    assert summary is not None and [i.text for i in summary.items] == ["Agents that are small."]


def test_html_headings_and_anchors_as_titles() -> None:
    """``<h3><a href=…>Title</a></h3>`` heads an entry as ``### [Title](…)`` does, and an
    anchor in a Markdown heading is the title's link, not text of the title."""
    digest, diags = read("en-html-headings.md")
    assert "level-3 headings, 3 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Scaling Sparse Attention", "2608.30001"),
        ("Tiny & Fast Agents", "2608.30002"),
        ("Routing Without Tears", "2608.30003"),
    ]
    assert digest.papers[0].url == "https://arxiv.org/abs/2608.30001"
    assert any("A study of sparse" in i.text for s in digest.papers[0].sections for i in s.items)


def test_bare_ids_in_marked_up_id_fields() -> None:
    """``**arXiv**: 2608.40001`` names the paper as ``arXiv:2608.40001`` does, and it is the
    paper's address, no field of its own."""
    digest, diags = read("en-id-fields.md")
    assert "bulleted list items, 2 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Scaling Sparse Attention", "2608.40001"),
        ("Tiny Agents", "2608.40002"),
    ]
    first, second = digest.papers
    assert first.authors == ("Ana Pérez", "Bo Li") and second.authors == ("C. Doe",)
    assert not first.fields and not second.fields


def test_papers_listed_in_the_front_matter() -> None:
    """A body that is a Liquid loop over ``page.papers`` names no paper: the front matter's
    list is read, each key as the label of a field line would be."""
    digest, diags = read("en-front-matter-papers.md")
    assert "papers listed in the front matter (papers:), 3 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Scaling Sparse Attention", "2608.50001"),
        ("Tiny Agents", "2608.50002"),
        ("Routing Without Tears", "2608.50003"),
    ]
    first, second, third = digest.papers
    assert first.authors == ("Ana Pérez", "Bo Li") and second.authors == ("C. Doe",)
    code = first.link("code")
    assert code is not None and code.url == "https://github.com/x/sparse"
    summary = second.section("summary")
    assert summary is not None and summary.items[0].text == "Agents that are small."
    assert second.fields == {"upvotes": "42"}
    assert third.abstract == "Routers."
    # the template is no text of the digest; the sentence before it is
    assert [i.text for i in digest.preamble] == ["Today's picks."]


def test_a_title_label_inside_the_heading() -> None:
    """``### 1. 标题：Title``: the label names the title, it is no part of it."""
    digest, _ = read("zh-title-label-headings.md")
    assert titled_ids(digest) == [
        ("Scaling Sparse Attention", "2608.60001"),
        ("Tiny Agents", "2608.60002"),
    ]
    assert digest.papers[0].abstract == "一项研究。"


def test_task_list_check_boxes_are_no_part_of_the_title() -> None:
    digest, diags = read("en-task-list.md")
    assert "bulleted list items, 2 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Scaling Sparse Attention", "2608.70001"),
        ("Tiny Agents", "2608.70002"),
    ]
    assert [p.authors for p in digest.papers] == [("Ana Pérez", "Bo Li"), ("C. Doe",)]


def test_a_label_without_a_value_heads_the_list_under_it() -> None:
    """``**Key Contributions:**`` over bullets is that section's heading, not an empty
    field with its bullets run into the summary above."""
    digest, _ = read("en-label-over-list.md")
    first, second = digest.papers
    assert titled_ids(digest) == [
        ("Scaling Sparse Attention", "2608.80001"),
        ("Tiny Agents", "2608.80002"),
    ]
    assert [(s.heading, [i.text for i in s.items]) for s in first.sections] == [
        ("Summary", ["A study of sparse attention."]),
        ("Key Contributions", ["Faster kernels", "Better scaling"]),
    ]
    assert first.fields == {"Why it matters": "Long contexts get cheap."}
    assert [s.heading for s in second.sections] == ["Summary", "Key Contributions"]
    assert not second.fields


def test_an_italic_line_of_names_under_the_title_is_its_byline() -> None:
    digest, _ = read("en-italic-bylines.md")
    assert [p.authors for p in digest.papers] == [("Ana Pérez", "Bo Li"), ("C. Doe", "E. Roe")]
    assert [str(p.arxiv) for p in digest.papers] == ["2608.90001", "2608.90002"]


def test_repositories_in_the_papers_shape_are_digest_text() -> None:
    """Numbered headings that link only to a repository ("Trending repositories" after the
    papers) are entries of the same shape that name no paper: digest text, not papers."""
    digest, diags = read("en-trending-repositories.md")
    assert titled_ids(digest) == [
        ("Scaling Sparse Attention", "2609.10001"),
        ("Tiny Agents", "2609.10002"),
    ]
    text = "\n".join(i.text for i in digest.preamble)
    assert "org/fast-attn" in text and "Agents framework." in text
    assert [d.code for d in diags if d.code == "stray-text"] == ["stray-text"] * 2
    # the section heading between them is no section of the paper before it
    assert [s.heading for s in digest.papers[1].sections] == [""]


def test_circled_numbers_number_entries() -> None:
    digest, diags = read("ja-circled-numbers.md")
    assert "numbered level-2 headings, 2 entries" in shape_note(diags)
    assert [(p.rank, p.title, str(p.arxiv)) for p in digest.papers] == [
        (1, "疎な注意機構のスケーリング", "2607.20001"),
        (2, "小さなエージェント", "2607.20002"),
    ]


def test_parts_between_rules_that_open_with_a_plain_title() -> None:
    """A title line over the entry's own lines, parts set off by ``---``: each part is an
    entry; a last part that names no paper is the digest's text."""
    digest, diags = read("en-rules-plain-titles.md")
    assert "parts between rules that open with a title line, 2 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Scaling Sparse Attention", "2608.11001"),
        ("Tiny Agents", "2608.11002"),
    ]
    texts = [i.text for s in digest.papers[0].sections for i in s.items]
    assert "A study of sparse attention at scale." in texts
    assert any("See you tomorrow" in i.text for i in digest.preamble)


def test_front_matter_papers_without_a_body_and_among_other_values(tmp_path: Path) -> None:
    """A data post may have no body at all; values that are no paper's mapping are passed
    over, and a rank is taken only when it is a small number."""
    post = tmp_path / "2026-03-02-data.md"
    post.write_text(
        "---\ndate: 2026-03-02\npapers:\n"
        "  - title: Real\n    url: https://arxiv.org/abs/2608.50011\n"
        "    rank: 99999999999999999999\n"
        '  - title: Two\n    id: "2608.50012"\n    rank: "3"\n'
        "  - just a string\n---\n"
    )
    diags = Diagnostics()
    digest = read_post(post.read_bytes(), str(post), Site(), diags)
    assert digest is not None, [d.format() for d in diags]
    assert [(p.rank, p.title, str(p.arxiv)) for p in digest.papers] == [
        (1, "Real", "2608.50011"),
        (3, "Two", "2608.50012"),
    ]
    assert "empty-body" not in [d.code for d in diags]


def test_a_plain_line_of_names_under_the_title() -> None:
    """Names on the line under a title are its authors when there are enough of them to
    tell them from a line of topics: three names, an initial, or ``et al.``."""
    digest, _ = read("en-plain-author-lines.md")
    assert [str(p.arxiv) for p in digest.papers] == [
        "2609.20001",
        "2609.20002",
        "2609.20003",
        "2609.20004",
    ]
    assert [p.authors for p in digest.papers] == [
        ("Ana Pérez", "Bo Li", "Carl Zhang"),
        ("D. Doe", "E. Roe"),
        (),  # "Computer Vision, Robot Learning" is a line of topics
        ("Ana Pérez", "Bo Li", "et al."),
    ]
    third = digest.papers[2]
    assert any("Computer Vision" in i.text for s in third.sections for i in s.items)


def test_papers_on_venues_other_than_arxiv() -> None:
    """A post that names no arXiv id: headings whose blocks link a paper's page elsewhere
    (OpenReview, the ACL Anthology, a DOI) are its entries, the others its text."""
    digest, diags = read("en-venue-papers.md")
    assert "level-2 headings, 3 entries" in shape_note(diags)
    assert [(p.title, p.url, p.arxiv) for p in digest.papers] == [
        ("Scaling Sparse Attention", "https://openreview.net/forum?id=abcDEF123", None),
        ("Tiny Agents", "https://aclanthology.org/2025.acl-long.12/", None),
        ("Routing Without Tears", "https://doi.org/10.1145/3580305.3599999", None),
    ]
    assert digest.papers[0].authors == ("Ana Pérez", "Bo Li")
    assert any("Three papers" in i.text for i in digest.preamble)


def test_arxiv_mirrors_and_bare_addresses_under_titles() -> None:
    """ar5iv, Cool Papers, SciRate, Semantic Scholar and arXiv's old host name the paper
    by its id; an address alone on the line under a plain title is the entry's link."""
    digest, diags = read("en-mirror-links.md")
    assert "numbered list items, 5 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Attention over ar5iv", "2606.10001"),
        ("Cool Papers Find", "2606.10002"),
        ("SciRate Favourite", "2606.10003"),
        ("Semantic Scholar Pick", "2606.10004"),
        ("A String Theory Classic", "hep-th/9711200"),
    ]
    first = digest.papers[0]
    assert first.url == "https://ar5iv.labs.arxiv.org/html/2606.10001"
    assert [i.text for s in first.sections for i in s.items] == ["Read in ar5iv's HTML view."]


def test_medals_and_votes_beside_bold_titles() -> None:
    """A medal before a bold title marks it, and a dash sets off the votes beside it; a
    bold word that runs on into a sentence stays emphasis."""
    digest, diags = read("en-medals-bold-votes.md")
    assert "bold title lines, 4 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Sparse Mixture of Tiny Experts", "2606.11001"),
        ("Long Context without Tears", "2606.11002"),
        ("Diffusion for Tables", "2606.11003"),
        ("Tiny Agents", "2606.11004"),
    ]
    assert [p.fields["heading_extra"] for p in digest.papers][:2] == ["120 upvotes", "98 upvotes"]
    last = [i.text for s in digest.papers[-1].sections for i in s.items]
    assert last[-1].startswith("**Note** that votes")  # emphasis: no entry of its own


def test_paragraphs_that_open_with_a_papers_link() -> None:
    """Entries without headings or bold: a paragraph whose first line links the paper by
    its title.  A link to a listing page is the digest's text."""
    digest, diags = read("en-link-paragraphs.md")
    assert "paragraphs that open with a paper's link, 3 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Sparse Mixture of Tiny Experts", "2606.12001"),
        ("Long Context without Tears", "2606.12002"),
        ("Diffusion for Tables", "2606.12003"),
    ]
    texts = [i.text for s in digest.papers[0].sections for i in s.items]
    assert texts == ["Routes tokens to tiny experts. Ana Pérez's group."]
    assert any("cs.CL listing" in i.text for i in digest.preamble)


def test_one_paragraph_citing_a_paper_is_no_digest(tmp_path: Path) -> None:
    post = tmp_path / "2026-01-01-note.md"
    post.write_text(
        "---\ntitle: A note\n---\n\nSome thoughts.\n\n"
        "[Attention Is All You Need](https://arxiv.org/abs/1706.03762) introduced it.\n",
        encoding="utf-8",
    )
    diags = Diagnostics()
    digest = read_post(post.read_bytes(), str(post), Site(), diags)
    assert digest is not None and digest.papers == ()
    assert "no-papers" in {d.code for d in diags}


def test_entries_set_in_block_quotes() -> None:
    digest, diags = read("en-quoted-entries.md")
    assert "bold title lines, 2 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Sparse Mixture of Tiny Experts", "2606.13001"),
        ("Long Context without Tears", "2606.13002"),
    ]
    assert digest.papers[1].authors == ("Dan Roe", "Eve Zhao", "Fay Kim")
    assert [d.code for d in diags if d.severity != "note"] == []


def test_entries_copied_from_arxivs_listing() -> None:
    """``arXiv:ID [pdf, other]`` over ``Title:``, ``Authors:``, ``Comments:`` and
    ``Abstract:`` lines, as arXiv's new-submissions page shows a paper."""
    digest, diags = read("en-arxiv-listing.md")
    assert "paragraphs that open with a title field, 2 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Sparse Mixture of Tiny Experts", "2606.14001"),
        ("Long Context without Tears", "2606.14002"),
    ]
    second = digest.papers[1]
    assert second.authors == ("Dan Roe",)  # the Comments line is a field of its own
    assert second.fields["Comments"] == "12 pages"
    assert second.abstract == "We extend the context cheaply."


def test_bare_ids_in_brackets_beside_titles_and_citation_style_items() -> None:
    """``(arXiv:ID)``, ``(ID)`` and ``[ID]`` beside a title name its paper and are no part
    of it; "Title. Names. [[arXiv]](…)" gives the names as the authors."""
    digest, diags = read("en-bracketed-ids.md")
    assert "numbered list items, 4 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Sparse Mixture of Tiny Experts", "2606.15001"),
        ("Long Context without Tears", "2606.15002"),
        ("Diffusion for Tables", "2606.15003"),
        ("Tiny Agents", "2606.15004"),
    ]
    assert digest.papers[0].fields["heading_extra"] == "routes tokens to tiny experts."
    fourth = digest.papers[3]
    assert fourth.authors == ("Ana Pérez", "Bo Li", "Chen Wu")
    assert [(lk.label, lk.kind) for lk in fourth.links] == [("code", "code")]
    headed, _ = read("en-bracketed-id-headings.md")
    assert titled_ids(headed) == [
        ("Routing Without Tears", "2606.15005"),
        ("Sparse Retrieval Revisited", "2606.15006"),
        ("Tiny Agents Revisited", "2606.15007"),  # "ID - Title", as listings open
    ]


def test_korean_ranks_written_with_wi() -> None:
    digest, diags = read("ko-rank-wi.md")
    assert "numbered level-2 headings, 3 entries" in shape_note(diags)
    assert [(p.rank, p.title, str(p.arxiv)) for p in digest.papers] == [
        (1, "희소 전문가 혼합", "2606.17001"),
        (2, "눈물 없는 긴 문맥", "2606.17002"),
        (3, "표를 위한 확산", "2606.17003"),
    ]


def test_addresses_written_after_a_plain_title() -> None:
    """An autolink, a dash, a colon or a space before the address: none is in the title."""
    digest, diags = read("en-addresses-and-footnotes.md")
    assert "numbered list items, 4 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Sparse Mixture of Tiny Experts", "2606.18001"),
        ("Long Context without Tears", "2606.18002"),
        ("Diffusion for Tables", "2606.18003"),
        ("Tiny Agents", "2606.18004"),
    ]


def test_footnote_marks_and_a_title_linked_to_a_review() -> None:
    """``Title[^1]`` with ``[^1]: https://arxiv.org/abs/…`` below: the footnote gives the
    address and its mark is no part of the title; a title linked to the author's own
    review keeps that link beside the paper's."""
    digest, _ = read("en-footnote-links.md")
    assert titled_ids(digest) == [
        ("Sparse Mixture of Tiny Experts", "2606.19001"),
        ("Long Context without Tears", "2606.19002"),
    ]
    second = digest.papers[1]
    assert second.url == "https://arxiv.org/abs/2606.19002"
    assert "heading_extra" not in second.fields
    assert [lk.url for lk in second.links] == ["https://blog.example.org/reviews/long-context"]


def test_papers_set_in_html_cards() -> None:
    """``<div>`` cards with an ``<h3>`` title: each card is an entry, and its paragraphs are
    read for what they show (the byline, the text with its links), not as raw HTML."""
    digest, diags = read("en-html-cards.md")
    assert "level-3 headings, 2 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Sparse Mixture of Tiny Experts", "2606.20001"),
        ("Long Context without Tears", "2606.20002"),
    ]
    first = digest.papers[0]
    assert first.authors == ("Ana Pérez", "Bo Li", "Chen Wu")
    (text,) = [i.text for s in first.sections for i in s.items]
    assert text == (
        "Routes tokens to tiny experts;\ncheaply &amp; well. "
        "[Code](<https://github.com/example/tiny>)"
    )
    assert not any(
        "<" in i.text.replace("(<", "") for s in digest.papers[1].sections for i in s.items
    )


def test_papers_listed_in_an_html_table() -> None:
    """A ``<table>`` (head and body, markup in its cells, anchors for links) is read as the
    pipe table it shows; the text after it keeps its line."""
    digest, diags = read("en-html-table.md")
    assert "table rows, 2 entries" in shape_note(diags)
    assert [(p.rank, p.title, str(p.arxiv), p.authors) for p in digest.papers] == [
        (1, "Sparse Mixture of Tiny Experts", "2606.21001", ("Ana Pérez", "Bo Li")),
        (2, "Long Context | without Tears", "2606.21002", ("Dan Roe",)),
    ]
    assert digest.papers[1].url == "https://huggingface.co/papers/2606.21002"
    assert [(i.text, i.line) for i in digest.preamble] == [
        ("Today's papers, as my notebook exports them.", 6),
        ("More tomorrow.", 20),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "fr-fields.md",
            [
                (
                    "2606.22001",
                    ("Ana Pérez", "Bo Li"),
                    "Nous routons les jetons vers de petits experts.",
                ),
                ("2606.22002", ("Dan Roe",), "Un contexte long à bas coût."),
            ],
        ),
        (
            "de-fields.md",
            [
                (
                    "2606.23001",
                    ("Ana Pérez", "Bo Li"),
                    "Wir leiten Tokens an kleine Experten weiter.",
                ),
            ],
        ),
    ],
)
def test_french_and_german_field_labels(
    name: str, expected: list[tuple[str, tuple[str, ...], str]]
) -> None:
    digest, _ = read(name)
    got = [
        (str(p.arxiv), p.authors, " ".join(i.text for i in p.section("summary").items))
        for p in digest.papers
        if p.section("summary") is not None
    ]
    assert got == expected
    assert digest.papers[0].affiliations
    assert not any("Lien" in k or "Autoren" in k for p in digest.papers for k in p.fields)


def test_kramdown_attribute_lists_and_header_ids() -> None:
    """kramdown's ``{: …}`` lists, ``{:toc}`` and ``{#id}`` are instructions, not text; the
    id a heading sets is the paper's anchor, as Jekyll renders it (code keeps them)."""
    digest, _ = read("en-kramdown-attributes.md")
    assert [(p.title, str(p.arxiv), p.anchor) for p in digest.papers] == [
        ("Sparse Mixture of Tiny Experts", "2606.24001", "tiny"),
        ("Long Context without Tears", "2606.24002", "long-context"),
    ]
    texts = [i.text for p in digest.papers for s in p.sections for i in s.items]
    assert texts[:2] == ["Routes tokens to tiny experts.", "Extends the context cheaply."]
    assert "{: .kept-in-code}" in texts[2]
    assert not any("{:" in t for t in texts[:2]) and digest.preamble == ()
    assert all("heading_extra" not in p.fields for p in digest.papers)


def test_a_paper_on_another_venue_among_arxiv_papers() -> None:
    """An unnumbered heading linking an OpenReview page among headings linking arXiv is an
    entry; one linking a repository stays the digest's text."""
    digest, _ = read("en-mixed-venues.md")
    assert [(p.title, p.arxiv is not None, p.url) for p in digest.papers] == [
        ("Sparse Mixture of Tiny Experts", True, "https://arxiv.org/abs/2603.01234"),
        ("Long Context without Tears", False, "https://openreview.net/forum?id=abcDEF123"),
        ("Diffusion for Tables", True, "https://arxiv.org/abs/2603.01236"),
    ]
    assert [i.text for i in digest.preamble] == [
        "## [My favourite tool](https://github.com/x/y)",
        "Not a paper.",
    ]


def test_liquid_output_opening_a_link_target() -> None:
    """``[Title]({{ site.baseurl }}/…)`` is a link once Jekyll has run Liquid: the title of
    an entry, not a numbered heading without a link (which would fail the export)."""
    digest, diags = read("en-liquid-links.md")
    assert [(p.rank, p.title) for p in digest.papers] == [
        (1, "Sparse Mixture of Tiny Experts"),
        (2, "Long Context without Tears"),
    ]
    assert digest.papers[1].url == "/go?to=https://arxiv.org/abs/2606.26002"
    assert "paper-no-link" not in {d.code for d in diags}
    assert digest.preamble[0].text == "See [yesterday's digest](/2026/06/25/daily.html) first."


def test_a_bare_id_under_a_label_that_names_it() -> None:
    """``Paper ID: 2603.01235`` names the paper (it failed the export as a numbered entry
    without a link); ``📎 https://…`` and ``arXiv: [ID](…)`` as before."""
    digest, diags = read("en-paper-id-label.md")
    assert "paper-no-link" not in {d.code for d in diags}
    assert [str(p.arxiv) for p in digest.papers] == ["2603.01234", "2603.01235", "2603.01236"]
    assert digest.papers[1].url == "https://arxiv.org/abs/2603.01235"


def test_html_anchors_in_field_lines_keep_their_labels() -> None:
    digest, _ = read("en-anchor-fields.md")
    assert [str(p.arxiv) for p in digest.papers] == ["2603.01234", "2603.01235"]
    assert [(lk.label, lk.url, lk.kind) for lk in digest.papers[0].links] == [
        ("GitHub", "https://github.com/x/y", "code")
    ]


def test_links_in_a_table_a_fold_a_reference_and_a_nested_list() -> None:
    """A numbered entry's link may sit in a field table, a folded block, a reference link
    defined further down, or a list two levels deep: each names the paper."""
    digest, diags = read("en-links-in-blocks.md")
    assert "paper-no-link" not in {d.code for d in diags}
    assert [(p.rank, str(p.arxiv)) for p in digest.papers] == [
        (1, "2603.01234"),
        (2, "2603.01235"),
        (3, "2603.01236"),
        (4, "2603.01237"),
    ]
    assert digest.papers[0].authors == ("Ana Pérez", "Bo Li")


def test_an_image_link_an_address_without_scheme_and_a_bare_id_line() -> None:
    digest, diags = read("en-bare-links.md")
    assert "paper-no-link" not in {d.code for d in diags}
    assert [(p.rank, str(p.arxiv)) for p in digest.papers] == [
        (1, "2603.01234"),
        (2, "2603.01235"),
        (3, "2603.01236"),  # "`2603.01236`" alone under the heading
        (4, "2603.01237v1"),
    ]
    assert digest.papers[2].url == "https://arxiv.org/abs/2603.01236"


def test_arxiv_dois_redirect_wrappers_and_reading_sites_name_the_paper() -> None:
    """``doi.org/10.48550/arXiv.ID`` (arXiv's own DOIs), a Google redirect around an
    arXiv address, ``DOI: 10.48550/arXiv.ID`` in a field line and Emergent Mind's pages:
    each used to leave its entry without a paper (a ``paper-no-link`` error on the third)."""
    digest, diags = read("en-doi-and-redirect-links.md")
    assert "paper-no-link" not in {d.code for d in diags}
    assert titled_ids(digest) == [
        ("Sparse Attention for Long Contexts", "2604.21573"),
        ("Tool-Using Agents Need Memory", "2604.20001v2"),
        ("Diffusion Policies Without Demonstrations", "2604.19999"),
        ("Scaling Laws for Retrieval", "2604.18888"),
    ]
    assert digest.papers[0].authors == ("Ana Pérez", "Bo Li")


def test_numbered_references_in_ieee_style() -> None:
    """A reading list pasted from a reference manager: ``[N]`` paragraphs in IEEE style,
    quoted titles, authors before them.  No paper was read from it before."""
    digest, diags = read("en-references-ieee.md")
    assert "paragraphs that are references, 3 entries" in shape_note(diags)
    assert [(p.rank, p.title, str(p.arxiv), p.authors) for p in digest.papers] == [
        (1, "Sparse attention for long contexts", "2604.21573", ("A. Pérez", "B. Li")),
        (2, "Tool-using agents need memory", "2604.20001", ("C. Wei", "D. Smith", "J. Kim")),
        (3, "Diffusion policies without demonstrations", "2604.19999", ("M. Rossi", "et al.")),
    ]
    assert digest.preamble[0].text.startswith("This week's papers")


def test_references_in_apa_and_mla_style() -> None:
    """APA (``Pérez, A., & Li, B. (2026). Title. Venue.``) and MLA (``Rossi, Marco, and Ana
    Pérez. "Title."``) items: the title and the authors, not the whole reference as the
    title.  A comma before a quoted word does not make a title a reference."""
    digest, _ = read("en-references-apa-mla.md")
    assert [(p.title, p.authors) for p in digest.papers] == [
        ("Sparse attention for long contexts", ("A. Pérez", "B. Li")),
        ("Tool-using agents need memory?", ("C. Wei", "D. Smith", "J. Kim", "et al.")),
        ("Diffusion Policies Without Demonstrations", ("Marco Rossi", "Ana Pérez")),
        ('Making Large Models, "Think," Again.', ()),
    ]
    assert [str(p.arxiv) for p in digest.papers] == [
        "2604.21573",
        "2604.20001",
        "2604.19999",
        "2604.18888",
    ]


def test_japanese_fields_and_section_names() -> None:
    digest, _ = read("ja-fields-and-sections.md")
    first, second = digest.papers
    assert (first.title, str(first.arxiv)) == ("長文脈のための疎な注意機構", "2604.21573")
    assert first.authors == ("田中太郎", "佐藤花子") and first.affiliations == ("東京大学",)
    assert [(s.kind, s.heading) for s in first.sections] == [
        ("summary", "概要"),
        ("method", "手法"),
        ("results", "結果"),
    ]
    assert second.authors == ("山田一郎",) and str(second.arxiv) == "2604.20001"


def test_russian_fields_and_section_names() -> None:
    """Russian labels were unknown: the authors and abstract were raw fields."""
    digest, _ = read("ru-fields.md")
    first, second = digest.papers
    assert first.authors == ("Иван Петров", "Анна Смирнова", "et al.")
    assert first.abstract == "Метод разреженного внимания." and not first.fields
    assert [s.kind for s in first.sections] == ["method", "results"]
    assert second.authors == ("Олег Иванов", "Мария Кузнецова")
    assert second.section("summary") is not None


def test_newsletter_paragraphs_of_bold_paper_links() -> None:
    """``**[Title](…)** — *Authors*`` alone on its line over the summary's paragraphs (a
    newsletter's layout): a bold line alone was a label, so the post had no papers."""
    digest, diags = read("en-newsletter-bold-links.md")
    assert "bold title lines, 2 entries" in shape_note(diags)
    assert [(p.title, str(p.arxiv), p.authors) for p in digest.papers] == [
        ("Sparse Attention for Long Contexts", "2604.21573", ("Ana Pérez", "Bo Li")),
        ("Tool-Using Agents Need Memory", "2604.20001", ("Chen Wei", "Dana Smith")),
    ]
    assert digest.preamble[0].text.startswith("Welcome back!")


def test_lines_ended_by_br_and_two_plain_names() -> None:
    """``**Title**<br>`` over ``Ana Pérez, Bo Li<br>`` over the link: the ``<br>`` made the
    title emphasis and the post had no papers.  Two plain names are the byline, unless a
    word of a field or a lab is among them."""
    digest, _ = read("en-br-lines.md")
    assert [(p.title, str(p.arxiv), p.authors) for p in digest.papers] == [
        ("Sparse Attention for Long Contexts", "2604.21573", ("Ana Pérez", "Bo Li")),
        ("Tool-Using Agents Need Memory", "2604.20001", ("Chen Wei", "Dana Smith")),
        ("Scaling Laws for Retrieval", "2604.18888", ()),
        ("A Fourth Paper", "2604.17777", ()),
    ]
    assert "Computer Vision, Robot Learning" in digest.papers[2].sections[0].items[0].text


def test_html_lists_of_papers() -> None:
    """``<ol><li><a href=…>Title</a> — …</li></ol>``: raw HTML to the block parser, so no
    papers before; ``start`` numbers the items, a nested list is the item's."""
    digest, _ = read("en-html-list.md")
    assert [(p.rank, p.title, str(p.arxiv)) for p in digest.papers] == [
        (1, "Sparse Attention for Long Contexts", "2604.21573"),
        (2, "Tool-Using Agents Need Memory", "2604.20001"),
        (3, "Diffusion Policies", "2604.19999"),
    ]
    code = digest.papers[1].link("code")
    assert code is not None and code.url == "https://github.com/x/agents"


def test_kramdown_definition_lists() -> None:
    digest, _ = read("en-definition-list.md")
    assert [p.sections[0].items[0].text for p in digest.papers] == [
        "A sparse attention method that keeps quality at 128k tokens.",
        "Memory matters more than planning.",
    ]


def test_score_and_authors_on_one_line_under_the_title() -> None:
    """``👍 120 · Ana Pérez, Bo Li`` was a section named "120 · Ana Pérez, Bo Li"."""
    digest, _ = read("en-score-author-lines.md")
    first, second = digest.papers
    assert first.authors == ("Ana Pérez", "Bo Li") and first.fields["score"] == "👍 120"
    assert second.authors == ("Chen Wei",) and second.fields["score"] == "👍 80"
    assert [s.heading for s in first.sections] == [""]


def test_titles_without_their_markup() -> None:
    """Entities, code, escapes and formatting tags are not the title's text; ``<think>``,
    a word of some titles, stays.  ``🔟`` numbers its entry (it was lost in the one before)."""
    digest, _ = read("en-title-markup.md")
    assert [(p.rank, p.title) for p in digest.papers] == [
        (1, "Attention & Memory"),
        (2, "FastAttn: Faster Attention"),
        (3, "Linear $\\mathcal{O}(n)$ Transformers"),
        (4, "Title_with_escapes and *stars*"),
        (5, "Bold Linked Title"),
        (10, "Ten"),
        (7, "H2O and <think> Tokens"),
        (8, "Title"),
    ]
    assert digest.papers[7].fields["heading_extra"] == "(ICLR 2026 Oral)"


def test_a_list_of_other_papers_after_the_entries() -> None:
    """``## Other papers today`` over a list of links, after the numbered entries: it was
    the last paper's section.  It is the digest's text, as any heading's block of several
    papers is; the list does not outnumber the entries into being them."""
    digest, diags = read("en-other-papers-list.md")
    assert "numbered level-2 headings, 2 entries" in shape_note(diags)
    assert titled_ids(digest) == [
        ("Sparse Attention", "2604.00001"),
        ("Agents Memory", "2604.00002"),
    ]
    assert [s.heading for s in digest.papers[1].sections] == [""]
    assert [i.text for i in digest.preamble][:2] == [
        "## Other papers today",
        "[Third Paper](https://arxiv.org/abs/2604.00003)",
    ]


def test_korean_pictograph_field_items() -> None:
    """``- 📄 논문명:`` is the original title; an unknown label after a pictograph in a list
    item (``- 💡 핵심 아이디어:``) is a field, and one that names a section (``- 📊 실험
    결과:``) that section.  Both used to run on into the summary above them."""
    digest, _ = read("ko-pictograph-fields.md")
    first, second = digest.papers
    assert first.title == "Sparse Attention for Long Contexts"
    assert first.translated_title == "긴 문맥을 위한 희소 어텐션"
    assert [(s.kind, s.heading, [i.text for i in s.items]) for s in first.sections] == [
        ("summary", "요약", ["128k 토큰에서도 품질을 유지하는 희소 어텐션."]),
        ("summary", "핵심 아이디어", ["블록 단위 어텐션."]),
        ("results", "실험 결과", ["2배 빠름."]),
    ]
    assert second.authors == ("박민수", "et al.") and second.title == "Agents Need Memory"


def test_authors_among_the_venue_and_links_beside_a_title() -> None:
    """An awesome-list item (``**[Title](…)** - Ana Pérez et al., *ICML 2026* [[code](…)]``):
    the authors are read from beside the title, which stays the entry's text as written."""
    digest, _ = read("en-awesome-list-items.md")
    assert [(p.title, p.authors) for p in digest.papers] == [
        ("Sparse Attention for Long Contexts", ("Ana Pérez", "et al.")),
        ("Tool-Using Agents Need Memory", ("Chen Wei", "Dana Smith")),
        ("Diffusion Policies Without Demonstrations", ("M. Rossi", "A. Bianchi")),
    ]
    assert digest.papers[0].fields["heading_extra"] == "Ana Pérez et al., ICML 2026 [code]"
    code = digest.papers[0].link("code")
    assert code is not None and code.url == "https://github.com/x/y"


def test_papers_passed_to_a_themes_include() -> None:
    """``{% include paper.html title="…" url="…" authors="…" %}`` per paper: the body's
    text named no paper.  Each include's parameters are read as a front-matter list's
    mappings are, with the include's line."""
    digest, diags = read("en-liquid-includes.md")
    assert "papers passed to an include (paper.html)" in shape_note(diags)
    assert [(p.title, str(p.arxiv), p.authors, p.source.line) for p in digest.papers] == [
        ("Sparse Attention for Long Contexts", "2604.21573", ("Ana Pérez", "Bo Li"), 8),
        ("Tool-Using Agents Need Memory", "2604.20001", ("Chen Wei",), 10),
    ]
    summary = digest.papers[0].section("summary")
    assert summary is not None and summary.items[0].text == "A sparse attention method."
    assert [i.text for i in digest.preamble] == ["Today's papers."]
