"""Anki exports in parts: one part per distinct paper, because notes are keyed by paper.

A paper's notes depend on its appearances alone – their text, deck and date
come from the first one, their tags and modification time from all of them –
so a part is made from every digest the paper appears in, and its key is the
paper's identity (which the GUIDs derive from).  Nothing else is decided
across the corpus: ids in the package are given when it is assembled.

A build writes both files, ``cards.csv`` and ``cards.apkg``, from the same
notes.  The notes of the parts rendered for one are kept for the other while
the corpus is the same, so a cold build derives each note once, not twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from digestconv.diagnostics import Diagnostic, Diagnostics
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
from digestconv.model import Corpus, Digest
from digestconv.papers import PaperGroup, distinct_papers


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
    _MEMO.follow(corpus.digests)
    return [Part(_digests(group), group.key, group) for group in distinct_papers(corpus.digests)]


def _digests(group: PaperGroup[Digest]) -> tuple[Digest, ...]:
    """The digests the paper appears in, each once (by identity: hashing a digest would
    hash the whole post)."""
    first, *rest = (d for d, _ in group.appearances)
    if not rest:
        return (first,)
    unique = {id(first): first}
    for digest in rest:
        unique.setdefault(id(digest), digest)
    return tuple(unique.values())


def part_notes(part: Part, settings: Settings, diagnostics: Diagnostics) -> list[AnkiNote]:
    """The notes of one paper's part, with the diagnostics deriving them gives."""
    group = part.data
    assert isinstance(group, PaperGroup)
    key = (part.key, settings.kinds, settings.deck.template, tuple(map(id, part.digests)))
    held = _MEMO.notes.get(key)
    if held is not None and all(a is b for a, b in zip(held.digests, part.digests, strict=True)):
        diagnostics.items.extend(held.diagnostics)
        return held.notes
    local = Diagnostics()
    notes = paper_notes(group, settings.kinds, settings.deck, local)
    diagnostics.items.extend(local.items)
    _MEMO.notes[key] = _Held(part.digests, notes, local.items)
    return notes


@dataclass(frozen=True)
class _Held:
    digests: tuple[Digest, ...]
    """Kept so that the ids in the memo's key stay theirs."""
    notes: list[AnkiNote]
    diagnostics: list[Diagnostic]


@dataclass
class _Memo:
    """The notes derived from the digests of the corpus being exported, and no other."""

    digests: Sequence[Digest] = ()
    notes: dict[tuple[object, ...], _Held] = field(default_factory=dict)

    def follow(self, digests: Sequence[Digest]) -> None:
        if digests is not self.digests:
            self.digests = digests
            self.notes = {}


_MEMO = _Memo()
