"""Clozes ask for one key term, and the cards show the paper's authors and abstract.

The figures of issue 13 are measured on the shared corpora: at least 90% of
cloze answers are at most four words, and no answer is still visible on the
front of its card (as a whole word, in any case).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest
from tests.conftest import read_shared_corpus
from tests.test_anki import digest, paper

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki.cards import (
    DEFAULT_DECK,
    AnkiNote,
    DeckTemplate,
    build_notes,
    cloze_fields,
    parse_kinds,
    summary_fields,
    visible_text,
)
from digestconv.exporters.anki.terms import candidates, distinctive
from digestconv.model import Corpus
from digestconv.text.people import author_line, split_authors

CORPORA = (
    "hahngt.github.io",
    "lim4349.github.io",
    "AlirezaShamsoshoara.github.io",
    "yeonjae11-daily-papers",
)
CLOZE = re.compile(r"\{\{c\d+::(.*?)\}\}", re.DOTALL)


def answers(note: AnkiNote) -> list[str]:
    return [html.unescape(a) for a in CLOZE.findall(note.fields[0])]


def shown(answer: str, note: AnkiNote) -> bool:
    """The answer as a whole word (Latin letters and digits bound words) on the front."""
    pattern = rf"(?<![A-Za-z0-9]){re.escape(' '.join(answer.split()))}(?![A-Za-z0-9])"
    return re.search(pattern, visible_text(note.fields[0]), re.IGNORECASE) is not None


def corpus_of(folder: str) -> Corpus:
    return read_shared_corpus(folder)  # type: ignore[no-any-return]


def cloze_notes(corpus: Corpus) -> list[AnkiNote]:
    notes = build_notes(corpus, parse_kinds("cloze"), DeckTemplate(DEFAULT_DECK), Diagnostics())
    return [n for n in notes if n.is_cloze]


# --------------------------------------------------------------------------- figures


@pytest.mark.parametrize("folder", CORPORA)
def test_cloze_answers_are_short_key_terms(folder: str) -> None:
    notes = cloze_notes(corpus_of(folder))
    assert notes
    short = sum(all(len(a.split()) <= 4 for a in answers(n)) for n in notes)
    assert short / len(notes) >= 0.90, f"{short} of {len(notes)} answers are at most 4 words"
    for note in notes:
        found = answers(note)
        assert len({a.casefold() for a in found}) == 1, found  # one term, wherever it occurs
        assert not shown(found[0], note), (found[0], visible_text(note.fields[0]))


def test_home_blog_figure_is_well_above_the_bar() -> None:
    """717 distinct papers; before key terms, 455 clozes blanked the whole title and 214
    answers had 5 or more words (up to 16)."""
    notes = cloze_notes(corpus_of("hahngt.github.io"))
    assert len(notes) == 717
    long = [a for n in notes for a in answers(n)[:1] if len(a.split()) > 4]
    assert len(long) <= 36  # 29 when written: titles without any short name or term


# --------------------------------------------------------------------------- unit


def test_the_short_name_is_preferred() -> None:
    fields = cloze_fields(paper(), digest("2025-10-08"))
    assert fields is not None
    assert "{{c1::Fast-dLLM v2}}를 제안한다." in fields[0]


def test_a_long_title_gives_a_distinctive_term_not_the_title() -> None:
    p = paper(
        "Pairwise Preference Reward-based GRPO for Stable Text-to-Image Reinforcement Learning",
        goal="GRPO 기반 강화학습에서 보상 해킹을 막는 방법을 제안한다.",
    )
    fields = cloze_fields(p, digest("2025-10-08"))
    assert fields is not None
    assert "{{c1::GRPO}} 기반 강화학습" in fields[0]


def test_every_occurrence_is_hidden_and_none_stays_visible() -> None:
    p = paper("X: Y", goal="X1 모델은 x1 데이터와 X1 손실을 쓴다.")
    fields = cloze_fields(p, digest("2025-10-08"))
    assert fields is not None
    assert fields[0].count("{{c1::") == 3
    assert "x1" not in visible_text(fields[0]).lower()


def test_a_term_visible_inside_another_word_is_not_chosen() -> None:
    # "LLM" would stay readable in "LLMs": the next candidate is taken.
    p = paper("Long Title About Something Quite Ordinary", goal="LLMs와 LLM 추론을 위한 KV-Cache.")
    fields = cloze_fields(p, digest("2025-10-08"))
    assert fields is not None
    assert "{{c1::KV-Cache}}" in fields[0]


def test_no_term_falls_back_to_the_name_in_front() -> None:
    p = paper("Scone: subject", goal="주제 생성 방법을 제안한다.")
    fields = cloze_fields(p, digest("2025-10-08"))
    assert fields is not None
    assert fields[0].startswith('<div class="dc-cloze">{{c1::Scone}}: 주제 생성')


def test_candidates_and_distinctive_words() -> None:
    assert distinctive("GRPO") and distinctive("dLLM") and distinctive("V2")
    assert distinctive("Pref-GRPO") and not distinctive("Learning") and not distinctive("a")
    got = list(candidates("Fast-dLLM v2", "Fast-dLLM v2: Efficient", "35% 빠른 text decoding"))
    assert got[0] == "Fast-dLLM v2" and "35%" in got and "text decoding" in got


def test_a_paper_with_only_an_abstract_gets_a_cloze_from_it() -> None:
    p = replace(
        paper("Defeating the Mismatch via FP16"),
        sections=(),
        abstract="We show that FP16 fixes it. Second sentence here.",
    )
    fields = cloze_fields(p, digest("2025-10-08"))
    assert fields is not None
    assert "{{c1::FP16}} fixes it." in fields[0]


# --------------------------------------------------------------------------- authors, abstract


def test_authors_and_abstract_are_on_the_back() -> None:
    p = replace(
        paper(),
        authors=("Ann Lee", "Bo Kim", "et al."),
        affiliations=("Sea AI Lab",),
        abstract="An abstract\nover two lines.",
    )
    front, back = summary_fields(p, digest("2025-10-08"))
    assert "Ann Lee" not in front
    assert "<b>Authors:</b> Ann Lee, Bo Kim et al.</div>" in back
    assert "<b>Affiliations:</b> Sea AI Lab</div>" in back
    assert "<b>Abstract:</b> An abstract over two lines.</div>" in back
    cloze = cloze_fields(p, digest("2025-10-08"))
    assert cloze is not None and "Ann Lee, Bo Kim et al." in cloze[1]


def test_without_authors_nothing_is_added() -> None:
    _, back = summary_fields(paper(), digest("2025-10-08"))
    assert "Authors" not in back and "Abstract" not in back


def test_author_lists_as_written() -> None:
    assert split_authors(["A", "B", "et al."]) == (("A", "B"), True)
    assert split_authors(["A", "B et al."]) == (("A", "B"), True)
    assert author_line(["A", " ", "B"]) == "A, B"
    assert author_line([]) == ""


def test_corpus_cards_show_the_digest_authors_and_abstracts() -> None:
    alireza = corpus_of("AlirezaShamsoshoara.github.io")
    notes = build_notes(alireza, parse_kinds("summary"), DeckTemplate(DEFAULT_DECK), Diagnostics())
    with_authors = sum("<b>Authors:</b>" in n.fields[1] for n in notes)
    assert with_authors == len({p.key for _, p in alireza.papers() if p.authors})
    lim = corpus_of("lim4349.github.io")
    notes = build_notes(lim, parse_kinds("summary"), DeckTemplate(DEFAULT_DECK), Diagnostics())
    assert sum("<b>Abstract:</b>" in n.fields[1] for n in notes) >= len(notes) - 1
