"""``digestconv epub``: the digests as an EPUB 3 book (or one book per year or month).

An archive of daily digests is read like a periodical: one chapter per post,
each paper a section one tap away from the navigation, an index to find a
paper again.  The book is made for e-readers (Kobo, Kindle through
Send-to-Kindle, Apple Books, KOReader): it passes EPUBCheck without a message,
reflows Korean text at word boundaries in any reading mode, and is
byte-for-byte reproducible so it can be built in CI and synced without churn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from digestconv.diagnostics import Diagnostics
from digestconv.fragments import Assembled, Part, Reuse, export_whole
from digestconv.model import Corpus, Site
from digestconv.options import option
from digestconv.plugins import BuildTarget, Output, OutputSpec


@dataclass(frozen=True)
class EpubOptions:
    title: str | None = option(None, "Book title (default: the site title).")
    split: Literal["none", "year", "month"] = option(
        "none", "One book per year or month; -o is then a folder."
    )
    cover: Path | None = option(
        None, "Cover image (PNG, JPEG, GIF; other formats are converted to PNG).", site_path=True
    )
    keep_empty: bool = option(
        False, "Keep posts without papers as chapters (default: left out, with a note)."
    )


class EpubExporter:
    name: ClassVar[str] = "epub"
    description: ClassVar[str] = "An EPUB 3 book for e-readers (one chapter per digest)."
    Options: ClassVar[type] = EpubOptions
    build_targets: ClassVar[tuple[BuildTarget, ...]] = (BuildTarget("digests.epub"),)
    cost: ClassVar[int] = 5

    def outputs(self, options: EpubOptions) -> OutputSpec:
        return OutputSpec(
            ".epub", "application/epub+zip", binary=True, folder=options.split != "none"
        )

    def export(self, corpus: Corpus, options: EpubOptions, diagnostics: Diagnostics) -> Output:
        return export_whole(self, corpus, options, diagnostics)

    # One part per chapter, one for each book's cover and one for its other documents
    # (see ``parts``); rendering needs lxml and Pillow, imported when a book is made.

    def parts(self, corpus: Corpus, options: EpubOptions) -> Sequence[Part]:
        from digestconv.exporters.epub import parts

        return parts.parts(corpus, options)

    def render_part(
        self, part: Part, site: Site, options: EpubOptions, diagnostics: Diagnostics
    ) -> bytes:
        from digestconv.exporters.epub import parts

        return parts.render_part(part, site, diagnostics)

    def assemble(
        self,
        corpus: Corpus,
        options: EpubOptions,
        fragments: Sequence[bytes],
        diagnostics: Diagnostics,
        reuse: Reuse | None = None,
    ) -> Assembled:
        from digestconv.exporters.epub import parts

        return parts.assemble(corpus, options, fragments, reuse)
