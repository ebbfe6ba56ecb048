"""Feed entries → Atom 1.0 or RSS 2.0 bytes through feedgen, with its 1.0 pitfalls handled.

Each entry is serialised on its own and a document is its head, its entries' bytes
and its closing tags: an entry is rendered once for every document that shows it,
and a build reuses it while it does not change.

feedgen 1.0.0 does the XML escaping and element order, but four of its
defaults would break a feed that must be stable and valid:

* Entries are serialised without ``add_entry`` (which *prepends* by default):
  a document holds them in the order given.
* Feed and entry ``updated`` default to the clock; both are always set from
  the entries, so the same input gives the same bytes.
* ``content(type="CDATA")`` would wrap HTML in CDATA; ``type="html"`` is used
  and lxml escapes the markup as the Atom spec expects.
* ``FeedEntry.atom_entry`` shadows its loop variable and so drops every entry
  link's ``rel``, ``type`` and ``title`` (lkiesow/python-feedgen#135);
  ``_Entry`` puts them back.

RFC 5005 archive links and the ``fh:archive`` marker, which feedgen cannot
express in RSS, come from a small feedgen extension.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from digestconv import __version__
from digestconv.exporters.feed.entries import FeedItem, FeedLink
from digestconv.exporters.feed.settings import FeedSettings
from digestconv.exporters.feed.split import FeedHead
from digestconv.fragments import Chunks
from digestconv.plugins import ExportError
from digestconv.text.clean import NOT_XML

ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def xml_text(text: str) -> str:
    """Text without what XML 1.0 cannot carry: the reader removes it from posts, this is
    the last line of defence for values from flags or configuration."""
    return NOT_XML.remove(text)


class _Entry(FeedEntry):  # type: ignore[misc]
    """FeedEntry whose Atom links keep their attributes and which can carry xml:lang."""

    def __init__(self, links: Sequence[FeedLink], lang: str | None) -> None:
        super().__init__()
        self._links = tuple(links)
        self._lang = lang
        for link in self._links:
            attrs = {"href": link.href, "rel": link.rel}
            if link.type:
                attrs["type"] = link.type
            if link.title:
                attrs["title"] = link.title
            self.link(attrs)

    def atom_entry(self, extensions: bool = True) -> Any:
        entry = super().atom_entry(extensions)
        # lkiesow/python-feedgen#135: the links come out with href only.
        elements = [e for e in entry if e.tag in ("link", f"{{{ATOM_NS}}}link")]
        for element, link in zip(elements, self._links, strict=False):
            element.set("rel", link.rel)
            if link.type:
                element.set("type", link.type)
            if link.title:
                element.set("title", link.title)
        if self._lang:
            entry.set(XML_LANG, self._lang)
        return entry


def _append(parent: Any, tag: str, attrib: dict[str, str] | None = None) -> None:
    etree.SubElement(parent, tag, attrib or {})


class _History(BaseExtension):  # type: ignore[misc]
    """RFC 5005 feed paging: archive links in RSS and the ``fh:archive`` marker."""

    def __init__(self) -> None:
        self.links: tuple[FeedLink, ...] = ()
        self.is_archive = False

    def extend_ns(self) -> dict[str, str]:
        return {"fh": HISTORY_NS} if self.is_archive else {}

    def extend_atom(self, feed: Any) -> Any:
        if self.is_archive:
            _append(feed, f"{{{HISTORY_NS}}}archive")
        return feed

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        for link in self.links:
            _append(channel, f"{{{ATOM_NS}}}link", {"href": link.href, "rel": link.rel})
        if self.is_archive:
            _append(channel, f"{{{HISTORY_NS}}}archive")
        return feed


def feed_entry(item: FeedItem, settings: FeedSettings, rss: bool) -> _Entry:
    """feedgen's entry for ``item``."""
    # feedgen refuses an empty title; a title of control characters alone becomes the link.
    title = xml_text(item.title).strip() or item.link
    links = (FeedLink(item.link, "alternate", "text/html", title), *item.related)
    entry = _Entry(links, item.lang)
    entry.title(title)
    if rss:
        entry.guid(item.link if item.guid_is_permalink else item.id, item.guid_is_permalink)
    else:
        entry.id(item.id)
    entry.published(item.published)
    entry.updated(item.updated)
    names = [xml_text(a).strip() for a in item.authors]
    names = [n for n in names if n]
    if names:
        entry.author([{"name": n} for n in names])
    elif rss and settings.email:
        entry.author({"name": settings.author, "email": settings.email})
    if item.categories:
        # One call with the whole list: feedgen rebuilds its list on every call, so a call
        # per term would be quadratic in a post's tags (20,000 tags: 18 s).
        entry.category([{"term": xml_text(term)} for term in item.categories])
    if item.summary:
        # Atom's summary is typed text; RSS's description is HTML by convention, so the
        # plain text is escaped there or readers would run "<b>" in a title as markup.
        summary = xml_text(item.summary)
        entry.summary(html.escape(summary, quote=False).replace("\n", "<br>\n") if rss else summary)
    if item.content:
        entry.content(xml_text(item.content), type="html")
    return entry


def newest_date(updated: Sequence[datetime]) -> datetime:
    """The feed's ``updated``: its newest entry, never the clock (the epoch when empty)."""
    return max(updated, default=EPOCH)


def entry_xml(item: FeedItem, settings: FeedSettings) -> bytes:
    """One ``<entry>`` or ``<item>`` exactly as it reads inside its document, indentation
    and final newline included, so that documents are their head, entries and tail.

    The element is placed in an empty frame of the document's own shape: lxml moves
    feedgen's ``content:encoded`` onto the frame's ``content`` prefix as it does in the
    whole document, and pretty-prints it at the same depth.
    """
    rss = settings.feed_format == "rss"
    entry = feed_entry(item, settings, rss)
    try:
        element = entry.rss_entry() if rss else entry.atom_entry()
    except ValueError as exc:  # feedgen's own checks; the values above should always pass
        raise ExportError(f"feed: {exc}") from exc
    if rss:
        root = etree.Element("rss", nsmap=_RSS_NS, version="2.0")
        etree.SubElement(root, "channel").append(element)
    else:
        root = etree.Element("feed", xmlns=ATOM_NS)
        root.append(element)
    text: bytes = etree.tostring(root, pretty_print=True, encoding="UTF-8")
    depth = 2 if rss else 1
    body = text.split(b"\n", depth)[-1]  # the frame's start tags, one line each
    return body.rsplit(b"\n", depth + 1)[0] + b"\n"  # and its end tags


_RSS_NS = {"atom": ATOM_NS, "content": "http://purl.org/rss/1.0/modules/content/"}
"""What feedgen declares on every RSS document (archive pages add ``fh``, unused by items)."""


def document(
    head: FeedHead, settings: FeedSettings, updated: datetime, entries: Sequence[bytes]
) -> Chunks:
    """One Atom or RSS document: feedgen's feed without entries, split before its closing
    tags, with ``entries`` (from ``entry_xml``) in between, in the order given."""
    rss = settings.feed_format == "rss"
    frame = serialise(generator(head, settings, updated), rss)
    closing = b"  </channel>\n</rss>\n" if rss else b"</feed>\n"
    if not frame.endswith(closing):
        raise ExportError("feed: feedgen wrote an unexpected document end")
    return Chunks([frame[: -len(closing)], *entries, closing])


def generator(head: FeedHead, settings: FeedSettings, updated: datetime) -> Any:
    """feedgen's feed for ``head``, without entries."""
    rss = settings.feed_format == "rss"
    fg = FeedGenerator()
    fg.register_extension("history", _History, None, atom=True, rss=True)
    fg.history.links = head.archive_links
    fg.history.is_archive = head.is_archive
    fg.id(head.self_url)
    fg.title(xml_text(head.title).strip() or head.self_url)
    author = {"name": xml_text(settings.author)}
    if settings.email:
        author["email"] = xml_text(settings.email)
    fg.author(author)
    if settings.subtitle:
        fg.subtitle(xml_text(settings.subtitle))
        fg.description(xml_text(settings.subtitle))
    else:
        fg.description(xml_text(head.title))
    if settings.lang:
        fg.language(settings.lang)
    fg.generator("digestconv", version=__version__)
    self_type = "application/rss+xml" if rss else "application/atom+xml"
    fg.link(href=head.self_url, rel="self", type=self_type)
    if not rss:
        for link in head.archive_links:
            fg.link(href=link.href, rel=link.rel, type="application/atom+xml")
    # feedgen takes the RSS channel link from the *last* link added: the site must come last.
    fg.link(href=settings.site_url, rel="alternate", type="text/html")
    fg.updated(updated)
    if rss:
        fg.pubDate(updated)
    return fg


def serialise(fg: Any, rss: bool) -> bytes:
    """The document feedgen writes for ``fg``, pretty-printed as every feed is."""
    try:
        data: bytes = fg.rss_str(pretty=True) if rss else fg.atom_str(pretty=True)
    except ValueError as exc:  # feedgen's own checks; the values above should always pass
        raise ExportError(f"feed: {exc}") from exc
    return data
