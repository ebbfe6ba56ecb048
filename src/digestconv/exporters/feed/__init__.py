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
from digestconv.model import Corpus
from digestconv.options import option
from digestconv.plugins import BuildTarget, Output, OutputSpec

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
    keep_empty: bool = option(
        False, "Keep posts with no papers and no text (left out by default, with a note)."
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
    requires_site_url: ClassVar[bool] = True

    def outputs(self, options: FeedOptions) -> OutputSpec:
        media = "application/rss+xml" if options.format == "rss" else "application/atom+xml"
        return OutputSpec(".xml", media)

    def export(self, corpus: Corpus, options: FeedOptions, diagnostics: Diagnostics) -> Output:
        from digestconv.exporters.feed.write import write

        return write(corpus, options, diagnostics)
