"""The page itself: HTML5 built as an lxml tree, so every text and address is escaped by
the serialiser, never by hand."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree, html
from lxml.html import builder as E

from digestconv.exporters.epub.plan import iso_day
from digestconv.exporters.index import IndexOptions
from digestconv.exporters.index.published import Group, Published
from digestconv.exporters.opds.books import catalog_lang, one_line
from digestconv.model import Corpus
from digestconv.text.markdown import markdown_to_text
from digestconv.text.urls import safe_url

HEADINGS: dict[Group, str] = {
    "subscribe": "Subscribe",
    "books": "Books",
    "bibliography": "Bibliography",
    "decks": "Flashcards",
    "data": "Data",
}

STYLE = """
body { font: 1rem/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
ul { padding-left: 1.2rem; }
.note, .date { color: #555; }
code { font-size: 0.9em; }
"""


def render_page(corpus: Corpus, outputs: Sequence[Published], options: IndexOptions) -> bytes:
    site = corpus.site
    title = one_line(options.title or site.title) or "Daily Papers"
    lang = catalog_lang(corpus)
    head = E.HEAD(
        E.META(charset="utf-8"),
        E.META(name="viewport", content="width=device-width, initial-scale=1"),
        E.TITLE(title),
        E.META(name="generator", content="digestconv"),
        *(
            E.LINK(rel="alternate", type=p.media_type, title=f"{title} — {p.label}", href=p.href)
            for p in outputs
            if p.discover
        ),
        E.STYLE(STYLE),
    )
    main = E.MAIN()
    for group, heading in HEADINGS.items():
        items = [p for p in outputs if p.group == group]
        if not items:
            continue
        main.append(E.SECTION(E.H2(heading), E.UL(*(_item(p) for p in items))))
    recent = sorted(
        corpus.digests, key=lambda d: (d.date, d.post_id or d.source.path), reverse=True
    )
    recent = recent[: options.recent]
    if recent:
        main.append(
            E.SECTION(
                E.H2("Recent digests"),
                E.UL(*(_digest(d.title, d.url, iso_day(d.date), len(d.papers)) for d in recent)),
            )
        )
    header = E.HEADER(E.H1(title))
    if site.description:
        header.append(E.P(one_line(markdown_to_text(site.description))))
    body = E.BODY(header, main)
    if site.root_url and safe_url(site.root_url):
        body.append(E.FOOTER(E.P(E.A(site.root_url, href=site.root_url))))
    doc = E.HTML(head, body, lang=lang)
    text: str = html.tostring(doc, doctype="<!DOCTYPE html>", encoding="unicode", pretty_print=True)
    return text.encode("utf-8")


def _item(p: Published) -> etree._Element:
    li = E.LI(E.A(p.label, href=p.href, type=p.media_type))
    if p.note:
        li.append(E.SPAN(" — " + p.note, E.CLASS("note")))
    return li


def _digest(title: str, url: str | None, day: str, n_papers: int) -> etree._Element:
    text = one_line(title) or day
    link = url if url and safe_url(url) else None
    label = E.A(text, href=link) if link else E.SPAN(text)
    return E.LI(E.SPAN(day, E.CLASS("date")), " ", label, f" ({n_papers} papers)")
