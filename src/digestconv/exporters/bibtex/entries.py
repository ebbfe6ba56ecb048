"""Distinct papers → BibTeX/biblatex entries, and entries → text.

A paper that several digests feature is one entry: identity is the version-less
arXiv identifier (``Paper.key``), else the URL.  Entries are sorted by arXiv
identifier in chronological order (``ArxivId.sort_key``: YYMM, so old-style
``hep-th/9901001`` comes before ``0704.0001``), then papers without an arXiv id
by URL – an order that never depends on the order the posts were read in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from digestconv.arxiv import ArxivId
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import escape as esc
from digestconv.exporters.bibtex.enrich import ArxivMeta, bibtex_name
from digestconv.model import Corpus, Digest, Paper
from digestconv.papers import distinct_papers
from digestconv.text.markdown import item_text

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass
class Record:
    """One distinct paper and every digest that featured it, in reading order."""

    key: str
    paper: Paper
    arxiv: ArxivId | None
    seen: list[tuple[Digest, Paper]] = field(default_factory=list)

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
    records: list[Record] = []
    for group in distinct_papers(corpus.digests):
        rec = Record(group.key, group.paper, group.paper.arxiv, list(group.appearances))
        for digest, paper in group.repeats:
            # The highest version any post linked; None (unversioned) loses.
            if (
                paper.arxiv is not None
                and rec.arxiv is not None
                and (paper.arxiv.version or 0) > (rec.arxiv.version or 0)
            ):
                rec.arxiv = paper.arxiv
            if esc.clean(paper.title) != esc.clean(rec.paper.title):
                span = paper.source
                diagnostics.note(
                    "export",
                    f"{paper.key} is titled differently in another digest; the first title,"
                    f" {rec.paper.title!r}, is used",
                    span.path if span else digest.source.path,
                    span.line if span else 0,
                )
        records.append(rec)
    return sorted(records, key=lambda r: r.sort_key)


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
    seen: list[str] = []
    for digest, _ in rec.seen:
        line = f"{digest.date.date().isoformat()}: {_post_link(digest)}"
        if line not in seen:
            seen.append(line)
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
    tags: list[str] = []
    folded: set[str] = set()
    for digest, _ in rec.seen:
        for tag in digest.tags:
            clean = esc.clean(str(tag).replace(",", " ").replace(";", " "))
            if clean and clean.casefold() not in folded:
                folded.add(clean.casefold())
                tags.append(clean)
    return ", ".join(esc.escape(t) for t in sorted(tags, key=str.casefold))


def _title(rec: Record) -> str:
    text = esc.clean(rec.paper.title)
    if not text:
        text = f"arXiv:{rec.arxiv.id}" if rec.arxiv else rec.paper.url
    return esc.title(text)


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
    if meta and meta.authors:
        add(("author", " and ".join(bibtex_name(a) for a in meta.authors)))
    add(("title", _title(rec)))
    ax = rec.arxiv
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
            add(("year", str(year)))
            add(("month", MONTHS[month - 1]))
            add(("eprint", eprint))
            add(("archivePrefix", "arXiv"))
            if primary:
                add(("primaryClass", esc.escape(primary)))
        if meta and meta.doi:
            add(("doi", esc.url(meta.doi)))
        if meta and meta.journal_ref:
            add(("note", esc.escape(meta.journal_ref)))
        add(("url", f"https://arxiv.org/abs/{ax.id}"))
        if not biblatex:
            add(("key", esc.escape(f"arXiv:{ax.id}")))
    else:
        link = esc.url(rec.paper.url)
        if biblatex:
            # biber's data model wants a date; the year a digest first featured the
            # paper is the best one known (the @misc form uses the same year).
            add(("date", rec.first_date[:4]))
            add(("url", link))
            add(("urldate", rec.first_date))
        else:
            add(("year", rec.first_date[:4]))
            add(("howpublished", "\\url{" + link + "}"))
            add(("url", link))
            host = urlsplit(rec.paper.url).hostname or "web"
            add(("key", esc.escape(host)))
    kw = keywords(rec)
    if kw:
        add(("keywords", kw))
    add(("annotation" if biblatex else "annote", annote(rec, summary)))
    return Entry("online" if biblatex else "misc", key, tuple(fields))


def format_entry(entry: Entry) -> str:
    lines = [f"@{entry.type}{{{entry.key},"]
    last = len(entry.fields) - 1
    for i, (name, value) in enumerate(entry.fields):
        text = value if name in BARE else "{" + value + "}"
        lines.append(f"  {name} = {text}{',' if i < last else ''}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def format_all(entries: Sequence[Entry], header: str = "") -> str:
    body = "\n".join(format_entry(e) for e in entries)
    return header + body


def meta_for(records: Sequence[Record], metas: Mapping[str, ArxivMeta]) -> dict[str, ArxivMeta]:
    return {r.key: metas[r.arxiv.id] for r in records if r.arxiv and r.arxiv.id in metas}
