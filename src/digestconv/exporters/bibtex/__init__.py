"""``digestconv bibtex``: one entry per distinct paper, for LaTeX and citation managers.

Entries take the shape arXiv's own BibTeX export uses (``@misc`` with
``eprint``/``archivePrefix``/``primaryClass``), which bibtex, biber, Zotero,
JabRef and BibDesk all understand; ``--biblatex`` writes biblatex's native
``@online`` instead.  The exporter is offline and pure unless ``--enrich`` asks
for arXiv metadata or ``--update`` names a bibliography to extend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

import click
from platformdirs import user_cache_dir

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import enrich as bib_enrich
from digestconv.exporters.bibtex import keys as bib_keys
from digestconv.exporters.bibtex import update as bib_update
from digestconv.exporters.bibtex.entries import build, collect, format_all, meta_for
from digestconv.model import Corpus
from digestconv.registry import ExportError, Output


def default_cache_dir() -> Path:
    return Path(user_cache_dir("digestconv", appauthor=False)) / "arxiv"


class BibtexExporter:
    name: ClassVar[str] = "bibtex"
    suffix: ClassVar[str] = ".bib"
    media_type: ClassVar[str] = "application/x-bibtex"
    description: ClassVar[str] = "BibTeX/biblatex bibliography, one entry per distinct paper"
    binary: ClassVar[bool] = False
    options: ClassVar[Sequence[click.Parameter]] = [
        click.Option(
            ["--biblatex"],
            is_flag=True,
            help="Write biblatex @online entries (eprinttype, eprintclass, date) for biber.",
        ),
        click.Option(
            ["--summary"],
            is_flag=True,
            help="Add the digest's Korean summary to the annote field (never a printed field).",
        ),
        click.Option(
            ["--key-template"],
            default=bib_keys.DEFAULT_TEMPLATE,
            show_default=True,
            metavar="TEMPLATE",
            help="Citation key template with {id}, {year}, {word} (first significant title"
            " word) and {author} (first author's family name, with --enrich).",
        ),
        click.Option(
            ["--update"],
            type=click.Path(dir_okay=False, path_type=Path),
            metavar="FILE.bib",
            help="Keep FILE.bib as it is (your entries and edits) and append only the papers"
            " it lacks. Use the same file as -o to grow it in place.",
        ),
        click.Option(
            ["--enrich"],
            is_flag=True,
            help="Fetch authors, primary category, v1 date, DOI and journal reference from the"
            " arXiv API (cached; the only option that uses the network).",
        ),
        click.Option(
            ["--cache-dir"],
            type=click.Path(file_okay=False, path_type=Path),
            help="Where --enrich caches arXiv answers [default: the user cache directory].",
        ),
        click.Option(
            ["--enrich-timeout"],
            type=click.FloatRange(min=0.1),
            default=bib_enrich.TIMEOUT,
            show_default=True,
            help="Seconds to wait for one arXiv API answer before retrying.",
        ),
        click.Option(
            ["--arxiv-api-url"],
            default=bib_enrich.API_URL,
            hidden=True,
            help="arXiv API query URL format (tests point it at a local server).",
        ),
        click.Option(
            ["--arxiv-delay"],
            type=click.FloatRange(min=0.0),
            default=bib_enrich.DELAY,
            hidden=True,
            help="Seconds between arXiv API requests (arXiv asks for 3).",
        ),
    ]

    def export(
        self, corpus: Corpus, options: Mapping[str, object], diagnostics: Diagnostics
    ) -> Output:
        biblatex = bool(options.get("biblatex"))
        summary = bool(options.get("summary"))
        template = bib_keys.check_template(
            str(options.get("key_template") or bib_keys.DEFAULT_TEMPLATE)
        )
        update = options.get("update")
        existing = bib_update.read(Path(str(update))) if update else bib_update.EMPTY

        records = collect(corpus, diagnostics)
        fresh = [r for r in records if r.key not in existing.papers]

        metas: dict[str, bib_enrich.ArxivMeta] = {}
        if options.get("enrich"):
            cache_dir = options.get("cache_dir")
            settings = bib_enrich.EnrichSettings(
                cache_dir=Path(str(cache_dir)) if cache_dir else default_cache_dir(),
                api_url=str(options.get("arxiv_api_url") or bib_enrich.API_URL),
                delay=_float(options.get("arxiv_delay"), bib_enrich.DELAY),
                timeout=_float(options.get("enrich_timeout"), bib_enrich.TIMEOUT),
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


def _float(value: object, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, int | float | str):
        try:
            return float(value)
        except ValueError as err:
            raise ExportError(f"not a number: {value!r}") from err
    raise ExportError(f"not a number: {value!r}")
