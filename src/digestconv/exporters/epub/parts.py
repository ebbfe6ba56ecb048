"""The books as parts: the notes, then per book its cover, its chapters, their shares of
the book's navigation and its package.

A chapter part's bytes are its zip member, deflated and packed
(``digestconv.zipwrite.pack``), so assembling a book copies the compressed
members of unchanged chapters instead of compressing them again.  A "toc" part
is the same post's share of the navigation document, the NCX and the index,
laid out to be written without being decoded (``shares``): assembling writes
those three documents as a small skeleton around the shares, so an edit renders
one share again, not the documents of the whole book, and reuses the documents
themselves while no share changed.  Each key carries what the part depends on beyond
its posts: a chapter's id (which depends on the other posts of its day) and the
book's language (its labels, the language of a post that states none); for a
share also whether the contents are grouped by month (the NCX indents by
depth) – not its position: the NCX's ``playOrder`` values are left out of the
shares and counted when the book is assembled, so an insertion anywhere renders
only the new post's parts.  The cover depends on the title, range, counts and
image; the package and title page on the book's title, period, language, cover
file and every post (the identifier, the subjects, the manifest).

The notes come first and render no bytes: they report what the plan decided
(a post left out, a site language that is not a tag) before any chapter's
warnings, where the exporter has always reported them.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub.books import Book, Message, Plan, plan_books
from digestconv.exporters.epub.cover import load_cover
from digestconv.exporters.epub.labels import Labels, labels_for
from digestconv.exporters.epub.plan import Chapter
from digestconv.exporters.epub.shares import decode_share
from digestconv.exporters.epub.write import (
    CoverSpec,
    Navigation,
    book_archive,
    book_members,
    chapter_member,
    chapter_toc,
    cover_members,
    cover_spec,
    grouped,
    navigation_members,
    navigation_of,
)
from digestconv.fragments import Assembled, Chunks, Part, PerExport, Reuse
from digestconv.model import Corpus, Site
from digestconv.zipwrite import pack, unpack

if TYPE_CHECKING:
    from digestconv.exporters.epub import EpubOptions


@dataclass(frozen=True)
class _Notes:
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class _Chapter:
    chapter: Chapter
    labels: Labels


@dataclass(frozen=True)
class _Toc:
    chapter: Chapter
    lang: str
    grouped: bool


@dataclass(frozen=True)
class _Documents:
    book: Book
    lang: str
    cover_name: str


_plan: PerExport[Plan] = PerExport(lambda corpus, options, _: plan_books(corpus, options))
"""The books, planned once per export for ``parts`` and ``assemble``."""


def parts(corpus: Corpus, options: EpubOptions) -> list[Part]:
    plan = _plan(corpus, options)
    image = load_cover(options.cover) if options.cover else None
    notes = json.dumps(["notes", plan.messages])
    out = [Part((), notes, _Notes(plan.messages))]
    for book in plan.books:
        # The cover first: drawing it is the costliest moment of a book in memory, best
        # passed before the chapters' parts pile up.
        spec = cover_spec(corpus.site, book, plan.lang, image)
        out.append(Part((), spec.key(), spec))
        out.extend(
            Part((c.digest,), json.dumps(["chapter", c.stem, plan.lang]), _Chapter(c, plan.labels))
            for c in book.chapters
        )
        by_month = grouped(book)
        out.extend(
            Part(
                (c.digest,),
                json.dumps(["toc", c.stem, plan.lang, by_month]),
                _Toc(c, plan.lang, by_month),
            )
            for c in book.chapters
        )
        key = ["book", book.title, book.period, plan.lang, spec.file_name]
        out.append(
            Part(
                book.digests,
                json.dumps(key),
                _Documents(book, plan.lang, spec.file_name),
            )
        )
    return out


def render_part(part: Part, site: Site, diagnostics: Diagnostics) -> bytes:
    data = part.data
    if isinstance(data, _Notes):
        for severity, message in data.messages:
            diagnostics.add(severity, "export", message)
        return b""
    if isinstance(data, _Chapter):
        return pack([chapter_member(data.chapter, data.labels, diagnostics)])
    if isinstance(data, _Toc):
        return chapter_toc(data.chapter, data.lang, data.grouped)
    if isinstance(data, CoverSpec):
        return pack(cover_members(data, labels_for(data.lang)))
    assert isinstance(data, _Documents)
    labels = labels_for(data.lang)
    return pack(book_members(site, data.book, data.lang, labels, data.cover_name))


def assemble(
    corpus: Corpus,
    options: EpubOptions,
    fragments: Sequence[bytes],
    reuse: Reuse | None = None,
) -> Assembled:
    """Each book's zip from its parts' members, in the order ``parts`` listed them, as
    pieces that copy a chapter's member out of its part only as the book is written."""
    plan = _plan.take(corpus, options, Diagnostics())  # its messages are the notes part
    at = 1  # after the notes
    books: list[tuple[Book, int, bytes]] = []
    wanted: dict[bytes, tuple[Navigation, Sequence[bytes]]] = {}
    for book in plan.books:
        n = len(book.chapters)
        facts = navigation_of(corpus.site, book, plan.lang)
        shares = fragments[at + 1 + n : at + 1 + 2 * n]
        key = _navigation_hash(facts, shares)
        wanted.setdefault(key, (facts, shares))
        books.append((book, at, key))
        at += 2 * n + 2
    # A book's navigation documents are a function of its facts and of its shares' bytes
    # (see ``shares``): while those are unchanged, they are the ones a build before wrote.
    keys = list(wanted)
    made = (reuse or Reuse()).derive(_NAVIGATION, keys, lambda k: _navigation(*wanted[k]))
    navigations = dict(zip(keys, made, strict=True))
    wanted.clear()
    del made
    out: dict[str, bytes | Chunks] = {}
    for book, at, key in books:
        n = len(book.chapters)
        cover, documents = unpack(fragments[at]), unpack(fragments[at + 1 + 2 * n])
        chapters = [m for piece in fragments[at + 1 : at + 1 + n] for m in unpack(piece)]
        navigation = unpack(navigations[key])
        data = Chunks(book_archive(book, chapters, cover, documents, navigation))
        if book.period is None:
            return data
        out[f"{book.period}.epub"] = data
    return out


_NAVIGATION = f"epub navigation zlib {zlib.ZLIB_RUNTIME_VERSION}"
"""What the reused navigation members depend on besides their inputs: the compressor."""


def _navigation_hash(facts: Navigation, shares: Sequence[bytes]) -> bytes:
    """A hash of everything a book's navigation documents are made of."""
    h = hashlib.sha256(facts.key())
    for share in shares:
        h.update(len(share).to_bytes(8, "little"))
        h.update(share)
    return h.digest()


def _navigation(facts: Navigation, shares: Sequence[bytes]) -> bytes:
    return pack(navigation_members(facts, [decode_share(s) for s in shares]))
