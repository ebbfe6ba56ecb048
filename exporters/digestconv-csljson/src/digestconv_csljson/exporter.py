"""``digestconv csljson``: the papers of the digests as a CSL-JSON bibliography.

This distribution is also the worked example of a third-party exporter.  It
uses only digestconv's public API (``digestconv.model`` for the input,
``digestconv.registry.ExportError`` for fatal problems, ``digestconv.diagnostics``
for everything else, ``digestconv.papers`` and ``digestconv.text.markdown`` for papers
and text) and registers through
the ``digestconv.exporters`` entry-point group in its own pyproject.toml.  The
exporter is pure: corpus and options in, bytes out; the CLI writes the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import ClassVar

import click
from digestconv.diagnostics import Diagnostics
from digestconv.model import Corpus
from digestconv.registry import ExportError

from digestconv_csljson.items import SUMMARY_PLACES, collect, markup_in, to_item


class CslJsonExporter:
    """Satisfies ``digestconv.registry.Exporter`` structurally: no base class to import."""

    name: ClassVar[str] = "csljson"
    suffix: ClassVar[str] = ".json"
    media_type: ClassVar[str] = "application/vnd.citationstyles.csl+json"
    description: ClassVar[str] = (
        "CSL-JSON bibliography of the papers, for pandoc --citeproc and Zotero."
    )
    binary: ClassVar[bool] = False
    options: ClassVar[Sequence[click.Parameter]] = (
        click.Option(
            ["--summary"],
            type=click.Choice(SUMMARY_PLACES),
            default="none",
            show_default=True,
            help="Put each paper's digest summary into the item's 'abstract' or 'note'.",
        ),
    )

    def export(
        self, corpus: Corpus, options: Mapping[str, object], diagnostics: Diagnostics
    ) -> bytes:
        summary = options.get("summary") or "none"
        # Programs may call export() without click's validation: check again.
        if summary not in SUMMARY_PLACES:
            raise ExportError(
                f"--summary must be one of {', '.join(SUMMARY_PLACES)}, not {summary!r}"
            )
        entries = collect(corpus.papers())
        items = []
        ids: dict[str, str] = {}
        for entry in entries:
            paper, first = entry.paper, entry.digests[0]
            item = to_item(entry, summary)
            key = str(item["id"])
            # Two different URLs hashing to one key would make citations ambiguous:
            # refuse rather than write a bibliography that cites the wrong page.
            if key in ids and ids[key] != paper.key:
                raise ExportError(f"citation key {key} stands for both {ids[key]} and {paper.key}")
            ids[key] = paper.key
            tag = markup_in(paper.title)
            if tag:
                where = paper.source or first.source
                diagnostics.note(
                    "export",
                    f"title of {key} contains {tag}, which CSL processors read as formatting",
                    where.path,
                    where.line,
                )
            items.append(item)
        if not items:
            diagnostics.warning("export", "no papers to export: the bibliography is empty")
        text = json.dumps(items, ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
