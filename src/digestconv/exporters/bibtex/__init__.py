"""``digestconv bibtex``: one entry per distinct paper, for LaTeX and citation managers.

Entries carry arXiv's own BibTeX export fields (``eprint``/``archivePrefix``/
``primaryClass``) and the venue ``arXiv preprint arXiv:ID`` that pandoc and
citation-js keep — ``@article`` when the authors are known, else ``@misc`` — with
pdflatex-safe text; ``--biblatex`` writes biblatex's native ``@online`` in UTF-8.
The exporter is offline and pure unless ``--enrich`` asks for arXiv metadata or
``--update`` names a bibliography to extend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from platformdirs import user_cache_dir

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import enrich as bib_enrich
from digestconv.exporters.bibtex import keys as bib_keys
from digestconv.fragments import Part, export_whole
from digestconv.model import Corpus, Site
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
        "Fetch authors (where the digest lists none or stops at 'et al.'), primary category,"
        " v1 date, DOI and journal reference from the arXiv API (cached; the only option"
        " that uses the network).",
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
        return export_whole(self, corpus, options, diagnostics)

    # One entry per distinct paper the bibliography adds, a run of neighbouring entries
    # per part (see ``digestconv.runs``): its digests are every digest that featured its papers; its
    # key holds what the plan decided across the corpus (citation keys, arXiv metadata).
    # ``--update``'s file and the corpus-wide warnings go to ``assemble``.  The modules
    # below load pylatexenc and bibtexparser, hence the imports inside the methods.

    def parts(self, corpus: Corpus, options: BibtexOptions) -> Sequence[Part]:
        from digestconv.exporters.bibtex.plan import planned

        # Made once per export: assemble needs the file read and the notes made here, and
        # the file is read and arXiv asked once, not twice.
        return planned(corpus, options).parts

    def render_part(
        self, part: Part, site: Site, options: BibtexOptions, diagnostics: Diagnostics
    ) -> bytes:
        from digestconv.exporters.bibtex.write import entries

        return entries(part, options, diagnostics)

    def assemble(
        self,
        corpus: Corpus,
        options: BibtexOptions,
        fragments: Sequence[bytes],
        diagnostics: Diagnostics,
    ) -> bytes:
        from digestconv.exporters.bibtex.plan import planned
        from digestconv.exporters.bibtex.write import join

        made = planned.take(corpus, options, diagnostics)
        diagnostics.items.extend(made.notes)  # the plan's notes, where they always came
        return join(made.existing, options, fragments)
