"""Anki exports in parts: runs of neighbouring papers, because notes are keyed by paper.

A paper's notes depend on its appearances alone – their text, deck and date
come from the first one, their tags and modification time from all of them –
so a part is made from every digest its papers appear in, and its key is their
identities (which the GUIDs derive from).  Nothing else is decided across the
corpus: ids in the package are given when it is assembled.  A part holds a run
of about 16 papers (``digestconv.runs``), not one: each part costs the build a
hash and a look-up every time, which for 16,000 papers was more than rendering
the few runs an edit touches.

A build writes both files, ``cards.csv`` and ``cards.apkg``, each deriving the
notes of the parts it renders: keeping one file's notes for the other would hold
every note of the corpus in memory for the whole build (a hundred megabytes at
2,000 posts), and the two usually render in separate worker processes anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki.cards import (
    DEFAULT_DECK,
    AnkiNote,
    CardKind,
    DeckTemplate,
    check_notetype,
    paper_notes,
    parse_kinds,
)
from digestconv.fragments import Part, PerCorpus
from digestconv.model import Corpus
from digestconv.papers import PaperGroup, distinct_papers, each_once
from digestconv.runs import joined_key, runs


@dataclass(frozen=True)
class Settings:
    """The options checked once, before any part is rendered."""

    kinds: tuple[CardKind, ...]
    deck: DeckTemplate
    notetype_basic: str
    notetype_cloze: str


def settings(cards: object, deck: str, notetype_basic: object, notetype_cloze: object) -> Settings:
    """Options → settings, with the errors a user sees for bad values."""
    kinds = parse_kinds(cards)
    template = DeckTemplate(deck or DEFAULT_DECK)
    basic = check_notetype("--notetype-basic", notetype_basic)
    cloze = check_notetype("--notetype-cloze", notetype_cloze)
    return Settings(kinds, template, basic, cloze)


def _paper_parts(corpus: Corpus) -> tuple[Part, ...]:
    """Runs of distinct papers, in reading order; ``data`` is the run's paper groups."""
    groups = distinct_papers(corpus.digests)
    parts: list[Part] = []
    for start, end in runs([g.key for g in groups]):
        run = tuple(groups[start:end])
        digests = each_once(d for group in run for d, _ in group.appearances)
        # A lone paper's key is its own ("arxiv:…", "url:…"); a run's begins with a length.
        key = run[0].key if len(run) == 1 else joined_key([g.key for g in run])
        parts.append(Part(digests, key, run))
    return tuple(parts)


paper_parts: PerCorpus[tuple[Part, ...]] = PerCorpus(_paper_parts)
"""The same for both files of a build that writes the cards as CSV and as ``.apkg``."""


def part_notes(part: Part, settings: Settings, diagnostics: Diagnostics) -> list[AnkiNote]:
    """The notes of one part's papers, with the diagnostics deriving them gives."""
    run = part.data
    assert isinstance(run, tuple)
    local = Diagnostics()
    notes: list[AnkiNote] = []
    for group in run:
        assert isinstance(group, PaperGroup)
        notes.extend(paper_notes(group, settings.kinds, settings.deck, local))
    diagnostics.items.extend(local.items)
    return notes
