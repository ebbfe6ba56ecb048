"""The bibliography's text: one entry per part, then the parts joined after ``--update``'s file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex.entries import URL_PREAMBLE, build, format_entry, record
from digestconv.exporters.bibtex.keys import KeyParts, render
from digestconv.exporters.bibtex.plan import Planned
from digestconv.exporters.bibtex.update import Existing
from digestconv.fragments import Part

if TYPE_CHECKING:
    from digestconv.exporters.bibtex import BibtexOptions


def entries(part: Part, options: BibtexOptions, diagnostics: Diagnostics) -> bytes:
    """A part's run of entries, one blank line apart (as :func:`join` joins the parts)."""
    run: tuple[Planned, ...] = part.data
    return b"\n".join(entry(planned, options, diagnostics) for planned in run)


def entry(planned: Planned, options: BibtexOptions, diagnostics: Diagnostics) -> bytes:
    """One entry, from the digests that featured its paper and what the plan decided."""
    rec = record(planned.key, planned.seen, diagnostics)
    cite = planned.cite
    if cite is None:  # the template's key, unique by construction (see plan)
        parts = KeyParts(id=rec.ident, year=rec.year, title=rec.paper.title)
        cite = render(options.key_template, parts)
    elif cite != planned.wanted:
        diagnostics.warning(
            "export",
            f"citation key {planned.wanted!r} is not unique; {planned.key} gets {cite!r}",
        )
    built = build(rec, cite, biblatex=options.biblatex, summary=options.summary, meta=planned.meta)
    return format_entry(built).encode("utf-8")


def join(existing: Existing, options: BibtexOptions, entries: Sequence[bytes]) -> bytes:
    """The parts' entries, one blank line apart, after the file ``--update`` keeps as it is.

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
