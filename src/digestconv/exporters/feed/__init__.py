"""``digestconv feed``: an Atom (or RSS) feed a site can host beside or instead of jekyll-feed.

Entry ids and links are the ones jekyll-feed gives the same posts, so readers
of a site that switches see no duplicate or unread entries; ``updated`` is the
newest entry's date, so rebuilding an unchanged site gives identical bytes.
The work is split into small modules: settings (flags + ``_config.yml``),
plan (what is decided across the corpus: which entries, their ids, dates and
order), entries (one digest or paper → a neutral entry), html (rendering +
nh3), split (main feed, archive pages, per-tag feeds), xml (feedgen and its
pitfalls) and write (the parts a build renders once and reuses).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from digestconv.diagnostics import Diagnostics
from digestconv.fragments import Assembled, Part, export_whole
from digestconv.model import Corpus, Site
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
        return export_whole(self, corpus, options, diagnostics)

    # One part per entry some document shows (see ``write``); the heavy modules load
    # only when a feed is made.

    def parts(self, corpus: Corpus, options: FeedOptions) -> Sequence[Part]:
        from digestconv.exporters.feed.write import parts

        return parts(corpus, options)

    def render_part(
        self, part: Part, site: Site, options: FeedOptions, diagnostics: Diagnostics
    ) -> bytes:
        from digestconv.exporters.feed.write import render_part

        return render_part(part, site, options)

    def assemble(
        self,
        corpus: Corpus,
        options: FeedOptions,
        fragments: Sequence[bytes],
        diagnostics: Diagnostics,
    ) -> Assembled:
        from digestconv.exporters.feed.write import assemble

        return assemble(corpus, options, fragments, diagnostics)
