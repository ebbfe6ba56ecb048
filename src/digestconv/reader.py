"""Jekyll posts → the model.  The only module that knows what a Jekyll post is.

Front matter is read the way Jekyll reads it (dates from the file name when
absent, offset-less YAML times taken as UTC as Psych does, plain-string times
in the site's timezone, tags as lists or space-separated strings), so that the
digests carry the same dates and URLs the live site shows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from frontmatter.default_handlers import YAMLHandler

from digestconv import stamps, tomlfront, workers
from digestconv.cache import BuildCache, digest_of, post_key
from digestconv.diagnostics import (
    Diagnostic,
    Diagnostics,
    diagnostics_from_json,
    diagnostics_to_json,
)
from digestconv.inputs import STDIN, collect, find_config
from digestconv.model import (
    Corpus,
    Digest,
    Item,
    JsonValue,
    Paper,
    Site,
    SourceSpan,
    collector_paused,
    digest_from_text,
    digest_to_text,
    digests_from_texts,
    frozen_mapping,
    site_from_json,
    site_to_json,
)
from digestconv.site import (
    Document,
    absolute,
    collection_template,
    defaults_for,
    load_site,
    post_url,
    unpublished,
)
from digestconv.text.clean import clean, decode
from digestconv.warm import PostEntry
from digestconv.yamlsafe import YamlError, load_yaml

MAX_POST_BYTES = 64 * 1024 * 1024

# Jekyll's DATE_FILENAME_MATCHER: YYYY-MM-DD-slug.ext
_DATED_NAME = re.compile(r"(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)")
_ZONE_OFFSETS = {
    **{"UTC": "+0000", "GMT": "+0000", "KST": "+0900", "JST": "+0900"},
    **{"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500"},
    **{"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700"},
    **{"CET": "+0100", "CEST": "+0200"},
}
"""Zone names a date may end with, as Ruby's ``Time.parse`` (so Jekyll) reads them: "CST"
is Chicago's to Ruby, whatever its writer meant, and the post's permalink follows Ruby."""
_ZONE_NAME = re.compile(r"(?i)\s+(" + "|".join(_ZONE_OFFSETS) + r")$")
_OFFSET = re.compile(r"\s*(Z|[+-]\d{1,2}(?::?\d{2})?)$")
_KNOWN_KEYS = frozenset(
    {"title", "date", "tags", "tag", "categories", "category", "lang", "slug", "permalink"}
)
_handler = YAMLHandler()
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d/%m/%Y %H:%M:%S",  # Ruby reads "01/03/2026" day first
    "%d/%m/%Y",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
    "%Y%m%d",
    # RFC 2822, as feeds and e-mail write it ("Sun, 01 Mar 2026 10:00:00 +0900")
    "%a, %d %b %Y %H:%M:%S",
    "%a, %d %b %Y %H:%M",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
)
# Dates of plain Markdown digests: in the file name, a folder name or the first heading.
_NAME_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<s>[-_.]?)(?P<m>\d{2})(?P=s)(?P<d>\d{2})(?!\d)"
)
_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?!\d)")
_WEEK_DATE = re.compile(r"(?<![\dA-Za-z])((?:19|20)\d{2})-?W(\d{2})(?:-?([1-7]))?(?!\d)")
"""An ISO week, ``2026-W12`` (a weekly digest's name): its Monday, or the day it gives."""
_DAY_FIRST_DATE = re.compile(r"(?<!\d)(\d{1,2})([-_.])(\d{1,2})\2((?:19|20)\d{2})(?!\d)")
"""``07-03-2026``: day first as Ruby reads ``07/03/2026``, unless only month first is a
date (``03-17-2026``)."""
_MONTH_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_./](0[1-9]|1[0-2])(?![\d])")
"""A month, ``2026-03`` or ``2026/03``: the folder of a month's digests."""
_HEADING_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]\s*|年\s*|년\s*)(\d{1,2})\s*(?:[-/.]\s*|月\s*|월\s*)"
    r"(\d{1,2})(?!\d)"
)


@dataclass
class ReadResult:
    """The digests that read cleanly, every diagnostic, and which posts failed."""

    corpus: Corpus
    diagnostics: Diagnostics
    failed: list[str] = field(default_factory=list)
    read: int = 0
    config: Path | None = None
    """The ``_config.yml`` the site facts came from (``--config`` or found from the paths)."""
    input_key: str | None = None
    """A hash of every input (site facts, paths and bytes) when the reader computed one:
    equal keys mean an equal corpus, without serialising it."""
    post_keys: dict[str, str] = field(default_factory=dict)
    """Source path → the hash of that post's inputs (code, site facts, path, bytes), when
    the reader computed them: an equal key means an equal digest."""
    deferred: list[str | bytes] | None = None
    """With ``defer``, when every post came from the cache: their model JSON, not yet
    decoded (``corpus`` is empty until ``materialize``) – a build whose outputs are all
    up to date never needs the model."""

    def materialize(self) -> Corpus:
        """The corpus, decoding deferred digests first."""
        if self.deferred is not None:
            digests = digests_from_texts(self.deferred)
            digests.sort(key=lambda d: (d.date, d.source.path))
            self.corpus = Corpus(site=self.corpus.site, digests=tuple(digests))
            self.deferred = None
        return self.corpus


def _zone(site: Site) -> tzinfo:
    return ZoneInfo(site.timezone) if site.timezone else timezone.utc


def _fixed(dt: datetime, zone: tzinfo) -> datetime:
    """``dt`` in the site's zone, with a fixed offset so JSON round trips exactly."""
    local = dt.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    return local.replace(tzinfo=timezone(offset))


def parse_date_string(text: str, zone: tzinfo) -> datetime | None:
    """A front-matter date string as Ruby's ``Time.parse`` reads the usual forms."""
    text = text.strip()
    # Themes' templates ship "+/-TTTT"-style placeholders; Ruby's Time.parse reads
    # "+/-0000" as the zone "-0000", i.e. UTC.
    text = re.sub(r"\s*\+/-\s*(\d{2}:?\d{2})$", r" -\1", text)
    named = _ZONE_NAME.search(text)
    if named is not None:  # "2026-03-01 10:00:00 KST": a zone Ruby's table names
        text = text[: named.start()] + " " + _ZONE_OFFSETS[named.group(1).upper()]
    tz: tzinfo | None = None
    m = _OFFSET.search(text)
    if (m and re.search(r"\d:\d\d", text[: m.start()])) or (m and m.group(1) == "Z"):
        assert m is not None
        off = m.group(1)
        if off == "Z":
            tz = timezone.utc
        else:
            sign = -1 if off[0] == "-" else 1
            digits = off[1:].replace(":", "")
            hours, minutes = (
                (int(digits[:-2]), int(digits[-2:]))
                if len(digits) > 2
                else (
                    int(digits),
                    0,
                )
            )
            if hours > 23 or minutes > 59:
                return None
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        text = text[: m.start()].strip()
    text = text.replace("T", " ", 1) if "T" in text[:11] else text
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=tz or zone)
    return None


def jekyll_date(value: object, zone: tzinfo) -> datetime | None:
    """The post date as Jekyll has it, for each type YAML may have produced."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            # Psych reads an offset-less YAML timestamp as UTC (then shows it in the
            # site's zone): Jekyll sites see "08:15:00" as 17:15 KST.
            value = value.replace(tzinfo=timezone.utc)
        return _fixed(value, zone)
    if isinstance(value, date):
        return _fixed(datetime.combine(value, time(0), tzinfo=zone), zone)
    if isinstance(value, str):
        parsed = parse_date_string(value, zone)
        return None if parsed is None else _fixed(parsed, zone)
    return None


def _as_list(value: object) -> tuple[str, ...]:
    """Jekyll's tags/categories: a YAML list or a space-separated string."""
    if value is None:
        return ()
    raw: list[object]
    if isinstance(value, str):
        raw = list(value.split())
    elif isinstance(value, list | tuple):
        raw = list(value)
    else:
        raw = [value]
    out: dict[str, None] = {}  # ordered and deduplicated in linear time
    for v in raw:
        if v is None or isinstance(v, dict | list):
            continue
        s = unicodedata.normalize("NFC", str(v)).strip()
        if s:
            out[s] = None
    return tuple(out)


def _json_safe(value: Any) -> JsonValue:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _title(value: object, slug: str, path: str, line: int, diagnostics: Diagnostics) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        titled = " ".join(w.capitalize() for w in slug.split("-") if w)
        diagnostics.note("bad-title", f"no title; using {titled!r} from the file name", path, line)
        return titled
    title = re.sub(r"\s+", " ", str(value)).strip()
    for q in ('"', "'"):
        if title.count(q) % 2 == 1 and (title.endswith(q) or title.startswith(q)):
            diagnostics.note("bad-title", f"removed a stray {q} from the title", path, line)
            title = title[:-1] if title.endswith(q) else title[1:]
            title = title.strip()
    return title


def _front_matter_line(text: str, key: str) -> int:
    """Best-effort line of a front matter key, for diagnostics."""
    for i, line in enumerate(text.split("\n")[:200], start=1):
        if line.startswith(f"{key}:"):
            return i
    return 1


def read_post(
    data: bytes, path: str, site: Site, diagnostics: Diagnostics, *, reader: str | None = None
) -> Digest | None:
    """One post's bytes → a Digest, or None when the post has errors (all reported)."""
    local = Diagnostics()
    digest = _read_post(data, path, site, local, reader)
    diagnostics.extend(local)
    return None if local.failed() else digest


_PUBLISHED = re.compile(r"(?m)^published\s*:")


def _read_post(
    data: bytes, path: str, site: Site, diagnostics: Diagnostics, reader: str | None = None
) -> Digest | None:
    text = decode(data, path, diagnostics)
    if text is None:
        return None
    text = clean(text, path, diagnostics)
    zone = _zone(site)
    name = Path(path).name if path != STDIN else "stdin.md"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    dm = _DATED_NAME.fullmatch(stem)
    slug = (dm.group(4) if dm else stem).rstrip(".")

    front: Mapping[str, Any] = {}
    within = _collection_of(path, site)
    body = text
    body_line = 1
    if _handler.detect(text):
        try:
            fm_text, body = _handler.split(text)
        except ValueError:
            diagnostics.error(
                "front-matter-unclosed", "front matter has no closing ---", path, 1, 1
            )
            return None
        body_line = text[: len(text) - len(body)].count("\n") + 1
        try:
            loaded = load_yaml(fm_text)
        except YamlError as exc:
            # the front matter text starts with the newline after the opening ---,
            # so the YAML line is already the file line
            diagnostics.error(exc.code, exc.message, path, exc.line or 1, exc.col or 1)
            return None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, Mapping):
            diagnostics.error("front-matter-type", "front matter is not a mapping", path, 2, 1)
            return None
        front = {str(k): v for k, v in loaded.items()}
        if site.defaults:
            kind = within.collection.name if within is not None else "posts"
            defaults = defaults_for(site, _site_relative(path, within), kind)
            front = {**defaults, **front} if defaults else front
        if unpublished(front):
            said = _PUBLISHED.search(fm_text)
            diagnostics.note(
                "unpublished",
                "published: false: Jekyll does not publish this post, and no output shows it"
                " unless --unpublished is given",
                path,
                fm_text[: said.start()].count("\n") + 1 if said else 1,
                1,
            )
    elif tomlfront.detect(text):
        try:
            toml = tomlfront.split(text)
        except tomlfront.TomlError as exc:
            diagnostics.error("toml-syntax", exc.message, path, exc.line, exc.col)
            return None
        front = tomlfront.local_times(toml.values, zone)
        body, body_line = toml.body, toml.body_line
        if front.get("draft") is True:
            # Hugo's draft is Jekyll's published: false
            front["published"] = False
            diagnostics.note(
                "unpublished",
                "draft = true: no output shows this post unless --unpublished is given",
                path,
                1,
                1,
            )
        if _in_posts(path):
            diagnostics.warning(
                "no-front-matter",
                "TOML front matter (+++ … +++); Jekyll would copy this file, not publish it",
                path,
                1,
                1,
            )
    elif dm or _in_posts(path):
        diagnostics.warning(
            "no-front-matter",
            "no front matter (--- … ---); Jekyll would copy this file, not publish it as a post",
            path,
            1,
            1,
        )
    page = _handler.detect(text)
    plain = not page

    if isinstance(front.get("slug"), str | int) and str(front["slug"]).strip():
        slug = str(front["slug"]).strip()
    raw_date = front.get("date")
    when: datetime | None = None
    if raw_date is not None:
        when = jekyll_date(raw_date, zone)
        if when is None:
            diagnostics.error(
                "bad-date",
                f"cannot read the date {str(raw_date)[:40]!r} "
                "(expected YYYY-MM-DD [HH:MM:SS [+ZZZZ]])",
                path,
                _front_matter_line(text, "date"),
                1,
            )
            return None
    elif dm:
        try:
            when = _fixed(
                datetime(int(dm.group(1)), int(dm.group(2)), int(dm.group(3)), tzinfo=zone), zone
            )
        except ValueError:
            diagnostics.error("bad-date", f"file name date {stem[:10]!r} is not a date", path)
            return None
    parsed: tuple[list[Paper], list[Item], str | None] | None = None
    # A Markdown file outside a Jekyll posts folder with a name Jekyll does not date (an
    # Obsidian daily note with properties, a Hugo bundle's index.md) is dated and titled
    # as a plain digest is, even when its front matter gives other facts.
    loose = plain or not (dm or _in_posts(path))
    if when is None and loose:
        when = _plain_date(path, zone)
        if when is None:
            heard = Diagnostics()  # kept only if the file is read as a digest
            got = _read_body(
                body, body_line, path, front=front, site=site, diagnostics=heard, forced=reader
            )
            when = None if got is None else _heading_date(got[2], zone) or _log_date(body, zone)
            if got is not None and when is None and got[0]:
                when = _month_of(path, zone)
            if got is not None and when is None and not got[0]:
                # A folder of digests holds its README, its contents page, its licence:
                # without a date or a paper such a file is no digest, and no error.
                diagnostics.note(
                    "not-a-digest",
                    "not read: no date in its name, folders, front matter or headings,"
                    " and no paper entries (a README or contents page)",
                    path,
                    1,
                    1,
                )
                return None
            diagnostics.extend(heard)
            if got is None:
                return None
            parsed = got
    if when is None:
        diagnostics.error(
            "no-date",
            "no date: add date: to the front matter or name the file YYYY-MM-DD-slug.md",
            path,
            1,
            1,
        )
        return None

    if loose and parsed is None:
        got = _read_body(
            body, body_line, path, front=front, site=site, diagnostics=diagnostics, forced=reader
        )
        if got is None:
            return None
        parsed = got
    if loose and front.get("title") is None and parsed is not None and parsed[2]:
        title = parsed[2]
    elif loose and front.get("title") is None and not any(c.isalpha() for c in stem):
        # "2026-01-05.md", "2026/01/06.md" over its papers: the day is its title
        title = when.date().isoformat()
    else:
        title = _title(
            front.get("title"), slug, path, _front_matter_line(text, "title"), diagnostics
        )
    tags = _as_list(front.get("tags", front.get("tag")))
    categories = _as_list(front.get("categories", front.get("category")))
    lang_value = front.get("lang")
    lang = (
        str(lang_value).strip() if isinstance(lang_value, str) and lang_value.strip() else site.lang
    )
    permalink = front.get("permalink") if isinstance(front.get("permalink"), str) else None
    meta = {k: _json_safe(v) for k, v in front.items() if k not in _KNOWN_KEYS}

    line_count = text.count("\n") + 1
    # A collection holds a theme's pages as often as digests (teaching, projects, news):
    # what reading one said is kept only if it is a digest.
    heard = Diagnostics() if within is not None else diagnostics
    if parsed is None:
        parsed = _read_body(
            body, body_line, path, front=front, site=site, diagnostics=heard, forced=reader
        )
    if within is not None and parsed is not None and not parsed[0]:
        diagnostics.note(
            "not-a-digest",
            f"not read: a document of the collection {within.collection.name!r} with no paper"
            " entries",
            path,
            1,
            1,
        )
        return None
    if heard is not diagnostics:
        diagnostics.extend(heard)
    if parsed is None:
        return None
    papers, preamble, _ = parsed
    if not page or (within is not None and not within.collection.output):
        # Only a file with front matter is a page Jekyll publishes: a plain Markdown
        # digest has no permalink, post id or heading ids to be computed.
        return Digest(
            source=SourceSpan(path, 1, line_count),
            title=title,
            date=when,
            tags=tags,
            categories=categories,
            lang=lang,
            papers=tuple(replace(p, anchor=None) if p.anchor else p for p in papers),
            preamble=tuple(preamble),
            meta=frozen_mapping(meta),
        )
    if within is not None:
        template = collection_template(within.collection.permalink, site.permalink)
        urls = post_url(
            template, when, slug, categories, front_matter_permalink=permalink, document=within
        )
    else:
        urls = post_url(site.permalink, when, slug, categories, front_matter_permalink=permalink)
    return Digest(
        source=SourceSpan(path, 1, line_count),
        title=title,
        date=when,
        slug=slug,
        path=urls.path,
        url=absolute(site, urls.path),
        post_id=absolute(site, urls.post_id) or urls.post_id,
        tags=tags,
        categories=categories,
        lang=lang,
        papers=tuple(papers),
        preamble=tuple(preamble),
        meta=frozen_mapping(meta),
    )


def _in_posts(path: str) -> bool:
    return "_posts" in Path(path).parts


def _collection_of(path: str, site: Site) -> Document | None:
    """Where ``path`` lies in the collection whose folder holds it."""
    if not site.collections or path == STDIN:
        return None
    parts = Path(path).parts
    for i in range(len(parts) - 2, -1, -1):
        for collection in site.collections:
            if parts[i] == collection.folder:
                inside = PurePosixPath(*parts[i + 1 :])
                return Document(collection, str(inside.with_suffix("")), inside.stem)
    return None


def _site_relative(path: str, within: Document | None = None) -> str:
    """The post's path below the site root (from its ``_posts`` folder, or its collection's),
    for ``defaults:``."""
    if within is not None:
        return f"{within.collection.folder}/{PurePosixPath(within.path).parent / Path(path).name}"
    parts = Path(path).parts
    if "_posts" in parts:
        i = len(parts) - 1 - parts[::-1].index("_posts")
        return "/".join(parts[i:])
    return Path(path).name


def _valid(y: int, m: int, d: int, zone: tzinfo) -> datetime | None:
    try:
        return _fixed(datetime(y, m, d, tzinfo=zone), zone)
    except ValueError:
        return None


def _plain_date(path: str, zone: tzinfo) -> datetime | None:
    """A plain Markdown digest's date: in its file name, else in its folders."""
    if path == STDIN:
        return None
    p = Path(path)
    for part in [p.stem, *reversed(p.parent.parts)]:
        m = _NAME_DATE.search(part)
        if m is not None:
            found = _valid(int(m.group("y")), int(m.group("m")), int(m.group("d")), zone)
            if found is not None:
                return found
    joined = "/".join([*p.parent.parts, p.stem])
    for m in _PATH_DATE.finditer(joined):
        found = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)), zone)
        if found is not None:
            return found
    for part in [p.stem, *reversed(p.parent.parts)]:
        found = _named_day(part, zone)
        if found is not None:
            return found
    return None


def _named_day(name: str, zone: tzinfo) -> datetime | None:
    """A day named in other ways than year, month, day: an ISO week, day first
    (``07-03-2026``), or in words (``March 7, 2026``, ``7 March 2026``)."""
    m = _WEEK_DATE.search(name)
    if m is not None:
        with contextlib.suppress(ValueError):
            day = date.fromisocalendar(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
            return _valid(day.year, day.month, day.day, zone)
    m = _DAY_FIRST_DATE.search(name)
    if m is not None:
        first, second, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        return _valid(year, second, first, zone) or _valid(year, first, second, zone)
    if any(c.isalpha() for c in name) and any(c.isdigit() for c in name) and len(name) <= 40:
        return parse_date_string(name.replace("_", " "), zone)
    return None


def _month_of(path: str, zone: tzinfo) -> datetime | None:
    """The first day of the month a file's name or folders name (``2026-03/week-1.md``):
    a digest with papers and no day anywhere is dated as early in that month as it can be,
    so it sorts before the month's dated digests."""
    if path == STDIN:
        return None
    p = Path(path)
    for m in _MONTH_DATE.finditer("/".join([*p.parent.parts, p.stem])):
        found = _valid(int(m.group(1)), int(m.group(2)), 1, zone)
        if found is not None:
            return found
    return None


def _heading_date(heading: str | None, zone: tzinfo) -> datetime | None:
    m = _HEADING_DATE.search(heading or "")
    return None if m is None else _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)), zone)


_DATE_HEADING = re.compile(r"(?m)^ {0,3}#{1,6}[ \t]([^\n]{0,200})")


def _log_date(body: str, zone: tzinfo) -> datetime | None:
    """The latest day a heading of the body names: a file that logs many days under date
    headings ("## 2026-03-03" over that day's papers) is as new as its newest day."""
    days = (_heading_date(m.group(1), zone) for m in _DATE_HEADING.finditer(body))
    return max((d for d in days if d is not None), default=None)


def _holds_records(front: Mapping[str, Any]) -> bool:
    """Whether the front matter holds a list of mappings: a data-driven post's papers,
    which a reader may read though the body is empty."""
    return any(
        isinstance(v, list | tuple) and bool(v) and isinstance(v[0], Mapping)
        for v in front.values()
    )


def _read_body(
    body: str,
    body_line: int,
    path: str,
    *,
    front: Mapping[str, Any],
    site: Site,
    diagnostics: Diagnostics,
    forced: str | None = None,
) -> tuple[list[Paper], list[Item], str | None] | None:
    """The body by the reader detection picks; None when it cannot be read at all."""
    if not body.strip() and not _holds_records(front):
        diagnostics.note("empty-body", "the post has no body", path, body_line, 1)
        return [], [], None
    from digestconv.readers import Source, pick_reader  # loads mistletoe only for a body

    source = Source(path=path, text=body, first_line=body_line, front=front, site=site)
    reader = pick_reader(source, forced)
    try:
        result = reader.read(source, reader_options(site, reader.name), diagnostics)
    except RecursionError:
        diagnostics.error(
            "too-deep",
            "the Markdown is nested too deeply to read (lists or quotes thousands of levels)",
            path,
            body_line,
            1,
        )
        return None
    except Exception as exc:  # a reader's bug (a plugin's above all) is this post's error
        diagnostics.error(
            "reader",
            f"the {reader.name!r} reader failed on this post: {type(exc).__name__}: {exc}"[:300],
            path,
            body_line,
            1,
        )
        return None
    papers = list(result.papers)
    diagnostics.note(
        "reader",
        f"read by the {reader.name!r} reader: {result.shape}, "
        f"{len(papers)} entr{'y' if len(papers) == 1 else 'ies'}",
        path,
        body_line,
        1,
    )
    if not papers:
        diagnostics.note(
            "no-papers",
            "no paper entries found; the post's text is kept as digest text",
            path,
            body_line,
            1,
        )
    _check_papers(papers, path, diagnostics)
    heading = result.first_heading
    if heading is not None:
        from digestconv.readers.digest.titles import plain as plain_text

        heading = plain_text(heading)
        if papers and papers[0].title and papers[0].title in heading:
            heading = None  # the first paper's heading: no title of the digest
    return papers, list(result.preamble), heading


def _report_broken_readers(diagnostics: Diagnostics) -> None:
    """A reader plugin that does not load is left out of detection, and said so once."""
    from digestconv.readers import broken_readers, discover_readers

    for name in broken_readers():
        origin = discover_readers()[name].origin
        diagnostics.warning(
            "plugin", f"reader plugin {name!r} ({origin}) failed to load; posts use the others"
        )


def check_reader_config(site: Site, config: Path | None, diagnostics: Diagnostics) -> None:
    """Report each invalid ``digestconv: reader:`` value once, at its line of ``_config.yml``."""
    section = site.config.get("digestconv")
    if not isinstance(section, Mapping) or "reader" not in section:
        return
    from digestconv.readers.digest import parse_options

    _, problems = parse_options(section.get("reader"))
    if not problems:
        return
    lines: list[str] = []
    if config is not None:
        try:
            lines = config.read_text(encoding="utf-8-sig", errors="replace").split("\n")
        except OSError:
            lines = []
    start = next((i for i, ln in enumerate(lines) if ln.strip().startswith("reader:")), 0)
    for key, problem in problems:
        line = next(
            (
                i + 1
                for i, ln in enumerate(lines[start:], start=start)
                if ln.strip().startswith(f"{key}:")
            ),
            start + 1,
        )
        diagnostics.error(
            "config", f"digestconv.reader.{key}: {problem}", str(config or "_config.yml"), line, 1
        )


def reader_options(site: Site, name: str) -> Any:
    """The reader's options from ``digestconv: reader:`` (invalid values: the defaults;
    ``read_paths`` reports them once as ``config`` errors)."""
    if name != "digest":
        return None
    from digestconv.readers.digest import parse_options

    section = site.config.get("digestconv")
    raw = section.get("reader") if isinstance(section, Mapping) else None
    options, _ = parse_options(raw)
    return options


def _check_papers(papers: Sequence[Any], path: str, diagnostics: Diagnostics) -> None:
    seen: dict[str, int] = {}
    for expected, paper in enumerate(papers, start=1):
        line = paper.source.line if paper.source else 0
        if paper.key in seen:
            diagnostics.warning(
                "duplicate-paper",
                f"paper {paper.rank} repeats paper {seen[paper.key]} ({paper.key}); both are kept",
                path,
                line,
                1,
            )
        else:
            seen[paper.key] = paper.rank
        if paper.rank != expected:
            diagnostics.note(
                "rank-order",
                f"paper numbered {paper.rank} where {expected} was expected",
                path,
                line,
                1,
            )


def _read_bytes(path: str, diagnostics: Diagnostics) -> bytes | None:
    try:
        if path == STDIN:
            return sys.stdin.buffer.read(MAX_POST_BYTES + 1)
        with open(path, "rb") as fh:
            data = fh.read(MAX_POST_BYTES + 1)
    except OSError as exc:
        diagnostics.error("io-error", f"cannot read: {exc.strerror or exc}", path)
        return None
    if len(data) > MAX_POST_BYTES:
        diagnostics.error("io-error", f"file is larger than {MAX_POST_BYTES >> 20} MiB", path)
        return None
    return data


def resolve_site(
    config: Path | None,
    diagnostics: Diagnostics,
    *,
    site_url: str | None = None,
    timezone_name: str | None = None,
) -> Site:
    """The site facts: the config file's, with command-line overrides applied."""
    site = load_site(config, diagnostics) if config is not None else Site()
    changes: dict[str, Any] = {}
    if site_url:
        changes["url"] = site_url.rstrip("/")
    if timezone_name:
        try:
            ZoneInfo(timezone_name)
            changes["timezone"] = timezone_name
        except (ValueError, KeyError, OSError):
            diagnostics.error("config", f"unknown timezone {timezone_name!r}")
    return replace(site, **changes) if changes else site


def _read_one(
    data: bytes, path: str, site: Site, diagnostics: Diagnostics, reader: str | None
) -> Digest | None:
    """``read_post``, passing a forced reader only when there is one."""
    if reader is None:
        return read_post(data, path, site, diagnostics)
    return read_post(data, path, site, diagnostics, reader=reader)


def _parse_worker(
    job: tuple[str, bytes, dict[str, Any], str | None],
) -> tuple[str | None, str]:
    """Process-pool entry: plain data in and out, since the model holds read-only mappings."""
    path, data, site_json, reader = job
    diagnostics = Diagnostics()
    digest = _read_one(data, path, site_from_json(site_json), diagnostics, reader)
    return _encode(digest, diagnostics)


def _encode(digest: Digest | None, diagnostics: Diagnostics) -> tuple[str | None, str]:
    payload = None if digest is None else digest_to_text(digest)
    return payload, diagnostics_to_json(diagnostics)


def _decode(payload: str | None, diags: str) -> tuple[Digest | None, list[Diagnostic]]:
    digest = None if payload is None else digest_from_text(payload)
    return digest, diagnostics_from_json(diags)


PARALLEL_MIN = 64
"""Below this many uncached posts a process pool costs more than it saves."""


def read_paths(
    paths: Sequence[str],
    *,
    config: str | Path | None = None,
    site_url: str | None = None,
    timezone_name: str | None = None,
    cache: BuildCache | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    defer: bool = False,
    reader: str | None = None,
    memo: dict[str, PostEntry] | None = None,
) -> ReadResult:
    """Read every post the paths name; the digests come back oldest first.

    With a ``cache`` unchanged posts are not parsed again; with ``jobs`` > 1
    uncached posts are parsed in a process pool.  Either way the result, and
    the order of diagnostics, is exactly the serial one.  ``memo`` (a watching build's,
    see :mod:`digestconv.warm`) holds the previous read's posts by key: they are taken
    from it before the cache, and it is left holding this read's.
    """
    diagnostics = Diagnostics()
    cfg = Path(config) if config is not None else find_config(list(paths))
    site = resolve_site(cfg, diagnostics, site_url=site_url, timezone_name=timezone_name)
    inputs = collect(list(paths), diagnostics, site)
    check_reader_config(site, cfg, diagnostics)
    _report_broken_readers(diagnostics)
    if reader is not None:
        from digestconv.readers import discover_readers

        if reader not in discover_readers():
            known = ", ".join(discover_readers())
            diagnostics.error("config", f"unknown reader {reader!r} (known: {known})")
            reader = None
    results: list[tuple[Digest | None, list[Diagnostic]]] = []
    input_key = None
    post_keys: dict[str, str] = {}
    if cache is None and jobs <= 1 and memo is None:
        for path in inputs.files:
            local = Diagnostics()
            data = _read_bytes(path, local)
            digest = None if data is None else _read_one(data, path, site, local, reader)
            results.append((digest, local.items))
            if progress:
                progress(1)
    else:
        many, keys = _read_many(inputs.files, site, cache, jobs, progress, reader=reader, memo=memo)
        input_key = digest_of(*keys) if all(keys) else None
        post_keys = {path: key for path, key in zip(inputs.files, keys, strict=True) if key}
        payloads = [d for d, _ in many if d is not None]
        if (
            defer
            and memo is None
            and payloads
            and all(isinstance(d, str | bytes) for d in payloads)
        ):
            for _, diags in many:
                diagnostics.items.extend(diags)
            return ReadResult(
                config=cfg,
                corpus=Corpus(site=site, digests=()),
                diagnostics=diagnostics,
                failed=[p for p, (d, _) in zip(inputs.files, many, strict=True) if d is None],
                read=len(inputs.files),
                input_key=input_key,
                post_keys=post_keys,
                deferred=[d for d in payloads if isinstance(d, str | bytes)],
            )
        with collector_paused():
            results = [
                (digest_from_text(d) if isinstance(d, str | bytes) else d, diags)
                for d, diags in many
            ]
        if memo is not None:
            memo.clear()
            memo.update((key, entry) for key, entry in zip(keys, results, strict=True) if key)
    digests: list[Digest] = []
    failed: list[str] = []
    for path, (digest, diags) in zip(inputs.files, results, strict=True):
        diagnostics.items.extend(diags)
        if digest is None:
            failed.append(path)
        else:
            digests.append(digest)
    digests.sort(key=lambda d: (d.date, d.source.path))
    return ReadResult(
        config=cfg,
        corpus=Corpus(site=site, digests=tuple(digests)),
        diagnostics=diagnostics,
        failed=failed,
        read=len(inputs.files),
        input_key=input_key,
        post_keys=post_keys,
    )


def _read_many(
    files: list[str],
    site: Site,
    cache: BuildCache | None,
    jobs: int,
    progress: Callable[[int], None] | None,
    *,
    reader: str | None = None,
    memo: Mapping[str, PostEntry] | None = None,
) -> tuple[list[tuple[Digest | str | bytes | None, list[Diagnostic]]], list[str]]:
    """Read with a cache and/or a process pool, holding as little as possible at once:
    each post's bytes are dropped as soon as its digest exists.  Posts found in the
    cache come back as their model JSON (its UTF-8 bytes), for the caller to decode or not."""
    site_json = site_to_json(site)
    fingerprint = json.dumps(site_json, sort_keys=True, ensure_ascii=False)
    if reader is not None:  # a forced reader reads other models from the same bytes
        fingerprint += "\nreader=" + reader
    datas: list[bytes | None] = []
    out: list[tuple[Digest | str | bytes | None, list[Diagnostic]]] = []
    keys: list[str] = []
    where = [os.path.abspath(path) for path in files]
    known = cache.get_stamps(where) if cache is not None else {}
    taken: list[tuple[str, str, str]] = []
    for path, full in zip(files, where, strict=True):
        local = Diagnostics()
        data = None
        stamped = known.get(full)
        if stamped is not None and path != STDIN and stamps.unchanged(path, stamped[0]):
            sha = stamped[1]  # read only if its digest has to be made
        else:
            stamp = stamps.take(path) if cache is not None and path != STDIN else None
            data = _read_bytes(path, local)
            sha = hashlib.sha256(data).hexdigest() if data is not None else ""
            if stamp is not None and data is not None:
                taken.append((full, stamp, sha))
        datas.append(data)
        out.append((None, local.items))
        keys.append(post_key(fingerprint, path, sha) if sha else "")
    if cache is not None:
        cache.put_stamps(taken)
    held = memo or {}
    wanted = (k for k in keys if k and k not in held)
    cached = cache.get_posts(wanted) if cache is not None else {}
    todo: list[int] = []
    for i, key in enumerate(keys):
        entry = held.get(key) if key else None
        if entry is not None:
            out[i] = (entry[0], [*out[i][1], *entry[1]])
            datas[i] = None
            if progress:
                progress(1)
        elif key and key in cached:
            payload, diags_json = cached.pop(key)
            diags = diagnostics_from_json(diags_json)
            out[i] = (payload, [*out[i][1], *diags])
            datas[i] = None
            if progress:
                progress(1)
        elif key:
            if datas[i] is None:  # unchanged by its stamp, but its digest is not kept
                late = Diagnostics()
                data = _read_bytes(files[i], late)
                if data is None:
                    out[i] = (None, [*out[i][1], *late.items])
                    keys[i] = ""
                    continue
                datas[i] = data
                keys[i] = post_key(fingerprint, files[i], hashlib.sha256(data).hexdigest())
            todo.append(i)
    pending: list[tuple[str, str, str, str | None, str]] = []

    def done(i: int, digest: Digest | None, diags: list[Diagnostic], enc: Any) -> None:
        out[i] = (digest, [*out[i][1], *diags])
        datas[i] = None
        if cache is not None:
            source = digest_of(fingerprint, where[i])
            payload, diags_json = enc or _encode(digest, Diagnostics(diags))
            pending.append((keys[i], where[i], source, payload, diags_json))
            if len(pending) >= 256:
                cache.put_posts(pending)
                pending.clear()
        if progress:
            progress(1)

    if jobs > 1 and len(todo) >= PARALLEL_MIN:
        import digestconv.body  # noqa: F401 - loaded once here, inherited by forked workers

        jobs_list = [(files[i], datas[i] or b"", site_json, reader) for i in todo]
        with workers.pool(jobs) as pool:
            chunk = max(1, len(todo) // (jobs * 8))
            parsed = pool.map(_parse_worker, jobs_list, chunksize=chunk)
            del jobs_list
            with collector_paused():  # the parent only decodes here: nothing cyclic
                for i, enc in zip(todo, parsed, strict=True):
                    digest, diags = _decode(*enc)
                    done(i, digest, diags, enc)
    else:
        for i in todo:
            local = Diagnostics()
            digest = _read_one(datas[i] or b"", files[i], site, local, reader)
            done(i, digest, local.items, None)
    if cache is not None:
        if pending:
            cache.put_posts(pending)
        cache.forget_missing()
    return out, keys
