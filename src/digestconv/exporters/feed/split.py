"""Splitting one entry list into documents: RFC 5005 archive pages and per-tag feeds.

Archive pages are filled from the *oldest* entry, so a full page never
changes when new posts arrive: feed readers and caches can keep it forever
(RFC 5005 §4 asks archive documents to be stable).  Only the entries newer
than the last full page live in the subscription feed alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from digestconv.exporters.feed.entries import FeedItem
from digestconv.exporters.feed.settings import (
    DEFAULT_CATEGORIES_DIR,
    DEFAULT_TAGS_DIR,
    FeedSettings,
)
from digestconv.text.urls import slugify

ARCHIVE_DIR = "archive"
MAX_SLUG = 80


@dataclass(frozen=True)
class TagFeed:
    slug: str
    label: str
    items: tuple[FeedItem, ...]

    folder: str = DEFAULT_TAGS_DIR

    @property
    def name(self) -> str:
        return f"{self.folder}/{self.slug}.xml"


def archive_pages(newest: Sequence[FeedItem], limit: int) -> list[tuple[FeedItem, ...]]:
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


def tag_feeds(newest: Sequence[FeedItem], settings: FeedSettings) -> list[TagFeed]:
    """One feed per tag slug (tags differing only in case or punctuation share one)."""
    labels: dict[str, set[str]] = {}
    members: dict[str, list[FeedItem]] = {}
    for item in newest:
        slugs_here: set[str] = set()
        for tag in item.tags:
            if settings.tags_only is not None and tag not in settings.tags_only:
                continue
            if tag in settings.tags_except:
                continue
            slug = tag_slug(tag)
            labels.setdefault(slug, set()).add(tag)
            if slug not in slugs_here:
                slugs_here.add(slug)
                members.setdefault(slug, []).append(item)
    # The label is the smallest spelling, so a new post cannot rename an existing feed.
    return [TagFeed(slug, min(labels[slug]), tuple(members[slug])) for slug in sorted(members)]


def category_feeds(newest: Sequence[FeedItem], settings: FeedSettings) -> list[TagFeed]:
    """One feed per configured category, as jekyll-feed's ``feed: categories:`` makes:
    the posts filed under exactly that category (an empty feed if there are none yet)."""
    feeds: dict[str, TagFeed] = {}
    for category in settings.categories:
        slug = tag_slug(category)
        if slug in feeds:
            continue
        items = tuple(item for item in newest if category in item.post_categories)
        feeds[slug] = TagFeed(slug, category, items, DEFAULT_CATEGORIES_DIR)
    return [feeds[slug] for slug in sorted(feeds)]
