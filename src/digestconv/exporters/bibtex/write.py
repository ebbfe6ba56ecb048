"""The bibliography's text: one entry per part, then the parts joined after ``--update``'s file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex.entries import URL_PREAMBLE, build, format_entry, record
from digestconv.exporters.bibtex.plan import Planned
from digestconv.exporters.bibtex.update import Existing
from digestconv.fragments import Part

if TYPE_CHECKING:
    from digestconv.exporters.bibtex import BibtexOptions


def entry(part: Part, options: BibtexOptions, diagnostics: Diagnostics) -> bytes:
    """One entry, from the digests that featured its paper and what the plan decided."""
    planned: Planned = part.data
    rec = record(planned.paper, part.digests, diagnostics)
    if planned.cite != planned.wanted:
        diagnostics.warning(
            "export",
            f"citation key {planned.wanted!r} is not unique; {planned.paper} gets {planned.cite!r}",
        )
    built = build(
        rec, planned.cite, biblatex=options.biblatex, summary=options.summary, meta=planned.meta
    )
    return format_entry(built).encode("utf-8")


def join(existing: Existing, options: BibtexOptions, entries: Sequence[bytes]) -> bytes:
    """The entries, one blank line apart, after the file ``--update`` keeps as it is.

    ``\\url`` gets its fallback definition when an entry uses it and the file has none;
    an entry's key and field names never contain ``\\url{``, so finding it in the
    bytes is finding it in a value.
    """
    body = b"\n".join(entries)
    if (
        not options.biblatex
        and any(b"\\url{" in e for e in entries)
        and URL_PREAMBLE not in existing.text
    ):
        body = URL_PREAMBLE.encode("utf-8") + b"\n" + body
    if not existing.text:
        return body
    head = existing.text if existing.text.endswith("\n") else existing.text + "\n"
    return head.encode("utf-8") + (b"\n" + body if body else b"")
