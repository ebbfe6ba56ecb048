"""The XHTML documents of the book: title page, one document per digest, index, cover page.

Documents are assembled as text (fast: a 2,000-post archive is 18,000 papers)
from escaped post text and the shared safe Markdown renderer, then parsed once
with lxml's XML parser.  The parse is the guarantee that every document is
well-formed whatever the posts contain; on the parsed tree, links are reduced
to URLs EPUBCheck accepts and attributes HTML5 dropped (``align`` from
Markdown tables) are removed.  If a document still fails to parse, it is
rebuilt with every item checked on its own, and an item that cannot be made
well-formed is shown as its escaped source text – never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

from lxml import etree

from digestconv.exporters.epub.labels import Labels
from digestconv.exporters.epub.plan import Chapter
from digestconv.model import Item, Paper, Site
from digestconv.papers import group_papers
from digestconv.text.clean import NOT_XHTML
from digestconv.text.html import escape, escape_attribute, group_items, markdown_html
from digestconv.text.urls import paper_links, safe_href

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

Warn = Callable[[str, str, int], None]
"""Reports a problem: message, source path, line."""

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, recover=False
)
_BLOCK = re.compile(r"<(?:p|ul|ol|h[1-6]|pre|blockquote|table|hr|div)\b")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
DOCTYPE = "<!DOCTYPE html>"


def clean(text: str) -> str:
    """``text`` without the code points no XHTML document may contain."""
    return NOT_XHTML.remove(text)


esc = escape
"""Escaped element text."""

attr = escape_attribute
"""Escaped attribute value."""


def page(
    *, title: str, lang: str, css: str, body: str, body_attrs: str = "", head: str = ""
) -> str:
    """The XHTML shell every document shares: ``lang`` and ``xml:lang``, one stylesheet."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"{DOCTYPE}\n"
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{OPS_NS}" lang="{attr(lang)}" '
        f'xml:lang="{attr(lang)}">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{esc(title.strip() or '-')}</title>\n"
        f'<link rel="stylesheet" type="text/css" href="{attr(css)}"/>\n{head}</head>\n'
        f"<body{body_attrs}>\n{body}\n</body>\n</html>\n"
    )


def parse_xml(document: str) -> etree._Element:
    """Parse without DTDs, entities or network: the well-formedness gate of every document."""
    return etree.fromstring(clean(document).encode("utf-8"), _PARSER)


def finish(document: str) -> bytes:
    """Parse ``document`` (raising ``XMLSyntaxError`` if it is not well-formed) and serialise it.

    Links rendered from post Markdown (ours carry a ``class`` and are already
    safe) are normalised or unlinked, and ``align`` attributes removed, on the
    parsed tree, so no string-level trick can slip past.  A document that
    needed no change keeps its text as written.
    """
    text = clean(document)
    root = etree.fromstring(text.encode("utf-8"), _PARSER)
    changed = False
    for a in root.xpath("//x:a[@href and not(@class)]", namespaces={"x": XHTML_NS}):
        href = a.get("href")
        if not _SCHEME.match(href):
            continue
        fixed = safe_href(href)
        if fixed is None:
            del a.attrib["href"]
            changed = True
        elif fixed != href:
            a.set("href", fixed)
            changed = True
    for el in root.xpath("//*[@align]"):
        del el.attrib["align"]
        changed = True
    if not changed:
        return text.encode("utf-8")
    out: bytes = etree.tostring(
        root.getroottree(), encoding="utf-8", xml_declaration=True, doctype=DOCTYPE
    )
    return out


def _well_formed(fragment: str) -> bool:
    try:
        etree.fromstring(f'<div xmlns="{XHTML_NS}">{clean(fragment)}</div>', _PARSER)
    except etree.XMLSyntaxError:
        return False
    return True


def item_html(item: Item, path: str, warn: Warn | None) -> str:
    """An item as HTML, its label as written in bold.

    With ``warn`` (the careful second pass) the rendered fragment is checked
    and, if it is not well-formed, replaced by the escaped source text.
    """
    body = markdown_html(item.text)
    if warn is not None and not _well_formed(body):
        warn("an item could not be rendered as XHTML; shown as its source text", path, item.line)
        body = esc(item.text)
    if item.label_text:
        return f'<strong class="label">{esc(item.label_text)}:</strong> {body}'
    return body


def items_html(items: Iterable[Item], path: str, warn: Warn | None) -> str:
    """Bullets as a list, paragraphs as ``<p>`` – or ``<div>`` when they hold blocks."""

    def paragraph(inner: str) -> str:
        return f'<div class="para">{inner}</div>' if _BLOCK.search(inner) else f"<p>{inner}</p>"

    return group_items(items, lambda item: item_html(item, path, warn), paragraph)


def paper_label(paper: Paper) -> str:
    """The paper's title as navigation shows it; never empty."""
    return " ".join(paper.title.split()) or f"#{paper.rank}"


def _link(url: str, text: str, cls: str = "") -> str:
    href = safe_href(url)
    c = f' class="{cls}"' if cls else ""
    if href is None:
        return f"<span{c}>{esc(text)}</span>"
    return f'<a{c} href="{attr(href)}">{esc(text)}</a>'


def _paper_html(ref_id: str, paper: Paper, path: str, warn: Warn | None) -> str:
    title_url = paper.arxiv.abs_url if paper.arxiv else paper.url
    out = [
        f'<section class="paper" id="{ref_id}">',
        f'<h2 class="paper-title"><span class="rank">{paper.rank}.</span> '
        f"{_link(title_url, paper_label(paper), 'title')}</h2>",
    ]
    meta: list[str] = []
    primary, *others = paper_links(paper)
    if primary.kind == "arxiv":
        meta.append(f'<span class="arxiv-id">{esc(primary.label)}</span>')
    elif (href := safe_href(title_url)) is not None:
        meta.append(_link(href, urlsplit(href).netloc, "source"))
    for lk in others:
        meta.append(_link(lk.url, " ".join(lk.label.split()) or lk.url, lk.kind))
    if meta:
        out.append('<p class="paper-links">' + " · ".join(meta) + "</p>")
    for section in paper.sections:
        cls = f"summary {section.kind}" + (" placeholder" if section.placeholder else "")
        heading = " ".join(section.heading.split()) or section.kind.capitalize()
        out.append(f'<section class="{cls}">')
        out.append(f"<h3>{esc(heading)}</h3>")
        out.append(items_html(section.items, path, warn))
        out.append("</section>")
    out.append("</section>")
    return "\n".join(out)


def digest_body(chapter: Chapter, labels: Labels, warn: Warn | None) -> str:
    d = chapter.digest
    path = d.source.path
    title = " ".join(d.title.split()) or chapter.day
    meta = [f'<time datetime="{chapter.day}">{chapter.day}</time>']
    meta.append(esc(labels.count_papers(len(chapter.papers))))
    if d.url:
        meta.append(_link(d.url, labels.original_post, "post"))
    parts = [
        f'<section epub:type="chapter" class="digest" id="{chapter.stem}">',
        f'<h1 class="digest-title">{esc(title)}</h1>',
        '<p class="digest-meta">' + " · ".join(meta) + "</p>",
    ]
    if d.preamble:
        parts.append('<div class="preamble">')
        parts.append(items_html(d.preamble, path, warn))
        parts.append("</div>")
    if not chapter.papers:
        parts.append(f'<p class="empty">{esc(labels.no_papers)}</p>')
    parts.extend(_paper_html(ref.id, ref.paper, path, warn) for ref in chapter.papers)
    parts.append("</section>")
    return "\n".join(parts)


def digest_document(chapter: Chapter, labels: Labels, css: str, warn: Warn) -> bytes:
    """The digest's document; the careful pass runs only if the fast one is not well-formed."""
    title = " ".join(chapter.digest.title.split()) or chapter.day

    def build(careful: Warn | None) -> str:
        return page(
            title=title,
            lang=chapter.lang,
            css=css,
            body=digest_body(chapter, labels, careful),
            body_attrs=' epub:type="bodymatter"',
        )

    try:
        return finish(build(None))
    except etree.XMLSyntaxError:
        return finish(build(warn))


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
    span = first_day if first_day == last_day else f"{first_day} – {last_day}"
    parts = [
        '<section epub:type="titlepage" class="titlepage">',
        f'<h1 class="book-title">{esc(title)}</h1>',
    ]
    if site.description:
        parts.append(f'<p class="subtitle">{esc(" ".join(site.description.split()))}</p>')
    parts.append(f'<p class="range">{esc(span)}</p>')
    counts = f"{labels.count_digests(n_digests)} · {labels.count_papers(n_papers)}"
    parts.append(f'<p class="counts">{esc(counts)}</p>')
    if site.author:
        parts.append(f'<p class="author">{esc(" ".join(site.author.split()))}</p>')
    if site.root_url and safe_href(site.root_url):
        parts.append(f'<p class="site">{_link(site.root_url, site.root_url, "site")}</p>')
    parts.append("</section>")
    return finish(
        page(
            title=title,
            lang=lang,
            css=css,
            body="\n".join(parts),
            body_attrs=' epub:type="frontmatter"',
        )
    )


def index_document(chapters: Sequence[Chapter], *, lang: str, css: str, labels: Labels) -> bytes:
    """Every paper once, by title, linking to each digest that presents it."""
    groups = group_papers(
        ((chapter, ref.id), ref.paper) for chapter in chapters for ref in chapter.papers
    )
    entries = [
        (group.key, (paper_label(group.paper), [place for place, _ in group.appearances]))
        for group in groups
    ]
    ordered = sorted(entries, key=lambda kv: (kv[1][0].casefold(), kv[1][0], kv[0]))
    parts = [
        '<section class="paper-index">',
        f"<h1>{esc(labels.index)}</h1>",
        f'<p class="index-intro">{esc(labels.index_intro)}</p>',
    ]
    if ordered:
        parts.append('<ul class="index">')
        for _key, (label, places) in ordered:
            first_chapter, first_id = places[0]
            where = ", ".join(f'<a href="{ch.file_name}#{pid}">{ch.day}</a>' for ch, pid in places)
            parts.append(
                f'<li><a href="{first_chapter.file_name}#{first_id}">{esc(label)}</a>'
                f' <span class="where">— {where}</span></li>'
            )
        parts.append("</ul>")
    parts.append("</section>")
    return finish(
        page(
            title=labels.index,
            lang=lang,
            css=css,
            body="\n".join(parts),
            body_attrs=' epub:type="backmatter"',
        )
    )


def cover_document(
    *, title: str, lang: str, css: str, image: str, width: int, height: int, labels: Labels
) -> bytes:
    """The cover image scaled to one screen by an SVG wrapper: it never spills onto a blank page."""
    body = (
        '<div class="cover">\n'
        f'<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" version="1.1" '
        f'width="100%" height="100%" viewBox="0 0 {width} {height}" '
        'preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{attr(title)}">\n'
        f'<image width="{width}" height="{height}" xlink:href="{attr(image)}"/>\n'
        "</svg>\n</div>"
    )
    return finish(
        page(
            title=labels.cover,
            lang=lang,
            css=css,
            body=body,
            body_attrs=' class="cover" epub:type="cover"',
        )
    )
