"""What the bibliography decides across the whole corpus, before any entry is written.

An entry's text depends on its paper's digests and on three things no single
paper decides: whether ``--update``'s file already cites the paper (then it gets
no entry), its citation key (a template key that collides with another paper's,
or with a key the file uses, is disambiguated) and, with ``--enrich``, arXiv's
metadata.  Deciding them here, once, is what lets every entry be rendered — and
cached — on its own: they travel in the part's key, so an entry is rendered
again exactly when one of them or one of its digests changes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from digestconv.diagnostics import Diagnostic, Diagnostics
from digestconv.exporters.bibtex import default_cache_dir
from digestconv.exporters.bibtex import enrich as bib_enrich
from digestconv.exporters.bibtex import keys as bib_keys
from digestconv.exporters.bibtex import update as bib_update
from digestconv.exporters.bibtex.entries import Record, authors, meta_for
from digestconv.fragments import Part, PerExport
from digestconv.model import Corpus
from digestconv.papers import distinct_papers, each_once

if TYPE_CHECKING:
    from digestconv.exporters.bibtex import BibtexOptions


@dataclass(frozen=True)
class Planned:
    """What one entry's part carries besides its digests (all of it is in the part's key)."""

    paper: str
    """``Paper.key`` of the entry's paper."""
    cite: str
    """The citation key, after disambiguation."""
    wanted: str
    """The key the template gave; differs from ``cite`` when it was not unique."""
    meta: bib_enrich.ArxivMeta | None = None


@dataclass(frozen=True)
class Plan:
    existing: bib_update.Existing
    parts: tuple[Part, ...]
    """One per paper the bibliography adds, in the documented entry order."""
    notes: tuple[Diagnostic, ...]
    """Diagnostics about the corpus as a whole, reported once the entries are joined."""


def plan(corpus: Corpus, options: BibtexOptions) -> Plan:
    template = bib_keys.check_template(options.key_template)
    existing = bib_update.read(options.update) if options.update else bib_update.EMPTY
    notes = Diagnostics()

    fresh = sorted(
        (
            Record(group.key, group.paper, group.paper.arxiv, group.appearances)
            for group in distinct_papers(corpus.digests)
            if group.key not in existing.papers
        ),
        key=lambda r: r.sort_key,
    )

    metas: dict[str, bib_enrich.ArxivMeta] = {}
    by_author = "author" in bib_keys.template_fields(template)
    if options.enrich:
        settings = bib_enrich.EnrichSettings(
            cache_dir=options.cache_dir or default_cache_dir(),
            api_url=options.arxiv_api_url,
            delay=options.arxiv_delay,
            timeout=options.enrich_timeout,
        )
        ids = [r.arxiv.id for r in fresh if r.arxiv is not None]
        metas = meta_for(fresh, bib_enrich.fetch(ids, settings, notes))

    wanted: dict[str, str] = {}
    idents: dict[str, str] = {}
    anonymous = False
    for rec in fresh:
        # Parsing author lists costs more than the rest of a key: only {author} needs it.
        first = None
        if by_author:
            names = authors(rec, metas.get(rec.key)).names
            first = names[0] if names else None
            anonymous = anonymous or not names
        parts = bib_keys.KeyParts(id=rec.ident, year=rec.year, title=rec.paper.title, author=first)
        wanted[rec.key] = bib_keys.render(template, parts)
        idents[rec.key] = rec.ident
    if anonymous and not options.enrich:
        notes.warning(
            "export",
            "--key-template uses {author}, which is known only from the digests' author"
            " lists or with --enrich",
        )
    keys, _ = bib_keys.assign(wanted, idents, existing.keys)

    parts_out = []
    for rec in fresh:
        planned = Planned(rec.key, keys[rec.key], wanted[rec.key], metas.get(rec.key))
        parts_out.append(Part(each_once(d for d, _ in rec.seen), part_key(planned), planned))
    return Plan(existing, tuple(parts_out), tuple(notes.items))


planned: PerExport[Plan] = PerExport(plan)
""":func:`plan`, made once per export for ``parts`` and ``assemble``."""


def part_key(planned: Planned) -> str:
    meta = asdict(planned.meta) if planned.meta is not None else None
    return json.dumps(
        [planned.paper, planned.cite, planned.wanted, meta], ensure_ascii=False, sort_keys=True
    )
