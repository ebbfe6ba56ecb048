"""The bibliography itself: distinct papers → keys → entries, appended to ``--update``'s file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import default_cache_dir
from digestconv.exporters.bibtex import enrich as bib_enrich
from digestconv.exporters.bibtex import keys as bib_keys
from digestconv.exporters.bibtex import update as bib_update
from digestconv.exporters.bibtex.entries import (
    URL_PREAMBLE,
    authors,
    build,
    collect,
    format_all,
    meta_for,
    needs_url_preamble,
)
from digestconv.model import Corpus

if TYPE_CHECKING:
    from digestconv.exporters.bibtex import BibtexOptions


def write(corpus: Corpus, options: BibtexOptions, diagnostics: Diagnostics) -> bytes:
    biblatex, summary = options.biblatex, options.summary
    template = bib_keys.check_template(options.key_template)
    existing = bib_update.read(options.update) if options.update else bib_update.EMPTY

    records = collect(corpus, diagnostics)
    fresh = [r for r in records if r.key not in existing.papers]

    metas: dict[str, bib_enrich.ArxivMeta] = {}
    if options.enrich:
        settings = bib_enrich.EnrichSettings(
            cache_dir=options.cache_dir or default_cache_dir(),
            api_url=options.arxiv_api_url,
            delay=options.arxiv_delay,
            timeout=options.enrich_timeout,
        )
        ids = [r.arxiv.id for r in fresh if r.arxiv is not None]
        metas = meta_for(fresh, bib_enrich.fetch(ids, settings, diagnostics))
    elif "{author}" in template and not all(authors(r, None).names for r in fresh):
        diagnostics.warning(
            "export",
            "--key-template uses {author}, which is known only from the digests' author"
            " lists or with --enrich",
        )

    wanted: dict[str, str] = {}
    idents: dict[str, str] = {}
    for rec in fresh:
        names = authors(rec, metas.get(rec.key)).names
        parts = bib_keys.KeyParts(
            id=rec.ident, year=rec.year, title=rec.paper.title, author=names[0] if names else None
        )
        wanted[rec.key] = bib_keys.render(template, parts)
        idents[rec.key] = rec.ident
    keys, changed = bib_keys.assign(wanted, idents, existing.keys)
    for paper in changed:
        diagnostics.warning(
            "export",
            f"citation key {wanted[paper]!r} is not unique; {paper} gets {keys[paper]!r}",
        )

    entries = [
        build(r, keys[r.key], biblatex=biblatex, summary=summary, meta=metas.get(r.key))
        for r in fresh
    ]
    header = ""
    if not biblatex and needs_url_preamble(entries) and URL_PREAMBLE not in existing.text:
        header = URL_PREAMBLE + "\n"
    text = format_all(entries, header)
    if existing.text:
        head = existing.text if existing.text.endswith("\n") else existing.text + "\n"
        text = head + ("\n" + text if text else "")
    return text.encode("utf-8")
