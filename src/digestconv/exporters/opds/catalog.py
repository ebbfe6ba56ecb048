"""From the corpus and the options to a format-neutral catalog, then to the files.

Both OPDS versions describe the same catalog, so everything they share — titles, the
addresses of the catalog, the books and the covers, dates, authors — is decided once
here; ``atom`` and ``opds2`` only write it down.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub.labels import labels_for
from digestconv.exporters.opds import OpdsOptions
from digestconv.exporters.opds.books import (
    DEFAULT_TITLE,
    Book,
    catalog_lang,
    one_line,
    plan_books,
)
from digestconv.exporters.opds.published import (
    folder_url,
    href,
    is_absolute,
    option_of,
    output_name,
    resolve,
    root,
)
from digestconv.model import Corpus
from digestconv.plugins import ExportError
from digestconv.text.markdown import markdown_to_text

COVER_NAME = "covers/{stem}.png"
SPLITS = ("none", "year", "month")


@dataclass(frozen=True)
class Entry:
    """One book with every address already written as the catalog shows it."""

    book: Book
    acquisition: str
    cover: str | None
    summary: str
    content: str


@dataclass(frozen=True)
class Catalog:
    identifier: str
    title: str
    subtitle: str | None
    lang: str
    author: str
    site_url: str | None
    updated: datetime
    folder: str
    """Published address of the catalog folder (ends with ``/``)."""
    entries: tuple[Entry, ...]

    def url_of(self, name: str) -> str:
        """The published address of a file of the catalog folder (``self``, ``start``)."""
        return resolve(self.folder, name)


def plan_catalog(corpus: Corpus, options: OpdsOptions, diagnostics: Diagnostics) -> Catalog:
    site = corpus.site
    split = options.split or option_of(corpus, "epub", "split") or "none"
    if split not in SPLITS:
        split = "none"
    title = one_line(options.title or option_of(corpus, "epub", "title") or site.title)
    title = title or DEFAULT_TITLE
    base = root(site)
    folder = folder_url(options.catalog_url or resolve(base, output_name(corpus, "opds", "opds")))
    books_at = options.books_url or resolve(base, output_name(corpus, "epub", "digests.epub"))
    if not is_absolute(folder):
        diagnostics.warning(
            "export",
            "opds: the site has no url and no --catalog-url was given, so the catalog's "
            "self and start links are not absolute; set url in _config.yml or --catalog-url",
        )
        if options.links == "absolute":
            raise ExportError("opds: --links absolute needs the site's url or --catalog-url")
    relative = options.links == "relative"
    lang = catalog_lang(corpus)
    books_name = books_at.rstrip("/").rsplit("/", 1)[-1] or "digests.epub"
    books = plan_books(corpus, split, title, books_name, lang)
    author = one_line(site.author) or title
    entries = []
    for book in books:
        target = books_at if split == "none" else resolve(folder_url(books_at), book.file_name)
        cover = resolve(folder, COVER_NAME.format(stem=book.stem)) if options.covers else None
        entries.append(
            Entry(
                book=book,
                acquisition=href(target, folder, relative=relative),
                cover=None if cover is None else href(cover, folder, relative=relative),
                summary=_summary(book),
                content="\n".join(
                    [_summary(book), ""]
                    + [one_line(d.title) or d.path or d.source.path for d in reversed(book.digests)]
                ),
            )
        )
    description = one_line(markdown_to_text(site.description)) if site.description else ""
    return Catalog(
        identifier=_catalog_id(folder, title),
        title=title,
        subtitle=description or None,
        lang=lang,
        author=author,
        site_url=site.root_url,
        updated=max(b.last for b in books),
        folder=folder,
        entries=tuple(entries),
    )


def _summary(book: Book) -> str:
    labels = labels_for(book.lang)
    return " · ".join(
        [book.span, labels.count_digests(len(book.digests)), labels.count_papers(book.n_papers)]
    )


def _catalog_id(folder: str, title: str) -> str:
    """Stable while the catalog stays at its address under its title."""
    basis = "\n".join(["digestconv-opds-catalog", folder, title])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, basis)}"
