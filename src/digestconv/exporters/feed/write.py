"""The feed documents: entries from the model, then the main feed, archive pages, tag and
category feeds."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from digestconv.plugins import ExportError, Output

if TYPE_CHECKING:
    from digestconv.exporters.feed import FeedOptions


def write(corpus: Corpus, options: FeedOptions, diagnostics: Diagnostics) -> Output:
    settings = resolve(corpus.site, options)
    if settings.entries == "paper":
        items = paper_items(corpus, settings, diagnostics)
    else:
        items = digest_items(corpus, settings, diagnostics)
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
