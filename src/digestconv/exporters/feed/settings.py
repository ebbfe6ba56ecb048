"""Feed settings resolved from flags, ``_config.yml`` and jekyll-feed's own keys.

A site that switches from jekyll-feed keeps its ``feed:`` section (``path``,
``posts_limit``, ``excerpt_only``, ``tags``), so the same configuration gives
the same feed address and length.  Precedence, highest first: command-line
flags, the ``digestconv: feed:`` mapping, jekyll-feed's ``feed:`` mapping, then
defaults.  Resolving everything here keeps the writers free of option logic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal
from urllib.parse import urlsplit

from digestconv.model import JsonValue, Site
from digestconv.registry import ExportError
from digestconv.text.urls import absolute_url

FeedFormat = Literal["atom", "rss"]
EntryMode = Literal["digest", "paper"]
IdScheme = Literal["permalink", "tag"]

_TAG_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

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


def _pick(options: Mapping[str, object], key: str, *configs: Mapping[str, JsonValue]) -> object:
    """The flag's value, else the first configuration that sets the key."""
    value = options.get(key)
    if value is not None:
        return value
    for config in configs:
        if config.get(key) is not None:
            return config[key]
    return None


def _limit(value: object) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if isinstance(value, str) and value.strip().lower() in ("all", "none", "0"):
        return 0
    if isinstance(value, bool):
        raise ExportError(f"feed limit must be a number, not {value!r}")
    if not isinstance(value, int | str | float):
        raise ExportError(f"feed limit must be a number or 'all', not {value!r}")
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise ExportError(f"feed limit must be a number or 'all', not {value!r}") from None
    if limit < 0:
        raise ExportError(f"feed limit must not be negative (got {limit})")
    return limit


def _choice(value: object, allowed: tuple[str, ...], what: str) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        raise ExportError(f"{what} must be one of {', '.join(allowed)} (got {value!r})")
    return text


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _names(value: JsonValue) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return ()


def _root_url(site: Site, override: object) -> str:
    if isinstance(override, str) and override.strip():
        override_site = Site(url=override.strip(), baseurl=site.baseurl)
        root = override_site.root_url
    else:
        root = site.root_url
    if not root:
        raise ExportError(
            "a feed needs the site's address: set `url` in _config.yml or pass --site-url"
        )
    parts = urlsplit(root)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ExportError(f"the site url must be an absolute http(s) address (got {root!r})")
    return root


def _category_names(
    options: Mapping[str, object], ours: Mapping[str, object], jekyll_feed: Mapping[str, object]
) -> tuple[str, ...]:
    """The categories to write feeds for: ``--category-feed`` values, or – with
    ``--by-category`` – digestconv's or jekyll-feed's ``categories`` list.

    Like ``--by-tag``, nothing turns multi-file output on by itself from
    jekyll-feed's settings: ``-o feed.xml`` keeps writing one file.
    """
    given = options.get("category_feed")
    if given:
        return _names(list(given) if isinstance(given, list | tuple) else [given])
    if not _flag(_pick(options, "by_category", ours)):
        return ()
    return _names(ours.get("categories", jekyll_feed.get("categories")))


def resolve(
    site: Site,
    options: Mapping[str, object],
) -> FeedSettings:
    """Merge flags and configuration; raise ExportError for values no feed can use."""
    jekyll_feed = _mapping(site.config.get("feed"))
    ours = _mapping(_mapping(site.config.get("digestconv")).get("feed"))

    feed_format = _choice(_pick(options, "feed_format", ours) or "atom", ("atom", "rss"), "format")
    entries = _choice(_pick(options, "entries", ours) or "digest", ("digest", "paper"), "entries")
    id_scheme = _choice(
        _pick(options, "id_scheme", ours) or "permalink", ("permalink", "tag"), "id scheme"
    )
    limit_value = options.get("limit")
    if limit_value is None:
        limit_value = ours.get("limit", jekyll_feed.get("posts_limit"))
    limit = _limit(limit_value)
    excerpt_only = _flag(_pick(options, "excerpt_only", ours, jekyll_feed))

    root = _root_url(site, options.get("site_url"))
    feed_url_opt = _pick(options, "feed_url", ours)
    if isinstance(feed_url_opt, str) and feed_url_opt.strip():
        feed_url = feed_url_opt.strip()
        if "://" not in feed_url:
            feed_url = root.rstrip("/") + "/" + feed_url.lstrip("/")
    else:
        path = jekyll_feed.get("path")
        path = path if isinstance(path, str) and path.strip() else DEFAULT_FEED_PATH
        feed_url = absolute_url(root, path.strip())
    file_name = urlsplit(feed_url).path.rsplit("/", 1)[-1] or "feed.xml"

    tags_cfg = jekyll_feed.get("tags")
    tags_map = _mapping(tags_cfg)
    only = _names(tags_map.get("only")) if "only" in tags_map else None

    title = _pick(options, "title", ours)
    if not isinstance(title, str) or not title.strip():
        title = site.title or urlsplit(root).hostname or "Feed"
    author = _pick(options, "author", ours)
    if not isinstance(author, str) or not author.strip():
        author = site.author or title
    parts = urlsplit(root)
    authority = (parts.hostname or "") + parts.path.rstrip("/")
    tag_date = _pick(options, "tag_date", ours)
    if isinstance(tag_date, date):
        tag_date = tag_date.isoformat()
    if tag_date is not None and (
        not isinstance(tag_date, str) or not _TAG_DATE.fullmatch(tag_date.strip())
    ):
        raise ExportError(
            f"the tag date must look like YYYY, YYYY-MM or YYYY-MM-DD (got {tag_date!r})"
        )

    return FeedSettings(
        feed_format=feed_format,  # type: ignore[arg-type]
        entries=entries,  # type: ignore[arg-type]
        id_scheme=id_scheme,  # type: ignore[arg-type]
        limit=limit,
        excerpt_only=excerpt_only,
        archive=_flag(_pick(options, "archive", ours)),
        by_tag=_flag(_pick(options, "by_tag", ours)),
        tags_only=only,
        tags_except=_names(tags_map.get("except")),
        categories=_category_names(options, ours, jekyll_feed),
        site_url=root,
        feed_url=feed_url,
        file_name=file_name,
        title=title.strip(),
        subtitle=site.description,
        author=author.strip(),
        email=site.email,
        lang=site.lang,
        tag_authority=authority,
        tag_date=tag_date.strip() if isinstance(tag_date, str) else None,
    )
