"""Papers → CSL-JSON items, shaped like Zotero's export of an arXiv preprint.

Zotero saves an arXiv paper as a *preprint* and exports it to CSL-JSON as type
``article`` with ``publisher: arXiv``, ``number: arXiv:<id>``, the DataCite DOI
``10.48550/arXiv.<id>`` and ``source: arXiv.org``.  Following that shape means
citation styles render our items exactly as they render the user's own Zotero
library, and Zotero or pandoc can merge both without duplicates by DOI.

Everything here is a function of the paper and the digests that mention it, so
the bytes never depend on the clock or on the order posts were read in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from digestconv.model import Digest, Paper
from digestconv.papers import featured, group_papers
from digestconv.text.markdown import item_text

SummaryPlace = Literal["none", "abstract", "note"]
SUMMARY_PLACES: tuple[SummaryPlace, ...] = ("none", "abstract", "note")

CslItem = dict[str, object]

# Tags that CSL processors (pandoc's citeproc, citeproc-js) read as formatting in
# any text field.  There is no escape for them, so a title holding one is noted.
CSL_MARKUP = ("<i>", "<b>", "<sup>", "<sub>", "<span", "<sc>")


@dataclass(slots=True)
class Entry:
    """One distinct paper with every digest that mentioned it, oldest first."""

    paper: Paper
    digests: list[Digest] = field(default_factory=list)

    @property
    def tags(self) -> list[str]:
        """Tags of all mentioning digests, deduplicated without regard to case, sorted."""
        seen: dict[str, str] = {}
        for digest in self.digests:
            for tag in digest.tags:
                seen.setdefault(tag.casefold(), tag)
        return [seen[k] for k in sorted(seen)]


def item_id(paper: Paper) -> str:
    """The citation key: ``arXiv:<id>`` or ``web:<host>-<hash>``.

    Both are ASCII, readable and a function of the paper alone, so a key written
    into a manuscript keeps working when more digests are added.  ``arXiv:`` +
    the version-less identifier is the form arXiv itself recommends for citing,
    and every character of it is legal inside a pandoc ``@key``.  Papers not on
    arXiv have no identifier, so their key is the host (readable) plus the first
    ten hex digits of the URL's SHA-256 (stable and practically unique).
    """
    if paper.arxiv is not None:
        return f"arXiv:{paper.arxiv.id}"
    digest = hashlib.sha256(paper.url.encode("utf-8")).hexdigest()[:10]
    return f"web:{_host(paper.url)}-{digest}"


def _host(url: str) -> str:
    """The URL's host as key-safe ASCII; ``link`` when there is none worth showing.

    Internationalised names become their xn-- form; anything else outside
    ``[a-z0-9.-]`` (a malformed URL is still a paper) is dropped, never raised.
    """
    try:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        host = host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        host = ""
    host = "".join(c for c in host if c.isascii() and (c.isalnum() or c in ".-")).strip(".-")
    return host or "link"


def sort_key(entry: Entry) -> tuple[int, int, int, str]:
    """arXiv papers chronologically by identifier, then web pages by key."""
    ax = entry.paper.arxiv
    if ax is not None:
        return (0, *ax.sort_key)
    return (1, 0, 0, item_id(entry.paper))


def summary_text(paper: Paper) -> str:
    """The digest's summary as plain text: one paragraph per section.

    Placeholder sections ("정보 부족") are left out: in a bibliography they say
    nothing.  Markdown is flattened through ``digestconv.text.markdown`` so no ``**``
    or link syntax reaches a reference manager that would show it verbatim.
    """
    blocks: list[str] = []
    for section in paper.sections:
        if section.placeholder or not section.items:
            continue
        lines = [item_text(item) for item in section.items]
        blocks.append(f"{section.heading}: " + " ".join(line for line in lines if line))
    return "\n\n".join(blocks)


def _date_parts(*parts: int) -> dict[str, object]:
    return {"date-parts": [list(parts)]}


def to_item(entry: Entry, summary: SummaryPlace) -> CslItem:
    """The CSL-JSON item of one distinct paper (keys in a fixed, Zotero-like order)."""
    paper = entry.paper
    first = entry.digests[0]
    item: CslItem = {"id": item_id(paper)}
    if paper.arxiv is not None:
        ax = paper.arxiv
        item["type"] = "article"
        item["title"] = paper.title
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{ax.id}"
        item["DOI"] = f"10.48550/arXiv.{ax.id}"
        item["source"] = "arXiv.org"
        # The version-less abstract page: one item stands for every version.
        item["URL"] = f"https://arxiv.org/abs/{ax.id}"
        # An arXiv identifier encodes the month of first submission: a true
        # publication date, unlike the day a digest happened to cover the paper.
        item["issued"] = _date_parts(ax.year, ax.month)
    else:
        item["type"] = "webpage"
        item["title"] = paper.title
        item["URL"] = paper.url
        # No publication date is known; the day the first digest read the page is
        # what "accessed" means, and it keeps styles from printing a bare "n.d.".
        day = first.date.date()
        item["accessed"] = _date_parts(day.year, day.month, day.day)
    tags = entry.tags
    if tags:
        # CSL has one "keyword" string variable; Zotero and citeproc-js separate with ", ".
        item["keyword"] = ", ".join(tags)
    text = summary_text(paper) if summary != "none" else ""
    if text:
        item[summary] = text
    return item


def collect(pairs: Iterable[tuple[Digest, Paper]]) -> list[Entry]:
    """Distinct papers by ``Paper.key`` (arXiv id without version, else URL).

    The first mention wins for the title and summary: digests arrive oldest
    first, so that is the text the blog published first.
    """
    entries = [
        Entry(group.paper, [digest for digest, _ in group.appearances])
        for group in group_papers(pairs)
    ]
    return sorted(entries, key=sort_key)


def distinct(digests: Iterable[Digest]) -> list[tuple[str, Entry]]:
    """The entries :func:`collect` gives for every paper of ``digests``, each with its
    ``Paper.key``, in the same order (arXiv papers by ``ArxivId.chronological``, web pages by
    key), but with each digest once (``papers.featured``) among an entry's digests.
    Every build asks this of every paper, so it walks the papers once and builds one
    object per paper, not per appearance."""
    groups = {k: Entry(paper, ds) for k, (paper, ds) in featured(digests).items()}
    # Distinct papers have distinct identifiers, so no two sort keys tie.
    on_arxiv = sorted(
        (ax.chronological, k, e) for k, e in groups.items() if (ax := e.paper.arxiv) is not None
    )
    web = sorted(
        ((k, e) for k, e in groups.items() if e.paper.arxiv is None),
        key=lambda pair: item_id(pair[1].paper),
    )
    return [(k, e) for _, k, e in on_arxiv] + web


def markup_in(title: str, markup: Sequence[str] = CSL_MARKUP) -> str | None:
    """The first CSL formatting tag in ``title``, if any."""
    lowered = title.lower()
    return next((tag for tag in markup if tag in lowered), None)
