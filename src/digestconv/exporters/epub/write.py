"""A book's documents as deflated zip members, in groups rendered apart, and the book.

A chapter depends on its post, its id and the book's language; the cover on the
title, the date range and the counts; the package document and title page on
every post of the book.  The navigation document, the NCX and the index are
written when the book is assembled, around each chapter's share of them
(``shares``), rendered with the chapter's post, and compressed as they are
written.  Each group is rendered into the members the book stores – compressed
once – so that a rebuild after one post changed renders that post's chapter,
its share and the package again, copies every other member as it was, and
writes the three navigation documents anew unless the shares they are made of
are all as they were.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub.a11y import accessibility_metadata
from digestconv.exporters.epub.books import Book, chapter_label, one_line
from digestconv.exporters.epub.cover import CoverImage, cover_facts, generate_cover
from digestconv.exporters.epub.labels import Labels, labels_for
from digestconv.exporters.epub.nav import (
    Entry,
    Landmark,
    NavEntry,
    nav_document,
    ncx_document,
    render_entry,
)
from digestconv.exporters.epub.package import (
    XHTML,
    Item,
    Metadata,
    archive,
    media_type,
    member,
    package_document,
    streamed_member,
)
from digestconv.exporters.epub.plan import Chapter, iso_day
from digestconv.exporters.epub.shares import Share, encode_share
from digestconv.exporters.epub.subjects import distinct_subjects
from digestconv.exporters.epub.xhtml import (
    cover_document,
    digest_document,
    index_document,
    index_items,
    paper_label,
    plain_description,
    title_document,
)
from digestconv.model import Site
from digestconv.text.urls import safe_href
from digestconv.zipwrite import Member

CSS_NAME = "styles/digest.css"
CSS = "../" + CSS_NAME
"""The stylesheet as the documents of the text folder link it."""

MONTHS_FROM = 32
"""From this many digests on, the table of contents groups them by month: a flat list of
a few hundred entries is scrolled, not read."""


@functools.cache
def _stylesheet() -> Member:
    """The same in every book: read and compressed once."""
    css = (resources.files("digestconv.exporters.epub") / "assets" / "digest.css").read_bytes()
    return member(CSS_NAME, css)


# --- chapters -------------------------------------------------------------------------


def chapter_member(chapter: Chapter, labels: Labels, diagnostics: Diagnostics) -> Member:
    def warn(message: str, path: str, line: int) -> None:
        diagnostics.warning("export", message, path, line)

    return member(f"text/{chapter.file_name}", digest_document(chapter, labels, CSS, warn))


# --- the cover ------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverSpec:
    """What the cover image and its page are drawn from."""

    title: str
    lang: str
    span: str
    details: tuple[str, ...]
    footer: str
    image: CoverImage | None = None
    """The user's cover; None to draw one from the other fields."""

    @property
    def file_name(self) -> str:
        return f"images/cover.{self.image.extension if self.image else 'png'}"

    def key(self) -> str:
        """Every input of the cover's bytes: the user's image by its hash."""
        image = self.image
        user: tuple[str, str, int, int] | None = None
        if image is not None:
            digest = hashlib.sha256(image.data).hexdigest()
            user = (digest, image.extension, image.width, image.height)
        fields = [self.title, self.lang, self.span, list(self.details), self.footer, user]
        return json.dumps(["cover", *fields])


def cover_spec(site: Site, book: Book, lang: str, image: CoverImage | None) -> CoverSpec:
    n_papers = sum(len(c.papers) for c in book.chapters)
    span, details = cover_facts(
        book.chapters[0].day, book.chapters[-1].day, len(book.chapters), n_papers
    )
    return CoverSpec(
        title=book.title,
        lang=lang,
        span=span,
        details=details,
        footer=one_line(
            site.root_url if site.root_url and safe_href(site.root_url) else site.author
        ),
        image=image,
    )


def cover_members(spec: CoverSpec, labels: Labels) -> list[Member]:
    """The image and the page showing it."""
    # The generated cover is drawn with Pillow's own font, never one found on the
    # machine: the book's bytes must not depend on which fonts are installed.
    cover = spec.image or generate_cover(spec.title, spec.span, spec.details, spec.footer, None)
    page = cover_document(
        title=spec.title,
        lang=spec.lang,
        css=CSS,
        image="../" + spec.file_name,
        width=cover.width,
        height=cover.height,
        labels=labels,
    )
    return [member(spec.file_name, cover.data), member("text/cover.xhtml", page)]


# --- the book-level documents ---------------------------------------------------------


def book_members(
    site: Site, book: Book, lang: str, labels: Labels, cover_name: str
) -> list[Member]:
    """The package document and the title page."""
    chapters = book.chapters
    title = book.title
    first_day, last_day = chapters[0].day, chapters[-1].day
    n_papers = sum(len(c.papers) for c in chapters)
    titlepage = title_document(
        title=title,
        lang=lang,
        css=CSS,
        site=site,
        first_day=first_day,
        last_day=last_day,
        n_digests=len(chapters),
        n_papers=n_papers,
        labels=labels,
    )
    start = f"text/{chapters[0].file_name}"
    identifier = _identifier(site, book)
    newest = book.newest
    meta = Metadata(
        identifier=identifier,
        title=title,
        lang=lang,
        creator=_creator(site),
        description=plain_description(site.description) or None,
        date=iso_day(newest),
        modified=newest,
        subjects=distinct_subjects(one_line(str(tag)) for d in book.digests for tag in d.tags),
        accessibility=accessibility_metadata(has_index=True, has_cover_image=True, labels=labels),
    )
    items = [
        Item("cover-img", cover_name, media_type(cover_name), "cover-image"),
        Item("css-digest", CSS_NAME, "text/css"),
        Item("cover", "text/cover.xhtml", XHTML, "svg"),
        Item("titlepage", "text/titlepage.xhtml", XHTML),
        *(Item(c.stem, f"text/{c.file_name}", XHTML) for c in chapters),
        Item("index", "text/index.xhtml", XHTML),
        Item("nav", "nav.xhtml", XHTML, "nav"),
        Item("ncx", "toc.ncx", "application/x-dtbncx+xml"),
    ]
    spine = ["cover", "titlepage", *(c.stem for c in chapters), "index"]
    guide = [
        ("cover", labels.cover, "text/cover.xhtml"),
        ("title-page", labels.title_page, "text/titlepage.xhtml"),
        ("text", labels.start, start),
        ("index", labels.index, "text/index.xhtml"),
    ]
    return [
        member("content.opf", package_document(meta, items, spine, guide)),
        member("text/titlepage.xhtml", titlepage),
    ]


def grouped(book: Book) -> bool:
    """Whether the table of contents groups the book's digests by month."""
    return len(book.chapters) >= MONTHS_FROM


def chapter_toc(chapter: Chapter, lang: str, by_month: bool) -> bytes:
    """The chapter's share of the navigation documents (see ``shares``)."""
    entry = render_entry(_chapter_entry(chapter), lang=lang, grouped=by_month)
    return encode_share(
        stem=chapter.stem,
        day=chapter.day,
        hrefs=entry.hrefs,
        depth=entry.depth,
        papers=[(ref.paper.key, paper_label(ref.paper), ref.id) for ref in chapter.papers],
        nav=entry.nav,
        ncx=entry.ncx,
        index=index_items(chapter, lang),
    )


@dataclass(frozen=True)
class Navigation:
    """What the index, the navigation document and the NCX hold besides the chapters'
    shares: with the shares' bytes, all they are made of (``key``)."""

    title: str
    lang: str
    identifier: str
    author: str | None
    grouped: bool

    def key(self) -> bytes:
        fields = [self.title, self.lang, self.identifier, self.author, self.grouped]
        return json.dumps(["navigation", *fields]).encode("utf-8", "surrogatepass")


def navigation_of(site: Site, book: Book, lang: str) -> Navigation:
    return Navigation(book.title, lang, _identifier(site, book), _creator(site), grouped(book))


def navigation_members(book: Navigation, shares: Sequence[Share]) -> list[Member]:
    """The index, the navigation document and the NCX around the chapters' shares of them,
    each compressed as it is written."""
    labels = labels_for(book.lang)
    lang = book.lang
    index = index_document(shares, lang=lang, css=CSS, labels=labels)
    outline: list[Entry] = [NavEntry("titlepage", book.title, "text/titlepage.xhtml")]
    outline.extend(_contents(shares, book.grouped))
    outline.append(NavEntry("index", labels.index, "text/index.xhtml"))
    landmarks = [
        Landmark("cover", labels.cover, "text/cover.xhtml"),
        Landmark("titlepage", labels.title_page, "text/titlepage.xhtml"),
        Landmark("bodymatter", labels.start, f"text/{shares[0].file_name}"),
        Landmark("index", labels.index, "text/index.xhtml"),
    ]
    nav = nav_document(outline, landmarks, title=book.title, lang=lang, css=CSS_NAME, labels=labels)
    ncx = ncx_document(
        outline, uid=book.identifier, title=book.title, author=book.author, lang=lang
    )
    return [
        streamed_member("text/index.xhtml", index),
        streamed_member("nav.xhtml", nav),
        streamed_member("toc.ncx", ncx),
    ]


def _creator(site: Site) -> str | None:
    return one_line(site.author) or None


def _identifier(site: Site, book: Book) -> str:
    """``urn:uuid:`` from the site and the posts the book holds: stable across rebuilds
    (the OPF's identifier and the NCX's ``dtb:uid``, which must be the same)."""
    basis = "\n".join(
        [
            "digestconv-epub",
            site.root_url or site.title or "",
            book.title,
            book.period or "all",
            *(d.post_id or d.path or d.source.path for d in book.digests),
        ]
    )
    name = basis.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _chapter_entry(c: Chapter) -> NavEntry:
    return NavEntry(
        c.stem,
        chapter_label(c),
        f"text/{c.file_name}#{c.stem}",
        tuple(
            NavEntry(ref.id, paper_label(ref.paper), f"text/{c.file_name}#{ref.id}")
            for ref in c.papers
        ),
    )


def _contents(shares: Sequence[Share], by_month: bool) -> list[Entry]:
    """The digests' entries, under one entry per month when the book is ``grouped`` (the
    chapters' shares were rendered at the depth that implies)."""
    if not by_month:
        return list(shares)
    months: dict[str, list[Share]] = {}
    for share in shares:
        months.setdefault(share.day[:7], []).append(share)
    return [
        NavEntry(
            f"m{month.replace('-', '')}",
            month,
            f"text/{group[0].file_name}#{group[0].stem}",
            tuple(group),
            group=True,
        )
        for month, group in months.items()
    ]


# --- the book -------------------------------------------------------------------------


def book_archive(
    book: Book,
    chapters: Sequence[Member],
    cover: Sequence[Member],
    documents: Sequence[Member],
    navigation: Sequence[Member],
) -> Sequence[bytes]:
    """The EPUB from its members, in the order the package lists them, as pieces."""
    image, cover_page = cover
    opf, titlepage = documents
    index, nav, ncx = navigation
    return archive(
        book.newest,
        [opf, image, _stylesheet(), cover_page, titlepage, *chapters, index, nav, ncx],
    )
