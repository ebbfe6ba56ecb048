"""Unit tests of the Anki exporter on hand-built models (the real Anki is in test_anki_backend)."""

from __future__ import annotations

import csv
import io
import random
import re
import time
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digestconv.arxiv import parse_id
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki import AnkiExporter
from digestconv.exporters.anki.cards import (
    DeckTemplate,
    build_notes,
    cloze_fields,
    cloze_name,
    normalise_tag,
    note_guid,
    parse_kinds,
)
from digestconv.exporters.anki.csvfile import HEADER
from digestconv.exporters.anki.fields import NameMatcher, cloze_html, formula_safe
from digestconv.model import Corpus, Digest, Item, Link, Paper, Section, Site, SourceSpan
from digestconv.options import OptionError, fields_of, from_config
from digestconv.plugins import Exporter, ExportError

KST = timezone(timedelta(hours=9))


def paper(
    title: str = "Fast-dLLM v2: Efficient Block-Diffusion LLM",
    arxiv: str | None = "2509.26328",
    *,
    goal: str = "Fast-dLLM v2를 제안한다.",
    labelled: bool = True,
    rank: int = 1,
    extra: tuple[Section, ...] = (),
) -> Paper:
    labels = (("goal", "Goal"), ("motivation", "Motivation"), ("contribution", "Contribution"))
    texts = (goal, "동기 문장.", "기여 문장.")
    items = tuple(
        Item(text, label if labelled else None, shown if labelled else None)  # type: ignore[arg-type]
        for (label, shown), text in zip(labels, texts, strict=True)
    )
    url = f"https://arxiv.org/abs/{arxiv}" if arxiv else "https://example.org/p"
    return Paper(
        rank=rank,
        title=title,
        url=url,
        arxiv=parse_id(arxiv) if arxiv else None,
        anchor=f"p{rank}",
        links=(Link("Alphaxiv", f"https://www.alphaxiv.org/ko/overview/{arxiv}", "alphaxiv"),),
        sections=(Section("introduction", "Introduction", items), *extra),
        source=SourceSpan("post.md", 10 * rank, 10 * rank + 5),
    )


def digest(day: str, *papers: Paper, tags: tuple[str, ...] = ("papers",), **meta: object) -> Digest:
    date = datetime.fromisoformat(f"{day}T08:15:00").replace(tzinfo=KST)
    return Digest(
        source=SourceSpan(f"_posts/{day}-daily-papers.md", 1, 50),
        title=f"Daily Papers — {day}",
        date=date,
        slug="daily-papers",
        path=f"/{day}/",
        url=None,
        post_id=f"/{day}",
        tags=tags,
        papers=papers,
        meta=meta,
    )


def corpus(*digests: Digest) -> Corpus:
    return Corpus(Site(title="Daily Papers"), digests)


def run(c: Corpus, **options: object) -> tuple[bytes, Diagnostics]:
    diagnostics = Diagnostics()
    return AnkiExporter().export(c, AnkiExporter.Options(**options), diagnostics), diagnostics


def rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    body = "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith("#"))
    return list(csv.reader(io.StringIO(body)))


# --------------------------------------------------------------------------- CSV shape


def test_exporter_satisfies_the_protocol() -> None:
    assert isinstance(AnkiExporter(), Exporter)
    assert AnkiExporter.name == "anki"
    names = {f.name for f in fields_of(AnkiExporter.Options)}
    assert names == {"format", "cards", "deck", "notetype_basic", "notetype_cloze"}
    assert AnkiExporter().outputs(AnkiExporter.Options(format="apkg")).suffix == ".apkg"
    assert AnkiExporter().outputs(AnkiExporter.Options()).suffix == ".csv"
    targets = {t.output: dict(t.options) for t in AnkiExporter.build_targets}
    assert targets == {"cards.csv": {}, "cards.apkg": {"format": "apkg"}}


def test_csv_headers_and_quoting() -> None:
    data, _ = run(corpus(digest("2025-10-08", paper())))
    text = data.decode("utf-8")
    assert text.startswith(HEADER)
    headers = [ln for ln in text.splitlines() if ln.startswith("#")]
    assert headers == [
        "#separator:Comma",
        "#html:true",
        "#guid column:1",
        "#notetype column:2",
        "#deck column:3",
        "#tags column:6",
        "#if matches:update current",
        "#columns:GUID,Notetype,Deck,Field 1,Field 2,Tags",
    ]
    assert not any(h.startswith("#tags:") for h in headers)
    body = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert len(body) == 2 and all(ln.startswith('"') and ln.endswith('"') for ln in body)
    summary, cloze = rows(data)
    assert summary[1:3] == ["Basic", "Daily Papers::2025-10"]
    assert cloze[1] == "Cloze"
    assert summary[5] == "digest::2025-10-08 arxiv::2509.26328 papers"
    assert "{{c1::Fast-dLLM v2}}를 제안한다." in cloze[3]
    assert "arxiv.org/abs/2509.26328" in summary[4] and "alphaxiv.org" in summary[4]


def test_output_is_deterministic() -> None:
    c = corpus(digest("2025-10-08", paper(), paper("Other: x", "2510.00001", rank=2)))
    assert run(c)[0] == run(c)[0]


def test_configured_names_deck_and_kinds() -> None:
    method = Section("method", "Method", (Item("방법 설명.", bullet=False),))
    limits = Section("limitations", "Limitations", (Item("정보 부족."),), placeholder=True)
    c = corpus(digest("2025-10-08", paper(extra=(method, limits))))
    data, _ = run(
        c,
        cards="method,limitations,summary",
        deck="논문::{year}::{month}-{day} ({date})",
        notetype_basic="Einfach",
        notetype_cloze="Lückentext",
    )
    got = rows(data)
    assert [r[1] for r in got] == ["Einfach", "Einfach"]  # no cloze, placeholder skipped
    assert {r[2] for r in got} == {"논문::2025::10-08 (2025-10-08)"}
    assert "<p>방법 설명.</p>" in got[1][4] and "Method" in got[1][3]


# --------------------------------------------------------------------------- identity


def test_guid_depends_on_paper_and_kind_only() -> None:
    a = build_notes(
        corpus(digest("2025-10-08", paper())), parse_kinds(None), DeckTemplate("D"), Diagnostics()
    )
    edited = paper("Renamed: entirely", "2509.26328v3", goal="전혀 다른 목표.")
    b = build_notes(
        corpus(digest("2025-12-01", edited)), parse_kinds(None), DeckTemplate("E"), Diagnostics()
    )
    assert [n.guid for n in a] == [n.guid for n in b]
    assert a[0].guid == note_guid("arxiv:2509.26328", "summary") != a[1].guid
    assert re.fullmatch(r"dc[0-9A-Za-z]+", a[0].guid)


def test_repeated_paper_is_one_note_with_every_digest_tag() -> None:
    first = digest("2025-10-08", paper(), tags=("papers",))
    again = digest(
        "2025-11-01", paper("Fast-dLLM v2: again", goal="다른 요약."), tags=("Papers", "new tag")
    )
    data, diagnostics = run(corpus(first, again))
    got = rows(data)
    assert len(got) == 2
    assert "Efficient Block-Diffusion" in got[0][3]  # first appearance wins
    assert got[0][2] == "Daily Papers::2025-10"
    assert got[0][5] == "digest::2025-10-08 digest::2025-11-01 arxiv::2509.26328 papers new_tag"
    notes = [d for d in diagnostics if d.code == "export"]
    assert len(notes) == 1 and notes[0].severity == "note"
    assert notes[0].path == "post.md" and notes[0].line == 10


def test_mtime_from_last_modified_at() -> None:
    c = corpus(
        digest("2025-10-08", paper(), last_modified_at="2025-10-20 10:00:00 +0900"),
        digest("2025-10-09", paper("B: b", "2510.00002"), last_modified_at="not a date"),
    )
    notes = build_notes(c, parse_kinds(None), DeckTemplate("D"), diagnostics := Diagnostics())
    assert notes[0].mtime == int(datetime(2025, 10, 20, 1, 0, tzinfo=timezone.utc).timestamp())
    assert notes[2].mtime == int(c.digests[1].date.timestamp())
    assert [d.severity for d in diagnostics] == ["warning"]


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"cards": "summary,bogus"}, "unknown card kind bogus"),
        ({"cards": " , "}, "no card kind"),
        ({"deck": "D::{year.__class__}"}, "unknown field"),
        ({"deck": "D::{title}"}, "unknown field"),
        ({"deck": "D::{"}, "--deck"),
        ({"deck": "=D{year}"}, "formula"),
        ({"deck": " :: "}, "empty deck name"),
        ({"notetype_basic": "-Basic"}, "formula"),
        ({"notetype_cloze": " Cloze"}, "surrounding spaces"),
    ],
)
def test_bad_options_are_export_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(ExportError, match=re.escape(message)):
        run(corpus(digest("2025-10-08", paper())), **options)


def test_apkg_is_a_binary_output_and_csv_is_text() -> None:
    """The core refuses a binary output without -o; the exporter only says which it is."""
    assert AnkiExporter().outputs(AnkiExporter.Options(format="apkg")).binary
    assert AnkiExporter().outputs(AnkiExporter.Options(format="apkg")).suffix == ".apkg"
    assert not AnkiExporter().outputs(AnkiExporter.Options()).binary


def test_unknown_format_is_refused_by_its_declaration() -> None:
    with pytest.raises(OptionError, match="csv, apkg"):
        from_config(AnkiExporter.Options, {"format": "docx"}, "digestconv.anki")


def test_cards_from_a_configuration_list() -> None:
    assert parse_kinds(["cloze", "summary"]) == ("summary", "cloze")
    assert parse_kinds("results , method") == ("method", "results")


# --------------------------------------------------------------------------- fields


def test_unlabelled_intro_by_position_and_korean_labels() -> None:
    data, _ = run(corpus(digest("2025-10-08", paper(labelled=False))))
    summary = rows(data)[0][4]
    assert "<b>Goal:</b> Fast-dLLM v2를 제안한다." in summary
    assert "<b>Contribution:</b> 기여 문장." in summary and "동기" not in summary
    korean = paper(extra=())
    intro = korean.sections[0]
    items = (Item("목표 문장.", "goal", "목표"), Item("기여.", "contribution", "기여"))
    korean = replace(korean, sections=(Section("introduction", "소개", items),))
    summary = rows(run(corpus(digest("2025-10-08", korean)))[0])[0][4]
    assert "<b>목표:</b> 목표 문장." in summary and intro.items


def test_cloze_name_and_fallback() -> None:
    assert cloze_name("Fast-dLLM v2: Efficient") == "Fast-dLLM v2"
    assert cloze_name("Re:Search engines") == "Re:Search engines"
    fields = cloze_fields(
        paper("Scone: Bridging", goal="주제 생성 방법을 제안한다."), digest("2025-10-08")
    )
    assert fields is not None
    assert fields[0].startswith('<div class="dc-cloze">{{c1::Scone}}: 주제 생성')


def test_cloze_never_inside_a_link_address() -> None:
    html_in = '<a href="https://x.org/Name">Name</a> and Name'
    out, count = cloze_html(html_in, NameMatcher("Name"))
    assert count == 2
    assert out == '<a href="https://x.org/Name">{{c1::Name}}</a> and {{c1::Name}}'


def test_name_matcher() -> None:
    assert NameMatcher("Fast-dLLM v2").spans("fast-dllm V2를 제안, Fast-dLLM v20 아님") == [(0, 12)]
    assert NameMatcher("İx").spans("İx and iİx") == [(0, 2)]  # lower() changes the length
    assert NameMatcher("  ").spans("anything") == []


def test_formula_safe() -> None:
    for first in "=+-@":
        cell = formula_safe(first + "SUM(A1)")
        assert cell[0] == "&" and cell.endswith("SUM(A1)")
    assert formula_safe("<div>=x</div>") == "<div>=x</div>"


def test_normalise_tag() -> None:
    assert normalise_tag("two  words\there") == "two_words_here"
    assert normalise_tag("::a::::b::") == "a::b"
    assert normalise_tag("../../x") == "../../x"


_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)\}\}", re.S)


@settings(max_examples=150, deadline=None)
@given(
    name=st.text(min_size=1, max_size=20).filter(lambda s: ":" not in s.strip()[-1:]),
    before=st.text(max_size=40),
    after=st.text(max_size=40),
)
def test_cloze_syntax_cannot_break(name: str, before: str, after: str) -> None:
    """Whatever the title and the text, the Text field holds only our c1 deletions."""
    title = f"{name}: subtitle"
    p = paper(title, goal=f"{before}{name}{after}")
    fields = cloze_fields(p, digest("2025-10-08"))
    assert fields is not None
    text = fields[0]
    deletions = _CLOZE.findall(text)
    assert deletions, text
    assert {n for n, _ in deletions} == {"1"}
    for _, inner in deletions:
        assert "::" not in inner and "{" not in inner and "}" not in inner
    rest = _CLOZE.sub("", text)
    assert "{{" not in rest and "}}" not in rest and "[" not in rest and "\\" not in rest
    assert "<script" not in text


# --------------------------------------------------------------------------- .apkg


def test_apkg_is_byte_identical_whatever_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    c = corpus(
        digest("2025-10-08", paper(), paper("Other: x", "2510.00001", rank=2)),
        digest("2025-11-02", paper("Third: y", "2511.00003")),
    )
    first, _ = run(c, format="apkg")
    random.seed(12345)
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.5)
    second, _ = run(c, format="apkg")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["collection.anki2", "media"]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_apkg_of_nothing_still_imports() -> None:
    data, _ = run(corpus(), format="apkg")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("media") == b"{}"
