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
from digestconv.model import Corpus
from digestconv.registry import Output


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
        from digestconv.exporters.bibtex.write import write

        return write(corpus, options, diagnostics)
