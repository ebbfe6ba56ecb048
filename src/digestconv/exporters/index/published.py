"""What a build of this site publishes, and under which names: the page's content.

The page sits at the top of the build's output folder and links to the other outputs by
the names ``build`` gives them: each format's ``output:`` in ``_config.yml``, else its
default name; formats left out of ``digestconv: formats:`` are left off the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from digestconv.exporters.opds import ATOM_NAME, ATOM_TYPE, JSON_NAME, JSON_TYPE
from digestconv.exporters.opds.books import catalog_lang, one_line, plan_books
from digestconv.exporters.opds.published import SECTION, configured_str, format_config, output_name
from digestconv.model import Corpus, Site

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


def _enabled(site: Site) -> Sequence[str] | None:
    section = site.config.get(SECTION)
    formats = section.get("formats") if isinstance(section, Mapping) else None
    if isinstance(formats, list | tuple) and all(isinstance(f, str) for f in formats):
        return list(formats)
    return None


def published_outputs(site: Site, corpus: Corpus) -> tuple[Published, ...]:
    enabled = _enabled(site)

    def on(name: str) -> bool:
        return enabled is None or name in enabled

    out: list[Published] = []
    if on("feed"):
        rss = configured_str(site, "feed", "format") == "rss"
        out.append(
            Published(
                "subscribe",
                "RSS feed" if rss else "Atom feed",
                output_name(site, "feed", "feed.xml"),
                "application/rss+xml" if rss else "application/atom+xml",
                "for feed readers",
                discover=True,
            )
        )
    if on("opds"):
        folder = output_name(site, "opds", "opds")
        version = format_config(site, "opds").get("catalogs", "both")
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
        split = configured_str(site, "epub", "split") or "none"
        name = output_name(site, "epub", "digests.epub")
        title = one_line(configured_str(site, "epub", "title") or site.title) or "Daily Papers"
        for book in plan_books(corpus, split, title, name, catalog_lang(corpus)):
            href = name if split == "none" else f"{name}/{book.file_name}"
            note = f"{book.span}, {len(book.digests)} digests, {book.n_papers} papers"
            out.append(Published("books", book.title, href, "application/epub+zip", note))
    if on("bibtex"):
        out.append(
            Published(
                "bibliography",
                "BibTeX",
                output_name(site, "bibtex", "refs.bib"),
                "application/x-bibtex",
                "for Zotero, JabRef, BibDesk and LaTeX",
            )
        )
    if on("anki"):
        out.append(
            Published("decks", "Anki deck", "cards.apkg", "application/apkg", "import in Anki")
        )
        out.append(Published("decks", "Anki CSV", "cards.csv", "text/csv", "Anki's CSV import"))
    if on("json"):
        out.append(
            Published(
                "data",
                "JSON",
                output_name(site, "json", "digests.json"),
                "application/json",
                "the digests as data",
            )
        )
    return tuple(out)
