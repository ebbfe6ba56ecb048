"""What a build of this site publishes, and under which names: the page's content.

The page sits at the top of the build's output folder and links to the other outputs by
the names the run's plan gives them (``Corpus.outputs``: each format's ``output:`` in
``_config.yml``, else its default name); formats the run does not write are left off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from digestconv.exporters.opds import ATOM_NAME, ATOM_TYPE, JSON_NAME, JSON_TYPE
from digestconv.exporters.opds.books import catalog_lang, one_line, plan_books
from digestconv.exporters.opds.published import option_of, output_name
from digestconv.model import Corpus

Group = Literal["subscribe", "books", "bibliography", "decks", "data"]


@dataclass(frozen=True)
class Published:
    group: Group
    label: str
    href: str
    """Relative to the page (the top of the output folder)."""
    media_type: str
    note: str = ""
    discover: bool = False
    """Also a ``<link rel="alternate">`` in the page's head (feeds and catalogs)."""


def published_outputs(corpus: Corpus) -> tuple[Published, ...]:
    site = corpus.site

    def on(name: str) -> bool:
        """In the run's plan; without a plan (an API call), every built-in format."""
        return not corpus.outputs or corpus.publication(name) is not None

    out: list[Published] = []
    if on("feed"):
        rss = option_of(corpus, "feed", "format") == "rss"
        out.append(
            Published(
                "subscribe",
                "RSS feed" if rss else "Atom feed",
                output_name(corpus, "feed", "feed.xml"),
                "application/rss+xml" if rss else "application/atom+xml",
                "for feed readers",
                discover=True,
            )
        )
    if on("opds"):
        folder = output_name(corpus, "opds", "opds")
        version = option_of(corpus, "opds", "catalogs") or "both"
        if version in ("atom", "both"):
            out.append(
                Published(
                    "subscribe",
                    "OPDS 1.2 catalog",
                    f"{folder}/{ATOM_NAME}",
                    ATOM_TYPE,
                    "for e-reader apps (KOReader, Moon+ Reader, Librera)",
                    discover=True,
                )
            )
        if version in ("json", "both"):
            out.append(
                Published(
                    "subscribe",
                    "OPDS 2.0 catalog",
                    f"{folder}/{JSON_NAME}",
                    JSON_TYPE,
                    "for Readium-based apps (Thorium)",
                    discover=True,
                )
            )
    if on("epub") and corpus.digests:
        split = option_of(corpus, "epub", "split") or "none"
        name = output_name(corpus, "epub", "digests.epub")
        title = one_line(option_of(corpus, "epub", "title") or site.title) or "Daily Papers"
        for book in plan_books(corpus, split, title, name, catalog_lang(corpus)):
            href = name if split == "none" else f"{name}/{book.file_name}"
            note = f"{book.span}, {len(book.digests)} digests, {book.n_papers} papers"
            out.append(Published("books", book.title, href, "application/epub+zip", note))
    if on("bibtex"):
        out.append(
            Published(
                "bibliography",
                "BibTeX",
                output_name(corpus, "bibtex", "refs.bib"),
                "application/x-bibtex",
                "for Zotero, JabRef, BibDesk and LaTeX",
            )
        )
    decks = [p for p in corpus.outputs if p.format == "anki"] if corpus.outputs else []
    if on("anki") and not decks:
        out.append(
            Published("decks", "Anki deck", "cards.apkg", "application/apkg", "import in Anki")
        )
        out.append(Published("decks", "Anki CSV", "cards.csv", "text/csv", "Anki's CSV import"))
    for deck in sorted(decks, key=lambda p: p.media_type != "application/apkg"):
        apkg = deck.media_type == "application/apkg"
        label, note = ("Anki deck", "import in Anki") if apkg else ("Anki CSV", "Anki's CSV import")
        out.append(Published("decks", label, deck.path, deck.media_type, note))
    if on("json"):
        out.append(
            Published(
                "data",
                "JSON",
                output_name(corpus, "json", "digests.json"),
                "application/json",
                "the digests as data",
            )
        )
    return tuple(out)
