"""Where an entry starts besides a heading: a bold title line, a paragraph that opens with
a title field, a folded ``<details>`` block; each is given a level past the headings' so
that the shapes compare them with headings (see :mod:`digestconv.readers.digest.shapes`).
"""

from __future__ import annotations

import html
import re

from digestconv.arxiv import find_ids, parse_paper_url
from digestconv.readers.digest.blocks import Unit
from digestconv.readers.digest.bylines import reference
from digestconv.readers.digest.fields import ROLES, norm, parse_field, title_field
from digestconv.readers.digest.kramdown import header_id
from digestconv.readers.digest.titles import rank_of, strip_symbols

BOLD_LEVEL = 5
"""The level given to ``**1. Title**`` lines: paragraphs that head an entry like a heading."""


_KEYCAP = re.compile(r"(\d{1,2})\ufe0f?\u20e3\s*")
_INLINE_LINK = re.compile(r"\[[^\]\n]{0,300}\]\([^)\s]{0,1000}\)")
_BREAK = re.compile(r"(?i)<br\s*/?>")
_BESIDE = re.compile(r"[ \t]+[—–|·][ \t]")
"""A dash or bar after a bold title sets off what stands beside it (its authors, its
votes): "**Title** — 120 upvotes" is a title line, where "**Bold** runs on" is emphasis."""


def bold_entry(unit: Unit, lines: list[str]) -> str | None:
    """The title text of a paragraph whose first line is a bold title (``**1. Title**``,
    ``1️⃣ **Title** — [paper](…)``, or unnumbered over the entry's own lines)."""
    if unit.kind != "Paragraph":
        return None
    first = lines[unit.start - 1].strip()
    keycap = _KEYCAP.match(first)
    number = f"{keycap.group(1)}. " if keycap is not None else ""
    # "🥇 **Title**": a pictograph marks the title, it is no part of it
    first = first[keycap.end() :] if keycap is not None else strip_symbols(first)
    if not first.startswith(("**", "__")) or not first[2:3].strip():
        return None
    mark = first[:2]
    close = first.find(mark, 2)
    beside = _BREAK.sub("", first[close + 2 :]) if close >= 0 else ""  # "**Title**<br>"
    if close < 0 or (
        any(ch.isalpha() for ch in _INLINE_LINK.sub("", beside)) and _BESIDE.match(beside) is None
    ):
        return None  # bold text that runs on into a sentence is emphasis, not a title
    inner = number + first[2:close]
    rank, rest = rank_of(inner)
    if not rest.strip():
        return None
    if rank is None and (
        # a bold line alone is a label ("**Method**"), unless it links a paper: a
        # newsletter's "**[Title](…)** — *Authors*" over its summary's paragraphs
        (unit.end == unit.start and not _links_a_paper(inner))
        or inner.rstrip().endswith((":", "："))
        or ROLES.get(norm(inner)) is not None
    ):
        return None
    after = beside.strip()
    return inner + (f" - {after}" if after else "")


FIELD_LEVEL = 7
"""The level given to a paragraph that opens with the paper's title as a field (``【标题】…``,
``**Title:** …``): entries without headings, a paragraph of fields each."""


def field_entry(unit: Unit, lines: list[str]) -> str | None:
    """The title a paragraph's first line gives as a title field, if it does."""
    if unit.kind != "Paragraph":
        return None
    first = lines[unit.start - 1].strip()
    head = first[:48]
    if "】" not in head and ":" not in head and "：" not in head:
        return None  # (most paragraphs: no field label to look for)
    if _LISTED_ID.fullmatch(first[:200]) is not None and unit.end > unit.start:
        # "arXiv:2603.01234 [pdf, other]" over "Title: …": arXiv's own listing, copied
        return title_field(lines[unit.start].strip())
    return title_field(first)


_LISTED_ID = re.compile(
    r"arxiv:\s?(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\s{1,4}\[[^\]]{0,80}\])?",
    re.I,
)


DETAILS_LEVEL = 6
"""The level given to ``<details><summary>Title</summary>``: a folded block that heads an
entry, as digests published on GitHub fold each paper."""

_SUMMARY = re.compile(r"(?is)<summary[^>]{0,200}>(.{1,500}?)</summary>")
_TAG = re.compile(r"<[^>]{0,200}>")


def details_entry(unit: Unit, lines: list[str]) -> str | None:
    """The title a ``<details>`` block's ``<summary>`` shows, unless it names a kind of
    text ("Abstract", "摘要"): that is an entry's folded abstract, not an entry."""
    if unit.kind != "Paragraph" or not _opens_details(unit, lines):
        return None  # (raw HTML is text to the reader: a <details> block is a paragraph)
    found = _SUMMARY.search("\n".join(lines[unit.start - 1 : min(unit.end, unit.start + 4)])[:2000])
    if found is None:
        return None
    text = " ".join(html.unescape(_TAG.sub(" ", found.group(1))).split())
    return text if text and ROLES.get(norm(text)) is None else None


_HTML_HEADING = re.compile(r"(?i)\s*<h([1-6])(?:\s[^<>]{0,200})?>(.{1,1000}?)</h\1\s*>")
_CONTAINER = re.compile(r"(?i)\s*<(?:div|section|article|li)(?:\s[^<>]{0,200})?>\s*")
"""An HTML block's opening tag alone on its line: the card a digest sets each paper in."""
NOT_ANCHOR = re.compile(r"(?i)</?(?!a[\s>])(?!/a\s*>)[a-z][^<>]{0,200}>")
"""Any HTML tag but an anchor's: what is taken out of HTML to leave its text and links."""


def html_heading(unit: Unit, lines: list[str]) -> tuple[int, str] | None:
    """(level, text) of a paragraph that opens with an HTML heading (``<h3><a href=…>Title
    </a></h3>``): raw HTML is a paragraph to the reader, but this one heads an entry as a
    Markdown heading of its level would.  Anchors stay, for the title's link."""
    first = lines[unit.start - 1]
    if _CONTAINER.fullmatch(first[:300]) is not None and unit.end > unit.start:
        first = lines[unit.start]  # "<div class="paper">" over "<h3><a href=…>…</a></h3>"
    if "<h" not in first[:8].lower():
        return None
    m = _HTML_HEADING.match(first)
    if m is None:
        return None
    text = " ".join(NOT_ANCHOR.sub(" ", m.group(2)).split())
    return (int(m.group(1)), text) if text else None


RULE_LEVEL = 8
"""The level given to a paragraph after a thematic break whose first line is a plain title
over the entry's own lines (a title, its authors, its link, between ``---`` rules)."""

_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")


def rule_entry(unit: Unit, lines: list[str]) -> str | None:
    """The title of a paragraph that opens a part of the post between rules, if its first
    line is a plain title (no field, no link, no sentence) with more lines under it."""
    if unit.kind != "Paragraph" or unit.end == unit.start or unit.depth:
        return None
    n = unit.start - 2
    while n >= 0 and not lines[n].strip():
        n -= 1
    if n >= 0 and _RULE.fullmatch(lines[n]) is None:
        return None  # neither the body's first paragraph nor one right after a rule
    first = lines[unit.start - 1].strip()
    if (
        not first
        or len(first) > 300
        or first.endswith((".", ":", "：", "。"))
        or any(mark in first for mark in ("](", "http", "<", "**", "__"))
        or parse_field(first) is not None
        or first.lower().startswith("arxiv")
    ):
        return None
    return first


LINK_LEVEL = 9
"""The level given to a paragraph that opens with a link to a paper (``[Title](https://
arxiv.org/abs/…)``, ``🥇 [Title](…)`` over its summary): entries without headings or bold."""

_OPENING_LINK = re.compile(r"\[([^\]\n]{1,300})\]\(<?([^)\s>]{1,1000})>?\)")


def link_entry(unit: Unit, lines: list[str]) -> str | None:
    """The first line of a top-level paragraph that opens with a link to a paper named by
    its title, not by a word such as "arXiv" or "PDF" (a link line of an entry)."""
    if unit.kind != "Paragraph" or unit.depth:
        return None
    first = lines[unit.start - 1].strip()
    _, rest = rank_of(first)
    m = _OPENING_LINK.match(strip_symbols(rest))
    if m is None or parse_paper_url(m.group(2)) is None:
        return None
    label = m.group(1).strip()
    if ROLES.get(norm(label)) is not None or parse_paper_url(label) or find_ids(label):
        return None
    return first


REFERENCE_LEVEL = 10
"""The level given to a paragraph that is a reference in a bibliography's style (``[1] A.
Pérez and B. Li, "Title," arXiv:…``): a reading list pasted from a reference manager."""


def reference_entry(unit: Unit, lines: list[str]) -> str | None:
    """The first line of a top-level paragraph that is a reference naming a paper."""
    if unit.kind != "Paragraph" or unit.depth:
        return None
    first = lines[unit.start - 1].strip()
    _, rest = rank_of(first)
    if len(rest) > 1000 or reference(strip_symbols(rest)) is None:
        return None
    text = "\n".join(lines[unit.start - 1 : unit.end])
    return first if find_ids(text) or _links_paper(text) else None


def _links_paper(text: str) -> bool:
    return any(parse_paper_url(m.group(2)) for m in _OPENING_LINK.finditer(text))


def _links_a_paper(inner: str) -> bool:
    """Whether a bold title is one link, to a paper, named by its title."""
    m = _OPENING_LINK.fullmatch(inner.strip())
    return m is not None and parse_paper_url(m.group(2)) is not None


def entry_head(unit: Unit, lines: list[str]) -> tuple[int, str] | None:
    """(level, title text) of a paragraph that heads an entry, detected once for both the
    level the shapes compare and the text the entry's title comes from."""
    if unit.kind != "Paragraph":
        return None
    heading = html_heading(unit, lines)
    if heading is not None:
        return heading
    for level, detect in (
        (DETAILS_LEVEL, details_entry),
        (FIELD_LEVEL, field_entry),
        (BOLD_LEVEL, bold_entry),
        (RULE_LEVEL, rule_entry),
        (LINK_LEVEL, link_entry),
        (REFERENCE_LEVEL, reference_entry),
    ):
        text = detect(unit, lines)
        if text is not None:
            return level, text
    return None


def level_of(unit: Unit, lines: list[str]) -> int:
    """A heading's level; ``BOLD_LEVEL``, ``DETAILS_LEVEL``, ``FIELD_LEVEL``, ``RULE_LEVEL``,
    ``LINK_LEVEL`` or ``REFERENCE_LEVEL`` for a paragraph that heads an entry; 0 for anything
    else."""
    if unit.heading:
        return int(unit.token.level)
    head = entry_head(unit, lines)
    return head[0] if head is not None else 0


def heading_text(unit: Unit, lines: list[str]) -> str:
    token = unit.token
    if unit.kind == "Paragraph":
        head = entry_head(unit, lines)
        return head[1] if head is not None else ""
    if unit.kind == "Heading":
        shown = lines[unit.start - 1].lstrip().lstrip("#").strip()
        return header_id(shown)[0].rstrip("#").strip()  # "## Title {#id}": kramdown's id
    return " ".join(ln.strip() for ln in lines[unit.start - 1 : unit.end - 1]) or (
        "".join(getattr(c, "content", "") for c in (token.children or ()))
    )


def body_start(unit: Unit, lines: list[str]) -> int:
    """The first line of an entry-heading paragraph after its title: after the line that
    closes a ``<summary>``, or the second line."""
    if _opens_details(unit, lines):
        for n in range(unit.start, min(unit.end, unit.start + 4) + 1):
            if "</summary>" in lines[n - 1].lower():
                return n + 1
    if unit.end > unit.start and _CONTAINER.fullmatch(lines[unit.start - 1][:300]) is not None:
        return unit.start + 2  # after the card's heading
    return unit.start + 1


def _opens_details(unit: Unit, lines: list[str]) -> bool:
    return lines[unit.start - 1].lstrip()[:8].lower() == "<details"
