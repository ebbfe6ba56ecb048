"""The XHTML documents of the book: title page, one document per digest, index, cover page.

Each document is an lxml tree (``tree.Document``): well-formed by construction
whatever the posts contain, with the rendered Markdown of the items placed in
it as checked fragments.  Post text reaches the tree through the shared safe
renderer and nh3's gate (``digestconv.text.html``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from lxml import etree

from digestconv.exporters.epub.labels import Labels
from digestconv.exporters.epub.plan import Chapter
from digestconv.exporters.epub.shares import Share
from digestconv.exporters.epub.tree import (
    MARK_TEXT,
    SVG_NS,
    XHTML_NS,
    XLINK_NS,
    Document,
    Warn,
    add_text,
    alone,
    clean,
    link,
    mark,
    mark_lang,
    sub,
)
from digestconv.model import Item, Paper, Site
from digestconv.papers import group_keys
from digestconv.text.html import markdown_html
from digestconv.text.markdown import is_plain, markdown_to_text
from digestconv.text.urls import paper_links, safe_href
from digestconv.zipwrite import Buffer

__all__ = [
    "SVG_NS",
    "XHTML_NS",
    "XLINK_NS",
    "Warn",
    "clean",
    "cover_document",
    "digest_document",
    "index_document",
    "index_items",
    "paper_label",
    "plain_description",
    "title_document",
]

_BLOCK = re.compile(r"<(?:p|ul|ol|h[1-6]|pre|blockquote|table|hr|div)\b")


# The elements written for every item and paper, by qualified name, and the attribute
# sets that never change: a book holds some 100,000 elements, and naming them, and
# scanning constant class names for forbidden code points, was a third of its time.
_UL = f"{{{XHTML_NS}}}ul"
_LI = f"{{{XHTML_NS}}}li"
_P = f"{{{XHTML_NS}}}p"
_DIV = f"{{{XHTML_NS}}}div"
_STRONG = f"{{{XHTML_NS}}}strong"
_SECTION = f"{{{XHTML_NS}}}section"
_H2 = f"{{{XHTML_NS}}}h2"
_H3 = f"{{{XHTML_NS}}}h3"
_SPAN = f"{{{XHTML_NS}}}span"
_PARA = {"class": "para"}
_LABEL = {"class": "label"}
_AUTHORS = {"class": "authors"}
_AFFILIATIONS = {"class": "affiliations"}
_RANK = {"class": "rank"}
_ARXIV_ID = {"class": "arxiv-id"}
_SUBELEMENT = etree.SubElement


def items(doc: Document, parent: etree._Element, entries: Iterable[Item]) -> None:
    """Runs of bullets as one list, other items as ``<p>`` – or ``<div>`` when they hold blocks.

    An item's content is its label as written, in bold, then its text: plain text
    straight into the tree, Markdown as a checked fragment.
    """
    current: etree._Element | None = None
    wrote = False
    for item in entries:
        wrote = True
        text = item.text
        markup = None
        if not is_plain(text):
            markup = doc.checked(markdown_html(text), text, item.line)
        if item.bullet:
            if current is None:
                current = _SUBELEMENT(parent, _UL)
                current.text = "\n"
                current.tail = "\n"
            element = _SUBELEMENT(current, _LI)
        else:
            current = None
            block = markup is not None and _BLOCK.search(markup) is not None
            element = _SUBELEMENT(parent, _DIV, _PARA) if block else _SUBELEMENT(parent, _P)
        element.tail = "\n"
        mark_lang(element, text, doc.korean)
        label = item.label_text
        if label:
            strong = _SUBELEMENT(element, _STRONG, _LABEL)
            strong.text = clean(f"{label}:")
            if markup is None:
                strong.tail = " " + clean(text)
            else:
                strong.tail = " "
                doc.fragment(element, markup)
        elif markup is None:
            element.text = clean(text)
        else:
            doc.fragment(element, markup)
    if not wrote:
        add_text(parent, "\n")


def paper_label(paper: Paper) -> str:
    """The paper's title as navigation shows it; never empty."""
    return " ".join(paper.title.split()) or f"#{paper.rank}"


def _people(
    doc: Document, section: etree._Element, names: Sequence[str], label: str, attrs: dict[str, str]
) -> None:
    """One line of names (authors or affiliations), each marked with its own language."""
    shown = [n for n in (" ".join(clean(name).split()) for name in names) if n]
    if not shown:
        return
    p = _SUBELEMENT(section, _P, attrs)
    p.tail = "\n"
    strong = _SUBELEMENT(p, _STRONG, _LABEL)
    strong.text = f"{label}:"
    strong.tail = " "
    for n, name in enumerate(shown):
        span = _SUBELEMENT(p, _SPAN)
        span.text = name
        span.tail = ", " if n < len(shown) - 1 else None
        mark_lang(span, name, doc.korean)


def _abstract(doc: Document, section: etree._Element, paper: Paper, labels: Labels) -> None:
    text = (paper.abstract or "").strip()
    if not text:
        return
    block = _SUBELEMENT(section, _SECTION, {"class": "abstract"})
    block.text = "\n"
    block.tail = "\n"
    h3 = _SUBELEMENT(block, _H3)
    h3.text = labels.abstract
    h3.tail = "\n"
    line = paper.source.line if paper.source else 0
    items(doc, block, (Item(text, line=line, bullet=False),))


def _paper(
    doc: Document, parent: etree._Element, ref_id: str, paper: Paper, labels: Labels
) -> None:
    title_url = paper.arxiv.abs_url if paper.arxiv else paper.url
    # ref_id and the section kinds are the exporter's own ASCII names: nothing to clean.
    # The id is on the heading, not the section: a reading system that resolves a
    # fragment to its element's box (MuPDF) would otherwise land at the section's top.
    section = _SUBELEMENT(parent, _SECTION, {"class": "paper"})
    section.text = "\n"
    section.tail = "\n"
    heading = _SUBELEMENT(section, _H2, {"class": "paper-title", "id": ref_id})
    heading.tail = "\n"
    mark_lang(heading, paper.title, doc.korean)
    rank = _SUBELEMENT(heading, _SPAN, _RANK)
    rank.text = f"{paper.rank}."
    rank.tail = " "
    link(heading, title_url, paper_label(paper), "title")
    primary, *others = paper_links(paper)
    meta = etree.Element(_P, {"class": "paper-links"})
    if primary.kind == "arxiv":
        _SUBELEMENT(meta, _SPAN, _ARXIV_ID).text = clean(primary.label)
    elif (href := safe_href(title_url)) is not None:
        link(meta, href, urlsplit(href).netloc, "source")
    for lk in others:
        if len(meta):
            last = meta[-1]
            last.tail = (last.tail or "") + " · "
        link(meta, lk.url, " ".join(lk.label.split()) or lk.url, lk.kind)
    if len(meta):
        meta.tail = "\n"
        section.append(meta)
    if paper.authors:
        _people(doc, section, paper.authors, labels.authors, _AUTHORS)
    if paper.affiliations:
        _people(doc, section, paper.affiliations, labels.affiliations, _AFFILIATIONS)
    _abstract(doc, section, paper, labels)
    for s in paper.sections:
        cls = f"summary {s.kind}" + (" placeholder" if s.placeholder else "")
        block = _SUBELEMENT(section, _SECTION, {"class": cls})
        block.text = "\n"
        block.tail = "\n"
        h3 = _SUBELEMENT(block, _H3)
        h3.text = clean(" ".join(s.heading.split()) or s.kind.capitalize())
        h3.tail = "\n"
        mark_lang(h3, h3.text, doc.korean)
        items(doc, block, s.items)


def _digest(doc: Document, chapter: Chapter, labels: Labels) -> None:
    d = chapter.digest
    title = " ".join(d.title.split()) or chapter.day
    section = sub(
        doc.body,
        "section",
        [("epub:type", "chapter"), ("role", "doc-chapter"), ("class", "digest")],
    )
    section.text = "\n"
    mark_lang(
        sub(section, "h1", [("class", "digest-title"), ("id", chapter.stem)], title),
        title,
        doc.korean,
    )
    meta = sub(section, "p", [("class", "digest-meta")])
    sub(meta, "time", [("datetime", chapter.day)], chapter.day, tail=None)
    add_text(meta, " · " + labels.count_papers(len(chapter.papers)))
    if d.url:
        add_text(meta, " · ")
        link(meta, d.url, labels.original_post, "post")
    if d.preamble:
        preamble = sub(section, "div", [("class", "preamble")])
        preamble.text = "\n"
        items(doc, preamble, d.preamble)
    if not chapter.papers:
        sub(section, "p", [("class", "empty")], labels.no_papers)
    for ref in chapter.papers:
        _paper(doc, section, ref.id, ref.paper, labels)


def digest_document(chapter: Chapter, labels: Labels, css: str, warn: Warn) -> bytes:
    """The digest's document; the careful pass runs only if the fast one is not well-formed."""
    title = " ".join(chapter.digest.title.split()) or chapter.day

    def build(careful: Warn | None) -> bytes:
        doc = Document(
            title=title,
            lang=chapter.lang,
            css=css,
            body_attrs=[("epub:type", "bodymatter")],
            careful=careful,
            path=chapter.digest.source.path,
        )
        _digest(doc, chapter, labels)
        return doc.serialise()

    try:
        return build(None)
    except etree.XMLSyntaxError:
        return build(warn)


def plain_description(description: str | None) -> str:
    """The site's description as one line of text: themes write it in Markdown."""
    if not description:
        return ""
    return " ".join(clean(markdown_to_text(description)).split())


def title_document(
    *,
    title: str,
    lang: str,
    css: str,
    site: Site,
    first_day: str,
    last_day: str,
    n_digests: int,
    n_papers: int,
    labels: Labels,
) -> bytes:
    doc = Document(title=title, lang=lang, css=css, body_attrs=[("epub:type", "frontmatter")])
    span = first_day if first_day == last_day else f"{first_day} – {last_day}"
    section = sub(doc.body, "section", [("epub:type", "titlepage"), ("class", "titlepage")])
    section.text = "\n"
    sub(section, "h1", [("class", "book-title")], title)
    description = plain_description(site.description)
    if description:
        sub(section, "p", [("class", "subtitle")], description)
    sub(section, "p", [("class", "range")], span)
    counts = f"{labels.count_digests(n_digests)} · {labels.count_papers(n_papers)}"
    sub(section, "p", [("class", "counts")], counts)
    if site.author:
        sub(section, "p", [("class", "author")], " ".join(site.author.split()))
    if site.root_url and safe_href(site.root_url):
        link(sub(section, "p", [("class", "site")]), site.root_url, site.root_url, "site")
    return doc.serialise()


Place = tuple[str, str, str]
"""Where a paper is shown: the chapter's file name and day, the id of the paper's section."""


def index_items(chapter: Chapter, lang: str) -> tuple[str, ...]:
    """Each of the chapter's index entries as the index writes it when the paper
    appears in this chapter alone (the common case): the index is made of them."""
    if not chapter.papers:
        return ()
    doc = Document(title="", lang=lang, css="")
    parent = sub(doc.body, "ul")
    for ref in chapter.papers:
        place = (chapter.file_name, chapter.day, ref.id)
        _index_item(parent, paper_label(ref.paper), [place], doc.korean)
    # An entry is one line (labels are whitespace-collapsed, each entry's tail a newline):
    # the list is serialised once and cut into its lines.
    text = alone(parent)
    lines = text[text.index(">") + 1 : -len("</ul>")].split("\n")
    assert len(lines) == len(chapter.papers) + 1 and not lines[-1]
    return tuple(lines[:-1])


def index_document(
    shares: Sequence[Share],
    *,
    lang: str,
    css: str,
    labels: Labels,
) -> Iterator[Buffer]:
    """Every paper once, by title, linking to each digest that presents it, as pieces.

    An entry of a paper shown in one chapter alone is that chapter's line of the
    index (``index_items``, in its share); an entry of a paper shown in several is
    written here.  Papers are the same paper as ``papers`` decides, and take the label
    of their first appearance.
    """
    groups = group_keys(
        ((n, i, label, pid), key)
        for n, share in enumerate(shares)  # each share's papers decoded once
        for i, (key, label, pid) in enumerate(share.papers)
    )
    repeats: dict[str, list[tuple[int, str]]] = {}
    entries: list[tuple[str, str, str, int, int]] = []
    for key, places in groups.items():
        n, i, label, _ = places[0]
        entries.append((label.casefold(), label, key, n, i))
        if len(places) > 1:
            repeats[key] = [(m, pid) for m, _, _, pid in places]
    del groups
    # Keys are unique: the order is the one of (folded label, label, key) alone.
    entries.sort()
    doc = Document(title=labels.index, lang=lang, css=css, body_attrs=[("epub:type", "backmatter")])
    section = sub(doc.body, "section", [("class", "paper-index")])
    section.text = "\n"
    sub(section, "h1", (), labels.index)
    sub(section, "p", [("class", "index-intro")], labels.index_intro)
    if not entries:
        return iter((doc.serialise(),))
    index = sub(section, "ul", [("class", "index")])
    index.text = "\n"
    mark(index)
    head, tail = doc.serialise().split(MARK_TEXT.encode("ascii"))
    return _index_pieces(head, tail, shares, entries, repeats=repeats, lang=lang)


def _index_pieces(
    head: bytes,
    tail: bytes,
    shares: Sequence[Share],
    entries: Sequence[tuple[str, str, str, int, int]],
    *,
    repeats: dict[str, list[tuple[int, str]]],
    lang: str,
) -> Iterator[Buffer]:
    yield head
    scratch_doc = Document(title="", lang=lang, css="")
    scratch, korean = sub(scratch_doc.body, "ul"), scratch_doc.korean
    for count, (_folded, label, key, n, i) in enumerate(entries):
        if count:
            yield b"\n"
        places = repeats.get(key)
        if places is None:
            yield shares[n].index_line(i)
        else:
            where = [(shares[m].file_name, shares[m].day, pid) for m, pid in places]
            yield alone(_index_item(scratch, label, where, korean)).encode("utf-8")
    yield tail


def _index_item(
    parent: etree._Element, label: str, places: Sequence[Place], korean: bool
) -> etree._Element:
    first_file, _day, first_id = places[0]
    li = sub(parent, "li")
    mark_lang(
        sub(li, "a", [("href", f"{first_file}#{first_id}")], label, tail=" "),
        label,
        korean,
    )
    where = sub(li, "span", [("class", "where")], "— ", tail=None)
    for n, (file_name, day, pid) in enumerate(places):
        sub(where, "a", [("href", f"{file_name}#{pid}")], day, tail=None)
        if n < len(places) - 1:
            add_text(where, ", ")
    return li


def cover_document(
    *, title: str, lang: str, css: str, image: str, width: int, height: int, labels: Labels
) -> bytes:
    """The cover image scaled to one screen by an SVG wrapper: it never spills onto a blank page."""
    doc = Document(
        title=labels.cover,
        lang=lang,
        css=css,
        body_attrs=[("class", "cover"), ("epub:type", "cover")],
    )
    cover = sub(doc.body, "div", [("class", "cover")])
    cover.text = "\n"
    svg = etree.SubElement(
        cover,
        f"{{{SVG_NS}}}svg",
        {
            "version": "1.1",
            "width": "100%",
            "height": "100%",
            "viewBox": f"0 0 {width} {height}",
            "preserveAspectRatio": "xMidYMid meet",
            "role": "img",
            "aria-label": clean(title),
        },
        nsmap={None: SVG_NS, "xlink": XLINK_NS},
    )
    svg.text = "\n"
    svg.tail = "\n"
    sub(
        svg,
        "image",
        [("width", str(width)), ("height", str(height)), ("xlink:href", image)],
        ns=SVG_NS,
    )
    return doc.serialise()
