"""What the bibliography decides across the whole corpus, before any entry is written.

An entry's text depends on its paper's digests and on three things no single
paper decides: whether ``--update``'s file already cites the paper (then it gets
no entry), its citation key (a template key that collides with another paper's,
or with a key the file uses, is disambiguated) and, with ``--enrich``, arXiv's
metadata.  Deciding them here, once, is what lets entries be rendered — and
cached — apart from the rest of the corpus: they travel in the key of the part
holding the entry (a short run of entries, see :mod:`digestconv.runs`), so a part is
rendered again exactly when one of them or one of its digests changes.

The plan is made at every build, over every distinct paper, while an edit
re-renders a handful of entries: it must cost little per paper.  With the default
template (or ``{id}`` alone), no ``--update`` keys and no ``--enrich``, no key can
collide (see :func:`unique_by_construction`), so the plan renders no key at all:
the entry's key is then the template's, a function of the entry's own digests,
rendered with the entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from typing import TYPE_CHECKING

from digestconv.diagnostics import Diagnostic, Diagnostics
from digestconv.exporters.bibtex import default_cache_dir
from digestconv.exporters.bibtex import enrich as bib_enrich
from digestconv.exporters.bibtex import keys as bib_keys
from digestconv.exporters.bibtex import update as bib_update
from digestconv.exporters.bibtex.entries import Record, authors, meta_for
from digestconv.fragments import Part, PerExport
from digestconv.model import Corpus, Digest, Paper
from digestconv.papers import distinct_papers, each_once
from digestconv.runs import joined_key, runs

if TYPE_CHECKING:
    from digestconv.exporters.bibtex import BibtexOptions


@dataclass(slots=True)
class Planned:
    """One entry: its paper, the digests that featured it and what the plan decided for it
    (all of which is in its part's key and digests)."""

    key: str
    """``Paper.key`` of the entry's paper."""
    paper: Paper
    """The paper as first shown."""
    seen: tuple[tuple[Digest, Paper], ...]
    """Every appearance of the paper, with the digest it appeared in, in reading order
    (``papers.distinct_papers``): held here so an entry never looks for its paper among
    its digests' papers, which costs a post of thousands of papers quadratic time."""
    cite: str | None = None
    """The citation key, after disambiguation; None when the template's key is unique by
    construction, and is rendered with the entry."""
    wanted: str | None = None
    """The key the template gave; differs from ``cite`` when it was not unique."""
    meta: bib_enrich.ArxivMeta | None = None


@dataclass(frozen=True)
class Plan:
    existing: bib_update.Existing
    parts: tuple[Part, ...]
    """The entries of the papers the bibliography adds, in the documented entry order, a
    run of them per part (``part.data``: a tuple of :class:`Planned`)."""
    notes: tuple[Diagnostic, ...]
    """Diagnostics about the corpus as a whole, reported once the entries are joined."""


def plan(corpus: Corpus, options: BibtexOptions) -> Plan:
    template = bib_keys.check_template(options.key_template)
    existing = bib_update.read(options.update) if options.update else bib_update.EMPTY
    fresh = ordered(corpus.digests, existing.papers)
    if not options.enrich and not existing.keys and unique_by_construction(template, fresh):
        return Plan(existing, in_parts(fresh, [e.key for e in fresh]), ())
    notes = decide(template, existing, fresh, options)
    return Plan(existing, in_parts(fresh, [part_key(e) for e in fresh]), notes)


planned: PerExport[Plan] = PerExport(lambda corpus, options, _: plan(corpus, options))
""":func:`plan`, made once per export for ``parts`` and ``assemble``."""


def in_parts(entries: Sequence[Planned], keys: Sequence[str]) -> tuple[Part, ...]:
    """Runs of entries as parts; ``keys[i]`` names everything entry ``i`` depends on
    besides its digests."""
    out = []
    for start, end in runs([e.key for e in entries]):
        run = tuple(entries[start:end])
        digests = each_once(d for e in run for d, _ in e.seen)
        out.append(Part(digests, joined_key(keys[start:end]), run))
    return tuple(out)


def ordered(digests: Sequence[Digest], cited: frozenset[str]) -> list[Planned]:
    """The distinct papers (by ``Paper.key``, as :mod:`digestconv.papers` defines them) that
    ``cited`` lacks, in entry order: arXiv papers chronologically (``ArxivId.sort_key``),
    then the others by URL.  One pass over the appearances: this runs over every paper at
    every build."""
    groups = {g.key: Planned(g.key, g.paper, g.appearances) for g in distinct_papers(digests)}
    if cited:
        groups = {k: g for k, g in groups.items() if k not in cited}
    on_arxiv = [g for g in groups.values() if g.paper.arxiv is not None]
    on_arxiv.sort(key=_chronological)
    others = [g for g in groups.values() if g.paper.arxiv is None]
    others.sort(key=lambda g: g.paper.url)
    return on_arxiv + others


def _chronological(group: Planned) -> str:
    ax = group.paper.arxiv
    assert ax is not None
    return ax.chronological


UNIQUE_TEMPLATES = frozenset({bib_keys.DEFAULT_TEMPLATE, "{id}"})

_ARXIV_KEYS = re.compile(r"(?:arxiv:(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})\n)*")


def unique_by_construction(template: str, fresh: Sequence[Planned]) -> bool:
    """Whether ``template`` gives every paper a key no other paper's key equals, ignoring
    case as BibTeX does, so that ``keys.assign`` would change none.

    ``{id}`` renders as the identifier with ``/`` as ``.``: new style ``YYMM.NNNNN``, old
    style ``archive[.SC].YYMMNNN`` (lower-case archive, upper-case subject class), or
    ``h`` and ten hex digits of the URL's SHA-256.  Those are distinct for distinct
    papers, even folded to lower case, sanitising leaves them as they are, and
    ``{word}-`` before them is letters and digits only, so the first ``-`` separates
    the word again.  The one check left is whether the papers' identifiers are of those
    shapes (every identifier the parser makes is) and no two URLs share a hash prefix.
    """
    if template not in UNIQUE_TEMPLATES:
        return False
    keys = [g.key for g in fresh if g.paper.arxiv is not None]
    if keys and _ARXIV_KEYS.fullmatch("\n".join(keys) + "\n") is None:
        return False
    urls = [g.paper.url for g in fresh if g.paper.arxiv is None]
    return len({bib_keys.url_id(u) for u in urls}) == len(urls)


def decide(
    template: str, existing: bib_update.Existing, fresh: Sequence[Planned], options: BibtexOptions
) -> tuple[Diagnostic, ...]:
    """Every entry's key rendered and disambiguated here, and arXiv's metadata fetched:
    set on the entries; the notes about the corpus as a whole returned."""
    notes = Diagnostics()
    records = [record_of(g) for g in fresh]
    metas: dict[str, bib_enrich.ArxivMeta] = {}
    by_author = "author" in bib_keys.template_fields(template)
    if options.enrich:
        settings = bib_enrich.EnrichSettings(
            cache_dir=options.cache_dir or default_cache_dir(),
            api_url=options.arxiv_api_url,
            delay=options.arxiv_delay,
            timeout=options.enrich_timeout,
        )
        ids = [r.arxiv.id for r in records if r.arxiv is not None]
        metas = meta_for(records, bib_enrich.fetch(ids, settings, notes))

    wanted: dict[str, str] = {}
    idents: dict[str, str] = {}
    anonymous = False
    for rec in records:
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

    for entry in fresh:
        entry.cite, entry.wanted = keys[entry.key], wanted[entry.key]
        entry.meta = metas.get(entry.key)
    return tuple(notes.items)


def record_of(group: Planned) -> Record:
    """The paper with every appearance, as ``papers.distinct_papers`` gives them."""
    return Record(group.key, group.paper, group.paper.arxiv, group.seen)


def part_key(planned: Planned) -> str:
    """A decided entry's key: JSON, so never equal to a bare ``Paper.key`` (the key of an
    entry whose citation key is the template's, rendered with the entry)."""
    meta = astuple(planned.meta) if planned.meta is not None else None
    return json.dumps([planned.key, planned.cite, planned.wanted, meta], ensure_ascii=False)
