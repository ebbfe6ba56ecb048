"""``digestconv anki``: flashcards for studying the digests' papers with spaced repetition.

The default output is the CSV text file Anki imports through File › Import;
``--format apkg`` writes a deck package with note types of its own.  Both carry
the same notes with the same GUIDs, so an export of edited or extended posts
updates the notes a user already has instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki.cards import CARD_KINDS, DEFAULT_DECK, DEFAULT_KINDS
from digestconv.fragments import Chunks, Part, Reuse, export_whole
from digestconv.model import Corpus, Site
from digestconv.options import option
from digestconv.plugins import BuildTarget, OutputSpec

if TYPE_CHECKING:
    from digestconv.exporters.anki.parts import Settings


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
    assembles_parts_only: ClassVar[bool] = True
    """``assemble`` reads only the parts and the options, and reports nothing: an edit that
    changes no note leaves both files as they are without filling the collection again."""

    def outputs(self, options: AnkiOptions) -> OutputSpec:
        if options.format == "apkg":
            return OutputSpec(".apkg", "application/apkg", binary=True)
        return OutputSpec(".csv", "text/csv")

    def export(self, corpus: Corpus, options: AnkiOptions, diagnostics: Diagnostics) -> bytes:
        data = export_whole(self, corpus, options, diagnostics)
        assert isinstance(data, bytes)
        return data

    # One part per run of about 16 distinct papers (see ``parts``): a CSV part is their
    # rows, an .apkg part what their notes add to the collection.

    def parts(self, corpus: Corpus, options: AnkiOptions) -> Sequence[Part]:
        from digestconv.exporters.anki.parts import paper_parts

        _settings(options)  # bad options fail before any part is rendered
        return paper_parts(corpus)

    def render_part(
        self, part: Part, site: Site, options: AnkiOptions, diagnostics: Diagnostics
    ) -> bytes:
        from digestconv.exporters.anki.parts import part_notes

        chosen = _settings(options)
        notes = part_notes(part, chosen, diagnostics)
        if options.format == "apkg":
            from digestconv.exporters.anki.apkg import note_rows

            return note_rows(notes)
        from digestconv.exporters.anki.csvfile import csv_rows

        return csv_rows(notes, chosen.notetype_basic, chosen.notetype_cloze)

    def assemble(
        self,
        corpus: Corpus,
        options: AnkiOptions,
        fragments: Sequence[bytes],
        diagnostics: Diagnostics,
        *,
        reuse: Reuse | None = None,
    ) -> bytes | Chunks:
        if options.format == "apkg":
            # genanki is imported only when a package is asked for.
            from digestconv.exporters.anki.apkg import package

            return package(fragments, reuse)
        from digestconv.exporters.anki.csvfile import pieces

        return Chunks(pieces(fragments))


_SETTINGS: dict[str, Settings] = {}


def _settings(options: AnkiOptions) -> Settings:
    """The checked options, once per export rather than once per part (by ``repr``: a
    configuration file may give ``cards`` as a list, which cannot be hashed)."""
    from digestconv.exporters.anki.parts import settings

    key = repr(options)
    held = _SETTINGS.get(key)
    if held is None:
        held = settings(options.cards, options.deck, options.notetype_basic, options.notetype_cloze)
        if len(_SETTINGS) >= 8:
            _SETTINGS.clear()
        _SETTINGS[key] = held
    return held
