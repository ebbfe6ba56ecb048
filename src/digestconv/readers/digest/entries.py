"""One entry's blocks → a Paper: its link, fields, sections and title.

The entry's block is read top to bottom; each block is a field line (or several),
a line of links, a section heading or label, an abstract ``<details>``, or text
of the current section.  Nothing is dropped: what is not a known fact stays as a
field or a section item.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from digestconv.arxiv import ArxivId, find_ids, parse_id, parse_paper_url
from digestconv.mdparser import definitions
from digestconv.model import Item, Link, Paper, Section, SectionKind, SourceSpan, frozen_mapping
from digestconv.readers.digest.blocks import Unit, reference_ids, source
from digestconv.readers.digest.bylines import (
    byline,
    byline_within,
    cited,
    meta_line,
    plain_byline,
)
from digestconv.readers.digest.fields import (
    Field,
    callout,
    is_repository,
    link_kind,
    parse_field,
    split_authors,
    split_people,
    table_field,
)
from digestconv.readers.digest.heads import NOT_ANCHOR
from digestconv.readers.digest.sections import label_line, section_kind
from digestconv.readers.digest.symbols import symbol
from digestconv.readers.digest.titles import anchors_as_links, inline_text, plain, spans

_BARE_URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")
_TAGS = re.compile(r"</?[A-Za-z][^<>]{0,500}>")
_HTML_BLOCK = re.compile(r"(?i)</?(?:p|div|section|article)(?:\s[^<>]{0,200})?>")
_BLOCK_TAG = re.compile(r"(?i)</?(?:p|div|section|article|li|ul|ol|br)(?:\s[^<>]{0,200})?/?>")


def _html_blocks(text: str, start: int) -> list[tuple[int, str]]:
    """(first line, Markdown text) of each block an HTML card shows: the text between its
    block tags, other tags taken out, anchors as links."""
    out: list[tuple[int, str]] = []
    at = 0
    for m in [*_BLOCK_TAG.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        chunk = text[at:end]
        shown = anchors_as_links(NOT_ANCHOR.sub("", chunk)).strip()
        if shown:
            lead = len(chunk) - len(chunk.lstrip())
            line = start + text.count("\n", 0, at + lead)
            out.append((line, "\n".join(ln.strip() for ln in shown.split("\n"))))
        if m is not None:
            at = m.end()
    return out


_ID_LINE = re.compile(r"(?i)\W*arxiv\s*[:：]?\s*[\w./-]+\W*(?:\[[\w.\- ]+\])?")
_LINK_ROLES = frozenset({"link", "pdf", "code", "project", "huggingface"})


@dataclass
class Draft:
    """What one entry has gathered so far."""

    rank: int
    title: str
    line: int
    end: int
    anchor: str = ""
    title_link: Any = None
    extra: str = ""
    links: list[tuple[Link, bool]] = field(default_factory=list)
    """Each link, and whether it came from a link field or a links-only line."""
    bare_ids: list[ArxivId] = field(default_factory=list)
    text_ids: list[ArxivId] = field(default_factory=list)
    """Identifiers named in running text: the entry's own only when it names no other."""
    authors: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    abstract: str | None = None
    original: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    sections: list[tuple[str, SectionKind, int, list[Item]]] = field(default_factory=list)
    pending: str | None = None
    """A role whose value is the next block (``**Abstract:**`` on its own line)."""


def links_in(text: str) -> list[tuple[str, str]]:
    """(label, url) of every link in ``text``: Markdown links, autolinks, bare URLs."""
    out: list[tuple[str, str]] = []
    text = anchors_as_links(text)  # "<a href="…">GitHub</a>": a link with its label
    toks = spans(text) if "[" in text or "<" in text else []

    def walk(tokens: list[Any]) -> None:
        for tok in tokens:
            name = type(tok).__name__
            if name in ("Link", "AutoLink"):
                label = re.sub(r"\s+", " ", inline_text(tok)).strip()
                if label[:1] == "[" and label[-1:] == "]" and label.count("[") == 1:
                    label = label[1:-1].strip()  # "[[arXiv]](…)": brackets drawn as a button
                out.append((label, str(tok.target).strip()))
            elif name == "RawText":
                out.extend(("", m.group(0)) for m in _BARE_URL.finditer(tok.content))
            else:
                walk(list(getattr(tok, "children", None) or ()))

    if toks:
        walk(toks)
    else:
        out.extend(("", m.group(0)) for m in _BARE_URL.finditer(text))
    return out


def line_links(text: str) -> tuple[list[tuple[str, str]], list[ArxivId]] | None:
    """(links, ids) of a line (or block) that holds only links, or only an arXiv id;
    None for any other text."""
    if "http" in text or "](" in text:
        only = links_only(text)
        if only is not None:
            return only, find_ids(text)
    if len(text) < 60 and _ID_LINE.fullmatch(text):
        return [], find_ids(text)
    if len(text) < 30 and (bare := _BARE_ID_LINE.fullmatch(text)) is not None:
        ident = parse_id(bare.group(1))  # "`2603.01236`" alone under the title
        return ([], [ident]) if ident is not None else None
    return None


_BARE_ID_LINE = re.compile(r"[`*_(\[]{0,3}(\d{4}\.\d{4,5}(?:v\d+)?)[`*_)\]]{0,3}")


_BETWEEN_LINKS = " \t|·,-–—>•/\n:：[]()"
"""What may stand between the links of a links-only line: separators, and the brackets of
``[[arXiv](…)] [[Code](…)]`` or ``([PDF](…))``."""


def links_only(text: str) -> list[tuple[str, str]] | None:
    """The links of a line (or block) that holds nothing but links and separators."""
    toks = spans(text)
    found: list[tuple[str, str]] = []
    for tok in toks:
        name = type(tok).__name__
        if name in ("Link", "AutoLink"):
            found.append((re.sub(r"\s+", " ", inline_text(tok)).strip(), str(tok.target).strip()))
        elif name == "RawText":
            rest = tok.content
            for m in _BARE_URL.finditer(rest):
                found.append(("", m.group(0)))
            rest = _BARE_URL.sub("", rest)
            if "".join(c for c in rest if not symbol(c)).strip(_BETWEEN_LINKS):
                return None
        elif name == "LineBreak":
            continue
        elif name in ("Strong", "Emphasis"):
            kids = list(getattr(tok, "children", None) or ())
            if all(type(k).__name__ in ("Link", "AutoLink", "RawText") for k in kids):
                for k in kids:
                    if type(k).__name__ in ("Link", "AutoLink"):
                        found.append(
                            (re.sub(r"\s+", " ", inline_text(k)).strip(), str(k.target).strip())
                        )
                    elif k.content.strip(_BETWEEN_LINKS):
                        return None
        else:
            return None
    return found or None


class EntryReader:
    """Reads the blocks of one entry into a ``Draft``."""

    def __init__(
        self, lines: list[str], offset: int, extra: Mapping[str, str] | None = None
    ) -> None:
        self.lines = lines
        self.offset = offset
        self.extra = extra

    def line(self, n: int) -> int:
        return n + self.offset

    def _item(self, text: str, start: int, bullet: bool) -> Item:
        return Item(text=text, line=self.line(start), bullet=bullet)

    def _add_text(self, draft: Draft, text: str, start: int, bullet: bool) -> None:
        if draft.pending is not None:
            role, draft.pending = draft.pending, None
            if role == "abstract":
                draft.abstract = text.strip()
                return
            if role == "summary":
                draft.sections.append(("Summary", "summary", self.line(start), []))
        if not draft.sections:
            draft.sections.append(("", "other", self.line(start), []))
        draft.sections[-1][3].append(self._item(text, start, bullet))

    def _add_links(self, draft: Draft, found: list[tuple[str, str]], primary: bool) -> None:
        for label, url in found:
            draft.links.append((Link(label or url, url, link_kind(url, label)), primary))

    def field(self, draft: Draft, f: Field, start: int) -> None:
        value = f.value.strip()
        if f.role == "authors":
            if not draft.authors:
                draft.authors, noted = split_authors(plain(value))
                draft.affiliations = draft.affiliations or noted
        elif f.role == "affiliations":
            draft.affiliations = draft.affiliations or split_people(plain(value))
        elif f.role == "abstract":
            if value:
                draft.abstract = draft.abstract or value
            else:
                draft.pending = "abstract"
        elif f.role == "summary":
            if value:
                draft.sections.append(
                    (f.label, "summary", self.line(start), [self._item(value, start, False)])
                )
            else:
                draft.pending = "summary"
        elif f.role == "original_title":
            draft.original = draft.original or plain(value) or None
        elif f.role in _LINK_ROLES:
            found = links_in(value)
            for label, url in found:
                kind = link_kind(url, label or f.label)
                if kind == "other" and f.role != "link":
                    kind = link_kind(url, f.label)
                draft.links.append((Link(label or f.label, url, kind), True))
            named = find_ids(f"{f.label}: {value}")
            bare = parse_id(value.strip("`*_ ")) if not named and not found else None
            if bare is not None:  # "Paper ID: 2601.00001": the label says what it is
                named = [bare]
            draft.bare_ids.extend(named)
            # "arXiv: 2601.00001" is the paper's address, no fact of its own to keep
            if not found and not (named and parse_id(value.strip("`*_ ")) is not None):
                self._keep(draft, f.label, value)
        elif not value:
            # "**Key Contributions:**" over a list: a label that heads what follows
            draft.pending = None
            draft.sections.append((f.label, section_kind(f.label), self.line(start), []))
        elif (section := section_kind(f.label)) != "other":
            # "📊 Results: 2× faster": a section of the summary, written as a field
            item = [self._item(value, start, False)]
            draft.sections.append((f.label, section, self.line(start), item))
        else:
            self._keep(draft, f.label, value)
            self._add_links(draft, links_in(value), False)

    @staticmethod
    def _keep(draft: Draft, label: str, value: str) -> None:
        label = label.strip() or "field"
        draft.fields[label] = f"{draft.fields[label]}\n{value}" if label in draft.fields else value

    def paragraph(self, draft: Draft, text: str, start: int, bullet: bool) -> None:
        """A paragraph or list item: field lines, a links line, a label, or text."""
        stripped = text.strip()
        lowered = stripped[:12].lower()
        if lowered.startswith("<details"):
            inner = _TAGS.sub(" ", re.sub(r"(?is)<summary>.{0,2000}?</summary>", " ", stripped))
            inner = re.sub(r"[ \t]+", " ", inner).strip()
            if draft.abstract is None and inner:
                draft.abstract = inner
            elif draft.abstract is None:
                draft.pending = "abstract"  # "<details>…</summary>", blank line, the text
            else:
                self._add_text(draft, text, start, bullet)
            return
        if lowered.startswith("</details>") and len(stripped) <= 12:
            return
        if stripped.lower().endswith("\n</details>"):  # a folded entry's last paragraph
            stripped = stripped[: -len("</details>")].rstrip()
            text = stripped
        if _HTML_BLOCK.match(stripped) is not None:
            # a card of HTML ("<p>Ana Pérez, Bo Li, Chen Wu</p>" under its <h3>): each of its
            # blocks is read as the paragraph it shows, anchors as links
            for line, shown in _html_blocks(text, start):
                self.paragraph(draft, shown, line, bullet)
            return
        first, _, _ = stripped.partition("\n")
        fields = parse_field(first, self.extra, item=bullet)
        if fields is not None:
            self._field_lines(draft, stripped.split("\n"), start, bullet, fields)
            return
        if self._links_line(draft, line_links(stripped)):
            return
        if "\n" in stripped:  # "🔗 https://…" on the line above "👥 Authors: …" or text
            lines = stripped.split("\n")
            leading = list(itertools.takewhile(bool, (line_links(ln.strip()) for ln in lines)))
            k = len(leading)
            if 0 < k < len(lines):
                for found in leading:
                    self._links_line(draft, found)
                fields = parse_field(lines[k], self.extra)
                if fields is not None:
                    self._field_lines(draft, lines[k:], start + k, bullet, fields)
                else:  # (its first line holds more than links: this recurses once)
                    self.paragraph(draft, "\n".join(lines[k:]), start + k, bullet)
                return
        if not draft.authors and not draft.sections and not bullet:
            if _ITALIC_LINE.fullmatch(stripped):
                names = byline(stripped[1:-1])
                if names:  # "*Ana Pérez, Bo Li*" under the title: its byline, set in italics
                    draft.authors = names
                    return
            head, _, rest = stripped.partition("\n")
            names = plain_byline(head)
            facts = meta_line(head) if not names else None
            if facts is not None:  # "👍 120 · Ana Pérez, Bo Li"
                names, score = facts
                if score is not None:
                    draft.fields.setdefault("score", score)
            if names or facts is not None:  # "Ana Pérez, Bo Li, Carl Zhang" under the title
                draft.authors = names
                if rest.strip():
                    self.paragraph(draft, rest, start + 1, bullet)
                return
        draft.text_ids.extend(find_ids(stripped))
        if "[" in stripped and definitions():
            # "See the [paper][p3]" with "[p3]: https://arxiv.org/abs/…" further down
            draft.text_ids.extend(reference_ids(stripped))
        label = label_line(stripped) if not bullet else None
        if label is not None:
            draft.pending = None
            draft.sections.append((label, section_kind(label), self.line(start), []))
            return
        self._add_text(draft, text, start, bullet)

    def _links_line(
        self, draft: Draft, found: tuple[list[tuple[str, str]], list[ArxivId]] | None
    ) -> bool:
        """Take what :func:`line_links` found on a line as the paper's; False if nothing."""
        if found is None:
            return False
        links, ids = found
        self._add_links(draft, links, True)
        draft.bare_ids.extend(ids)
        return True

    def _field_lines(
        self, draft: Draft, lines: list[str], start: int, bullet: bool, first: list[Field]
    ) -> None:
        """Consecutive lines of fields: a line that is not a field continues the last one,
        unless it holds only links or an id (``[Link](…)`` under ``**Authors:** …``)."""
        current, cur_line = first, start
        extra: list[str] = []

        def flush() -> None:
            if extra:
                last = current[-1]
                current[-1] = Field(last.label, last.role, last.value + "\n" + "\n".join(extra))
            for f in current:
                self.field(draft, f, cur_line)

        for offset, ln in enumerate(lines[1:], start=1):
            indented = bullet and ln.startswith((" ", "\t"))
            more = None if indented else parse_field(ln, self.extra)
            if more is not None:
                flush()
                current, cur_line, extra = more, start + offset, []
                continue
            bare = ln.strip()
            if indented or not self._links_line(draft, line_links(bare)):
                extra.append(ln if bullet else bare)
        flush()

    def block(self, draft: Draft, unit: Unit) -> None:
        kind = unit.kind
        text = source(unit, self.lines)
        if kind == "ThematicBreak" or not text.strip():
            return
        if unit.heading:
            heading = (
                plain(text.lstrip("#").strip()) if kind == "Heading" else plain(text.split("\n")[0])
            )
            draft.pending = None
            draft.sections.append((heading, section_kind(heading), self.line(unit.start), []))
            return
        if kind == "Table":
            if self._table(draft, unit):
                return
            self._add_text(draft, text, unit.start, False)
            return
        if kind == "Quote":
            inner = "\n".join(ln.lstrip().removeprefix(">").strip() for ln in text.split("\n"))
            only = links_only(inner) if "](" in inner or "http" in inner else None
            if only is not None:
                self._add_links(draft, only, True)
                return
            fact = callout(inner) if inner.startswith("[!") else None
            if fact is not None and fact.value:
                self.field(draft, fact, unit.start)
                return
            self._add_text(draft, text, unit.start, False)
            return
        if kind in ("Paragraph", "ListItem", "HtmlBlock", "HTMLBlock"):
            self.paragraph(draft, text, unit.start, unit.list_item)
            return
        self._add_text(draft, text, unit.start, unit.list_item)

    def _table(self, draft: Draft, unit: Unit) -> bool:
        token = unit.token
        rows = [token.header, *(token.children or ())] if getattr(token, "header", None) else []
        cells = [[_cell(c) for c in (r.children or ())] for r in rows]
        if not cells or any(len(r) != 2 for r in cells):
            return False
        fields = [table_field(r) for r in cells]
        if sum(f is not None and f.role != "other" for f in fields) == 0:
            return False
        for n, (row, f) in enumerate(zip(rows, fields, strict=True)):
            if n == 0 and f is not None and f.role == "other" and not find_ids(f.value):
                continue  # a "| Field | Value |" header row
            if f is not None and plain(f.value) and f.label.strip("-: "):
                self.field(draft, f, getattr(row, "line_number", unit.start))
        return True


def _cell(cell: Any) -> str:
    return "".join(getattr(c, "content", "") for c in (cell.children or ()))


def finish(draft: Draft, path: str) -> Paper:
    """The entry's paper: its own link chosen among the links it gave."""
    url, ident = _primary(draft)
    title = draft.title
    translated = None
    if draft.original and draft.original != title:
        title, translated = draft.original, title
    links = tuple(lk for lk, _ in _unique(draft.links) if lk.url != url)
    if draft.title_link is not None:
        own = str(draft.title_link.target).strip()
        if own and own != url and all(lk.url != own for lk in links):
            # "### [Title](review page)" over "arXiv: …": the title's own link is kept
            links = (Link(label=title, url=own, kind=link_kind(own, "")), *links)
    sections = tuple(
        Section(kind=kind, heading=heading, items=tuple(items), line=line)
        for heading, kind, line, items in draft.sections
    )
    extra = dict(draft.fields)
    authors = draft.authors
    if not authors and any(mark in title for mark in _CITED):
        title, authors = cited(title)
    beside = byline(draft.extra) if draft.extra and not authors else ()
    if beside:
        authors = beside  # "Title (K. Lee, M. Park)", "[Title](…) by Tri Dao, Albert Gu"
    elif draft.extra:
        extra.setdefault("heading_extra", draft.extra)  # the venue and the rest, as written
        authors = authors or byline_within(draft.extra)
    return Paper(
        rank=draft.rank,
        title=title,
        url=url,
        arxiv=ident,
        anchor=draft.anchor or None,
        links=links,
        sections=sections,
        source=SourceSpan(path, draft.line, max(draft.end, draft.line)),
        authors=authors,
        affiliations=draft.affiliations,
        abstract=draft.abstract,
        translated_title=translated,
        fields=frozen_mapping(extra),
    )


_CITED = (". ", '"', "“")
"""What a title written as a citation holds: a full stop between its parts, or quotes."""
_ITALIC_LINE = re.compile(r"\*[^*\n]{3,400}\*|_[^_\n]{3,400}_")
"""A one-line paragraph set in italics (not bold)."""


def _unique(links: list[tuple[Link, bool]]) -> list[tuple[Link, bool]]:
    seen: set[str] = set()
    out = []
    for lk, primary in links:
        if lk.url not in seen:
            seen.add(lk.url)
            out.append((lk, primary))
    return out


def only_repositories(draft: Draft) -> bool:
    """Whether every link the entry gives is a repository's (``### 1. [org/repo](github…)``
    under "Trending repositories"), and it names no paper."""
    if draft.bare_ids or draft.text_ids:
        return False
    urls = [lk.url for lk, _ in draft.links]
    if draft.title_link is not None:
        urls.append(str(draft.title_link.target))
    return bool(urls) and all(is_repository(u) for u in urls)


def has_link(draft: Draft) -> bool:
    return bool(
        draft.title_link is not None
        or draft.links
        or draft.bare_ids
        or len({i.id for i in draft.text_ids}) == 1
    )


def _primary(draft: Draft) -> tuple[str, ArxivId | None]:
    if draft.title_link is not None:
        target = str(draft.title_link.target).strip()
        ident = parse_paper_url(target)
        if ident is not None:
            return target, ident
    for want_primary in (True, False):
        for mirror in (False, True):
            for lk, primary in draft.links:
                if primary != want_primary:
                    continue
                ident = parse_paper_url(lk.url)
                is_mirror = lk.kind in ("huggingface", "alphaxiv")
                if ident is not None and is_mirror == mirror:
                    return lk.url, ident
    if draft.bare_ids:
        ident = draft.bare_ids[0]
        return f"https://arxiv.org/abs/{ident.versioned}", ident
    if draft.title_link is None and not draft.links and len({i.id for i in draft.text_ids}) == 1:
        ident = draft.text_ids[0]
        return f"https://arxiv.org/abs/{ident.versioned}", ident
    if draft.title_link is not None:
        return str(draft.title_link.target).strip(), None
    for want_primary in (True, False):
        for lk, primary in draft.links:
            if primary == want_primary and lk.kind in ("other", "pdf"):
                return lk.url, None
    return (draft.links[0][0].url, None) if draft.links else ("", None)
