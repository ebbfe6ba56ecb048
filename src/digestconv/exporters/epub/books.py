"""What is decided once for all the books of an export: title, language, which posts, which book.

These decisions are what every chapter and every book-level document depends
on beyond its own posts, so they are made here, before anything is rendered,
and written into the parts' keys.  Nothing here renders or reports: the
messages the decisions call for are returned, to be reported in the order the
exporter has always reported them (before any chapter's).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from digestconv.diagnostics import Severity
from digestconv.exporters.epub.labels import Labels, labels_for
from digestconv.exporters.epub.plan import Chapter, normalize_lang, plan_chapters, split_digests
from digestconv.exporters.epub.tree import clean
from digestconv.model import Corpus, Digest
from digestconv.plugins import ExportError

if TYPE_CHECKING:
    from digestconv.exporters.epub import EpubOptions

DEFAULT_TITLE = "Daily Papers"
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")

Message = tuple[Severity, str]


@dataclass(frozen=True)
class Book:
    """One ``.epub``: everything or one period's posts, in reading order."""

    period: str | None
    title: str
    digests: tuple[Digest, ...]
    chapters: tuple[Chapter, ...]

    @property
    def newest(self) -> datetime:
        """The book's date (``dcterms:modified``, every zip entry's time)."""
        return max(d.date for d in self.digests)


@dataclass(frozen=True)
class Plan:
    lang: str
    labels: Labels
    books: tuple[Book, ...]
    messages: tuple[Message, ...]
    """What the decisions call for reporting, in order (severity, message)."""


def plan_books(corpus: Corpus, options: EpubOptions) -> Plan:
    if not corpus.digests:
        raise ExportError("there are no digests to put in a book")
    messages: list[Message] = []
    title = one_line(options.title) if options.title else ""
    title = title or one_line(corpus.site.title) or DEFAULT_TITLE
    lang = _book_lang(corpus, messages)
    kept = corpus.digests
    if not options.keep_empty:
        with_papers = tuple(d for d in corpus.digests if d.papers)
        left_out = len(corpus.digests) - len(with_papers)
        if not with_papers:
            messages.append(("note", "no post has papers; the book holds the posts' text"))
        else:
            kept = with_papers
            if left_out:
                messages.append(
                    (
                        "note",
                        f"{left_out} post(s) without papers left out of the book "
                        "(--keep-empty keeps them)",
                    )
                )
    books = tuple(
        Book(
            period,
            title if period is None else f"{title} ({period})",
            tuple(digests),
            plan_chapters(digests, lang),
        )
        for period, digests in split_digests(kept, options.split)
    )
    return Plan(lang, labels_for(lang), books, tuple(messages))


def _book_lang(corpus: Corpus, messages: list[Message]) -> str:
    """The site's language, else the posts' most common one, else guessed from the text."""
    site_lang = corpus.site.lang
    if site_lang:
        tag = normalize_lang(site_lang)
        if tag:
            return tag
        messages.append(("warning", f"the site language {site_lang!r} is not a language tag"))
    tags = Counter(t for d in corpus.digests if (t := normalize_lang(d.lang)))
    if tags:
        return sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    sample = " ".join(
        p.title + " ".join(i.text for s in p.sections for i in s.items)
        for d in corpus.digests[:5]
        for p in d.papers[:3]
    )
    return "ko" if _HANGUL.search(sample) else "en"


def chapter_label(chapter: Chapter) -> str:
    return one_line(chapter.digest.title) or chapter.day


def one_line(text: str | None) -> str:
    """Whitespace-collapsed text without code points XML forbids (lxml refuses them)."""
    return " ".join(clean(text or "").split())
