"""``digestconv anki``: flashcards for studying the digests' papers with spaced repetition.

The default output is the CSV text file Anki imports through File › Import;
``--format apkg`` writes a deck package with note types of its own.  Both carry
the same notes with the same GUIDs, so an export of edited or extended posts
updates the notes a user already has instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import click

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki.cards import CARD_KINDS, DEFAULT_DECK, DEFAULT_KINDS
from digestconv.model import Corpus
from digestconv.registry import ExportError

FORMATS = ("csv", "apkg")


class AnkiExporter:
    """Anki notes as CSV (text) or .apkg (binary, needs ``-o``)."""

    name: ClassVar[str] = "anki"
    suffix: ClassVar[str] = ".csv"
    media_type: ClassVar[str] = "text/csv"
    description: ClassVar[str] = "Anki flashcards: CSV for File › Import, or an .apkg deck"
    binary: ClassVar[bool] = False
    """The CSV is text; ``--format apkg`` is refused without ``-o`` (see ``export``)."""
    options: ClassVar[Sequence[click.Parameter]] = [
        click.Option(
            ["--format", "format"],
            type=click.Choice(FORMATS),
            default="csv",
            show_default=True,
            help="csv: text file for File › Import; apkg: deck package (requires -o).",
        ),
        click.Option(
            ["--cards"],
            default=",".join(DEFAULT_KINDS),
            show_default=True,
            metavar="KINDS",
            help=f"Comma-separated card kinds: {', '.join(CARD_KINDS)}.",
        ),
        click.Option(
            ["--deck"],
            default=DEFAULT_DECK,
            show_default=True,
            metavar="TEMPLATE",
            help="Deck name; {year} {month} {day} {date} are the digest's date.",
        ),
        click.Option(
            ["--notetype-basic"],
            default="Basic",
            show_default=True,
            help="Note type for front/back cards, as named in your Anki (e.g. Einfach).",
        ),
        click.Option(
            ["--notetype-cloze"],
            default="Cloze",
            show_default=True,
            help="Note type for cloze cards, as named in your Anki (e.g. Lückentext).",
        ),
    ]

    @staticmethod
    def suffix_for(options: Mapping[str, object]) -> str:
        """The file suffix of the output these options ask for (``.csv`` or ``.apkg``)."""
        return ".apkg" if options.get("format") == "apkg" else ".csv"

    def export(
        self, corpus: Corpus, options: Mapping[str, object], diagnostics: Diagnostics
    ) -> bytes:
        fmt = options.get("format") or "csv"
        if fmt not in FORMATS:
            raise ExportError(f"--format: expected csv or apkg, got {fmt!r}")
        if fmt == "apkg" and (
            options.get("output_is_tty") or ("output" in options and options["output"] is None)
        ):
            raise ExportError("--format apkg writes a binary deck package: give -o FILE.apkg")
        from digestconv.exporters.anki.cards import (
            DeckTemplate,
            build_notes,
            check_notetype,
            parse_kinds,
        )
        from digestconv.exporters.anki.csvfile import write_csv

        kinds = parse_kinds(options.get("cards"))
        deck = DeckTemplate(str(options.get("deck") or DEFAULT_DECK))
        basic = check_notetype("--notetype-basic", options.get("notetype_basic") or "Basic")
        cloze = check_notetype("--notetype-cloze", options.get("notetype_cloze") or "Cloze")
        notes = build_notes(corpus, kinds, deck, diagnostics)
        if fmt == "apkg":
            # genanki is imported only when a package is asked for.
            from digestconv.exporters.anki.apkg import write_apkg

            return write_apkg(notes)
        return write_csv(notes, basic, cloze)
