"""``digestconv opds``: an OPDS catalog of the EPUB books, for e-reader apps to subscribe to.

A reader app (KOReader, Thorium, Moon+ Reader, Librera) subscribes to an OPDS catalog the
way a feed reader subscribes to a feed: it lists the books digestconv builds (the single
``digests.epub`` or the per-year/per-month books of ``epub --split``) with their covers and
an acquisition link, so each new month's book appears in the app without a manual download.
OPDS 1.2 (an Atom acquisition feed) is what most apps read; OPDS 2.0 (JSON) is Readium's
and Thorium's newer form.  Both are written by default, into one folder beside the books.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from digestconv.diagnostics import Diagnostics
from digestconv.fragments import Part, export_whole
from digestconv.model import Corpus, Site
from digestconv.options import option
from digestconv.plugins import BuildTarget, Output, OutputSpec

ATOM_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
JSON_TYPE = "application/opds+json"
ATOM_NAME = "catalog.xml"
JSON_NAME = "catalog.json"


@dataclass(frozen=True)
class OpdsOptions:
    """Unset values fall back to the ``epub`` section of ``_config.yml``, then defaults,
    so that one build's catalog lists exactly the books the same build writes."""

    catalogs: Literal["atom", "json", "both"] = option(
        "both", "OPDS 1.2 (Atom, catalog.xml), OPDS 2.0 (JSON, catalog.json) or both."
    )
    split: Literal["none", "year", "month"] | None = option(
        None,
        "The books listed: one book, or one per year or month as epub --split writes them "
        "(default: digestconv: epub: split: of _config.yml, else none).",
    )
    title: str | None = option(
        None, "Catalog and book title (default: the epub title in _config.yml, else the site's)."
    )
    catalog_url: str | None = option(
        None,
        "Published address of the catalog folder (default: the site's url + baseurl + the "
        "build output name, opds/).",
        metavar="URL",
    )
    books_url: str | None = option(
        None,
        "Published address of the book, or of the folder of --split books (default: the "
        "site's url + baseurl + the epub build output name, digests.epub).",
        metavar="URL",
    )
    links: Literal["relative", "absolute"] = option(
        "relative", "Book and cover links relative to the catalog, or absolute URLs."
    )
    covers: bool = option(True, "Also write a cover thumbnail per book (covers/NAME.png).")


class OpdsExporter:
    name: ClassVar[str] = "opds"
    description: ClassVar[str] = "OPDS 1.2 and 2.0 catalogs of the EPUB books, for e-reader apps."
    Options: ClassVar[type] = OpdsOptions
    # Built by default beside the books it lists (opds/ links to ../digests.epub), so that
    # e-reader apps can subscribe to what a default build publishes.
    build_targets: ClassVar[tuple[BuildTarget, ...]] = (BuildTarget("opds"),)
    cost: ClassVar[int] = 2
    uses_outputs: ClassVar[bool] = True

    def outputs(self, options: OpdsOptions) -> OutputSpec:
        return OutputSpec("", ATOM_TYPE if options.catalogs == "atom" else JSON_TYPE, folder=True)

    def export(self, corpus: Corpus, options: OpdsOptions, diagnostics: Diagnostics) -> Output:
        return export_whole(self, corpus, options, diagnostics)

    def parts(self, corpus: Corpus, options: OpdsOptions) -> Sequence[Part]:
        """One part per cover thumbnail (see ``write``); the catalogs are assembled."""
        from digestconv.exporters.opds.write import cover_parts

        return cover_parts(corpus, options)

    def render_part(
        self, part: Part, site: Site, options: OpdsOptions, diagnostics: Diagnostics
    ) -> bytes:
        from digestconv.exporters.opds.write import render_cover

        return render_cover(part.data)

    def assemble(
        self,
        corpus: Corpus,
        options: OpdsOptions,
        fragments: Sequence[bytes],
        diagnostics: Diagnostics,
    ) -> Output:
        from digestconv.exporters.opds.write import catalog_files

        return catalog_files(corpus, options, fragments, diagnostics)
