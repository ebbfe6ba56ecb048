"""The reader on the samples, the real corpus and small posts written for one rule each."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from digestconv.diagnostics import Diagnostics
from digestconv.model import Corpus, Digest, Site
from digestconv.reader import read_paths, read_post

KST = timezone(timedelta(hours=9))
SEOUL = Site(
    url="https://example.org",
    timezone="Asia/Seoul",
    permalink="/dailypaper/:year/:month/:day/:title/",
    lang="ko",
)

PAPER = """
# 1. [Fast-dLLM v2: Efficient Block-Diffusion LLM](https://arxiv.org/abs/2509.26328)

> [Alphaxiv](https://www.alphaxiv.org/ko/overview/2509.26328)

## Introduction
- Goal: 목표 문장.
- Motivation: 동기 문장.
- Contribution: 기여 문장.

## Method
방법 문장.

## Limitations
정보 부족.
"""


def post(front: str, body: str = PAPER) -> bytes:
    return f"---\n{front}\n---\n{body}".encode()


def read(
    data: bytes, name: str = "2025-10-08-daily-papers.md", site: Site = SEOUL
) -> tuple[Digest | None, Diagnostics]:
    diags = Diagnostics()
    return read_post(data, name, site, diags), diags


def codes(diags: Diagnostics) -> list[str]:
    """The codes of a read, without the ``reader`` note every read post carries."""
    return [d.code for d in diags if d.code != "reader"]


# ----------------------------------------------------------------- the corpora


def test_samples(samples_corpus: Corpus) -> None:
    assert [d.date.date().isoformat() for d in samples_corpus.digests] == [
        "2025-10-08",
        "2025-10-29",
        "2025-11-27",
        "2025-12-03",
        "2025-12-17",
    ]
    assert [len(d.papers) for d in samples_corpus.digests] == [8, 8, 6, 9, 9]
    first = samples_corpus.digests[0]
    assert first.title == "Daily Papers — 2025-10-08"
    assert first.tags == ("papers", "hugginface")
    assert first.path == "/dailypaper/2025/10/08/daily-papers/"
    assert first.meta == {"layout": "post"}
    paper = first.papers[0]
    assert paper.arxiv is not None and paper.arxiv.id == "2509.26328"
    assert paper.link("alphaxiv") is not None
    assert [s.kind for s in paper.sections] == [
        "introduction",
        "method",
        "results",
        "limitations",
        "conclusion",
    ]
    intro = paper.sections[0]
    assert [i.label for i in intro.items] == ["goal", "motivation", "contribution"]
    assert intro.items[0].text.startswith("본 연구는 사전학습된")
    limitations = paper.section("limitations")
    assert limitations is not None and limitations.placeholder
    assert limitations.items[0].text == "정보 부족."
    # whitespace runs in titles (arXiv line wraps) are collapsed
    assert (
        first.papers[2].title
        == "Mixing Mechanisms: How Language Models Retrieve Bound Entities In-Context"
    )


def test_shared_corpus_numbers(shared_site: Path) -> None:
    result = read_paths([str(shared_site)])
    counts = result.diagnostics.counts()
    assert counts["error"] == 0 and counts["warning"] == 0, [d.format() for d in result.diagnostics]
    digests = result.corpus.digests
    assert len(digests) == 93
    with_papers = [d for d in digests if d.papers]
    assert len(with_papers) == 91
    assert sum(len(d.papers) for d in digests) == 787
    assert len({p.arxiv.id for d in digests for p in d.papers if p.arxiv}) == 717
    by_code = Counter(d.code for d in result.diagnostics if d.severity == "note")
    assert by_code["no-papers"] == 1 and by_code["empty-body"] == 1
    # the stray-quote titles are repaired
    assert all(not d.title.endswith('"') for d in digests)
    # versioned http links are understood
    versioned = [p for d in digests for p in d.papers if p.arxiv and p.arxiv.version]
    assert versioned and all(p.url.startswith("http://arxiv.org/abs/") for p in versioned)
    # Korean labels are recognised
    labels = Counter(
        i.label_text
        for d in digests
        for p in d.papers
        for s in p.sections
        for i in s.items
        if i.label
    )
    assert labels["목표"] == 4 and labels["Goal"] == 617
    # <think> in a title stays literal text
    assert any(p.title.startswith("<think> So let's") for d in digests for p in d.papers)


# ------------------------------------------------------------------ front matter


def test_offset_less_yaml_time_is_utc_as_in_jekyll() -> None:
    digest, _ = read(post('title: "x"\ndate: 2025-10-08 08:15:00'))
    assert digest is not None
    assert digest.date == datetime(2025, 10, 8, 17, 15, tzinfo=KST)
    assert digest.date.utcoffset() == timedelta(hours=9)


def test_late_offset_less_time_moves_the_permalink_day_as_in_jekyll() -> None:
    digest, _ = read(post('title: "x"\ndate: 2025-10-08 20:00:00'))
    assert digest is not None
    assert digest.date.date().isoformat() == "2025-10-09"
    assert digest.path == "/dailypaper/2025/10/09/daily-papers/"


def test_explicit_offsets_and_strings() -> None:
    digest, _ = read(post("date: 2025-10-08 08:15:00 +0900"))
    assert digest is not None and digest.date == datetime(2025, 10, 8, 8, 15, tzinfo=KST)
    digest, _ = read(post('date: "2025-10-08 08:15"'))
    assert digest is not None and digest.date == datetime(2025, 10, 8, 8, 15, tzinfo=KST)
    digest, _ = read(post("date: 2025-10-08"))
    assert digest is not None and digest.date == datetime(2025, 10, 8, tzinfo=KST)


def test_date_from_file_name_when_absent() -> None:
    digest, diags = read(post("title: t"), name="2025-07-01-test.md")
    assert digest is not None and digest.date == datetime(2025, 7, 1, tzinfo=KST)
    assert digest.slug == "test" and not diags.failed()


@pytest.mark.parametrize(
    ("written", "utc"),
    [
        ("2026.03.01", datetime(2026, 2, 28, 15, 0)),  # midnight in the site's zone (KST)
        ("2026.03.01 10:00", datetime(2026, 3, 1, 1, 0)),
        ("'Sun, 01 Mar 2026 10:00:00 +0900'", datetime(2026, 3, 1, 1, 0)),
        ("2026-03-01 10:00:00 KST", datetime(2026, 3, 1, 1, 0)),
        ("2026-03-01 10:00:00 UTC", datetime(2026, 3, 1, 10, 0)),
    ],
)
def test_more_date_strings_that_ruby_reads(written: str, utc: datetime) -> None:
    """Forms Jekyll's ``Time.parse`` reads: dotted dates, RFC 2822, zone names that mean
    one offset only."""
    digest, diags = read(post(f"title: t\ndate: {written}"))
    assert digest is not None, [d.format() for d in diags]
    assert digest.date.astimezone(timezone.utc).replace(tzinfo=None) == utc


def test_bad_and_missing_dates_are_errors_with_lines() -> None:
    digest, diags = read(post("title: t\ndate: someday"))
    assert digest is None and codes(diags) == ["bad-date"]
    assert diags.items[0].line == 3
    digest, diags = read(post("title: t"), name="undated.md")
    assert digest is None and "no-date" in codes(diags)


def test_stray_quote_title_and_missing_title() -> None:
    digest, diags = read(post('title: Daily Papers — 2025-08-29"'))
    assert digest is not None and digest.title == "Daily Papers — 2025-08-29"
    assert codes(diags) == ["bad-title"] and diags.items[0].severity == "note"
    digest, _ = read(post("date: 2025-10-08"))
    assert digest is not None and digest.title == "Daily Papers"


def test_tags_as_string_or_list_and_meta_kept() -> None:
    digest, _ = read(
        post("tags: ai  papers ai\ncategories: [ml]\nlayout: post\nextra: {a: [1, 2]}")
    )
    assert digest is not None
    assert digest.tags == ("ai", "papers") and digest.categories == ("ml",)
    assert digest.meta == {"layout": "post", "extra": {"a": (1, 2)}}


@pytest.mark.parametrize(
    ("front", "code"),
    [
        ("title: [unclosed", "yaml-syntax"),
        ("x: !!python/object/apply:os.system ['true']", "yaml-unsafe"),
        ("- a\n- b", "front-matter-type"),
        (
            "a: &a [1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
            "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
            "yaml-aliases",
        ),
        ("a: &a [*a]", "yaml-aliases"),
    ],
)
def test_yaml_problems_are_diagnostics(front: str, code: str) -> None:
    digest, diags = read(post(front))
    assert digest is None
    assert code in codes(diags)
    assert all(d.line >= 1 for d in diags if d.code == code)


def test_unclosed_front_matter() -> None:
    digest, diags = read(b"---\ntitle: x\n# 1. [T](https://arxiv.org/abs/2509.26328)\n")
    assert digest is None and codes(diags) == ["front-matter-unclosed"]


def test_toml_front_matter_as_hugo_writes_it() -> None:
    """A Hugo ``content/`` folder: TOML's local date-time is in the site's zone (Hugo's
    reading), offsets are kept, and the post stays a plain digest (no permalink)."""
    toml = (
        '+++\ntitle = "Hugo digest"\ndate = 2025-10-08T08:15:00\ntags = ["ai", "papers"]\n'
        "weight = 3\nat = 07:30:00\n[params]\nmath = true\n+++\n"
    )
    digest, diags = read((toml + PAPER).encode(), name="content/posts/hugo.md")
    assert digest is not None and not diags.failed(), diags.format()
    assert digest.title == "Hugo digest" and digest.tags == ("ai", "papers")
    assert digest.date == datetime(2025, 10, 8, 8, 15, tzinfo=KST)
    assert digest.url is None and digest.meta == {
        "weight": 3,
        "at": "07:30:00",
        "params": {"math": True},
    }
    assert [p.title for p in digest.papers] == ["Fast-dLLM v2: Efficient Block-Diffusion LLM"]
    assert digest.papers[0].source.line == 11  # file lines, after the front matter
    offset, _ = read(b"+++\ndate = 2025-10-08T08:15:00+02:00\n+++\n" + PAPER.encode(), "x.md")
    assert offset is not None and offset.date == datetime(2025, 10, 8, 15, 15, tzinfo=KST)
    undated, _ = read(b'+++\ntitle = "t"\n+++\n' + PAPER.encode(), "2025/10/09/post.md")
    assert undated is not None and undated.date == datetime(2025, 10, 9, tzinfo=KST)


def test_a_markdown_file_outside_posts_is_dated_as_a_plain_digest() -> None:
    """An Obsidian daily note with properties, a Hugo bundle's index.md: front matter
    without a date, a name Jekyll does not date.  The file's or folders' date is the
    digest's, and a first heading that is its first paper's is no title."""
    body = "\n## 1. [A paper](https://arxiv.org/abs/2501.00001)\n\nText.\n"
    note, diags = read(post("tags: [papers]", body), name="vault/2025-10-08.md")
    assert note is not None and not diags.failed(), diags.format()
    assert note.date == datetime(2025, 10, 8, tzinfo=KST) and note.title == "2025-10-08"
    assert note.tags == ("papers",) and [p.title for p in note.papers] == ["A paper"]
    bundle, _ = read(post("title: Bundle", body), name="content/posts/2025-10-09/index.md")
    assert bundle is not None and bundle.date == datetime(2025, 10, 9, tzinfo=KST)
    headed, _ = read(post("tags: [x]", "# Weekly picks\n" + body), name="2025/10/10.md")
    assert headed is not None and headed.title == "Weekly picks"
    # a Jekyll post still needs its dated name or a date: no file-system guess for it
    missing, diags = read(post("title: t", body), name="_posts/undated.md")
    assert missing is None and "no-date" in codes(diags)


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("notes/2025-W41.md", (2025, 10, 6)),  # an ISO week: its Monday
        ("notes/2025-W41-3.md", (2025, 10, 8)),
        ("notes/08-10-2025.md", (2025, 10, 8)),  # day first, as Ruby reads 08/10/2025
        ("notes/10-13-2025.md", (2025, 10, 13)),  # only month first is a date
        ("notes/October 8, 2025.md", (2025, 10, 8)),
        ("notes/8 October 2025.md", (2025, 10, 8)),
        ("notes/Oct_8_2025.md", (2025, 10, 8)),
        ("notes/2025-10/week-2.md", (2025, 10, 1)),  # a month's folder: its first day
    ],
)
def test_plain_digests_dated_by_weeks_words_and_months(
    name: str, day: tuple[int, int, int]
) -> None:
    """Names of plain Markdown digests that used to be ``no-date`` errors (the export
    wrote nothing)."""
    body = "\n## 1. [A paper](https://arxiv.org/abs/2501.00001)\n\nText.\n"
    digest, diags = read(body.encode(), name=name)
    assert digest is not None and not diags.failed(), diags.format()
    assert digest.date == datetime(*day, tzinfo=KST)


def test_a_month_folder_dates_no_readme() -> None:
    """A month is a date only for a file with papers: the folder's README stays no digest."""
    digest, diags = read(b"# About\n\nThese are my notes.\n", name="notes/2025-10/README.md")
    assert digest is None and codes(diags) == ["not-a-digest"]
    undated, diags = read(b"\n## 1. [A paper](https://arxiv.org/abs/2501.00001)\n", "notes/list.md")
    assert undated is None and codes(diags) == ["no-date"]


def test_toml_front_matter_problems() -> None:
    digest, diags = read(b'+++\ntitle = "t"\ntags = ["a",\n+++\n' + PAPER.encode(), "x.md")
    assert digest is None and codes(diags) == ["toml-syntax"] and diags.items[0].line == 4
    digest, diags = read(b'+++\ntitle = "t"\ntitle = "u"\n+++\n' + PAPER.encode(), "x.md")
    assert digest is None and codes(diags) == ["toml-syntax"] and diags.items[0].line == 3
    digest, diags = read(b'+++\ntitle = "t"\n' + PAPER.encode(), "x.md")
    assert digest is None and codes(diags) == ["toml-syntax"]
    draft, diags = read(b"+++\ndate = 2025-10-08\ndraft = true\n+++\n" + PAPER.encode(), "x.md")
    assert draft is not None and draft.meta["published"] is False
    assert codes(diags) == ["unpublished", "bad-title"]  # its one heading is its paper's
    in_posts, diags = read(
        b"+++\ndate = 2025-10-08\n+++\n" + PAPER.encode(), "_posts/2025-10-08-x.md"
    )
    assert in_posts is not None and codes(diags) == ["no-front-matter", "bad-title"]


# ------------------------------------------------------------------------- text


def test_crlf_bom_nfd_and_control_characters() -> None:
    import unicodedata

    body = unicodedata.normalize("NFD", PAPER.replace("목표 문장", "목표\x00 문장"))
    data = b"\xef\xbb\xbf" + post("title: t", body).replace(b"\n", b"\r\n")
    digest, diags = read(data)
    assert digest is not None
    assert codes(diags) == ["control-char"] and diags.items[0].severity == "warning"
    goal = digest.papers[0].sections[0].items[0]
    assert goal.text == "목표 문장." and unicodedata.is_normalized("NFC", goal.text)
    assert goal.line == 10


def test_invalid_utf8_is_an_error_with_position() -> None:
    digest, diags = read(post("title: t") + b"\n\xff\xfe broken")
    assert digest is None
    assert codes(diags) == ["encoding"] and diags.items[0].line > 1


def test_utf16_with_bom_reads() -> None:
    digest, diags = read(post("title: t").decode().encode("utf-16"))
    assert digest is not None and not diags.failed()


# ------------------------------------------------------------------------- body


def test_heading_levels_split_links_and_arxiv_forms() -> None:
    body = (
        "## 1. [A](http://arxiv.org/abs/2508.21824v1)\n\n"
        "### 2. [B](https://export.arxiv.org/pdf/hep-th/9901001v2.pdf)\n\n"
        "# 3. [Long title\nwrapped](https://www.arxiv.org/html/2509.26328)\n\n"
        "# 4. [Blog](https://example.org/paper)\n"
    )
    digest, diags = read(post("title: t", body))
    assert digest is not None, [d.format() for d in diags]
    got = [(p.rank, p.title, str(p.arxiv) if p.arxiv else None) for p in digest.papers]
    assert got == [
        (1, "A", "2508.21824v1"),
        (2, "B", "hep-th/9901001v2"),
        (3, "Long title wrapped", "2509.26328"),
        (4, "Blog", None),
    ]


def test_paper_heading_without_link_is_an_error_in_a_digest() -> None:
    third = PAPER.replace("# 1.", "# 3.").replace("2509.26328", "2509.26329")
    body = PAPER + "\n# 2. A paper without a link\n\nNo link anywhere in its block.\n" + third
    digest, diags = read(post("title: t", body))
    assert digest is None
    err = next(d for d in diags if d.code == "paper-no-link")
    assert err.severity == "error" and err.line == 4 + PAPER.count("\n") + 1


def test_home_dialect_keeps_unlinked_headings_errors() -> None:
    """In the home blog's dialect a trailing unlinked "# N." heading stays an error, as before
    (the general reader keeps such a section after the papers as text, see tests/readers)."""
    body = PAPER + "\n# 2. A paper without a link\n"
    digest, diags = read(post("title: t", body))
    assert digest is None and "paper-no-link" in codes(diags)


def test_numbered_headings_without_links_are_not_a_digest() -> None:
    """A tech note's "# 1. Set-up" headings are text, not papers without links."""
    digest, diags = read(post("title: t", "# 1. A heading without a link\n\n# 2. Another\n"))
    assert digest is not None and digest.papers == ()
    assert "no-papers" in codes(diags) and not diags.failed()


def test_duplicate_paper_warns_and_keeps_both() -> None:
    digest, diags = read(post("title: t", PAPER + PAPER.replace("# 1.", "# 2.")))
    assert digest is not None and len(digest.papers) == 2
    assert codes(diags) == ["duplicate-paper"]


def test_sections_any_order_unknown_kept_and_nested_lists() -> None:
    body = (
        "# 1. [T](https://arxiv.org/abs/2509.26328)\n\n"
        "## Conclusion\n끝.\n\n"
        "## Introduction\n- 목표: 가\n  - 중첩 항목\n- 동기: 나\n\n"
        "## Datasets\n- X\n\n"
        "## Results\n- 정보 부족\n"
    )
    digest, diags = read(post("title: t", body))
    assert digest is not None
    paper = digest.papers[0]
    assert [s.kind for s in paper.sections] == ["conclusion", "introduction", "other", "results"]
    assert paper.sections[2].heading == "Datasets"
    intro = paper.sections[1]
    assert intro.items[0].label == "goal" and intro.items[0].text == "가\n- 중첩 항목"
    assert intro.items[1].label_text == "동기"
    assert paper.sections[3].placeholder
    assert "unknown-section" in codes(diags)


def test_raw_html_stays_literal_text() -> None:
    body = "# 1. [<script>alert(1)</script> T](https://arxiv.org/abs/2509.26328)\n\n## Method\n<b>굵게</b>\n"
    digest, _ = read(post("title: t", body))
    assert digest is not None
    assert digest.papers[0].title == "<script>alert(1)</script> T"
    assert digest.papers[0].sections[0].items[0].text == "<b>굵게</b>"


def test_text_outside_papers_is_kept() -> None:
    digest, diags = read(post("title: t", "서문입니다.\n" + PAPER))
    assert digest is not None and digest.preamble[0].text == "서문입니다."
    assert codes(diags) == ["stray-text"]


def test_site_config_found_from_posts_folder(samples_site: Path) -> None:
    result = read_paths([str(samples_site / "_posts" / "2025-10-08-daily-papers.md")])
    assert result.corpus.site.timezone == "Asia/Seoul"
    assert (
        result.corpus.digests[0].url
        == "https://dailypapers.example.org/dailypaper/2025/10/08/daily-papers/"
    )


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    result = read_paths([str(tmp_path / "nope"), str(tmp_path)])
    assert [d.code for d in result.diagnostics] == ["not-found", "no-posts"]


def test_every_markdown_extension_jekyll_reads(tmp_path: Path) -> None:
    """Jekyll's default markdown_ext: md, markdown, mkdown, mkdn, mkd; others are not posts."""
    for n, ext in enumerate(("md", "markdown", "mkdown", "mkdn", "mkd", "txt", "html"), 1):
        (tmp_path / f"2025-01-0{n}-x.{ext}").write_bytes(post("title: t"))
    result = read_paths([str(tmp_path)])
    assert sorted(d.date.day for d in result.corpus.digests) == [1, 2, 3, 4, 5]


def test_symlink_loop_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "2025-01-01-x.md").write_bytes(post("title: t"))
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    result = read_paths([str(tmp_path)])
    assert len(result.corpus.digests) == 1
    assert "symlink-loop" in [d.code for d in result.diagnostics]


def test_paper_anchors_are_kramdowns_gfm_ids() -> None:
    """Expected ids as `jekyll build` (kramdown GFM) produced them for the same headings."""
    body = (
        "# 9. [<think> So let's replace </think> Lessons -- x](https://arxiv.org/abs/2509.08358)\n\n"
        "## Method\n\n"
        '# 3. [Mixing  In-Context: A---B "q" 3.5](https://arxiv.org/abs/2509.00001)\n\n'
        "## Method\n"
    )
    digest, _ = read(post("title: t", body))
    assert digest is not None
    assert [p.anchor for p in digest.papers] == [
        "9--so-lets-replace--lessons--x",
        "3-mixing--in-context-ab-q-35",
    ]


@pytest.mark.parametrize(
    ("written", "authors", "affiliations"),
    [
        (
            "Xinhao Li, Yuhan Zhu, et al. (27 authors, MCG-NJU / Nanjing University)",
            ("Xinhao Li", "Yuhan Zhu", "et al."),
            ("MCG-NJU / Nanjing University",),
        ),
        ("Jinyang Wu, Shuo Yang, et al. (11 authors)", ("Jinyang Wu", "Shuo Yang", "et al."), ()),
        ("Kim et al. (Google, MIT)", ("Kim", "et al."), ("Google", "MIT")),
        ("Wang et al.", ("Wang", "et al."), ()),
        ("Ana Pérez y Luis Gómez", ("Ana Pérez", "Luis Gómez"), ()),
        ("김철수 외 3명", ("김철수", "et al."), ()),
    ],
)
def test_an_et_al_note_names_affiliations_not_an_author(
    written: str, authors: tuple[str, ...], affiliations: tuple[str, ...]
) -> None:
    """ "…, et al. (27 authors, Org)" was read as an author "al. (27 authors, Org)" (``et``
    is French for "and"); the note's organisations are the paper's affiliations."""
    post = (
        "---\ntitle: T\ndate: 2025-01-02\n---\n\n"
        f"# 1. [A paper](https://arxiv.org/abs/2501.00001)\n\n**Authors:** {written}\n"
    )
    digest = read_post(post.encode("utf-8"), "2025-01-02-t.md", Site(), Diagnostics())
    assert digest is not None
    paper = digest.papers[0]
    assert (paper.authors, paper.affiliations) == (authors, affiliations)


@pytest.mark.parametrize(
    "entry",
    [
        "1. **{t}** ([arXiv](https://arxiv.org/abs/{i}))",
        "1. **{t}** [arXiv](https://arxiv.org/abs/{i})\n\n   More about it.",
        "1. **{t}** ([PDF](https://arxiv.org/pdf/{i}))\n   - More about it.",
        "## 1. {t} ([arXiv](https://arxiv.org/abs/{i}))\n\nMore about it.",
    ],
)
def test_a_kind_of_link_beside_the_title_is_the_papers(entry: str) -> None:
    """ "**Title** ([arXiv](…))": the link beside a title, labelled with the kind of link, is
    the paper's own; it was lost (an error: "has no link") or left "()" in the title."""
    body = "\n\n".join(
        entry.replace("1.", f"{n}.", 1).format(t=t, i=i)
        for n, (t, i) in enumerate(
            [("Seeing Better", "2501.00001"), ("Depth Anything Again", "2501.00002")], 1
        )
    )
    post = f"---\ntitle: T\ndate: 2025-01-02\n---\n\n{body}\n"
    diagnostics = Diagnostics()
    digest = read_post(post.encode("utf-8"), "2025-01-02-t.md", Site(), diagnostics)
    assert digest is not None and not diagnostics.failed(False)
    assert [(p.title, p.arxiv and p.arxiv.id) for p in digest.papers] == [
        ("Seeing Better", "2501.00001"),
        ("Depth Anything Again", "2501.00002"),
    ]
    assert all(
        "heading_extra" not in p.fields or "(" not in str(p.fields["heading_extra"])
        for p in digest.papers
    )


def test_entries_grouped_under_list_items_are_read() -> None:
    """A digest sorted by topic nests its entries one list deeper ("- **Vision**" over
    numbered entries); the groups' names are digest text, and an entry's fields (its
    sub-bullets naming one paper) do not make it a group."""
    post = """---
title: T
date: 2025-01-02
---

Today's picks, by topic.

- **Vision**
  1. [Seeing Better](https://arxiv.org/abs/2501.00001) — a new backbone.
  2. [Depth Anything Again](https://arxiv.org/abs/2501.00002) — depth at scale.
- **Language**
  1. [Long Context Tricks](https://arxiv.org/abs/2501.00003) — interpolation revisited.
     - Authors: A. Smith, B. Lee
  2. [Small Models Reason](https://huggingface.co/papers/2501.00004) — distillation.
- **Not a group** - 👍 12
  - [HF page](https://huggingface.co/papers/2501.00005)
  - [Paper](https://arxiv.org/abs/2501.00005)
"""
    digest = read_post(post.encode("utf-8"), "2025-01-02-t.md", Site(), Diagnostics())
    assert digest is not None
    assert [(p.title, p.arxiv and p.arxiv.id) for p in digest.papers] == [
        ("Seeing Better", "2501.00001"),
        ("Depth Anything Again", "2501.00002"),
        ("Long Context Tricks", "2501.00003"),
        ("Small Models Reason", "2501.00004"),
        ("Not a group", "2501.00005"),
    ]
    assert digest.papers[2].authors == ("A. Smith", "B. Lee")
    assert [i.text for i in digest.preamble] == [
        "Today's picks, by topic.",
        "**Vision**",
        "**Language**",
    ]


def test_fields_after_a_full_width_colon_need_no_space() -> None:
    """CJK text writes "作者：张三" with no space after the full-width colon."""
    post = """---
title: 今日论文
date: 2025-02-08
---

### 1. 更好的视觉

- 论文链接：https://arxiv.org/abs/2501.00001
- 作者：张三，李四
- 摘要：一个新的骨干网络。

### 2. 深度估计

- 论文链接：https://arxiv.org/abs/2501.00002
- 作者：王五
- 摘要：大规模单目深度。
"""
    digest = read_post(post.encode("utf-8"), "2025-02-08-t.md", Site(), Diagnostics())
    assert digest is not None
    assert [(p.title, p.authors, p.abstract) for p in digest.papers] == [
        ("更好的视觉", ("张三", "李四"), "一个新的骨干网络。"),
        ("深度估计", ("王五",), "大规模单目深度。"),
    ]


def test_an_address_written_beside_a_list_title_is_the_papers_link() -> None:
    post = """---
title: Papers
date: 2025-02-06
---

1. Seeing Better — https://arxiv.org/abs/2501.00001
2. Depth Anything Again - arXiv:2501.00002
"""
    diagnostics = Diagnostics()
    digest = read_post(post.encode("utf-8"), "2025-02-06-t.md", Site(), diagnostics)
    assert digest is not None and not diagnostics.failed(False)
    assert [(p.title, p.url, dict(p.fields)) for p in digest.papers] == [
        ("Seeing Better", "https://arxiv.org/abs/2501.00001", {}),
        ("Depth Anything Again", "https://arxiv.org/abs/2501.00002", {}),
    ]


def test_bold_fields_on_one_line_may_be_separated_by_a_middle_dot() -> None:
    post = """---
title: Papers
date: 2025-03-02
---

### Seeing Better
**arXiv:** [2501.00001](https://arxiv.org/abs/2501.00001) · **Upvotes:** 120

A new backbone.

### Depth Anything Again
**arXiv:** [2501.00002](https://arxiv.org/abs/2501.00002) · **Upvotes:** 80
"""
    digest = read_post(post.encode("utf-8"), "2025-03-02-t.md", Site(), Diagnostics())
    assert digest is not None
    assert [(p.url, dict(p.fields)) for p in digest.papers] == [
        ("https://arxiv.org/abs/2501.00001", {"Upvotes": "120"}),
        ("https://arxiv.org/abs/2501.00002", {"Upvotes": "80"}),
    ]
