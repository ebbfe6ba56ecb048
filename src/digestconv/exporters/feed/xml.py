"""Feed entries → Atom 1.0 or RSS 2.0 bytes through feedgen, with its 1.0 pitfalls handled.

feedgen 1.0.0 does the XML escaping and element order, but four of its
defaults would break a feed that must be stable and valid:

* ``add_entry`` *prepends* by default, reversing the order entries are added
  in; every entry is added with ``order="append"``.
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
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator

from digestconv import __version__
from digestconv.exporters.feed.entries import FeedItem, FeedLink
from digestconv.exporters.feed.settings import FeedSettings
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


@dataclass(frozen=True)
class FeedHead:
    """Feed-level facts of one document (main feed, a tag feed or an archive page)."""

    title: str
    self_url: str
    archive_links: tuple[FeedLink, ...] = ()
    is_archive: bool = False


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
    """A child element, made through the parent so this module needs no lxml import."""
    parent.append(parent.makeelement(tag, attrib or {}))


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


def _entry(item: FeedItem, settings: FeedSettings, rss: bool) -> _Entry:
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


def newest_date(items: Sequence[FeedItem]) -> datetime:
    """The feed's ``updated``: its newest entry, never the clock (the epoch when empty)."""
    return max((i.updated for i in items), default=EPOCH)


def render(
    items: Sequence[FeedItem], head: FeedHead, settings: FeedSettings, pretty: bool = True
) -> bytes:
    """One Atom or RSS document; ``items`` are written in the order given."""
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
    updated = newest_date(items)
    fg.updated(updated)
    if rss:
        fg.pubDate(updated)
    for item in items:
        fg.add_entry(_entry(item, settings, rss), order="append")
    try:
        data: bytes = fg.rss_str(pretty=pretty) if rss else fg.atom_str(pretty=pretty)
    except ValueError as exc:  # feedgen's own checks; the values above should always pass
        raise ExportError(f"feed: {exc}") from exc
    return data
