"""``digestconv index``: an ``index.html`` for publishing the outputs as a small static site.

A digest repository without Jekyll has no home page: once the build is uploaded to a
static host, nothing tells a visitor (or a feed reader, or an e-reader app) that the
feed, the OPDS catalog, the books, the bibliography and the decks are there.  This page
lists them, with the ``<link rel="alternate">`` discovery links browsers and readers look
for.  It is plain HTML5 with a small inline style sheet and no JavaScript.  It is not built
by default: in a Jekyll build it would replace the site's own home page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from digestconv.diagnostics import Diagnostics
from digestconv.model import Corpus
from digestconv.options import option
from digestconv.plugins import BuildTarget, OutputSpec


@dataclass(frozen=True)
class IndexOptions:
    title: str | None = option(None, "Page title (default: the site title).")
    recent: int = option(
        30, "List the newest N digests on the page (0 = none).", min=0, metavar="N"
    )


class IndexExporter:
    name: ClassVar[str] = "index"
    description: ClassVar[str] = (
        "index.html listing the feed, OPDS catalog, books, bibliography and decks."
    )
    Options: ClassVar[type] = IndexOptions
    build_targets: ClassVar[tuple[BuildTarget, ...]] = ()
    cost: ClassVar[int] = 1
    uses_outputs: ClassVar[bool] = True

    def outputs(self, options: IndexOptions) -> OutputSpec:
        return OutputSpec(".html", "text/html")

    def export(self, corpus: Corpus, options: IndexOptions, diagnostics: Diagnostics) -> bytes:
        from digestconv.exporters.index.page import render_page
        from digestconv.exporters.index.published import published_outputs

        return render_page(corpus, published_outputs(corpus), options)
