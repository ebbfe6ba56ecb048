"""Anki exports in parts: one part per distinct paper, because notes are keyed by paper.

A paper's notes depend on its appearances alone – their text, deck and date
come from the first one, their tags and modification time from all of them –
so a part is made from every digest the paper appears in, and its key is the
paper's identity (which the GUIDs derive from).  Nothing else is decided
across the corpus: ids in the package are given when it is assembled.

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
from digestconv.fragments import Part
from digestconv.model import Corpus
from digestconv.papers import PaperGroup, distinct_papers, each_once


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


def paper_parts(corpus: Corpus) -> list[Part]:
    """One part per distinct paper, in reading order; ``data`` is the paper's group."""
    parts: list[Part] = []
    for group in distinct_papers(corpus.digests):
        places = group.appearances
        # Most papers appear once: their one digest needs no search for repeats.
        digests = (places[0][0],) if len(places) == 1 else each_once(d for d, _ in places)
        parts.append(Part(digests, group.key, group))
    return parts


def part_notes(part: Part, settings: Settings, diagnostics: Diagnostics) -> list[AnkiNote]:
    """The notes of one paper's part, with the diagnostics deriving them gives."""
    group = part.data
    assert isinstance(group, PaperGroup)
    local = Diagnostics()
    notes = paper_notes(group, settings.kinds, settings.deck, local)
    diagnostics.items.extend(local.items)
    return notes
