"""``digestconv epub``: the digests as an EPUB 3 book (or one book per year or month).

An archive of daily digests is read like a periodical: one chapter per post,
each paper a section one tap away from the navigation, an index to find a
paper again.  The book is made for e-readers (Kobo, Kindle through
Send-to-Kindle, Apple Books, KOReader): it passes EPUBCheck without a message,
reflows Korean text at word boundaries in any reading mode, and is
byte-for-byte reproducible so it can be built in CI and synced without churn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

import click

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub.plan import SPLIT_MODES
from digestconv.model import Corpus
from digestconv.registry import Output


class EpubExporter:
    name: ClassVar[str] = "epub"
    suffix: ClassVar[str] = ".epub"
    media_type: ClassVar[str] = "application/epub+zip"
    description: ClassVar[str] = "An EPUB 3 book for e-readers (one chapter per digest)."
    binary: ClassVar[bool] = True
    options: ClassVar[Sequence[click.Parameter]] = (
        click.Option(["--title"], default=None, help="Book title (default: the site title)."),
        click.Option(
            ["--split"],
            type=click.Choice(SPLIT_MODES),
            default="none",
            show_default=True,
            help="One book per year or month; -o is then a folder.",
        ),
        click.Option(
            ["--cover"],
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            default=None,
            help="Cover image (PNG, JPEG, GIF; other formats are converted to PNG).",
        ),
    )

    def export(
        self, corpus: Corpus, options: Mapping[str, object], diagnostics: Diagnostics
    ) -> Output:
        from digestconv.exporters.epub.write import write

        return write(corpus, options, diagnostics)
