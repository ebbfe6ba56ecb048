"""Jekyll site facts: ``_config.yml`` and post URLs computed exactly as Jekyll does.

A feed that replaces jekyll-feed must give every entry the id and link Jekyll
would, or every subscriber sees the whole archive again as unread.  So the
permalink logic follows Jekyll 4 (``Jekyll::URL``, ``Drops::UrlDrop``,
``Utils.slugify``) rule for rule, including its quirks: ``:title`` is the
cased "pretty" slug of the file name, non-ASCII is percent-encoded, and
``post.id`` is the URL's folder joined with the slug.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digestconv.diagnostics import Diagnostics
from digestconv.model import Collection, JsonValue, Site, frozen_mapping
from digestconv.yamlsafe import YamlError, load_yaml

# Jekyll's built-in permalink styles (Jekyll::Utils#permalink_template / URL).
STYLES: dict[str, str] = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}

_SLUG_PRETTY = re.compile(r"[^\w.~!$&'()+,;=@]+")
_SLUG_DEFAULT = re.compile(r"[\W_]+")
_PLACEHOLDER = re.compile(r":([a-z_]+)")
# Characters Jekyll's URL.escape_path leaves alone (Addressable normalize_component).
_PATH_SAFE = "-._~!$&'()*+,;=:@/"

_KEPT_CONFIG = ("feed", "digestconv")


@dataclass(frozen=True)
class PostUrl:
    path: str
    post_id: str


def slugify(text: str, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify`` for the modes posts use (default, pretty, raw)."""
    if mode == "raw":
        slug = re.sub(r"\s+", "-", text)
    elif mode == "pretty":
        slug = _SLUG_PRETTY.sub("-", text)
    else:
        slug = _SLUG_DEFAULT.sub("-", text)
    slug = re.sub(r"^-|-$", "", slug)
    return slug if cased else slug.lower()


def _escape_path(value: str) -> str:
    return quote(value, safe=_PATH_SAFE)


def _placeholders(
    date: datetime,
    slug: str,
    categories: tuple[str, ...],
    output_ext: str,
    document: Document | None = None,
) -> dict[str, str]:
    iso = date.isocalendar()
    cats = list(dict.fromkeys(str(c).lower() for c in categories))
    return {
        "year": date.strftime("%Y"),
        "month": date.strftime("%m"),
        "day": date.strftime("%d"),
        "hour": date.strftime("%H"),
        "minute": date.strftime("%M"),
        "second": date.strftime("%S"),
        "i_day": str(date.day),
        "i_month": str(date.month),
        "short_month": date.strftime("%b"),
        "long_month": date.strftime("%B"),
        "short_year": date.strftime("%y"),
        "y_day": date.strftime("%j"),
        "short_day": date.strftime("%a"),
        "long_day": date.strftime("%A"),
        "week": f"{iso[1]:02d}",
        "w_year": str(iso[0]),
        "w_day": str(iso[2]),
        "title": slugify(slug, mode="pretty", cased=True),
        "slug": slugify(slug),
        "name": slugify(document.name if document else slug),
        "categories": "/".join(cats),
        "output_ext": output_ext,
        "path": document.path if document else "",
        "collection": document.collection.name if document else "posts",
    }


@dataclass(frozen=True)
class Document:
    """Where a collection's document lies, for the placeholders only documents fill."""

    collection: Collection
    path: str
    """Below the collection's folder, without the extension (``2024/W10``), as written."""
    name: str
    """The file name without the extension."""


def collection_template(permalink: str | None, site_permalink: str) -> str:
    """A collection's URL template: its own, else ``/:collection/:path`` with the ending
    of the site's permalink style (Jekyll's ``Utils.add_permalink_suffix``)."""
    if permalink:
        return permalink
    style = STYLES.get(site_permalink, site_permalink)
    if site_permalink == "pretty" or (site_permalink not in STYLES and style.endswith("/")):
        return "/:collection/:path/"
    if site_permalink in STYLES or style.endswith(":output_ext"):
        return "/:collection/:path:output_ext"
    return "/:collection/:path"


def _sanitize(url: str) -> str:
    """Jekyll's ``URL#sanitize_url``: no ``..``, no ``./``, no doubled slashes."""
    out = ("/" + url).replace("..", "/").replace("./", "")
    return re.sub(r"/{2,}", "/", out)


def post_url(
    permalink: str,
    date: datetime,
    slug: str,
    categories: tuple[str, ...] = (),
    *,
    front_matter_permalink: str | None = None,
    document: Document | None = None,
) -> PostUrl:
    """The site-relative URL and ``post.id`` Jekyll gives a post, or with ``document``
    and a collection's template as ``permalink``, a collection's document."""
    if front_matter_permalink and ":" not in front_matter_permalink:
        path = _sanitize(front_matter_permalink)
    else:
        # A front-matter permalink (one set through ``defaults:`` included) is a template
        # like the site's: Jekyll fills its placeholders the same way.
        template = front_matter_permalink or STYLES.get(permalink, permalink)
        values = _placeholders(date, slug, categories, ".html", document)

        def sub(m: re.Match[str]) -> str:
            key = m.group(1)
            # Longest known placeholder that prefixes the match (":titlefoo" is ":title"+"foo").
            for end in range(len(key), 0, -1):
                if key[:end] in values:
                    return _escape_path(values[key[:end]]) + key[end:]
            return m.group(0)

        # Empty values drop their leading slash, as Jekyll's generate_url_from_hash does.
        for key, value in values.items():
            if not value:
                template = template.replace(f"/:{key}", "")
        path = _sanitize(_PLACEHOLDER.sub(sub, template))
    folder = (
        path.rsplit("/", 1)[0] if not path.endswith("/") else path.rstrip("/").rsplit("/", 1)[0]
    )
    post_id = _sanitize(f"{folder}/{slug}")
    return PostUrl(path=path, post_id=post_id)


def absolute(site: Site, path: str) -> str | None:
    """jekyll's ``absolute_url`` filter: site.url + baseurl + path."""
    if not site.url:
        return None
    base = site.baseurl.strip("/")
    prefix = site.url.rstrip("/") + (f"/{base}" if base else "")
    return prefix + (path if path.startswith("/") else "/" + path)


def _text(value: JsonValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float):
        return str(value)
    return None


def _author(value: JsonValue) -> tuple[str | None, str | None]:
    if isinstance(value, Mapping):
        return _text(value.get("name")), _text(value.get("email"))
    return _text(value), None


def site_from_config(config: Mapping[str, JsonValue], path: str, diagnostics: Diagnostics) -> Site:
    """A Site from a parsed ``_config.yml``; bad values become diagnostics, not crashes."""
    for key in ("timezone", "url", "baseurl", "permalink", "title", "lang"):
        value = config.get(key)
        if value is not None and not isinstance(value, str):
            diagnostics.error("config", f"{key} must be a string, not {type(value).__name__}", path)
    url = _text(config.get("url")) if isinstance(config.get("url"), str) else None
    if url is not None and not url.lower().startswith(("http://", "https://")):
        diagnostics.error("config", f"url {url!r} is not an absolute http(s) URL", path)
        url = None
    tz = _text(config.get("timezone")) if isinstance(config.get("timezone"), str) else None
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            diagnostics.error("config", f"unknown timezone {tz!r}", path)
            tz = None
    author, email = _author(config.get("author"))
    if author is None:
        names = [_text(config.get(k)) for k in ("first_name", "middle_name", "last_name")]
        joined = " ".join(n for n in names if n)
        author = joined or None
    email = email or _text(config.get("email"))
    title = _text(config.get("title"))
    if title in ("blank",) and author:
        # al-folio's convention: "blank" means "use the author's full name".
        title = author
    permalink = _text(config.get("permalink")) or "date"
    kept = {k: config[k] for k in _KEPT_CONFIG if k in config and config[k] is not None}
    collections = _collections(config.get("collections"), path, diagnostics)
    defaults = _defaults(config.get("defaults"), path, diagnostics, {c.name for c in collections})
    return Site(
        title=title,
        description=_text(config.get("description")),
        url=url,
        baseurl=(_text(config.get("baseurl")) if isinstance(config.get("baseurl"), str) else None)
        or "",
        author=author,
        email=email,
        lang=_text(config.get("lang")),
        timezone=tz,
        permalink=permalink,
        config=frozen_mapping(kept),
        defaults=defaults,
        collections=collections,
        collections_dir=_collections_dir(config.get("collections_dir"), path, diagnostics),
    )


_COLLECTION_NAME = re.compile(r"[A-Za-z0-9][\w.-]{0,100}")


def _collections(value: object, path: str, diagnostics: Diagnostics) -> tuple[Collection, ...]:
    """Jekyll's ``collections:``, a mapping of names to their metadata or a list of names;
    ``posts`` is the posts, read anyway.  A name is a folder's (``_NAME``), so it may not
    climb out of the site."""
    if value is None:
        return ()
    if isinstance(value, list):
        pairs: list[tuple[object, object]] = [(name, None) for name in value]
    elif isinstance(value, Mapping):
        pairs = list(value.items())
    else:
        diagnostics.error("config", "collections must be a mapping of names or a list", path)
        return ()
    found = []
    for name, given in pairs:
        if not isinstance(name, str) or _COLLECTION_NAME.fullmatch(name) is None:
            diagnostics.error("config", f"collections: {name!r} is not a collection name", path)
            continue
        if name == "posts":
            continue
        meta = given if isinstance(given, Mapping) else {}
        permalink = meta.get("permalink")
        if permalink is not None and not isinstance(permalink, str):
            diagnostics.error("config", f"collections.{name}.permalink must be a string", path)
            permalink = None
        # Ruby's truth: anything but nil and false ("output: yes" is a string, and true)
        output = meta.get("output")
        found.append(Collection(name, output is not None and output is not False, permalink))
    return tuple(found)


def folder_inside(value: object) -> PurePosixPath | None:
    """A folder the config names (``collections_dir:``, ``digestconv: output:``) as a path
    relative to the site, or None when it is not one inside it: the config is untrusted."""
    if not isinstance(value, str) or not value or "\0" in value:
        return None
    pure = PurePosixPath(value.replace("\\", "/"))
    return None if pure.is_absolute() or ".." in pure.parts else pure


def _collections_dir(value: object, path: str, diagnostics: Diagnostics) -> str:
    if value is None or value == "":
        return ""
    pure = folder_inside(value)
    if pure is None:
        diagnostics.error(
            "config", f"collections_dir must be a folder inside the site: {value!r}", path
        )
        return ""
    return "" if str(pure) == "." else str(pure)


def _defaults(
    value: object, path: str, diagnostics: Diagnostics, collections: set[str]
) -> tuple[Mapping[str, JsonValue], ...]:
    """Jekyll's front-matter ``defaults:``, the entries that can apply to posts and to the
    collections' documents."""
    if value is None:
        return ()
    if not isinstance(value, list):
        diagnostics.error("config", "defaults must be a list of {scope, values}", path)
        return ()
    out = []
    for entry in value:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("values"), Mapping):
            continue
        scope = entry.get("scope") if isinstance(entry.get("scope"), Mapping) else {}
        assert isinstance(scope, Mapping)
        kind = scope.get("type")
        if kind not in (None, "posts") and kind not in collections:
            continue
        scope_path = scope.get("path")
        kept_scope = {"path": scope_path if isinstance(scope_path, str) else ""}
        if kind is not None:
            kept_scope["type"] = kind
        values = {str(k): v for k, v in entry["values"].items()}
        out.append(frozen_mapping({"scope": kept_scope, "values": _plain(values)}))
    return tuple(out)


def _plain(value: JsonValue) -> JsonValue:
    """YAML data as JSON data (dates as ISO text), so the site round-trips through JSON."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def unpublished(front: Mapping[str, object]) -> bool:
    """Whether a post's front matter (its own, with the site's defaults) says
    ``published: false``: Jekyll does not publish it, so neither its feed nor any other
    output may show it (a draft kept in ``_posts``)."""
    return front.get("published") is False


def defaults_for(site: Site, rel_path: str, kind: str = "posts") -> dict[str, JsonValue]:
    """The default front matter of the post at ``rel_path`` (relative to the site), a
    document of the collection ``kind``.

    As Jekyll: a scope matches when its type is the document's (or none is given) and its
    path is empty, a prefix of the post's path (``_posts``, ``_posts/2025``) or a glob
    matching it; later entries win.
    """
    from fnmatch import fnmatchcase

    merged: dict[str, JsonValue] = {}
    for entry in site.defaults:
        scope = entry.get("scope") or {}
        if scope.get("type", kind) != kind:
            continue
        want = str(scope.get("path") or "").strip("/")
        if want and not (
            rel_path == want
            or rel_path.startswith(want + "/")
            or ("*" in want and fnmatchcase(rel_path, want + "*"))
        ):
            continue
        values = entry.get("values") or {}
        merged.update({str(k): v for k, v in values.items()})
    return merged


def load_site(path: Path, diagnostics: Diagnostics) -> Site:
    """Read a ``_config.yml``; an unreadable or invalid file gives a diagnostic and defaults."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        diagnostics.error("io-error", f"cannot read site configuration: {exc.strerror}", shown)
        return Site()
    try:
        data = load_yaml(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        diagnostics.error("encoding", "site configuration is not UTF-8", shown)
        return Site()
    except YamlError as exc:
        diagnostics.error(exc.code, exc.message, shown, exc.line, exc.col)
        return Site()
    if data is None:
        return Site()
    if not isinstance(data, Mapping):
        diagnostics.error("config", "site configuration is not a mapping", shown, 1, 1)
        return Site()
    return site_from_config(data, shown, diagnostics)
