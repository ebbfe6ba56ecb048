"""Distinct papers → BibTeX/biblatex entries, and entries → text.

A paper that several digests feature is one entry: identity is the version-less
arXiv identifier (``Paper.key``), else the URL.  Entries are sorted by arXiv
identifier in chronological order (``ArxivId.sort_key``: YYMM, so old-style
``hep-th/9901001`` comes before ``0704.0001``), then papers without an arXiv id
by URL – an order that never depends on the order the posts were read in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from digestconv.arxiv import ArxivId
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import escape as esc
from digestconv.exporters.bibtex import names as bib_names
from digestconv.exporters.bibtex.enrich import ArxivMeta
from digestconv.model import Corpus, Digest, Paper
from digestconv.papers import distinct_papers
from digestconv.text.markdown import item_text

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(slots=True)
class Record:
    """One distinct paper and every digest that featured it, in reading order."""

    key: str
    paper: Paper
    arxiv: ArxivId | None
    seen: Sequence[tuple[Digest, Paper]] = ()

    @property
    def sort_key(self) -> tuple[int, tuple[int, int, str], str]:
        if self.arxiv is not None:
            return (0, self.arxiv.sort_key, "")
        return (1, (0, 0, ""), self.paper.url)

    @property
    def first_date(self) -> str:
        return min(d.date.date().isoformat() for d, _ in self.seen)

    @property
    def ident(self) -> str:
        """What ``{id}`` in a key template stands for."""
        from digestconv.exporters.bibtex.keys import url_id

        return self.arxiv.id if self.arxiv is not None else url_id(self.paper.url)

    @property
    def year(self) -> str:
        return str(self.arxiv.year) if self.arxiv is not None else self.first_date[:4]


def collect(corpus: Corpus, diagnostics: Diagnostics) -> list[Record]:
    """Distinct papers in the documented order; differing titles of one paper noted."""
    records = [
        settle(Record(g.key, g.paper, g.paper.arxiv, g.appearances), diagnostics)
        for g in distinct_papers(corpus.digests)
    ]
    return sorted(records, key=lambda r: r.sort_key)


def record(key: str, seen: Sequence[tuple[Digest, Paper]], diagnostics: Diagnostics) -> Record:
    """The paper ``key`` as its appearances (every one, in reading order) show it."""
    paper = seen[0][1]
    return settle(Record(key, paper, paper.arxiv, seen), diagnostics)


def settle(rec: Record, diagnostics: Diagnostics) -> Record:
    """The highest version any post linked (None, unversioned, loses); differing titles
    noted, since only the first is written."""
    first_title = None
    for digest, paper in rec.seen[1:]:
        if (
            paper.arxiv is not None
            and rec.arxiv is not None
            and (paper.arxiv.version or 0) > (rec.arxiv.version or 0)
        ):
            rec.arxiv = paper.arxiv
        if paper.title == rec.paper.title:
            continue
        if first_title is None:
            first_title = esc.clean(rec.paper.title)
        if esc.clean(paper.title) != first_title:
            span = paper.source
            diagnostics.note(
                "export",
                f"{paper.key} is titled differently in another digest; the first title,"
                f" {rec.paper.title!r}, is used",
                span.path if span else digest.source.path,
                span.line if span else 0,
            )
    return rec


@dataclass(frozen=True)
class Entry:
    type: str
    key: str
    fields: tuple[tuple[str, str], ...]
    """(name, value as written between braces); values of ``BARE`` fields are macros."""


BARE = frozenset({"month"})


def _post_link(digest: Digest) -> str:
    """The post's address; no #fragment, whose ``#`` LaTeX would need escaped in a link."""
    return digest.url or digest.path or digest.source.path


def annote(rec: Record, summary: bool) -> str:
    seen = dict.fromkeys(
        f"{digest.date.date().isoformat()}: {_post_link(digest)}" for digest, _ in rec.seen
    )
    # No final full stop: it would read as part of the last URL.
    text = "Featured in " + "; ".join(seen)
    out = esc.escape(text)
    if summary:
        parts = []
        for section in rec.paper.sections:
            if section.placeholder or not section.items:
                continue
            body = " ".join(item_text(i) for i in section.items)
            parts.append(esc.escape(f"{section.heading}: {body}"))
        if parts:
            out += "\n\n" + "\n\n".join(parts)
    return out


def keywords(rec: Record) -> str:
    return _keywords(tuple(str(tag) for digest, _ in rec.seen for tag in digest.tags))


@lru_cache(maxsize=256)
def _keywords(tags: tuple[str, ...]) -> str:
    """Every paper of a digest has the digest's tags: escaped once, not once a paper."""
    kept: list[str] = []
    folded: set[str] = set()
    for tag in tags:
        clean = esc.clean(tag.replace(",", " ").replace(";", " "))
        if clean and clean.casefold() not in folded:
            folded.add(clean.casefold())
            kept.append(clean)
    return ", ".join(esc.escape(t) for t in sorted(kept, key=str.casefold))


def _title(rec: Record) -> str:
    text = esc.clean(rec.paper.title)
    if not text:
        text = f"arXiv:{rec.arxiv.id}" if rec.arxiv else rec.paper.url
    return esc.title(text)


def short_title(rec: Record) -> str:
    """What an author-year label shows for a paper without authors: its short title.

    The name before a colon ("Fast-dLLM v2" of "Fast-dLLM v2: Efficient …") when
    the title has a short one, else its first words — the short title that stands
    for the author of an anonymous work (biblatex's labeltitle does the same), never
    an identifier posing as an author.
    """
    text = esc.clean(rec.paper.title)
    head, colon, _ = text.partition(": ")
    words = (head if colon and head and len(head.split()) <= SHORT_WORDS * 2 else text).split()
    short = " ".join(words[:SHORT_WORDS] if len(words) > SHORT_WORDS * 2 else words)
    return esc.escape(short[:SHORT_CHARS].rstrip()) or esc.escape(rec.ident)


def natbib_name(rec: Record) -> str:
    """The short title without parentheses, which natbib reads as the label's year, and
    square brackets, which would end ``\\bibitem[…]``'s optional argument."""
    name = " ".join(re.sub(r"\([^()]*\)?|[()\[\]]", " ", short_title(rec)).split())
    return name or esc.escape(rec.ident)


SHORT_WORDS = 4
SHORT_CHARS = 80


def arxiv_venue(ax: ArxivId) -> str:
    """``arXiv preprint arXiv:ID``, the venue Google Scholar writes for arXiv papers.

    pandoc and citation-js keep it (as ``container-title`` of an ``@article``, as
    ``publisher`` of a ``@misc``) where they drop ``eprint``, so the identifier
    survives the import; bibtex styles print it like a journal.
    """
    return esc.escape(f"arXiv preprint arXiv:{ax.id}")


def digest_authors(rec: Record) -> bib_names.Authors:
    """The first author list any digest featuring the paper gives."""
    for _, paper in rec.seen:
        found = bib_names.from_digest(paper.authors)
        if found.names:
            return found
    return bib_names.from_digest(())


def abstract(rec: Record) -> str | None:
    for _, paper in rec.seen:
        if paper.abstract and esc.clean(paper.abstract):
            return esc.escape(paper.abstract)
    return None


def authors(rec: Record, meta: ArxivMeta | None) -> bib_names.Authors:
    """The digest's authors; arXiv's (``--enrich``) where the digest has none or stops short."""
    arxiv = bib_names.from_arxiv(meta.authors) if meta and meta.authors else None
    return bib_names.choose(digest_authors(rec), arxiv)


def build(
    rec: Record,
    key: str,
    *,
    biblatex: bool,
    summary: bool,
    meta: ArxivMeta | None,
) -> Entry:
    fields: list[tuple[str, str]] = []
    add = fields.append
    author = authors(rec, meta).field()
    if author:
        add(("author", author))
    add(("title", _title(rec)))
    if biblatex and not author and short_title(rec) != esc.escape(esc.clean(rec.paper.title)):
        # biblatex's author-year label of an entry without authors is its labeltitle.
        add(("shorttitle", short_title(rec)))
    ax = rec.arxiv
    kind = "online" if biblatex else "misc"
    if ax is not None:
        eprint = ax.versioned
        primary = (meta.primary_class if meta else None) or ax.primary_class
        published = meta.published if meta else None
        if biblatex:
            add(("date", published or f"{ax.year:04d}-{ax.month:02d}"))
            add(("eprint", eprint))
            add(("eprinttype", "arxiv"))
            if primary:
                add(("eprintclass", esc.escape(primary)))
        else:
            year, month = (
                (int(published[:4]), int(published[5:7])) if published else (ax.year, ax.month)
            )
            # @article (a journal named "arXiv preprint arXiv:ID") is what importers read
            # as a scholarly article; classic styles require an author for it, so a paper
            # whose authors are unknown stays @misc with the same venue in howpublished.
            kind = "article" if author else "misc"
            if author:
                add(("journal", arxiv_venue(ax)))
            add(("year", str(year)))
            add(("month", MONTHS[month - 1]))
            if not author:
                add(("howpublished", arxiv_venue(ax)))
            add(("eprint", eprint))
            add(("archivePrefix", "arXiv"))
            if primary:
                add(("primaryClass", esc.escape(primary)))
        if meta and meta.doi:
            add(("doi", esc.url(meta.doi)))
        if meta and meta.journal_ref:
            add(("note", esc.escape(meta.journal_ref)))
        add(("url", f"https://arxiv.org/abs/{ax.id}"))
    else:
        link = esc.url(rec.paper.url)
        if biblatex:
            # biber's data model wants a date; the year a digest first featured the
            # paper is the best one known (the @misc form uses the same year).
            add(("date", rec.first_date[:4]))
            add(("url", link))
            add(("urldate", rec.first_date))
        else:
            link = esc.ascii_url(link)
            add(("year", rec.first_date[:4]))
            add(("howpublished", "\\url{" + link + "}"))
            add(("url", link))
    if not biblatex and not author:
        # Without an author, classic styles sort by `key` and natbib's author-year styles
        # print it as the whole citation label, adding no year of their own; written in
        # natbib's label syntax "Name(Year)", \citet shows "Fast-dLLM v2 (2025)".
        add(("key", f"{natbib_name(rec)}({fields_year(fields)})"))
    text = abstract(rec)
    if text:
        add(("abstract", text))
    kw = keywords(rec)
    if kw:
        add(("keywords", kw))
    add(("annotation" if biblatex else "annote", annote(rec, summary)))
    if not biblatex:
        fields = [(n, v if n in RAW else esc.ascii_tex(v)) for n, v in fields]
    return Entry(kind, key, tuple(fields))


def fields_year(fields: Sequence[tuple[str, str]]) -> str:
    return next(v for n, v in fields if n == "year")


URL_PREAMBLE = (
    '@preamble{ "\\providecommand{\\url}{\\begingroup\\catcode37=12\\catcode35=12'
    "\\catcode38=12\\catcode95=12\\catcode126=12\\catcode94=12\\catcode36=12"
    '\\relax\\digestconvurl}\\providecommand{\\digestconvurl}[1]{\\texttt{#1}\\endgroup}" }\n'
)
"""``\\url`` for documents that load neither url nor hyperref: the address in
typewriter type with ``% # & _ ~ ^ $`` read as characters, as the url package
reads them; ``\\providecommand`` leaves a loaded package's ``\\url`` alone."""

RAW = frozenset({"url", "doi", "eprint", "month", "archivePrefix", "primaryClass"})
"""Fields that ``ascii_tex`` leaves alone: identifiers, URLs and macros."""


def format_entry(entry: Entry) -> str:
    lines = [f"@{entry.type}{{{entry.key},"]
    last = len(entry.fields) - 1
    for i, (name, value) in enumerate(entry.fields):
        text = value if name in BARE else "{" + value + "}"
        lines.append(f"  {name} = {text}{',' if i < last else ''}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def meta_for(records: Sequence[Record], metas: Mapping[str, ArxivMeta]) -> dict[str, ArxivMeta]:
    return {r.key: metas[r.arxiv.id] for r in records if r.arxiv and r.arxiv.id in metas}
