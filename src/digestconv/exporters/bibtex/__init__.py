"""``digestconv bibtex``: one entry per distinct paper, for LaTeX and citation managers.

Entries take the shape arXiv's own BibTeX export uses (``@misc`` with
``eprint``/``archivePrefix``/``primaryClass``), which bibtex, biber, Zotero,
JabRef and BibDesk all understand; ``--biblatex`` writes biblatex's native
``@online`` instead.  The exporter is offline and pure unless ``--enrich`` asks
for arXiv metadata or ``--update`` names a bibliography to extend.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from platformdirs import user_cache_dir

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import enrich as bib_enrich
from digestconv.exporters.bibtex import keys as bib_keys
from digestconv.exporters.bibtex import update as bib_update
from digestconv.exporters.bibtex.entries import build, collect, format_all, meta_for
from digestconv.model import Corpus
from digestconv.options import option
from digestconv.plugins import BuildTarget, Output, OutputSpec


def default_cache_dir() -> Path:
    return Path(user_cache_dir("digestconv", appauthor=False)) / "arxiv"


@dataclass(frozen=True)
class BibtexOptions:
    biblatex: bool = option(
        False, "Write biblatex @online entries (eprinttype, eprintclass, date) for biber."
    )
    summary: bool = option(
        False, "Add the digest's Korean summary to the annote field (never a printed field)."
    )
    key_template: str = option(
        bib_keys.DEFAULT_TEMPLATE,
        "Citation key template with {id}, {year}, {word} (first significant title word) and"
        " {author} (first author's family name, with --enrich).",
        metavar="TEMPLATE",
    )
    update: Path | None = option(
        None,
        "Keep FILE.bib as it is (your entries and edits) and append only the papers it lacks."
        " Use the same file as -o to grow it in place.",
        metavar="FILE.bib",
        site_path=True,
    )
    enrich: bool = option(
        False,
        "Fetch authors, primary category, v1 date, DOI and journal reference from the arXiv"
        " API (cached; the only option that uses the network).",
        config=False,
    )
    cache_dir: Path | None = option(
        None,
        "Where --enrich caches arXiv answers [default: the user cache directory].",
        config=False,
    )
    enrich_timeout: float = option(
        bib_enrich.TIMEOUT, "Seconds to wait for one arXiv API answer before retrying.", min=0.1
    )
    arxiv_api_url: str = option(
        bib_enrich.API_URL,
        "arXiv API query URL format (tests point it at a local server).",
        hidden=True,
    )
    arxiv_delay: float = option(
        bib_enrich.DELAY,
        "Seconds between arXiv API requests (arXiv asks for 3).",
        min=0.0,
        hidden=True,
    )


class BibtexExporter:
    name: ClassVar[str] = "bibtex"
    description: ClassVar[str] = "BibTeX/biblatex bibliography, one entry per distinct paper"
    Options: ClassVar[type] = BibtexOptions
    build_targets: ClassVar[tuple[BuildTarget, ...]] = (BuildTarget("refs.bib"),)
    cost: ClassVar[int] = 2

    def outputs(self, options: BibtexOptions) -> OutputSpec:
        return OutputSpec(".bib", "application/x-bibtex")

    def export(self, corpus: Corpus, options: BibtexOptions, diagnostics: Diagnostics) -> Output:
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
        elif "{author}" in template:
            diagnostics.warning(
                "export", "--key-template uses {author}, which is known only with --enrich"
            )

        wanted: dict[str, str] = {}
        idents: dict[str, str] = {}
        for rec in fresh:
            meta = metas.get(rec.key)
            parts = bib_keys.KeyParts(
                id=rec.ident,
                year=rec.year,
                title=rec.paper.title,
                author=bib_enrich.bibtex_name(meta.authors[0]) if meta and meta.authors else None,
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
        text = format_all(entries)
        if existing.text:
            head = existing.text if existing.text.endswith("\n") else existing.text + "\n"
            text = head + ("\n" + text if text else "")
        return text.encode("utf-8")
