"""The intermediate model every exporter reads: sites, digests, papers, sections.

The model is the contract between the Jekyll reader and the exporters, so it is
small, frozen and typed: an exporter can rely on every value being normalised
(NFC text, timezone-aware dates, normalised arXiv ids) and never needs to know
how the post was written.  ``to_json``/``from_json`` round-trip exactly, which
lets third-party tools consume ``digestconv json`` instead of re-parsing posts.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal, cast, get_args

import orjson

from digestconv.arxiv import ArxivId as ArxivId  # noqa: PLC0414 - re-exported: part of the model API

SCHEMA_VERSION = 3
"""2 added, all optional with empty defaults: ``Paper.authors``, ``affiliations``,
``abstract``, ``translated_title``, ``fields``; link kinds ``huggingface``, ``code``,
``project``, ``pdf``; section kind ``summary``; ``Site.defaults``.

3 made the facts only a site page has optional: ``Digest.slug``, ``path``,
``post_id`` and ``Paper.anchor`` are ``null`` for a digest that is not published
as a page (a plain Markdown file), where version 2 held values computed as if it
were a Jekyll post.  Versions 1 and 2 still load."""

SectionKind = Literal[
    "introduction", "method", "results", "limitations", "conclusion", "summary", "other"
]
SECTION_KINDS: tuple[SectionKind, ...] = get_args(SectionKind)

ItemLabel = Literal["goal", "motivation", "contribution"]
ITEM_LABELS: tuple[ItemLabel, ...] = get_args(ItemLabel)

LinkKind = Literal["alphaxiv", "arxiv", "huggingface", "code", "project", "pdf", "other"]
LINK_KINDS: tuple[LinkKind, ...] = get_args(LinkKind)

JsonValue = Any
"""A value that ``json.dumps`` accepts: kept loose because front matter is free-form."""


_EMPTY: Mapping[str, JsonValue] = MappingProxyType({})


def _empty() -> Mapping[str, JsonValue]:
    """The one empty read-only mapping: most papers have no other fields, and each
    ``MappingProxyType({})`` would be two more objects per paper."""
    return _EMPTY


def _shared(text: str) -> str:
    """One object for every copy of a short word the posts repeat (a section heading, a
    field label, a tag): a 2,000-post archive holds tens of thousands of them, parsed or
    decoded each time as a new string."""
    return sys.intern(text) if type(text) is str else text


_set = object.__setattr__
_intern = sys.intern


def _share(obj: object, name: str) -> None:
    value = getattr(obj, name)
    if value is not None:
        object.__setattr__(obj, name, _shared(value))


def _share_all(obj: object, name: str) -> None:
    values = getattr(obj, name)
    if values:
        object.__setattr__(obj, name, tuple(_shared(v) for v in values))


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Where a piece of the model came from, so diagnostics and exporters can point back."""

    path: str
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Link:
    """A link that belongs to a paper besides its title link (alphaXiv overview, code…)."""

    label: str
    url: str
    kind: LinkKind = "other"

    def __post_init__(self) -> None:
        _share(self, "label")
        _share(self, "kind")


@dataclass(frozen=True, slots=True)
class Item:
    """One bullet or paragraph of a section.

    ``text`` is the item's Markdown source with the list marker and the label
    removed; nested lists stay inside it so nothing is lost.  ``label`` is the
    canonical meaning (Goal/목표 → ``goal``) and ``label_text`` the word as
    written, so an exporter may show either.
    """

    text: str
    label: ItemLabel | None = None
    label_text: str | None = None
    line: int = 0
    bullet: bool = True

    def __post_init__(self) -> None:
        # :func:`_share` written out: a 2,000-post model builds 100,000 items.
        label, label_text = self.label, self.label_text
        if type(label) is str:
            _set(self, "label", _intern(label))
        if type(label_text) is str:
            _set(self, "label_text", _intern(label_text))


@dataclass(frozen=True, slots=True)
class Section:
    """A ``## Heading`` block of a paper.

    ``placeholder`` marks sections whose only content says the information is
    missing ("정보 부족"): exporters hide or de-emphasise them, but the text is
    kept in ``items`` so a round trip stays faithful.
    """

    kind: SectionKind
    heading: str
    items: tuple[Item, ...] = ()
    placeholder: bool = False
    line: int = 0

    def __post_init__(self) -> None:
        kind, heading = self.kind, self.heading
        if type(kind) is str:
            _set(self, "kind", _intern(kind))
        if type(heading) is str:
            _set(self, "heading", _intern(heading))


@dataclass(frozen=True, slots=True)
class Paper:
    """One ``# N. [Title](url)`` entry of a digest."""

    rank: int
    title: str
    url: str
    arxiv: ArxivId | None
    anchor: str | None = None
    """The heading's id on the published page (kramdown's), None when the digest is not
    a site page or the entry is not a heading: a site fact, not the paper's."""
    links: tuple[Link, ...] = ()
    sections: tuple[Section, ...] = ()
    source: SourceSpan | None = None
    authors: tuple[str, ...] = ()
    """As the digest lists them (``et al.`` kept as its own last element)."""
    affiliations: tuple[str, ...] = ()
    abstract: str | None = None
    translated_title: str | None = None
    """The digest's own heading when it gives the original title in a field
    (``原文标题``, ``Original title``, ``원제``): ``title`` is then the original."""
    fields: Mapping[str, JsonValue] = field(default_factory=_empty)
    """Other labelled values of the entry (scores, sources, tags…), label → text as written."""

    @property
    def key(self) -> str:
        """Identity across digests: the version-less arXiv id, else the URL."""
        return f"arxiv:{self.arxiv.id}" if self.arxiv else f"url:{self.url}"

    def section(self, kind: SectionKind) -> Section | None:
        """The first section of ``kind``; posts rarely repeat one."""
        return next((s for s in self.sections if s.kind == kind), None)

    def link(self, kind: LinkKind) -> Link | None:
        return next((lk for lk in self.links if lk.kind == kind), None)


_SECTIONS = Paper.__dict__["sections"]
"""The slot behind ``Paper.sections`` (a member descriptor), which :class:`_CachedPaper`
fills on first use."""


class _CachedPaper(Paper):
    """A paper read back from the cache whose sections are built when first asked for.

    A rebuild decodes every cached digest, but renders again only the parts of the few
    posts that changed; the plans made over the whole corpus read titles, authors, ids
    and dates, not sections, which are nine objects in ten of a decoded model (at 2,000
    posts two thirds of decoding them).  The UTF-8 bytes of their JSON wait in ``_rows``
    until ``sections`` is read, and are dropped then; the paper equals, prints and is
    replaced (``dataclasses.replace``) as the :class:`Paper` it stands for.
    """

    __slots__ = ("_rows",)
    _rows: bytes | None

    @property
    def sections(self) -> tuple[Section, ...]:
        try:
            return cast(tuple[Section, ...], _SECTIONS.__get__(self, Paper))
        except AttributeError:
            pass
        value = _sections_from_rows(orjson.loads(self._rows or b"[]"))
        _SECTIONS.__set__(self, value)
        _ROWS.__set__(self, None)
        return value

    @sections.setter
    def sections(self, value: tuple[Section, ...]) -> None:
        # Reached only from ``Paper.__init__`` (``dataclasses.replace``).
        _SECTIONS.__set__(self, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Paper):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _PAPER_FIELDS)

    __hash__ = Paper.__hash__

    def __repr__(self) -> str:
        return "Paper" + Paper.__repr__(self).removeprefix(type(self).__qualname__)


_ROWS = _CachedPaper.__dict__["_rows"]
_PAPER_FIELDS = tuple(f.name for f in dataclass_fields(Paper))


@dataclass(frozen=True, slots=True)
class Digest:
    """One post.

    The digest itself is its source, title, date, tags and papers.  ``slug``,
    ``path``, ``url`` and ``post_id`` are facts of the site that publishes it, None
    when it is not a page of one (a plain Markdown file): ``path`` is the
    site-relative permalink as Jekyll computes it, ``url`` the absolute one (also None
    when the site has no ``url``), and ``post_id`` Jekyll's ``post.id`` – what
    jekyll-feed uses as the Atom entry id – so a feed that replaces jekyll-feed keeps
    the same entry identities.
    """

    source: SourceSpan
    title: str
    date: datetime
    slug: str | None = None
    path: str | None = None
    url: str | None = None
    post_id: str | None = None
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    lang: str | None = None
    papers: tuple[Paper, ...] = ()
    preamble: tuple[Item, ...] = ()
    meta: Mapping[str, JsonValue] = field(default_factory=_empty)

    def __post_init__(self) -> None:
        _share_all(self, "tags")
        _share_all(self, "categories")
        _share(self, "lang")


@dataclass(frozen=True, slots=True)
class Collection:
    """A Jekyll collection of the site (``collections:`` in _config.yml): a folder
    ``_NAME`` of documents, published at ``permalink`` when ``output`` is true."""

    name: str
    output: bool = False
    permalink: str | None = None

    @property
    def folder(self) -> str:
        return f"_{self.name}"


@dataclass(frozen=True, slots=True)
class Site:
    """Facts about the Jekyll site the digests belong to (from ``_config.yml``).

    ``config`` keeps the sections exporters may honour – jekyll-feed's ``feed:``
    and digestconv's own ``digestconv:`` – as plain data.
    """

    title: str | None = None
    description: str | None = None
    url: str | None = None
    baseurl: str = ""
    author: str | None = None
    email: str | None = None
    lang: str | None = None
    timezone: str | None = None
    permalink: str = "date"
    config: Mapping[str, JsonValue] = field(default_factory=_empty)
    defaults: tuple[Mapping[str, JsonValue], ...] = ()
    """Jekyll's front-matter ``defaults:`` (each ``{"scope": …, "values": …}``), in order."""
    collections: tuple[Collection, ...] = ()
    """The collections besides the posts, whose documents are read as digests too."""
    collections_dir: str = ""
    """The folder below the site root that holds ``_posts`` and the collections' folders."""

    @property
    def root_url(self) -> str | None:
        """``url`` + ``baseurl``: the address of the site's home page."""
        if not self.url:
            return None
        return self.url.rstrip("/") + (self.baseurl.rstrip("/") or "") + "/"


@dataclass(frozen=True, slots=True)
class Publication:
    """One output of the current run, as it will be published.

    Exporters that link to the other outputs (a catalog of the books, an index page) learn
    their names and options from the core's plan of the run instead of re-reading the
    configuration.  A fact of the run, not of the input: not part of the JSON document.
    """

    format: str
    path: str
    """Relative to the output folder; a folder for multi-file outputs."""
    media_type: str
    folder: bool = False
    options: Mapping[str, JsonValue] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class Corpus:
    """What an exporter receives: the site and its digests, oldest first, and the outputs
    the run publishes (empty when an exporter is called on its own)."""

    site: Site
    digests: tuple[Digest, ...]
    outputs: tuple[Publication, ...] = ()

    def publication(self, fmt: str) -> Publication | None:
        """The first output of format ``fmt`` in this run's plan."""
        return next((p for p in self.outputs if p.format == fmt), None)

    def papers(self) -> list[tuple[Digest, Paper]]:
        """Every (digest, paper) pair in reading order."""
        return [(d, p) for d in self.digests for p in d.papers]


# --------------------------------------------------------------------------- JSON


def _freeze(value: JsonValue) -> JsonValue:
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: JsonValue) -> JsonValue:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_thaw(v) for v in value]
    return value


def frozen_mapping(value: Mapping[str, JsonValue]) -> Mapping[str, JsonValue]:
    """A read-only deep copy, so a frozen dataclass cannot be mutated through its fields."""
    if isinstance(value, Mapping) and not value:
        return _EMPTY
    return cast(Mapping[str, JsonValue], _freeze(value))


def _item_to_json(item: Item) -> dict[str, JsonValue]:
    return {
        "text": item.text,
        "label": item.label,
        "label_text": item.label_text,
        "line": item.line,
        "bullet": item.bullet,
    }


def _item_from_json(obj: Mapping[str, JsonValue]) -> Item:
    return Item(
        text=obj["text"],
        label=obj.get("label"),
        label_text=obj.get("label_text"),
        line=obj.get("line", 0),
        bullet=obj.get("bullet", True),
    )


def _span_to_json(span: SourceSpan | None) -> dict[str, JsonValue] | None:
    if span is None:
        return None
    return {"path": span.path, "line": span.line, "end_line": span.end_line}


def _span_from_json(obj: Mapping[str, JsonValue] | None) -> SourceSpan | None:
    if obj is None:
        return None
    return SourceSpan(obj["path"], obj["line"], obj["end_line"])


def paper_to_json(paper: Paper) -> dict[str, JsonValue]:
    return {
        "rank": paper.rank,
        "title": paper.title,
        "url": paper.url,
        "arxiv": None
        if paper.arxiv is None
        else {"id": paper.arxiv.id, "version": paper.arxiv.version},
        "anchor": paper.anchor,
        "links": [{"label": lk.label, "url": lk.url, "kind": lk.kind} for lk in paper.links],
        "sections": [
            {
                "kind": s.kind,
                "heading": s.heading,
                "placeholder": s.placeholder,
                "line": s.line,
                "items": [_item_to_json(i) for i in s.items],
            }
            for s in paper.sections
        ],
        "source": _span_to_json(paper.source),
        "authors": list(paper.authors),
        "affiliations": list(paper.affiliations),
        "abstract": paper.abstract,
        "translated_title": paper.translated_title,
        "fields": _thaw(paper.fields),
    }


def paper_from_json(obj: Mapping[str, JsonValue]) -> Paper:
    ax = obj.get("arxiv")
    return Paper(
        rank=obj["rank"],
        title=obj["title"],
        url=obj["url"],
        arxiv=None if ax is None else ArxivId(ax["id"], ax.get("version")),
        anchor=obj.get("anchor"),
        links=tuple(Link(lk["label"], lk["url"], lk.get("kind", "other")) for lk in obj["links"]),
        sections=tuple(
            Section(
                kind=s["kind"],
                heading=s["heading"],
                items=tuple(_item_from_json(i) for i in s["items"]),
                placeholder=s.get("placeholder", False),
                line=s.get("line", 0),
            )
            for s in obj["sections"]
        ),
        source=_span_from_json(obj.get("source")),
        authors=tuple(obj.get("authors", ())),
        affiliations=tuple(obj.get("affiliations", ())),
        abstract=obj.get("abstract"),
        translated_title=obj.get("translated_title"),
        fields=frozen_mapping(obj.get("fields", {})),
    )


def digest_to_json(digest: Digest) -> dict[str, JsonValue]:
    span = _span_to_json(digest.source)
    return {
        "source": span,
        "title": digest.title,
        "date": digest.date.isoformat(),
        "slug": digest.slug,
        "path": digest.path,
        "url": digest.url,
        "post_id": digest.post_id,
        "tags": list(digest.tags),
        "categories": list(digest.categories),
        "lang": digest.lang,
        "preamble": [_item_to_json(i) for i in digest.preamble],
        "meta": _thaw(digest.meta),
        "papers": [paper_to_json(p) for p in digest.papers],
    }


def digest_from_json(obj: Mapping[str, JsonValue]) -> Digest:
    span = _span_from_json(obj["source"])
    assert span is not None
    return Digest(
        source=span,
        title=obj["title"],
        date=datetime.fromisoformat(obj["date"]),
        slug=obj.get("slug"),
        path=obj.get("path"),
        url=obj.get("url"),
        post_id=obj.get("post_id"),
        tags=tuple(obj.get("tags", ())),
        categories=tuple(obj.get("categories", ())),
        lang=obj.get("lang"),
        papers=tuple(paper_from_json(p) for p in obj.get("papers", ())),
        preamble=tuple(_item_from_json(i) for i in obj.get("preamble", ())),
        meta=frozen_mapping(obj.get("meta", {})),
    )


def site_to_json(site: Site) -> dict[str, JsonValue]:
    return {
        "title": site.title,
        "description": site.description,
        "url": site.url,
        "baseurl": site.baseurl,
        "author": site.author,
        "email": site.email,
        "lang": site.lang,
        "timezone": site.timezone,
        "permalink": site.permalink,
        "config": _thaw(site.config),
        "defaults": [_thaw(d) for d in site.defaults],
        "collections": [
            {"name": c.name, "output": c.output, "permalink": c.permalink} for c in site.collections
        ],
        "collections_dir": site.collections_dir,
    }


def site_from_json(obj: Mapping[str, JsonValue]) -> Site:
    return Site(
        title=obj.get("title"),
        description=obj.get("description"),
        url=obj.get("url"),
        baseurl=obj.get("baseurl", ""),
        author=obj.get("author"),
        email=obj.get("email"),
        lang=obj.get("lang"),
        timezone=obj.get("timezone"),
        permalink=obj.get("permalink", "date"),
        config=frozen_mapping(obj.get("config", {})),
        defaults=tuple(frozen_mapping(d) for d in obj.get("defaults", ())),
        collections=tuple(
            Collection(c["name"], bool(c.get("output")), c.get("permalink"))
            for c in obj.get("collections", ())
        ),
        collections_dir=obj.get("collections_dir", ""),
    )


def corpus_to_dict(corpus: Corpus) -> dict[str, JsonValue]:
    return {
        "schema_version": SCHEMA_VERSION,
        "site": site_to_json(corpus.site),
        "digests": [digest_to_json(d) for d in corpus.digests],
    }


def _has_float(value: JsonValue) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, Mapping):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_float(v) for v in value)
    return False


def _dumps_bytes(value: JsonValue, exact: bool = False) -> bytes:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` as UTF-8, by orjson when its
    bytes are the same, without a round trip through ``str``: a 2,000-post document is
    the largest thing a build writes, and the standard library encodes indented JSON in
    pure Python.  orjson writes floats its own way (``1e16``, ``NaN`` → ``null``) and
    refuses integers beyond 64 bits, so free-form values with floats (``exact``) and any
    refusal take the standard path."""
    if not exact:
        try:
            if isinstance(value, dict | list):
                _unshare(value)
            return orjson.dumps(value, option=orjson.OPT_INDENT_2)
        except (TypeError, ValueError):
            pass
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def _copy(text: str) -> str:
    return text if text.isascii() else "".join((text, ""))


def _unshare(tree: dict[str, JsonValue] | list[JsonValue]) -> None:
    """``tree``, just built for writing, with copies of its non-ASCII strings, for orjson:
    it keeps the UTF-8 form of every such string it writes inside that string object, and
    the model's strings live until the process ends — a third more memory for the model's
    text in the process that writes the JSON.  The copies (and their UTF-8 forms) go with
    the tree.  Replaced in place: rebuilding every dictionary of a 2,000-post archive
    would cost more than writing it."""
    slots = tree.items() if isinstance(tree, dict) else enumerate(tree)
    keys = False
    for key, value in slots:
        kind = type(value)
        if kind is str:
            if not value.isascii():
                tree[key] = "".join((value, ""))  # type: ignore[index]
        elif kind is dict or kind is list:
            _unshare(value)
        if type(key) is str and not key.isascii():
            keys = True
    if keys and isinstance(tree, dict):
        fresh = {_copy(k): v for k, v in tree.items()}
        tree.clear()
        tree.update(fresh)


def _nested(value: JsonValue, depth: int, exact: bool = True) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it ``depth`` levels deep."""
    return _nested_bytes(value, depth, exact).decode("utf-8")


def _nested_bytes(value: JsonValue, depth: int, exact: bool = True) -> bytes:
    """:func:`_nested` as UTF-8: the text is encoded once, not decoded and encoded again."""
    text = _dumps_bytes(value, exact)
    return text.replace(b"\n", b"\n" + b"  " * depth)  # JSON strings hold no raw newline


def json_digest(digest: Digest) -> str:
    """One digest as it appears inside the document's ``digests`` array: a piece that
    depends on the digest alone, so an incremental build can keep it."""
    return _nested(digest_to_json(digest), 2, exact=not _orjson_exact(digest))


def json_digest_bytes(digest: Digest) -> bytes:
    """:func:`json_digest` encoded as UTF-8 (what the JSON exporter's parts compress)."""
    return _nested_bytes(digest_to_json(digest), 2, exact=not _orjson_exact(digest))


def json_frame(site: Site) -> tuple[str, str, str]:
    """What surrounds the encoded digests of a non-empty document: the text before the
    first, between two and after the last (see :func:`json_digest`)."""
    head = '{\n  "schema_version": ' + json.dumps(SCHEMA_VERSION) + ',\n  "site": '
    head += _nested(site_to_json(site), 1) + ',\n  "digests": [\n    '
    return head, ",\n    ", "\n  ]\n}\n"


def json_empty(site: Site) -> str:
    """The document of a corpus without digests (``"digests": []``)."""
    empty = {"schema_version": SCHEMA_VERSION, "site": site_to_json(site), "digests": []}
    return json.dumps(empty, ensure_ascii=False, indent=2) + "\n"


def iter_json(corpus: Corpus) -> Iterator[str]:
    """The canonical JSON document in pieces: ``json.dumps(corpus_to_dict(c), indent=2)``
    byte for byte, built one digest at a time so that a 2,000-post archive never exists
    as one dictionary tree (or one string) beside the model."""
    if not corpus.digests:
        yield json_empty(corpus.site)
        return
    head, sep, tail = json_frame(corpus.site)
    yield head
    for index, digest in enumerate(corpus.digests):
        yield ("" if index == 0 else sep) + json_digest(digest)
    yield tail


def to_json(corpus: Corpus) -> str:
    """The canonical JSON document: sorted nowhere, indented, stable bytes for stable input."""
    return "".join(iter_json(corpus))


def to_json_bytes(corpus: Corpus) -> bytes:
    """``to_json`` encoded as UTF-8, piece by piece (a quarter of the peak memory)."""
    return b"".join(part.encode("utf-8") for part in iter_json(corpus))


_INT64 = 2**63


def _wide_int(value: JsonValue) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not -_INT64 <= value < _INT64
    if isinstance(value, Mapping):
        return any(_wide_int(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_wide_int(v) for v in value)
    return False


def _orjson_exact(digest: Digest) -> bool:
    """Whether orjson writes and reads the digest as the standard library does: it writes
    floats its own way, reads integers beyond 64 bits as floats and refuses ``NaN``, so a
    digest whose free-form values hold floats or such integers (or whose rank or arXiv
    version is that long) takes the standard path both ways."""
    free = (digest.meta, *(p.fields for p in digest.papers))
    if any(_has_float(v) or _wide_int(v) for v in free):
        return False
    numbers = [p.rank for p in digest.papers] + [
        p.arxiv.version for p in digest.papers if p.arxiv is not None and p.arxiv.version
    ]
    return not any(_wide_int(n) for n in numbers)


def _digest_to_row(digest: Digest) -> list[JsonValue]:
    """A digest as nested arrays in the order of each class's fields, for the cache: read
    back by position, a cached digest is built without a key look-up per value or a
    keyword per argument, which was two thirds of decoding one.  The papers' sections
    are not in it (see :func:`digest_to_text`)."""
    span = digest.source
    return [
        [span.path, span.line, span.end_line],
        digest.title,
        digest.date.isoformat(),
        digest.slug,
        digest.path,
        digest.url,
        digest.post_id,
        list(digest.tags),
        list(digest.categories),
        digest.lang,
        [_item_to_row(i) for i in digest.preamble],
        _thaw(digest.meta),
        [_paper_to_row(p) for p in digest.papers],
    ]


def _item_to_row(item: Item) -> list[JsonValue]:
    return [item.text, item.label, item.label_text, item.line, item.bullet]


def _paper_to_row(paper: Paper) -> list[JsonValue]:
    span = paper.source
    return [
        paper.rank,
        paper.title,
        paper.url,
        None if paper.arxiv is None else [paper.arxiv.id, paper.arxiv.version],
        paper.anchor,
        [[lk.label, lk.url, lk.kind] for lk in paper.links],
        None if span is None else [span.path, span.line, span.end_line],
        list(paper.authors),
        list(paper.affiliations),
        paper.abstract,
        paper.translated_title,
        _thaw(paper.fields),
    ]


def _sections_to_rows(sections: Sequence[Section]) -> list[JsonValue]:
    return [
        [
            s.kind,
            s.heading,
            [_item_to_row(i) for i in s.items],
            s.placeholder,
            s.line,
        ]
        for s in sections
    ]


def _digest_from_row(row: Sequence[JsonValue], sections: Sequence[JsonValue]) -> Digest:
    span, title, date, slug, path, url, post_id, tags, categories, lang, preamble, meta, papers = (
        row
    )
    if len(papers) != len(sections):
        raise ValueError("a cached digest's papers and sections do not match")
    return Digest(
        SourceSpan(*span),
        title,
        datetime.fromisoformat(date),
        slug,
        path,
        url,
        post_id,
        tuple(tags),
        tuple(categories),
        lang,
        tuple(map(_paper_from_row, papers, sections)),
        tuple(Item(*i) for i in preamble),
        frozen_mapping(meta),
    )


def _paper_from_row(row: Sequence[JsonValue], sections: JsonValue) -> Paper:
    """The paper; ``sections`` is either their arrays or, for a :class:`_CachedPaper`,
    the bytes of their JSON."""
    rank, title, url, ax, anchor, links, span, authors, affil, abstract, tt, fields = row
    lazy = isinstance(sections, bytes)
    paper = (_CachedPaper if lazy else Paper)(
        rank,
        title,
        url,
        None if ax is None else ArxivId(*ax),
        anchor,
        tuple(Link(*lk) for lk in links),
        () if lazy else _sections_from_rows(sections),
        None if span is None else SourceSpan(*span),
        tuple(authors),
        tuple(affil),
        abstract,
        tt,
        frozen_mapping(fields),
    )
    if lazy:
        _SECTIONS.__delete__(paper)  # left for ``sections`` to build from the bytes
        _ROWS.__set__(paper, sections)
    return paper


def _sections_from_rows(rows: Sequence[Sequence[JsonValue]]) -> tuple[Section, ...]:
    return tuple(
        Section(kind, heading, tuple(Item(*i) for i in items), placeholder, line)
        for kind, heading, items, placeholder, line in rows
    )


def digest_to_text(digest: Digest) -> str:
    """A digest as compact JSON for caches, marked with how it can be read back: one line
    for the digest, then one for each paper's sections (compact JSON has no line breaks
    of its own), so that reading it back can leave the sections undecoded."""
    lines = [json.dumps(_digest_to_row(digest), ensure_ascii=False)]
    lines.extend(
        json.dumps(_sections_to_rows(p.sections), ensure_ascii=False) for p in digest.papers
    )
    return ("o" if _orjson_exact(digest) else "j") + "\n".join(lines)


def digest_from_text(text: str | bytes) -> Digest:
    """The digest :func:`digest_to_text` wrote, or its UTF-8 bytes as the cache hands them
    over; orjson reads them a third faster where it reads the same values.

    From bytes (a rebuild decodes every cached digest, and renders again only the few
    that changed) the papers' sections are kept as the bytes of their line, built only
    when read (:class:`_CachedPaper`); unread, they take less memory than built.  Text —
    a post just parsed, which every output renders — is built in full.
    """
    by_orjson = text[:1] in ("o", b"o")
    load: Callable[[Any], Any] = orjson.loads if by_orjson else json.loads
    body = text[1:]
    head, *rest = body.split(b"\n") if isinstance(body, bytes) else body.split("\n")
    lazy = isinstance(body, bytes) and by_orjson  # sections orjson can read later
    return _digest_from_row(load(head), rest if lazy else [load(r) for r in rest])


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a model is built from JSON.

    Decoding 2,000 digests creates some 300,000 objects, none in a cycle; meanwhile the
    collector, triggered by the allocations, traverses the growing model again and
    again and finds nothing, which doubled the time of decoding (1.9 s → 0.9 s of CPU
    measured here).  The collector's state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def digests_from_texts(texts: Iterable[str | bytes]) -> list[Digest]:
    """Many cached digests at once (see :func:`collector_paused`)."""
    with collector_paused():
        return [digest_from_text(t) for t in texts]


def from_json(text: str | bytes) -> Corpus:
    with collector_paused():
        obj = json.loads(text)
        version = obj.get("schema_version")
        if version not in (1, 2, SCHEMA_VERSION):
            raise ValueError(f"unsupported schema_version {version!r} (expected {SCHEMA_VERSION})")
        return Corpus(
            site=site_from_json(obj["site"]),
            digests=tuple(digest_from_json(d) for d in obj["digests"]),
        )
