"""Proof with the real Anki backend (PyPI ``anki``): the CSV and the .apkg import cleanly.

Every import goes through the calls the desktop importer makes:
``get_csv_metadata`` on the file (so our header lines decide separator, HTML,
columns and duplicate handling) and ``import_csv`` with that metadata;
``import_anki_package`` with the desktop's default options for packages.
The backend is started once per collection and collections are shared where a
test only reads, to keep this file fast.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("anki")

from anki._backend import RustBackend
from anki.collection import Collection, ImportAnkiPackageRequest, ImportCsvRequest
from anki.import_export_pb2 import ImportAnkiPackageOptions
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition as Update

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki import AnkiExporter
from digestconv.exporters.anki.apkg import CLOZE_MODEL, PAPER_MODEL
from digestconv.exporters.anki.cards import (
    DEFAULT_DECK,
    AnkiNote,
    DeckTemplate,
    build_notes,
    note_guid,
    parse_kinds,
)
from digestconv.model import Corpus
from digestconv.reader import read_paths

ALL_KINDS = "summary,cloze,method,results,limitations"
DIGESTCONV_TYPES = {"notetype_basic": PAPER_MODEL, "notetype_cloze": CLOZE_MODEL}


# --------------------------------------------------------------------------- helpers


def export(corpus: Corpus, **options: object) -> bytes:
    return AnkiExporter().export(corpus, AnkiExporter.Options(**options), Diagnostics())


def expected_notes(corpus: Corpus, cards: str = "summary,cloze") -> list[AnkiNote]:
    return build_notes(corpus, parse_kinds(cards), DeckTemplate(DEFAULT_DECK), Diagnostics())


def new_collection(folder: Path, lang: str | None = None) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    backend = RustBackend(langs=[lang]) if lang else None
    return Collection(str(folder / "collection.anki2"), backend=backend)


def import_csv(col: Collection, data: bytes, path: Path) -> Any:
    """What the desktop importer does: metadata from the file's headers, then import."""
    path.write_bytes(data)
    metadata = col.get_csv_metadata(str(path), None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def import_apkg(
    col: Collection, data: bytes, path: Path, always: bool = False, merge: bool = False
) -> Any:
    """The desktop's defaults for packages: update notes and note types if newer;
    ``merge`` ticks the dialog's "Merge note types" box."""
    path.write_bytes(data)
    condition = (
        Update.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS
        if always
        else Update.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
    )
    options = ImportAnkiPackageOptions(
        merge_notetypes=merge,
        update_notes=condition,
        update_notetypes=Update.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        with_scheduling=False,
        with_deck_configs=False,
    )
    request = ImportAnkiPackageRequest(package_path=str(path), options=options)
    return col.import_anki_package(request).log


def counts(log: Any) -> dict[str, int]:
    return {
        "new": len(log.new),
        "updated": len(log.updated),
        "duplicate": len(log.duplicate),
        "conflicting": len(log.conflicting),
        "first_field_match": len(log.first_field_match),
        "missing_notetype": len(log.missing_notetype),
        "missing_deck": len(log.missing_deck),
        "empty_first_field": len(log.empty_first_field),
    }


def clean(log: Any, new: int = 0, updated: int = 0, duplicate: int = 0) -> dict[str, int]:
    return {
        "new": new,
        "updated": updated,
        "duplicate": duplicate,
        "conflicting": 0,
        "first_field_match": 0,
        "missing_notetype": 0,
        "missing_deck": 0,
        "empty_first_field": 0,
    }


@dataclass(frozen=True)
class Stored:
    guid: str
    notetype: str
    fields: tuple[str, ...]
    tags: frozenset[str]
    decks: frozenset[str]
    cards: int
    mod: int


def stored_notes(col: Collection) -> dict[str, Stored]:
    out: dict[str, Stored] = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        cards = note.cards()
        out[note.guid] = Stored(
            guid=note.guid,
            notetype=note.note_type()["name"],  # type: ignore[index]
            fields=tuple(note.fields),
            tags=frozenset(t.casefold() for t in note.tags),
            decks=frozenset(col.decks.name(c.did) for c in cards),
            cards=len(cards),
            mod=note.mod,
        )
    return out


def assert_equal_model(
    col: Collection,
    notes: Sequence[AnkiNote],
    basic: str = "Basic",
    cloze: str = "Cloze",
    check_mod: bool = False,
) -> None:
    """Every note Anki holds is exactly the note we meant: fields, tags, deck, type, cards."""
    stored = stored_notes(col)
    assert set(stored) == {n.guid for n in notes}
    for note in notes:
        got = stored[note.guid]
        assert got.notetype == (cloze if note.is_cloze else basic)
        assert got.fields == note.fields, note.guid
        assert got.tags == {t.casefold() for t in note.tags}, note.guid
        assert got.decks == {note.deck}
        assert got.cards == 1, f"{note.guid} made {got.cards} cards"
        if check_mod:
            assert got.mod == note.mtime
    for got in stored.values():
        for value in got.fields:
            assert "<script" not in value.lower()


def csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    return list(csv.reader(io.StringIO(body)))


def nid_for(col: Collection, guid: str) -> Any:
    """The note id of a GUID (Anki's search has no GUID term)."""
    assert col.db is not None
    nid = col.db.scalar("select id from notes where guid = ?", guid)
    assert nid, guid
    return nid


def shown(col: Collection, guid: str) -> str:
    """The question side as Anki renders it, reduced to the text a reader sees."""
    card = col.get_note(nid_for(col, guid)).cards()[0]
    question = re.sub(r"<style>.*?</style>", "", card.question(), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", question))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def samples_imported(
    samples_corpus: Corpus, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Collection, bytes, Any, Path]:
    folder = tmp_path_factory.mktemp("anki-samples")
    col = new_collection(folder / "profile")
    data = export(samples_corpus, cards=ALL_KINDS)
    log = import_csv(col, data, folder / "cards.csv")
    return col, data, log, folder


# --------------------------------------------------------------------------- samples


def test_samples_import_cleanly(
    samples_imported: tuple[Collection, bytes, Any, Path], samples_corpus: Corpus
) -> None:
    col, _, log, _ = samples_imported
    notes = expected_notes(samples_corpus, ALL_KINDS)
    assert counts(log) == clean(log, new=len(notes))
    assert_equal_model(col, notes)
    # Independent of our note builder: one summary and one cloze per distinct paper.
    keys = {p.key for _, p in samples_corpus.papers()}
    stored = stored_notes(col)
    for key in keys:
        assert note_guid(key, "summary") in stored
        assert note_guid(key, "cloze") in stored
    decks = {f"Daily Papers::{d.date:%Y-%m}" for d in samples_corpus.digests}
    assert set(col.decks.all_names()) >= decks | {"Daily Papers"}
    for digest in samples_corpus.digests:
        for paper in digest.papers:
            got = stored[note_guid(paper.key, "summary")]
            assert f"digest::{digest.date:%Y-%m-%d}" in got.tags
            assert paper.arxiv is not None
            assert f"arxiv::{paper.arxiv.id}".casefold() in got.tags
            assert {t.casefold() for t in digest.tags} <= got.tags
            front = html.unescape(re.sub(r"<[^>]+>", "", got.fields[0]))
            assert paper.title in front
            assert f"arXiv:{paper.arxiv.id}" in front


def test_placeholder_sections_make_no_card(
    samples_imported: tuple[Collection, bytes, Any, Path], samples_corpus: Corpus
) -> None:
    col, _, _, _ = samples_imported
    stored = stored_notes(col)
    placeholders = 0
    for _, paper in samples_corpus.papers():
        for kind in ("method", "results", "limitations"):
            sections = [s for s in paper.sections if s.kind == kind]
            live = any(not s.placeholder and s.items for s in sections)
            assert (note_guid(paper.key, kind) in stored) == live
            placeholders += not live and bool(sections)
    assert placeholders > 0  # the samples do hold "정보 부족" sections


def test_cloze_cards_hide_the_name(samples_imported: tuple[Collection, bytes, Any, Path]) -> None:
    col, _, _, _ = samples_imported
    card = col.get_note(nid_for(col, note_guid("arxiv:2509.26328", "cloze"))).cards()[0]
    assert "Fast-dLLM v2" not in re.sub(r"<[^>]+>", "", card.question())
    assert "[...]" in card.question()
    assert "Fast-dLLM v2" in card.answer()


def test_reimport_adds_nothing(
    samples_imported: tuple[Collection, bytes, Any, Path], samples_corpus: Corpus
) -> None:
    col, data, _, folder = samples_imported
    log = import_csv(col, data, folder / "again.csv")
    total = len(expected_notes(samples_corpus, ALL_KINDS))
    assert counts(log) == clean(log, duplicate=total)
    assert col.note_count() == total


def test_edited_posts_update_exactly_the_changed_notes(samples_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(samples_site, site)
    before = read_paths([str(site)]).corpus
    col = new_collection(tmp_path / "profile")
    assert counts(import_csv(col, export(before), tmp_path / "1.csv"))["new"] > 0

    # Edit one Goal sentence and one title in place, and add a post that repeats a paper.
    post = site / "_posts" / "2025-10-08-daily-papers.md"
    text = post.read_text(encoding="utf-8")
    text = text.replace("병렬 텍스트 생성을 실현하는", "병렬 생성을 실현하는", 1)
    text = text.replace("Towards High Quality 4D Shape", "Towards Better 4D Shape", 1)
    post.write_text(text, encoding="utf-8")
    (site / "_posts" / "2026-01-05-daily-papers.md").write_text(
        '---\ntitle: "Daily Papers — 2026-01-05"\ndate: 2026-01-05 08:15:00\ntags: [papers]\n---\n\n'
        "# 1. [Scone: Bridging Composition](https://arxiv.org/abs/2512.12675)\n\n"
        "## Introduction\n- Goal: 다시 소개한다.\n\n"
        "# 2. [NewOne: A Fresh Paper](https://arxiv.org/abs/2601.00001)\n\n"
        "## Introduction\n- Goal: NewOne을 제안한다.\n",
        encoding="utf-8",
    )
    after = read_paths([str(site)]).corpus
    old = {n.guid: n for n in expected_notes(before)}
    new = {n.guid: n for n in expected_notes(after)}
    changed = {g for g in old if g in new and old[g] != new[g]}
    added = set(new) - set(old)
    assert changed == {
        note_guid("arxiv:2509.26328", "summary"),  # goal sentence
        note_guid("arxiv:2509.26328", "cloze"),
        note_guid("arxiv:2510.06208", "summary"),  # title
        note_guid("arxiv:2510.06208", "cloze"),
        note_guid("arxiv:2512.12675", "summary"),  # repeated: new digest tag
        note_guid("arxiv:2512.12675", "cloze"),
    }
    assert added == {note_guid("arxiv:2601.00001", k) for k in ("summary", "cloze")}

    log = import_csv(col, export(after), tmp_path / "2.csv")
    assert counts(log) == clean(
        log, new=len(added), updated=len(changed), duplicate=len(old) - len(changed)
    )
    assert {col.get_note(u.id.nid).guid for u in log.updated} == changed  # type: ignore[attr-defined]
    assert_equal_model(col, list(new.values()))


# --------------------------------------------------------------------------- hostile posts

HOSTILE_POSTS = {
    "2025-01-02-hostile.md": """\
---
title: "Hostile <script>alert(1)</script>"
date: 2025-01-02 09:00:00
tags: [papers, "two words", "../../x", "a/b", "::lead::", "Papers", "=cmd", "@at", "#hash", "t\\"q"]
---

# 1. [=HYPERLINK("http://evil.example/","click"): {{c1::spoof}} ::x:: }}](https://arxiv.org/abs/2501.00001)

> [Alphaxiv](javascript:alert(1))

## Introduction
- Goal: =HYPERLINK("http://evil.example/","click") 모델은 <script>alert(1)</script> 과 <iframe src=x onload=alert(2)> 을 다룬다.
- Motivation: "quotes", commas, and
  a second line; tab\there.
- Contribution: [sound:boom.mp3] [latex]\\(x\\)[/latex] \\(y\\) {{c2::extra cloze}} }} :: 와 [link](javascript:alert(3)).

## Method
- +plus first
- -minus first
- @at first

## Results
정보 부족.

## Limitations
- 정보 부족

# 2. [A::B}}: hostile name](https://arxiv.org/abs/2501.00002)

## Introduction
- Goal: a::b}} 를 제안하며 A::B}} 는 </div></textarea>]]> -- 을 포함한다.

# 3. [No Colon Here](https://example.org/paper?id=1&x="y")

## Introduction
- Goal: 이 논문은 no colon here 라고 부른다.

# 4. [Only Placeholders: nothing](https://arxiv.org/abs/2501.00003)

## Introduction
- 정보 부족

## Method
정보 부족.

# 5. [=HYPERLINK("http://evil.example/","click"): {{c1::spoof}} ::x:: }}](https://arxiv.org/abs/2501.00001v2)

## Introduction
- Goal: 같은 논문이 한 글에 두 번.
""",
    "2025-02-03-repeat.md": """\
---
title: "Repeat"
date: 2025-02-03 09:00:00
tags: "-dash +plus"
---

# 1. [A::B}}: hostile name again](https://arxiv.org/abs/2501.00002v3)

## Introduction
- Goal: 두 번째 글.

# 2. [#Hash: first cell](https://arxiv.org/abs/2501.00004)

## Introduction
1. Goal: #hash 로 시작하는 줄.
""",
}


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("anki-hostile") / "_posts"
    folder.mkdir()
    for name, text in HOSTILE_POSTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = read_paths([str(folder)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
    assert len(result.corpus.papers()) == 7
    return result.corpus


@pytest.fixture(scope="module")
def hostile_imported(
    hostile_corpus: Corpus, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Collection, bytes, Any]:
    folder = tmp_path_factory.mktemp("anki-hostile-import")
    col = new_collection(folder / "profile")
    data = export(hostile_corpus, cards=ALL_KINDS)
    return col, data, import_csv(col, data, folder / "cards.csv")


def test_hostile_posts_import_cleanly(
    hostile_imported: tuple[Collection, bytes, Any], hostile_corpus: Corpus
) -> None:
    col, _, log = hostile_imported
    notes = expected_notes(hostile_corpus, ALL_KINDS)
    assert counts(log) == clean(log, new=len(notes))
    assert_equal_model(col, notes)  # includes: one card per note, no <script in any field
    # Five distinct papers (two are repeats); the placeholder-only paper has no cloze.
    summaries = [n for n in notes if n.kind == "summary"]
    assert len(summaries) == 5
    assert note_guid("arxiv:2501.00003", "cloze") not in {n.guid for n in notes}
    tags = stored_notes(col)[note_guid("arxiv:2501.00002", "summary")].tags
    assert {"digest::2025-01-02", "digest::2025-02-03", "-dash", "+plus"} <= tags
    tags = stored_notes(col)[note_guid("arxiv:2501.00001", "summary")].tags
    assert {"two_words", "../../x", "a/b", "lead", "papers", "=cmd", "@at", "#hash"} <= tags


def test_hostile_text_is_shown_as_written(
    hostile_imported: tuple[Collection, bytes, Any],
) -> None:
    col, _, _ = hostile_imported
    front = shown(col, note_guid("arxiv:2501.00001", "summary"))
    assert front.startswith('=HYPERLINK("http://evil.example/","click"): {{c1::spoof}} ::x:: }}')
    answer = (
        col.get_note(nid_for(col, note_guid("arxiv:2501.00001", "summary"))).cards()[0].answer()
    )
    text = html.unescape(re.sub(r"<[^>]+>", "", answer))
    assert "<script>alert(1)</script>" in text  # as text, not as an element
    assert "[sound:boom.mp3]" in text and "{{c2::extra cloze}}" in text
    assert "<script" not in answer and "javascript:" not in answer
    assert "[sound:" not in answer  # no media reference reached Anki
    # The hostile name is clozed whole: one card, the name hidden on the front.
    cloze = shown(col, note_guid("arxiv:2501.00002", "cloze"))
    assert "A::B}}" not in cloze and "a::b}}" not in cloze and "[...]" in cloze
    card = col.get_note(nid_for(col, note_guid("arxiv:2501.00002", "cloze"))).cards()[0]
    revealed = html.unescape(re.sub(r"<[^>]+>", "", card.answer()))
    assert "a::b}} 를 제안하며 A::B}} 는 </div></textarea>]]> --" in revealed


def test_no_cell_is_a_spreadsheet_formula(
    hostile_imported: tuple[Collection, bytes, Any],
) -> None:
    _, data, _ = hostile_imported
    rows = csv_rows(data)
    assert rows
    for row in rows:
        assert len(row) == 6
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell[:40]
    # Every data line is quoted, so no row can be mistaken for a "#" comment.
    for line in data.decode().splitlines():
        assert line.startswith(("#", '"')) or not line.startswith("#")


# --------------------------------------------------------------------------- shared corpus


def test_shared_corpus_imports_cleanly(shared_corpus: Corpus, tmp_path: Path) -> None:
    col = new_collection(tmp_path / "profile")
    data = export(shared_corpus)
    log = import_csv(col, data, tmp_path / "cards.csv")
    notes = expected_notes(shared_corpus)
    assert counts(log) == clean(log, new=len(notes))
    assert_equal_model(col, notes)
    keys = {p.key for _, p in shared_corpus.papers()}
    assert len([k for k in keys if k.startswith("arxiv:")]) == 717
    assert len([n for n in notes if n.kind == "summary"]) == len(keys)
    assert col.note_count() == len(notes)
    log = import_csv(col, data, tmp_path / "again.csv")
    assert counts(log) == clean(log, duplicate=len(notes))


# --------------------------------------------------------------------------- profiles


def test_german_profile_with_configured_note_types(samples_corpus: Corpus, tmp_path: Path) -> None:
    col = new_collection(tmp_path / "profile", lang="de_DE")
    names = {m["name"] for m in col.models.all()}
    assert {"Einfach", "Lückentext"} <= names and "Basic" not in names
    notes = expected_notes(samples_corpus)
    # The defaults name English note types: Anki reports them missing, adds nothing.
    log = import_csv(col, export(samples_corpus), tmp_path / "en.csv")
    assert len(log.missing_notetype) == len(notes) and not log.new
    data = export(samples_corpus, notetype_basic="Einfach", notetype_cloze="Lückentext")
    log = import_csv(col, data, tmp_path / "de.csv")
    assert counts(log) == clean(log, new=len(notes))
    assert_equal_model(col, notes, basic="Einfach", cloze="Lückentext")


# --------------------------------------------------------------------------- .apkg


def test_apkg_imports_with_its_note_types(samples_corpus: Corpus, tmp_path: Path) -> None:
    col = new_collection(tmp_path / "profile")
    data = export(samples_corpus, format="apkg")
    log = import_apkg(col, data, tmp_path / "cards.apkg")
    notes = expected_notes(samples_corpus)
    assert counts(log) == clean(log, new=len(notes))
    assert_equal_model(col, notes, basic=PAPER_MODEL, cloze=CLOZE_MODEL, check_mod=True)
    paper = col.models.by_name(PAPER_MODEL)
    cloze = col.models.by_name(CLOZE_MODEL)
    assert paper is not None and cloze is not None
    assert [f["name"] for f in paper["flds"]] == ["Front", "Back"]
    assert [f["name"] for f in cloze["flds"]] == ["Text", "Back Extra"]
    assert "word-break: keep-all" in paper["css"]
    # The package again: nothing new, nothing rewritten.
    log = import_apkg(col, data, tmp_path / "again.apkg")
    assert counts(log) == clean(log, duplicate=len(notes))


def test_apkg_then_csv_updates_without_duplicates(samples_site: Path, tmp_path: Path) -> None:
    """The documented path: import the .apkg once, then update with CSV exports."""
    site = tmp_path / "site"
    shutil.copytree(samples_site, site)
    corpus = read_paths([str(site)]).corpus
    col = new_collection(tmp_path / "profile")
    notes = expected_notes(corpus)
    assert counts(import_apkg(col, export(corpus, format="apkg"), tmp_path / "a.apkg"))[
        "new"
    ] == len(notes)

    # A CSV with the default note types cannot update notes of another type.
    log = import_csv(col, export(corpus), tmp_path / "basic.csv")
    assert len(log.conflicting) == len(notes) and not log.new and not log.updated

    log = import_csv(col, export(corpus, **DIGESTCONV_TYPES), tmp_path / "same.csv")
    assert counts(log) == clean(log, duplicate=len(notes))

    post = site / "_posts" / "2025-12-17-daily-papers.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("정확한 대상 구별 능력을", "정밀한 대상 구별 능력을", 1), "utf-8")
    edited = read_paths([str(site)]).corpus
    log = import_csv(col, export(edited, **DIGESTCONV_TYPES), tmp_path / "edited.csv")
    assert counts(log) == clean(log, updated=2, duplicate=len(notes) - 2)
    assert_equal_model(col, expected_notes(edited), basic=PAPER_MODEL, cloze=CLOZE_MODEL)

    # An .apkg of the edited posts: "update if newer" keeps the notes (same post date),
    # "always" brings the edit — and touches nothing else.
    apkg = export(edited, format="apkg")
    log = import_apkg(col, apkg, tmp_path / "e.apkg")
    assert counts(log) == clean(log, duplicate=len(notes))


def test_apkg_edit_without_last_modified_at_changes_nothing(
    samples_site: Path, tmp_path: Path
) -> None:
    """Anki updates package notes by modification time, which only the post's dates set.

    An edit that leaves the post's dates alone is invisible to a package import,
    even with "Update notes: Always" (Anki skips notes whose time is unchanged):
    docs/anki.md sends such users to the CSV path, which compares content.
    """
    site = tmp_path / "site"
    shutil.copytree(samples_site, site)
    corpus = read_paths([str(site)]).corpus
    col = new_collection(tmp_path / "profile")
    notes = expected_notes(corpus)
    import_apkg(col, export(corpus, format="apkg"), tmp_path / "a.apkg")
    post = site / "_posts" / "2025-10-29-daily-papers.md"
    text = post.read_text(encoding="utf-8")
    edited_text = re.sub(r"(- Goal: )", r"\1(수정) ", text, count=1)
    assert edited_text != text
    post.write_text(edited_text, encoding="utf-8")
    edited = read_paths([str(site)]).corpus
    for always in (False, True):
        log = import_apkg(col, export(edited, format="apkg"), tmp_path / "b.apkg", always=always)
        assert counts(log) == clean(log, duplicate=len(notes))
    assert_equal_model(col, notes, basic=PAPER_MODEL, cloze=CLOZE_MODEL)
    log = import_csv(col, export(edited, **DIGESTCONV_TYPES), tmp_path / "c.csv")
    assert counts(log) == clean(log, updated=2, duplicate=len(notes) - 2)


def test_apkg_update_if_newer_with_last_modified_at(samples_site: Path, tmp_path: Path) -> None:
    """An edited post that says ``last_modified_at`` updates its notes under Anki's default."""
    site = tmp_path / "site"
    shutil.copytree(samples_site, site)
    corpus = read_paths([str(site)]).corpus
    col = new_collection(tmp_path / "profile")
    notes = expected_notes(corpus)
    import_apkg(col, export(corpus, format="apkg"), tmp_path / "a.apkg")
    post = site / "_posts" / "2025-10-29-daily-papers.md"
    text = post.read_text(encoding="utf-8")
    text = re.sub(r"(- Goal: )", r"\1(수정) ", text, count=1)
    text = text.replace("\ndate:", "\nlast_modified_at: 2025-11-30 10:00:00 +0900\ndate:", 1)
    post.write_text(text, encoding="utf-8")
    edited = read_paths([str(site)]).corpus
    new = expected_notes(edited)
    in_post = {
        n.guid
        for n in new
        if any(note_guid(p.key, n.kind) == n.guid for p in edited.digests[1].papers)
    }
    log = import_apkg(col, export(edited, format="apkg"), tmp_path / "b.apkg")
    # The unit of change is the post: its notes are rewritten, no other note is touched.
    assert len(in_post) == 2 * len(edited.digests[1].papers)
    assert counts(log) == clean(log, updated=len(in_post), duplicate=len(notes) - len(in_post))
    assert {col.get_note(u.id.nid).guid for u in log.updated} == in_post  # type: ignore[attr-defined]
    assert_equal_model(col, new, basic=PAPER_MODEL, cloze=CLOZE_MODEL, check_mod=True)


# --------------------------------------------------------------------------- CSV <-> .apkg


def _interop(corpus: Corpus, tmp_path: Path) -> None:
    """Both orders of the same digests' CSV and .apkg, measured with the backend.

    Anki's package importer treats a note whose GUID exists under another note type
    as a conflict unless "Merge note types" is ticked, and its CSV importer does the
    same unless the file names the note's type: so the CSV-first profile merges once,
    and the package-first profile updates with a CSV naming the package's note types.
    Either way every note is matched by GUID: 0 conflicts, 0 new notes, nothing twice.
    """
    notes = expected_notes(corpus)
    csv_data, apkg = export(corpus), export(corpus, format="apkg")

    # CSV first: the package with Anki's default options conflicts on every note...
    col = new_collection(tmp_path / "csv-first")
    assert counts(import_csv(col, csv_data, tmp_path / "a.csv")) == clean(None, new=len(notes))
    log = import_apkg(col, apkg, tmp_path / "a.apkg")
    assert len(log.conflicting) == len(notes) and not log.new and not log.updated
    # ...and with "Merge note types" every note moves to the package's styled note types.
    log = import_apkg(col, apkg, tmp_path / "b.apkg", merge=True)
    assert counts(log) == clean(log, duplicate=len(notes))
    assert col.note_count() == len(notes)
    assert_equal_model(col, notes, basic=PAPER_MODEL, cloze=CLOZE_MODEL)
    # From then on the CSV naming the package's note types updates in place.
    log = import_csv(col, export(corpus, **DIGESTCONV_TYPES), tmp_path / "b.csv")
    assert counts(log) == clean(log, duplicate=len(notes))
    col.close()

    # Package first: a CSV naming the package's note types updates it, never conflicts.
    col = new_collection(tmp_path / "apkg-first")
    assert counts(import_apkg(col, apkg, tmp_path / "c.apkg")) == clean(None, new=len(notes))
    log = import_csv(col, export(corpus, **DIGESTCONV_TYPES), tmp_path / "c.csv")
    assert counts(log) == clean(log, duplicate=len(notes))
    log = import_apkg(col, apkg, tmp_path / "d.apkg")
    assert counts(log) == clean(log, duplicate=len(notes))
    assert col.note_count() == len(notes)
    assert_equal_model(col, notes, basic=PAPER_MODEL, cloze=CLOZE_MODEL)
    col.close()


def test_csv_and_apkg_interoperate_on_samples(samples_corpus: Corpus, tmp_path: Path) -> None:
    _interop(samples_corpus, tmp_path)


def test_csv_and_apkg_interoperate_on_the_shared_corpus(
    shared_corpus: Corpus, tmp_path: Path
) -> None:
    _interop(shared_corpus, tmp_path)
