"""The books: digests split by period, each planned into chapters, documents and a package."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub.a11y import accessibility_metadata
from digestconv.exporters.epub.cover import CoverImage, generate_cover, load_cover
from digestconv.exporters.epub.labels import Labels, labels_for
from digestconv.exporters.epub.nav import Landmark, NavEntry, nav_document, ncx_document
from digestconv.exporters.epub.package import Document, Metadata, build_epub
from digestconv.exporters.epub.plan import (
    Chapter,
    iso_day,
    normalize_lang,
    plan_chapters,
    split_digests,
)
from digestconv.exporters.epub.subjects import distinct_subjects
from digestconv.exporters.epub.xhtml import (
    clean,
    cover_document,
    digest_document,
    index_document,
    paper_label,
    plain_description,
    title_document,
)
from digestconv.model import Corpus, Digest, Site
from digestconv.plugins import ExportError, Output
from digestconv.text.urls import safe_href

if TYPE_CHECKING:
    from digestconv.exporters.epub import EpubOptions

DEFAULT_TITLE = "Daily Papers"
CSS_NAME = "styles/digest.css"
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def _stylesheet() -> bytes:
    return (resources.files("digestconv.exporters.epub") / "assets" / "digest.css").read_bytes()


def _book_lang(corpus: Corpus, diagnostics: Diagnostics) -> str:
    """The site's language, else the posts' most common one, else guessed from the text."""
    site_lang = corpus.site.lang
    if site_lang:
        tag = normalize_lang(site_lang)
        if tag:
            return tag
        diagnostics.warning("export", f"the site language {site_lang!r} is not a language tag")
    tags = Counter(t for d in corpus.digests if (t := normalize_lang(d.lang)))
    if tags:
        return sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    sample = " ".join(
        p.title + " ".join(i.text for s in p.sections for i in s.items)
        for d in corpus.digests[:5]
        for p in d.papers[:3]
    )
    return "ko" if _HANGUL.search(sample) else "en"


def _identifier(site: Site, title: str, period: str | None, digests: Sequence[Digest]) -> str:
    """``urn:uuid:`` from the site and the posts the book holds: stable across rebuilds."""
    basis = "\n".join(
        [
            "digestconv-epub",
            site.root_url or site.title or "",
            title,
            period or "all",
            *(d.post_id or d.path or d.source.path for d in digests),
        ]
    )
    name = basis.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _subjects(digests: Sequence[Digest]) -> tuple[str, ...]:
    return distinct_subjects(_one_line(str(tag)) for d in digests for tag in d.tags)


MONTHS_FROM = 32
"""From this many digests on, the table of contents groups them by month: a flat list of
a few hundred entries is scrolled, not read."""


def write(corpus: Corpus, options: EpubOptions, diagnostics: Diagnostics) -> Output:
    if not corpus.digests:
        raise ExportError("there are no digests to put in a book")
    split = options.split
    title = _one_line(options.title) if options.title else ""
    title = title or _one_line(corpus.site.title) or DEFAULT_TITLE
    user_cover = load_cover(options.cover) if options.cover else None
    lang = _book_lang(corpus, diagnostics)
    labels = labels_for(lang)
    kept = corpus.digests
    if not options.keep_empty:
        with_papers = tuple(d for d in corpus.digests if d.papers)
        left_out = len(corpus.digests) - len(with_papers)
        if not with_papers:
            diagnostics.note("export", "no post has papers; the book holds the posts' text")
        else:
            kept = with_papers
            if left_out:
                diagnostics.note(
                    "export",
                    f"{left_out} post(s) without papers left out of the book "
                    "(--keep-empty keeps them)",
                )

    books: dict[str, bytes] = {}
    for period, digests in split_digests(kept, split):
        book_title = title if period is None else f"{title} ({period})"
        data = _book(
            site=corpus.site,
            title=book_title,
            period=period,
            digests=digests,
            lang=lang,
            labels=labels,
            user_cover=user_cover,
            diagnostics=diagnostics,
        )
        if period is None:
            return data
        books[f"{period}.epub"] = data
    return books


def _book(
    *,
    site: Site,
    title: str,
    period: str | None,
    digests: Sequence[Digest],
    lang: str,
    labels: Labels,
    user_cover: CoverImage | None,
    diagnostics: Diagnostics,
) -> bytes:
    chapters = plan_chapters(digests, lang)
    first_day, last_day = chapters[0].day, chapters[-1].day
    span = first_day if first_day == last_day else f"{first_day} – {last_day}"
    n_papers = sum(len(c.papers) for c in chapters)
    newest: datetime = max(d.date for d in digests)
    css = "../" + CSS_NAME

    def warn(message: str, path: str, line: int) -> None:
        diagnostics.warning("export", message, path, line)

    # The generated cover is drawn with Pillow's own font, never one found on the
    # machine: the book's bytes must not depend on which fonts are installed.
    cover = user_cover or generate_cover(
        title,
        span.replace("–", "-"),  # the built-in font's text is ASCII
        [f"{len(chapters)} digests", f"{n_papers} papers"],
        _one_line(site.root_url if site.root_url and safe_href(site.root_url) else site.author),
        None,
    )
    cover_name = f"images/cover.{cover.extension}"
    spine = [
        Document(
            "cover",
            "text/cover.xhtml",
            labels.cover,
            cover_document(
                title=title,
                lang=lang,
                css=css,
                image="../" + cover_name,
                width=cover.width,
                height=cover.height,
                labels=labels,
            ),
            ("svg",),
        ),
        Document(
            "titlepage",
            "text/titlepage.xhtml",
            title,
            title_document(
                title=title,
                lang=lang,
                css=css,
                site=site,
                first_day=first_day,
                last_day=last_day,
                n_digests=len(chapters),
                n_papers=n_papers,
                labels=labels,
            ),
        ),
    ]
    spine.extend(
        Document(
            c.stem,
            f"text/{c.file_name}",
            _chapter_label(c),
            digest_document(c, labels, css, warn),
        )
        for c in chapters
    )
    spine.append(
        Document(
            "index",
            "text/index.xhtml",
            labels.index,
            index_document(chapters, lang=lang, css=css, labels=labels),
        )
    )

    outline = [NavEntry("titlepage", title, "text/titlepage.xhtml")]
    outline.extend(_contents(chapters))
    outline.append(NavEntry("index", labels.index, "text/index.xhtml"))
    landmarks = [
        Landmark("cover", labels.cover, "text/cover.xhtml"),
        Landmark("titlepage", labels.title_page, "text/titlepage.xhtml"),
        Landmark("bodymatter", labels.start, f"text/{chapters[0].file_name}"),
        Landmark("index", labels.index, "text/index.xhtml"),
    ]
    identifier = _identifier(site, title, period, digests)
    meta = Metadata(
        identifier=identifier,
        title=title,
        lang=lang,
        creator=_one_line(site.author) or None,
        description=plain_description(site.description) or None,
        date=iso_day(newest),
        modified=newest,
        subjects=_subjects(digests),
        accessibility=accessibility_metadata(has_index=True, has_cover_image=True, labels=labels),
    )
    return build_epub(
        meta,
        cover=(cover_name, cover.data),
        styles=[(CSS_NAME, _stylesheet())],
        nav=nav_document(outline, landmarks, title=title, lang=lang, css=CSS_NAME, labels=labels),
        ncx=ncx_document(outline, uid=identifier, title=title, author=meta.creator, lang=lang),
        spine=spine,
        guide=[
            ("cover", labels.cover, "text/cover.xhtml"),
            ("title-page", labels.title_page, "text/titlepage.xhtml"),
            ("text", labels.start, f"text/{chapters[0].file_name}"),
            ("index", labels.index, "text/index.xhtml"),
        ],
    )


def _chapter_entry(c: Chapter) -> NavEntry:
    return NavEntry(
        c.stem,
        _chapter_label(c),
        f"text/{c.file_name}#{c.stem}",
        tuple(
            NavEntry(ref.id, paper_label(ref.paper), f"text/{c.file_name}#{ref.id}")
            for ref in c.papers
        ),
    )


def _contents(chapters: Sequence[Chapter]) -> list[NavEntry]:
    """The digests' entries, under one entry per month when there are many of them."""
    if len(chapters) < MONTHS_FROM:
        return [_chapter_entry(c) for c in chapters]
    months: dict[str, list[Chapter]] = {}
    for c in chapters:
        months.setdefault(c.day[:7], []).append(c)
    return [
        NavEntry(
            f"m{month.replace('-', '')}",
            month,
            f"text/{group[0].file_name}#{group[0].stem}",
            tuple(_chapter_entry(c) for c in group),
            group=True,
        )
        for month, group in months.items()
    ]


def _chapter_label(chapter: Chapter) -> str:
    return _one_line(chapter.digest.title) or chapter.day


def _one_line(text: str | None) -> str:
    """Whitespace-collapsed text without code points XML forbids (lxml refuses them)."""
    return " ".join(clean(text or "").split())
