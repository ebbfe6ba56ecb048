"""Feed settings resolved from flags, ``_config.yml`` and jekyll-feed's own keys.

A site that switches from jekyll-feed keeps its ``feed:`` section (``path``,
``posts_limit``, ``excerpt_only``, ``tags``), so the same configuration gives
the same feed address and length.  Precedence, highest first: the options
(command line over ``digestconv: feed:``, merged by the core), jekyll-feed's ``feed:``
mapping, then defaults.  Resolving everything here keeps the writers free of option logic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from digestconv.model import JsonValue, Site
from digestconv.plugins import ExportError
from digestconv.text.urls import absolute_url

if TYPE_CHECKING:
    from digestconv.exporters.feed import FeedOptions

FeedFormat = Literal["atom", "rss"]
EntryMode = Literal["digest", "paper"]
IdScheme = Literal["permalink", "tag"]

_TAG_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_LOWER_START = re.compile(r"[a-z][a-z0-9+.-]*://[a-z0-9._~%!$&'()*+,;=:@-]*(?:[/?#]|\Z)")
"""A URL whose scheme and host are lower-case ASCII already: what ``normal_host`` keeps."""

DEFAULT_LIMIT = 20
DEFAULT_FEED_PATH = "/feed.xml"
DEFAULT_TAGS_DIR = "by_tag"
DEFAULT_CATEGORIES_DIR = "by_category"


@dataclass(frozen=True)
class FeedSettings:
    """Everything the feed writers need to know besides the entries."""

    feed_format: FeedFormat
    entries: EntryMode
    id_scheme: IdScheme
    limit: int
    """0 keeps every entry."""
    excerpt_only: bool
    keep_empty: bool
    """Keep posts with no papers and no text (entries without textual content)."""
    archive: bool
    by_tag: bool
    tags_only: tuple[str, ...] | None
    tags_except: tuple[str, ...]
    categories: tuple[str, ...]
    """Categories with a feed of their own (jekyll-feed's ``feed: categories:``)."""
    site_url: str
    """Absolute address of the site's home page (url + baseurl + "/")."""
    feed_url: str
    """Absolute address of the main feed (its Atom id and self link)."""
    file_name: str
    """Name of the main feed inside the output folder for multi-file output."""
    title: str
    subtitle: str | None
    author: str
    email: str | None
    lang: str | None
    tag_authority: str
    """``host[/baseurl]`` used by RFC 4151 tag URIs."""
    tag_date: str | None
    """Fixed ``YYYY[-MM[-DD]]`` date of paper entries' tag URIs; None: each paper's first post."""

    @property
    def feed_base(self) -> str:
        """The folder the main feed is served from; per-tag feeds and archives live below it."""
        return self.feed_url.rsplit("/", 1)[0] + "/"


def _mapping(value: JsonValue) -> Mapping[str, JsonValue]:
    return value if isinstance(value, Mapping) else {}


def _names(value: JsonValue) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return ()


def normal_host(url: str) -> str:
    """``url`` with its scheme and host in lower case, as Jekyll's ``absolute_url`` writes
    them (Addressable's ``normalize``): atom ids are compared character by character, so
    ``https://User.github.io`` would be a new id to every subscriber of jekyll-feed's feed."""
    if _LOWER_START.match(url):
        return url  # already normal: the common case, without urlsplit's cost
    parts = urlsplit(url)
    if not parts.netloc:
        return url
    lowered = parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower())
    if lowered == parts:
        return url
    return lowered.geturl()


def _root_url(site: Site) -> str:
    root = site.root_url
    if not root:
        raise ExportError(
            "a feed needs the site's address: set `url` in _config.yml or pass --site-url"
        )
    parts = urlsplit(root)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ExportError(f"the site url must be an absolute http(s) address (got {root!r})")
    return normal_host(root)


def _category_names(options: FeedOptions, jekyll_feed: Mapping[str, JsonValue]) -> tuple[str, ...]:
    """The categories to write feeds for: ``--category-feed`` values, or – with
    ``--by-category`` – the ``categories`` option or jekyll-feed's ``categories`` list.

    Like ``--by-tag``, nothing turns multi-file output on by itself from
    jekyll-feed's settings: ``-o feed.xml`` keeps writing one file.
    """
    if options.category_feed:
        return options.category_feed
    if not options.by_category:
        return ()
    if options.categories is not None:
        return options.categories
    return _names(jekyll_feed.get("categories"))


def _limit(options: FeedOptions, jekyll_feed: Mapping[str, JsonValue]) -> int:
    if options.limit is not None:
        return options.limit
    return _posts_limit(jekyll_feed.get("posts_limit"))


def _posts_limit(value: JsonValue) -> int:
    """jekyll-feed's ``posts_limit`` as the site wrote it: a number, or ``all``/``none``."""
    if value is None:
        return DEFAULT_LIMIT
    if isinstance(value, str) and value.strip().lower() in ("all", "none", "0"):
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ExportError(f"feed.posts_limit must be a number or 'all', not {value!r}")
    try:
        limit = int(value)
    except ValueError:
        raise ExportError(f"feed.posts_limit must be a number or 'all', not {value!r}") from None
    if limit < 0:
        raise ExportError(f"feed.posts_limit must not be negative (got {limit})")
    return limit


def resolve(site: Site, options: FeedOptions) -> FeedSettings:
    """Options over jekyll-feed's ``feed:`` section over defaults; raise ExportError for
    values no feed can use."""
    jekyll_feed = _mapping(site.config.get("feed"))
    excerpt = options.excerpt_only
    if excerpt is None:
        excerpt = jekyll_feed.get("excerpt_only") is True

    root = _root_url(site)
    if options.feed_url and options.feed_url.strip():
        feed_url = options.feed_url.strip()
        if "://" not in feed_url:
            feed_url = root.rstrip("/") + "/" + feed_url.lstrip("/")
    else:
        path = jekyll_feed.get("path")
        path = path if isinstance(path, str) and path.strip() else DEFAULT_FEED_PATH
        feed_url = absolute_url(root, path.strip())
    file_name = urlsplit(feed_url).path.rsplit("/", 1)[-1] or "feed.xml"

    tags_map = _mapping(jekyll_feed.get("tags"))
    only = _names(tags_map.get("only")) if "only" in tags_map else None

    title = options.title
    if not title or not title.strip():
        title = site.title or urlsplit(root).hostname or "Feed"
    author = options.author
    if not author or not author.strip():
        author = site.author or title
    parts = urlsplit(root)
    authority = (parts.hostname or "") + parts.path.rstrip("/")
    tag_date = options.tag_date.strip() if options.tag_date is not None else None
    if tag_date is not None and not _TAG_DATE.fullmatch(tag_date):
        raise ExportError(
            f"the tag date must look like YYYY, YYYY-MM or YYYY-MM-DD (got {tag_date!r})"
        )

    return FeedSettings(
        feed_format=options.format or "atom",
        entries=options.entries or "digest",
        id_scheme=options.id_scheme or "permalink",
        limit=_limit(options, jekyll_feed),
        excerpt_only=excerpt,
        keep_empty=options.keep_empty,
        archive=options.archive,
        by_tag=options.by_tag,
        tags_only=only,
        tags_except=_names(tags_map.get("except")),
        categories=_category_names(options, jekyll_feed),
        site_url=root,
        feed_url=feed_url,
        file_name=file_name,
        title=title.strip(),
        subtitle=site.description,
        author=author.strip(),
        email=site.email,
        lang=site.lang,
        tag_authority=authority,
        tag_date=tag_date,
    )
