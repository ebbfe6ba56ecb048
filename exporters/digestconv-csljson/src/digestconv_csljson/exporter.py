"""``digestconv csljson``: the papers of the digests as a CSL-JSON bibliography.

This distribution is also the worked example of a third-party exporter.  It
uses only digestconv's public API (``digestconv.model`` for the input,
``digestconv.plugins.ExportError`` for fatal problems, ``digestconv.diagnostics``
for everything else, ``digestconv.papers`` and ``digestconv.text.markdown`` for papers
and text, ``digestconv.fragments`` for incremental builds) and registers through
the ``digestconv.exporters`` entry-point group in its own pyproject.toml.  The
exporter is pure: corpus and options in, bytes out; the CLI writes the file.

It renders in parts, each a run of neighbouring items (one item per distinct
paper): ``digestconv build`` then renders a run again only when a digest featuring
one of its papers changes, and reuses the rest.  An item is a function of its
paper's digests alone (its key too), so a part needs no ``key`` beyond its papers'
identities.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from digestconv.diagnostics import Diagnostics
from digestconv.fragments import Part, export_whole
from digestconv.model import Corpus, Site
from digestconv.options import option
from digestconv.papers import each_once
from digestconv.plugins import BuildTarget, ExportError, OutputSpec
from digestconv.runs import joined_key, runs

from digestconv_csljson.items import Entry, distinct, item_id, markup_in, to_item


@dataclass(frozen=True)
class CslJsonOptions:
    """The one declaration of the plugin's options: digestconv derives ``--summary`` and
    the ``digestconv: csljson: summary:`` key of ``_config.yml`` from it."""

    summary: Literal["none", "abstract", "note"] = option(
        "none", "Put each paper's digest summary into the item's 'abstract' or 'note'."
    )


class CslJsonExporter:
    """Satisfies ``digestconv.plugins.Exporter`` structurally: no base class to import."""

    name: ClassVar[str] = "csljson"
    description: ClassVar[str] = (
        "CSL-JSON bibliography of the papers, for pandoc --citeproc and Zotero."
    )
    Options: ClassVar[type] = CslJsonOptions
    build_targets: ClassVar[tuple[BuildTarget, ...]] = (BuildTarget("refs.csl.json"),)
    cost: ClassVar[int] = 2

    def outputs(self, options: CslJsonOptions) -> OutputSpec:
        return OutputSpec(".json", "application/vnd.citationstyles.csl+json")

    def export(self, corpus: Corpus, options: CslJsonOptions, diagnostics: Diagnostics) -> bytes:
        # The cold path renders every part through the same code as an incremental build,
        # so both give the same bytes.
        data = export_whole(self, corpus, options, diagnostics)
        assert isinstance(data, bytes)
        return data

    def parts(self, corpus: Corpus, options: CslJsonOptions) -> Sequence[Part]:
        """A part per run of neighbouring items (see ``runs``), each item made from every
        digest that featured its paper.

        What depends on more than one paper is decided here, where the whole corpus is
        seen: the order of the items and that no two papers share a citation key.  Every
        build asks this of every paper, so it is one pass with nothing rendered.
        """
        listed = distinct(corpus.digests)
        ids: dict[str, str] = {}
        for key, entry in listed:
            if entry.paper.arxiv is not None:
                continue  # "arXiv:<id>" is as distinct as the paper's key, "arxiv:<id>"
            cite = item_id(entry.paper)
            # Two different URLs hashing to one key would make citations ambiguous:
            # refuse rather than write a bibliography that cites the wrong page.
            if cite in ids and ids[cite] != key:
                raise ExportError(f"citation key {cite} stands for both {ids[cite]} and {key}")
            ids[cite] = key
        out: list[Part] = []
        for start, end in runs([key for key, _ in listed]):
            # The items' paper identities and digests tell render_part what to render;
            # the identities, length-prefixed, are the part's key (an item depends on
            # nothing else).
            run = tuple(listed[start:end])
            digests = each_once(d for _, entry in run for d in entry.digests)
            out.append(Part(digests, key=joined_key([k for k, _ in run]), data=run))
        return out

    def render_part(
        self, part: Part, site: Site, options: CslJsonOptions, diagnostics: Diagnostics
    ) -> bytes:
        """The run's items at the list's indentation, as ``assemble`` joins the parts;
        their diagnostics are replayed on reuse."""
        run: tuple[tuple[str, Entry], ...] = part.data
        return b",\n".join(self._item(entry, options, diagnostics) for _, entry in run)

    def _item(self, entry: Entry, options: CslJsonOptions, diagnostics: Diagnostics) -> bytes:
        paper, first = entry.paper, entry.digests[0]
        item = to_item(entry, options.summary)
        tag = markup_in(paper.title)
        if tag:
            where = paper.source or first.source
            diagnostics.note(
                "export",
                f"title of {item['id']} contains {tag}, which CSL processors read as formatting",
                where.path,
                where.line,
            )
        text = json.dumps(item, ensure_ascii=False, indent=2)
        return "\n".join("  " + line for line in text.split("\n")).encode("utf-8")

    def assemble(
        self,
        corpus: Corpus,
        options: CslJsonOptions,
        fragments: Sequence[bytes],
        diagnostics: Diagnostics,
    ) -> bytes:
        """The items as ``json.dumps(items, indent=2)`` would write the list."""
        if not fragments:
            diagnostics.warning("export", "no papers to export: the bibliography is empty")
            return b"[]\n"
        return b"[\n" + b",\n".join(fragments) + b"\n]\n"
