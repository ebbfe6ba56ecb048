"""``digestconv feed``: an Atom (or RSS) feed a site can host beside or instead of jekyll-feed.

Entry ids and links are the ones jekyll-feed gives the same posts, so readers
of a site that switches see no duplicate or unread entries; ``updated`` is the
newest entry's date, so rebuilding an unchanged site gives identical bytes.
The work is split into small modules: settings (flags + ``_config.yml``),
entries (model → neutral entries), html (rendering + nh3), split (archive
pages, per-tag feeds) and xml (feedgen and its pitfalls).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import click

from digestconv.diagnostics import Diagnostics
from digestconv.model import Corpus
from digestconv.registry import Output


class FeedExporter:
    name: ClassVar[str] = "feed"
    suffix: ClassVar[str] = ".xml"
    media_type: ClassVar[str] = "application/atom+xml"
    description: ClassVar[str] = "Atom or RSS feed, compatible with jekyll-feed's entry ids"
    binary: ClassVar[bool] = False
    options: ClassVar[list[click.Parameter]] = [
        click.Option(
            ["--format", "feed_format"],
            type=click.Choice(["atom", "rss"]),
            default=None,
            help="Atom 1.0 (default) or RSS 2.0.",
        ),
        click.Option(
            ["--entries"],
            type=click.Choice(["digest", "paper"]),
            default=None,
            help="One entry per post (default) or one per paper.",
        ),
        click.Option(
            ["--limit"],
            type=click.IntRange(min=0),
            default=None,
            help="Keep the newest N entries (default: feed.posts_limit, else 20; 0 = all).",
        ),
        click.Option(
            ["--id-scheme"],
            type=click.Choice(["permalink", "tag"]),
            default=None,
            help="Entry ids: Jekyll's (as jekyll-feed, default) or RFC 4151 tag URIs.",
        ),
        click.Option(["--feed-url"], default=None, help="Address the feed is served from."),
        click.Option(["--title"], default=None, help="Feed title (default: the site title)."),
        click.Option(["--author"], default=None, help="Feed author (default: the site author)."),
        click.Option(
            ["--tag-date"],
            default=None,
            help="Date part of tag: ids of paper entries (default: the paper's first post's date).",
        ),
        click.Option(
            ["--excerpt-only"],
            is_flag=True,
            default=None,
            help="Titles and summaries only, no full content (jekyll-feed's excerpt_only).",
        ),
        click.Option(
            ["--archive"],
            is_flag=True,
            default=None,
            help="Also write RFC 5005 archive pages (archive/N.xml); needs an output folder.",
        ),
        click.Option(
            ["--by-tag"],
            is_flag=True,
            default=None,
            help="Also write one feed per tag (by_tag/<tag>.xml); needs an output folder.",
        ),
        click.Option(
            ["--by-category"],
            is_flag=True,
            default=None,
            help="Also write one feed per category listed in jekyll-feed's feed: categories "
            "(by_category/<category>.xml); needs an output folder.",
        ),
        click.Option(
            ["--category-feed"],
            multiple=True,
            metavar="CATEGORY",
            help="Also write a feed of this category's posts (by_category/<category>.xml; "
            "repeatable); needs an output folder.",
        ),
    ]

    def export(
        self, corpus: Corpus, options: Mapping[str, object], diagnostics: Diagnostics
    ) -> Output:
        from digestconv.exporters.feed.write import write

        return write(corpus, options, diagnostics)
