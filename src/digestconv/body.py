"""A post body's Markdown AST → papers, sections and items.

The structure is read from mistletoe's block tokens, never from regular
expressions over the Markdown, so headings inside code blocks or list items,
setext headings and escaped brackets are all understood as CommonMark does.
Item texts are sliced from the source lines by the AST's line numbers: the
exporters get the author's exact Markdown (nested lists included), not a
re-rendering of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from digestconv.arxiv import parse_url
from digestconv.diagnostics import Diagnostics
from digestconv.mdparser import Document, references, span_token, tokenize_inner
from digestconv.model import (
    Item,
    ItemLabel,
    Link,
    LinkKind,
    Paper,
    Section,
    SectionKind,
    SourceSpan,
)
from digestconv.recursion import room_to_recurse

_SECTION_WORDS: dict[str, SectionKind] = {
    "introduction": "introduction",
    "intro": "introduction",
    "overview": "introduction",
    "서론": "introduction",
    "소개": "introduction",
    "개요": "introduction",
    "method": "method",
    "methods": "method",
    "methodology": "method",
    "approach": "method",
    "방법": "method",
    "방법론": "method",
    "results": "results",
    "result": "results",
    "experiments": "results",
    "결과": "results",
    "실험 결과": "results",
    "limitations": "limitations",
    "limitation": "limitations",
    "한계": "limitations",
    "한계점": "limitations",
    "conclusion": "conclusion",
    "conclusions": "conclusion",
    "결론": "conclusion",
}

_LABELS: dict[str, ItemLabel] = {
    "goal": "goal",
    "goals": "goal",
    "목표": "goal",
    "motivation": "motivation",
    "동기": "motivation",
    "contribution": "contribution",
    "contributions": "contribution",
    "기여": "contribution",
}

# "Goal: …", "**Goal**: …", "Goal : …", "목표：…" at the start of an item's first line.
_LABEL = re.compile(r"(?:\*\*|__)?([^\W\d_][\w ]{0,20}?)\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*")
_PLACEHOLDERS = frozenset(
    {"정보부족", "정보부족이다", "정보부족함", "정보없음", "없음", "언급없음", "n/a", "na", "none"}
)
_RANK = re.compile(r"\s*(\d{1,6})[.)]\s")
_WS = re.compile(r"\s+")


_INLINE_SYNTAX = frozenset("[]*_`<>&\\!~\n")


@contextmanager
def _blocks_only() -> Iterator[None]:
    """Parse block structure only: item texts are sliced from the source, so the
    inline parse of every paragraph (most of mistletoe's time) would be wasted.
    Headings and link lines are tokenised on demand by ``_spans``."""
    saved = span_token._token_types[:]
    span_token._token_types[:] = [span_token.RawText]
    try:
        yield
    finally:
        span_token._token_types[:] = saved


def _spans(block: Any) -> list[Any]:
    """The inline tokens of a block parsed under ``_blocks_only``."""
    raw = "".join(getattr(c, "content", "") for c in (block.children or ()))
    if _INLINE_SYNTAX.isdisjoint(raw):  # "Introduction", "Method": nothing to tokenise
        return [span_token.RawText(raw)]
    return list(tokenize_inner(raw))


def _spans_text(spans: list[Any]) -> str:
    return "".join(_inline_text(c) for c in spans)


def _inline_text(token: Any) -> str:
    """The text a span token shows, as written (raw HTML stays literal text)."""
    content = getattr(token, "content", None)
    children = getattr(token, "children", None)
    if children:
        return "".join(_inline_text(c) for c in children)
    if type(token).__name__ == "LineBreak":
        return "\n"
    return content if isinstance(content, str) else ""


_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_DASHES = re.compile(r"---|--")
_ASCII_NON_WORD = re.compile(r"[^a-z0-9_\- \t]")


def kramdown_id(text: str, counter: dict[str, int]) -> str:
    """kramdown's GFM auto id: what Jekyll puts on the heading, for links to a paper.

    kramdown builds it from the heading's text nodes: inline HTML tags are not
    text, and ``--``/``---`` became en/em dashes (punctuation, so dropped).
    """
    text = _DASHES.sub("\u2013", _HTML_TAG.sub("", text))
    if text.isascii():
        base = _ASCII_NON_WORD.sub("", text.lower()).replace(" ", "-").replace("\t", "-")
        counter[base] += 1
        return base if counter[base] == 0 else f"{base}-{counter[base]}"
    kept = []
    for ch in text.lower():
        if ch in "- \t":
            kept.append("-" if ch != "-" else ch)
        else:
            cat = unicodedata.category(ch)
            if cat[0] in "LM" or cat in ("Nd", "Pc"):
                kept.append(ch)
    base = "".join(kept)
    counter[base] += 1
    return base if counter[base] == 0 else f"{base}-{counter[base]}"


@dataclass
class _Unit:
    """A top-level block, or one item of a top-level list, with its source lines."""

    token: Any
    start: int
    end: int = 0
    list_item: bool = False


@dataclass
class _PaperDraft:
    rank: int
    title: str
    url: str
    anchor: str
    line: int
    level: int
    outside: str = ""
    links: list[Link] = field(default_factory=list)
    sections: list[tuple[str, SectionKind, int, list[Item]]] = field(default_factory=list)


class BodyReader:
    """Reads one body; ``first_line`` maps body lines back to file lines."""

    def __init__(self, text: str, path: str, first_line: int, diagnostics: Diagnostics) -> None:
        self.lines = text.split("\n")
        self.path = path
        self.offset = first_line - 1
        self.diagnostics = diagnostics
        self.anchor_counter: defaultdict[str, int] = defaultdict(lambda: -1)

    # ------------------------------------------------------------------ units

    def _units(self, doc: Any) -> list[_Unit]:
        units: list[_Unit] = []
        for token in doc.children:
            if type(token).__name__ == "List":
                units.extend(_Unit(li, li.line_number, list_item=True) for li in token.children)
            else:
                units.append(_Unit(token, token.line_number))
        for i, unit in enumerate(units):
            end = units[i + 1].start - 1 if i + 1 < len(units) else len(self.lines)
            while end > unit.start and not self.lines[end - 1].strip():
                end -= 1
            unit.end = max(end, unit.start)
        return units

    def _source(self, unit: _Unit) -> str:
        lines = self.lines[unit.start - 1 : unit.end]
        if unit.list_item and lines:
            token = unit.token
            width = token.indentation + token.prepend
            first = lines[0][width:] if len(lines[0]) >= width else lines[0].lstrip()
            rest = [ln[width:] if ln[:width].strip() == "" else ln.lstrip() for ln in lines[1:]]
            lines = [first, *rest]
        return _join_lines(lines)

    def _line(self, unit_line: int) -> int:
        return unit_line + self.offset

    # --------------------------------------------------------------- headings

    def _paper_heading(
        self, unit: _Unit, spans: list[Any], units: Sequence[_Unit], index: int
    ) -> tuple[Any, int]:
        """(paper draft or None, number of following units consumed)."""
        token = unit.token
        text = _spans_text(spans)
        anchor = kramdown_id(text, self.anchor_counter)
        m = _RANK.match(text)
        if not m or not 1 <= token.level <= 3:
            return None, 0
        rank = int(m.group(1))
        link = next((c for c in spans if type(c).__name__ == "Link"), None)
        consumed = 0
        if link is None and "[" in text and index + 1 < len(units):
            # A link whose text was wrapped onto the next line(s): "# 1. [Long\ntitle](url)".
            nxt = units[index + 1]
            if type(nxt.token).__name__ == "Paragraph":
                joined = self.lines[unit.start - 1].lstrip("#").strip() + "\n" + self._source(nxt)
                spans = tokenize_inner(joined)
                link = next((c for c in spans if type(c).__name__ == "Link"), None)
                consumed = 1 if link is not None else 0
        if link is None:
            self.diagnostics.error(
                "paper-no-link",
                f"heading {text.strip()[:60]!r} looks like paper {rank} "
                "but has no [title](url) link",
                self.path,
                self._line(unit.start),
                1,
            )
            return None, 0
        title = _WS.sub(" ", _inline_text(link)).strip()
        url = str(link.target).strip()
        outside = _WS.sub(" ", "".join(_inline_text(s) for s in spans if s is not link)).strip()
        outside = _RANK.sub("", outside + " ", count=1).strip()
        if outside.strip(" .:-–—|·,;"):
            self.diagnostics.note(
                "heading-text",
                f"paper {rank}: text outside the title link ({outside[:60]!r}) is kept "
                "as an untitled section",
                self.path,
                self._line(unit.start),
                1,
            )
        else:
            outside = ""
        if not url.lower().startswith(("http://", "https://")):
            self.diagnostics.warning(
                "paper-bad-link",
                f"paper {rank} links to {url[:60]!r}, not an http(s) URL",
                self.path,
                self._line(unit.start),
                1,
            )
        draft = _PaperDraft(rank, title, url, anchor, self._line(unit.start), token.level)
        draft.outside = outside
        return draft, consumed

    # ------------------------------------------------------------------ items

    def _item(self, unit: _Unit) -> Item:
        text = self._source(unit)
        label: ItemLabel | None = None
        label_text: str | None = None
        m = _LABEL.match(text)
        if m and m.group(1).strip().lower() in _LABELS:
            marks = m.group(0)
            if marks.count("**") in (0, 2) and marks.count("__") in (0, 2):
                label = _LABELS[m.group(1).strip().lower()]
                label_text = m.group(1).strip()
                text = text[m.end() :]
        return Item(
            text=text,
            label=label,
            label_text=label_text,
            line=self._line(unit.start),
            bullet=unit.list_item,
        )

    # ------------------------------------------------------------------ read

    def read(self) -> tuple[list[Paper], list[Item]]:
        with _blocks_only(), room_to_recurse():
            doc = Document(self.lines)
        with references(doc):
            return self.read_document(doc)

    def read_document(self, doc: Any) -> tuple[list[Paper], list[Item]]:
        """Read an already parsed body (parsed under ``_blocks_only``): the general
        reader parses once and hands the document over when the post is in this dialect."""
        units = self._units(doc)
        papers: list[_PaperDraft] = []
        preamble: list[Item] = []
        current: _PaperDraft | None = None
        skip = 0
        for index, unit in enumerate(units):
            if skip:
                skip -= 1
                continue
            kind = type(unit.token).__name__
            if kind in ("Heading", "SetextHeading"):
                spans = _spans(unit.token)
                draft, skip = self._paper_heading(unit, spans, units, index)
                if draft is not None:
                    papers.append(draft)
                    current = draft
                    continue
                heading = _WS.sub(" ", _spans_text(spans)).strip()
                if current is not None and _RANK.match(heading + " ") is None:
                    sec_kind = _SECTION_WORDS.get(heading.lower().rstrip(":"), "other")
                    if sec_kind == "other":
                        self.diagnostics.note(
                            "unknown-section",
                            f"section {heading[:60]!r} is not a known section; kept as 'other'",
                            self.path,
                            self._line(unit.start),
                            1,
                        )
                    current.sections.append((heading, sec_kind, self._line(unit.start), []))
                    continue
                if current is None:
                    preamble.append(self._item(unit))
                    continue
            if current is None:
                if kind != "ThematicBreak":
                    self.diagnostics.note(
                        "stray-text",
                        "text before the first paper; kept as the digest's preamble",
                        self.path,
                        self._line(unit.start),
                        1,
                    )
                    preamble.append(self._item(unit))
                continue
            if not current.sections:
                links = _link_only(unit.token)
                if links is not None:
                    current.links.extend(links)
                    continue
                current.sections.append(("", "other", self._line(unit.start), []))
            current.sections[-1][3].append(self._item(unit))
        return [self._finish(d, i, papers) for i, d in enumerate(papers)], preamble

    def _finish(self, draft: _PaperDraft, index: int, drafts: list[_PaperDraft]) -> Paper:
        end = drafts[index + 1].line - 1 if index + 1 < len(drafts) else self._line(len(self.lines))
        sections = tuple(
            Section(
                kind=kind,
                heading=heading,
                items=tuple(items),
                placeholder=_is_placeholder(items),
                line=line,
            )
            for heading, kind, line, items in draft.sections
        )
        if draft.outside:
            extra = Item(text=draft.outside, line=draft.line, bullet=False)
            sections = (Section("other", "", (extra,), line=draft.line), *sections)
        return Paper(
            rank=draft.rank,
            title=draft.title,
            url=draft.url,
            arxiv=parse_url(draft.url),
            anchor=draft.anchor or None,
            links=tuple(draft.links),
            sections=sections,
            source=SourceSpan(self.path, draft.line, max(end, draft.line)),
        )


def _join_lines(lines: list[str]) -> str:
    """Join source lines, turning trailing-double-space hard breaks into ``\\`` ones.

    Trailing spaces are invisible and fragile; a backslash keeps the same
    CommonMark meaning in a form that survives editors and JSON.
    """
    out = []
    last = len(lines) - 1
    for i, line in enumerate(lines):
        stripped = line.rstrip()
        if i < last and line.endswith("  ") and stripped and not stripped.endswith("\\"):
            stripped += "\\"
        out.append(stripped)
    return "\n".join(out).strip("\n")


def _link_only(token: Any) -> list[Link] | None:
    """Links of a block holding nothing but links (the ``> [Alphaxiv](…)`` line)."""
    name = type(token).__name__
    if name == "Quote":
        if len(token.children) != 1:
            return None
        token = token.children[0]
        name = type(token).__name__
    if name != "Paragraph":
        return None
    links: list[Link] = []
    for child in _spans(token):
        cname = type(child).__name__
        if cname in ("Link", "AutoLink"):
            url = str(child.target).strip()
            label = _WS.sub(" ", _inline_text(child)).strip() or url
            lower = url.lower()
            kind: LinkKind = (
                "alphaxiv"
                if "alphaxiv.org" in lower
                else "arxiv"
                if parse_url(url) is not None
                else "other"
            )
            links.append(Link(label=label, url=url, kind=kind))
        elif (cname == "RawText" and child.content.strip(" \t|·,-") == "") or cname == "LineBreak":
            continue
        else:
            return None
    return links or None


def _is_placeholder(items: list[Item]) -> bool:
    if not items:
        return False
    joined = "".join(i.text for i in items).lower()
    if len(joined) > 40:  # every placeholder phrase is short; don't scan real summaries
        return False
    squeezed = "".join(ch for ch in joined if ch.isalnum() or ch == "/")
    return squeezed in _PLACEHOLDERS
