"""``digestconv feed``: an Atom (or RSS) feed a site can host beside or instead of jekyll-feed.

Entry ids and links are the ones jekyll-feed gives the same posts, so readers
of a site that switches see no duplicate or unread entries; ``updated`` is the
newest entry's date, so rebuilding an unchanged site gives identical bytes.
The work is split into small modules: settings (flags + ``_config.yml``),
entries (model → neutral entries), html (rendering + nh3), split (archive
pages, per-tag feeds) and xml (feedgen and its pitfalls).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed.entries import (
    FeedItem,
    FeedLink,
    digest_items,
    newest_first,
    paper_items,
)
from digestconv.exporters.feed.settings import FeedSettings, resolve
from digestconv.exporters.feed.split import archive_name, archive_pages, category_feeds, tag_feeds
from digestconv.exporters.feed.xml import FeedHead, render
from digestconv.model import Corpus
from digestconv.options import option
from digestconv.plugins import BuildTarget, ExportError, Output, OutputSpec

_NEEDS_FOLDER = "; needs an output folder"


@dataclass(frozen=True)
class FeedOptions:
    """Unset values (None) fall back to jekyll-feed's own ``feed:`` settings, then defaults."""

    format: Literal["atom", "rss"] | None = option(None, "Atom 1.0 (default) or RSS 2.0.")
    entries: Literal["digest", "paper"] | None = option(
        None, "One entry per post (default) or one per paper."
    )
    limit: int | None = option(
        None, "Keep the newest N entries (default: feed.posts_limit, else 20; 0 = all).", min=0
    )
    id_scheme: Literal["permalink", "tag"] | None = option(
        None, "Entry ids: Jekyll's (as jekyll-feed, default) or RFC 4151 tag URIs."
    )
    feed_url: str | None = option(None, "Address the feed is served from.")
    title: str | None = option(None, "Feed title (default: the site title).")
    author: str | None = option(None, "Feed author (default: the site author).")
    tag_date: str | None = option(
        None, "Date part of tag: ids of paper entries (default: the paper's first post's date)."
    )
    excerpt_only: bool | None = option(
        None, "Titles and summaries only, no full content (jekyll-feed's excerpt_only)."
    )
    archive: bool = option(
        False, "Also write RFC 5005 archive pages (archive/N.xml)" + _NEEDS_FOLDER + "."
    )
    by_tag: bool = option(
        False, "Also write one feed per tag (by_tag/<tag>.xml)" + _NEEDS_FOLDER + "."
    )
    by_category: bool = option(
        False,
        "Also write one feed per category listed in feed: categories (by_category/<category>"
        ".xml)" + _NEEDS_FOLDER + ".",
    )
    categories: tuple[str, ...] | None = option(
        None,
        "The categories --by-category writes feeds for (default: jekyll-feed's feed: categories).",
        metavar="CATEGORY",
    )
    category_feed: tuple[str, ...] = option(
        (),
        "Also write a feed of this category's posts (by_category/<category>.xml; repeatable)"
        + _NEEDS_FOLDER
        + ".",
        metavar="CATEGORY",
    )


class FeedExporter:
    name: ClassVar[str] = "feed"
    description: ClassVar[str] = "Atom or RSS feed, compatible with jekyll-feed's entry ids"
    Options: ClassVar[type] = FeedOptions
    build_targets: ClassVar[tuple[BuildTarget, ...]] = (BuildTarget("feed.xml"),)
    cost: ClassVar[int] = 4

    def outputs(self, options: FeedOptions) -> OutputSpec:
        media = "application/rss+xml" if options.format == "rss" else "application/atom+xml"
        return OutputSpec(".xml", media)

    def export(self, corpus: Corpus, options: FeedOptions, diagnostics: Diagnostics) -> Output:
        settings = resolve(corpus.site, options)
        if settings.entries == "paper":
            items = paper_items(corpus, settings, diagnostics)
        else:
            items = digest_items(corpus, settings)
        _check_unique(items)
        if not items:
            diagnostics.warning("export", "feed: there are no posts to put in the feed")
        newest = newest_first(items)
        limit = settings.limit or len(newest)
        main_head = FeedHead(settings.title, settings.feed_url)

        if not (settings.archive or settings.by_tag or settings.categories):
            return render(newest[:limit], main_head, settings)

        files: dict[str, bytes] = {}
        if settings.archive:
            files.update(_archives(newest, settings, main_head))
        else:
            files[settings.file_name] = render(newest[:limit], main_head, settings)
        if settings.by_tag:
            for tag in tag_feeds(newest, settings):
                head = FeedHead(f"{settings.title} | {tag.label}", settings.feed_base + tag.name)
                files[tag.name] = render(tag.items[:limit], head, settings)
        for feed in category_feeds(newest, settings):
            head = FeedHead(f"{settings.title} | {feed.label}", settings.feed_base + feed.name)
            files[feed.name] = render(feed.items[:limit], head, settings)
        return files


def _archives(
    newest: list[FeedItem], settings: FeedSettings, main_head: FeedHead
) -> dict[str, bytes]:
    """The subscription feed linking to its newest archive page, and every page."""
    limit = settings.limit
    pages = archive_pages(newest, limit)
    files: dict[str, bytes] = {}
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
        files[archive_name(number)] = render(page, head, settings)
    current = newest[:limit] if limit else newest
    links_main = (FeedLink(urls[-1], "prev-archive"),) if urls else ()
    head = FeedHead(main_head.title, main_head.self_url, archive_links=links_main)
    files[settings.file_name] = render(current, head, settings)
    return files


def _check_unique(items: list[FeedItem]) -> None:
    """Two posts with one id would make readers drop one of them: refuse, naming both."""
    seen: dict[str, FeedItem] = {}
    for item in items:
        other = seen.setdefault(item.id, item)
        if other is not item:
            raise ExportError(
                f"two feed entries share the id {item.id!r} ({other.title!r} and "
                f"{item.title!r}); give one of the posts its own permalink or slug"
            )
