"""The books a catalog lists: the same grouping, titles and file names as ``epub``.

A catalog entry is only useful if its link leads to a file the build wrote, so the
grouping (``split_digests``) and the names (``<period>.epub``) are the epub exporter's own.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from digestconv.exporters.epub.plan import iso_day, normalize_lang, split_digests
from digestconv.model import Corpus, Digest

DEFAULT_TITLE = "Daily Papers"
BOOK_TYPE = "application/epub+zip"


@dataclass(frozen=True)
class Book:
    """One EPUB file as the catalog describes it."""

    stem: str
    """``digests`` for the single book, else the period (``2025``, ``2025-10``)."""
    file_name: str
    """Relative to the books folder (split) or the book's own name (single)."""
    title: str
    identifier: str
    lang: str
    first: datetime
    last: datetime
    digests: tuple[Digest, ...]

    @property
    def n_papers(self) -> int:
        return sum(len(d.papers) for d in self.digests)

    @property
    def span(self) -> str:
        first, last = iso_day(self.first), iso_day(self.last)
        return first if first == last else f"{first} – {last}"


# Code points XML 1.0 forbids (lxml refuses them) and non-characters.
_FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def one_line(text: str | None) -> str:
    """Whitespace-collapsed text without code points XML forbids."""
    return " ".join(_FORBIDDEN.sub("", text or "").split())


def catalog_lang(corpus: Corpus) -> str:
    """The site's language tag, else the posts' most common one, else Korean or English
    by the script of the titles (what the epub exporter decides for the book)."""
    tag = normalize_lang(corpus.site.lang)
    if tag:
        return tag
    tags = Counter(t for d in corpus.digests if (t := normalize_lang(d.lang)))
    if tags:
        return sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    sample = "".join(p.title for d in corpus.digests[:5] for p in d.papers[:3])
    return "ko" if any("\uac00" <= ch <= "\ud7a3" for ch in sample) else "en"


def plan_books(
    corpus: Corpus, split: str, title: str, books_name: str, lang: str
) -> tuple[Book, ...]:
    """Newest book first, as catalogs list them."""
    books: list[Book] = []
    for period, digests in split_digests(corpus.digests, split):
        if not digests:
            continue
        stem = period or "digests"
        book_title = title if period is None else f"{title} ({period})"
        books.append(
            Book(
                stem=stem,
                file_name=books_name if period is None else f"{period}.epub",
                title=book_title,
                identifier=_identifier(corpus, book_title, period, digests),
                lang=lang,
                first=min(d.date for d in digests),
                last=max(d.date for d in digests),
                digests=tuple(digests),
            )
        )
    return tuple(reversed(books))


def _identifier(corpus: Corpus, title: str, period: str | None, digests: Sequence[Digest]) -> str:
    """A stable ``urn:uuid:`` from the site and the posts: an app recognises the entry
    again after a rebuild, and sees a new one when the book's content changes period."""
    basis = "\n".join(
        [
            "digestconv-opds",
            corpus.site.root_url or corpus.site.title or "",
            title,
            period or "all",
            digests[0].post_id or digests[0].source.path,
        ]
    )
    name = basis.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"
