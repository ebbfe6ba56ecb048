"""Splitting one entry list into documents: the main feed, RFC 5005 archive pages and
per-tag and per-category feeds.

Archive pages are filled from the *oldest* entry, so a full page never
changes when new posts arrive: feed readers and caches can keep it forever
(RFC 5005 §4 asks archive documents to be stable).  Only the entries newer
than the last full page live in the subscription feed alone.

The layout names entries only; every document shares one rendering of each entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from digestconv.exporters.feed.entries import FeedLink
from digestconv.exporters.feed.plan import Slot
from digestconv.exporters.feed.settings import (
    DEFAULT_CATEGORIES_DIR,
    DEFAULT_TAGS_DIR,
    FeedSettings,
)
from digestconv.text.urls import slugify

ARCHIVE_DIR = "archive"
MAX_SLUG = 80


@dataclass(frozen=True)
class FeedHead:
    """Feed-level facts of one document (main feed, a tag feed or an archive page)."""

    title: str
    self_url: str
    archive_links: tuple[FeedLink, ...] = ()
    is_archive: bool = False


@dataclass(frozen=True)
class Document:
    """One file of the output: its name (None for single-file output), head and entries."""

    name: str | None
    head: FeedHead
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class TagFeed:
    slug: str
    label: str
    slots: tuple[Slot, ...]

    folder: str = DEFAULT_TAGS_DIR

    @property
    def name(self) -> str:
        return f"{self.folder}/{self.slug}.xml"


def documents(newest: Sequence[Slot], settings: FeedSettings) -> list[Document]:
    """Every document of the output, in the order they are written."""
    limit = settings.limit or len(newest)
    main_head = FeedHead(settings.title, settings.feed_url)
    if not (settings.archive or settings.by_tag or settings.categories):
        return [Document(None, main_head, tuple(newest[:limit]))]
    docs: list[Document] = []
    if settings.archive:
        docs.extend(_archives(newest, settings, main_head))
    else:
        docs.append(Document(settings.file_name, main_head, tuple(newest[:limit])))
    feeds = tag_feeds(newest, settings) if settings.by_tag else []
    for feed in (*feeds, *category_feeds(newest, settings)):
        head = FeedHead(f"{settings.title} | {feed.label}", settings.feed_base + feed.name)
        docs.append(Document(feed.name, head, feed.slots[:limit]))
    return docs


def _archives(
    newest: Sequence[Slot], settings: FeedSettings, main_head: FeedHead
) -> list[Document]:
    """Every archive page, then the subscription feed linking to the newest of them."""
    limit = settings.limit
    pages = archive_pages(newest, limit)
    docs: list[Document] = []
    urls = [settings.feed_base + archive_name(n) for n in range(1, len(pages) + 1)]
    for number, page in enumerate(pages, start=1):
        links = [FeedLink(settings.feed_url, "current")]
        if number > 1:
            links.append(FeedLink(urls[number - 2], "prev-archive"))
        if number < len(pages):
            links.append(FeedLink(urls[number], "next-archive"))
        head = FeedHead(
            f"{settings.title} (archive {number})",
            urls[number - 1],
            archive_links=tuple(links),
            is_archive=True,
        )
        docs.append(Document(archive_name(number), head, page))
    current = newest[:limit] if limit else newest
    links_main = (FeedLink(urls[-1], "prev-archive"),) if urls else ()
    head = FeedHead(main_head.title, main_head.self_url, archive_links=links_main)
    docs.append(Document(settings.file_name, head, tuple(current)))
    return docs


def archive_pages(newest: Sequence[Slot], limit: int) -> list[tuple[Slot, ...]]:
    """Full pages of ``limit`` entries, oldest page first, each page newest entry first."""
    if limit <= 0:
        return []
    oldest = list(reversed(newest))
    full = len(oldest) // limit
    return [tuple(reversed(oldest[i * limit : (i + 1) * limit])) for i in range(full)]


def archive_name(number: int) -> str:
    return f"{ARCHIVE_DIR}/{number}.xml"


def tag_slug(tag: str) -> str:
    """A file-name-safe slug (Jekyll's default slugify); a hash when nothing is left of it."""
    slug = slugify(tag)[:MAX_SLUG].strip("-")
    if not slug:
        slug = "tag-" + hashlib.sha1(tag.encode("utf-8")).hexdigest()[:10]
    return slug


def tag_feeds(newest: Sequence[Slot], settings: FeedSettings) -> list[TagFeed]:
    """One feed per tag slug (tags differing only in case or punctuation share one)."""
    labels: dict[str, set[str]] = {}
    members: dict[str, list[Slot]] = {}
    for slot in newest:
        slugs_here: set[str] = set()
        for tag in slot.tags:
            if settings.tags_only is not None and tag not in settings.tags_only:
                continue
            if tag in settings.tags_except:
                continue
            slug = tag_slug(tag)
            labels.setdefault(slug, set()).add(tag)
            if slug not in slugs_here:
                slugs_here.add(slug)
                members.setdefault(slug, []).append(slot)
    # The label is the smallest spelling, so a new post cannot rename an existing feed.
    return [TagFeed(slug, min(labels[slug]), tuple(members[slug])) for slug in sorted(members)]


def category_feeds(newest: Sequence[Slot], settings: FeedSettings) -> list[TagFeed]:
    """One feed per configured category, as jekyll-feed's ``feed: categories:`` makes:
    the posts filed under exactly that category (an empty feed if there are none yet)."""
    feeds: dict[str, TagFeed] = {}
    for category in settings.categories:
        slug = tag_slug(category)
        if slug in feeds:
            continue
        found = tuple(slot for slot in newest if category in slot.post_categories)
        feeds[slug] = TagFeed(slug, category, found, DEFAULT_CATEGORIES_DIR)
    return [feeds[slug] for slug in sorted(feeds)]
