"""``digestconv anki``: flashcards for studying the digests' papers with spaced repetition.

The default output is the CSV text file Anki imports through File › Import;
``--format apkg`` writes a deck package with note types of its own.  Both carry
the same notes with the same GUIDs, so an export of edited or extended posts
updates the notes a user already has instead of duplicating them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki.cards import CARD_KINDS, DEFAULT_DECK, DEFAULT_KINDS
from digestconv.model import Corpus
from digestconv.options import option
from digestconv.plugins import BuildTarget, OutputSpec


@dataclass(frozen=True)
class AnkiOptions:
    format: Literal["csv", "apkg"] = option(
        "csv", "csv: text file for File › Import; apkg: deck package (requires -o)."
    )
    cards: str = option(
        ",".join(DEFAULT_KINDS),
        f"Comma-separated card kinds: {', '.join(CARD_KINDS)}.",
        metavar="KINDS",
    )
    deck: str = option(
        DEFAULT_DECK,
        "Deck name; {year} {month} {day} {date} are the digest's date.",
        metavar="TEMPLATE",
    )
    notetype_basic: str = option(
        "Basic", "Note type for front/back cards, as named in your Anki (e.g. Einfach)."
    )
    notetype_cloze: str = option(
        "Cloze", "Note type for cloze cards, as named in your Anki (e.g. Lückentext)."
    )


class AnkiExporter:
    """Anki notes as CSV (text) or .apkg (binary, needs ``-o``)."""

    name: ClassVar[str] = "anki"
    description: ClassVar[str] = "Anki flashcards: CSV for File › Import, or an .apkg deck"
    Options: ClassVar[type] = AnkiOptions
    build_targets: ClassVar[tuple[BuildTarget, ...]] = (
        BuildTarget("cards.csv"),
        BuildTarget("cards.apkg", {"format": "apkg"}),
    )
    cost: ClassVar[int] = 3

    def outputs(self, options: AnkiOptions) -> OutputSpec:
        if options.format == "apkg":
            return OutputSpec(".apkg", "application/apkg", binary=True)
        return OutputSpec(".csv", "text/csv")

    def export(self, corpus: Corpus, options: AnkiOptions, diagnostics: Diagnostics) -> bytes:
        from digestconv.exporters.anki.cards import (
            DeckTemplate,
            build_notes,
            check_notetype,
            parse_kinds,
        )
        from digestconv.exporters.anki.csvfile import write_csv

        kinds = parse_kinds(options.cards)
        deck = DeckTemplate(options.deck or DEFAULT_DECK)
        basic = check_notetype("--notetype-basic", options.notetype_basic)
        cloze = check_notetype("--notetype-cloze", options.notetype_cloze)
        notes = build_notes(corpus, kinds, deck, diagnostics)
        if options.format == "apkg":
            # genanki is imported only when a package is asked for.
            from digestconv.exporters.anki.apkg import write_apkg

            return write_apkg(notes)
        return write_csv(notes, basic, cloze)
