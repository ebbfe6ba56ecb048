"""Entry titles: numbering removed, markup removed, the paper's own words kept."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from digestconv.mdparser import tokenize_inner
from digestconv.readers.digest.fields import ROLES, norm, parse_field
from digestconv.readers.digest.symbols import symbol
from digestconv.text.bounded import too_costly

_WS = re.compile(r"\s+")
# "1. " "1) " "1、" "#1 — " "#1: " "No. 1 — " "No.1 " "Nº 1 " "[1] " "第1篇"
_RANK = re.compile(
    r"\s*(?:"
    r"(?:No\.?|Nº|N°|nº|Paper|Rank|Art[íi]culo|Art\.|論文|论文|논문)\s*#?\s*(?P<a>\d{1,4})\s*[.):：—–-]?\s*(?<=[\s:：.)—–-])"
    r"|#\s*(?P<b>\d{1,4})\s*[.):：—–-]?\s+"
    r"|\[(?P<c>\d{1,4})\]\s+"
    r"|第\s*(?P<d>\d{1,4})\s*[篇个名位]?\s*[.:：、]?\s*"
    r"|(?P<e>\d{1,4})\s*(?:[.)]\s+|[、．]\s*|\s*[:：—–]\s+|\s+-\s+)"
    r"|(?P<f>\d{1,2})\ufe0f?\u20e3\s*"
    r"|[(（](?P<g>\d{1,4})[)）]\s*"
    r"|(?P<h>[一二三四五六七八九十]{1,3})\s*[、.．]\s*"
    r"|(?P<i>[\u2460-\u2473])[.、．]?\s*"
    r"|(?P<j>\d{1,4})\s*(?:위|位)\s*[.:：—–-]?\s*"
    r")",
    re.IGNORECASE,
)
_HEAD = 120
_KEYCAP_TEN = "\U0001f51f"
"""Numbers, scores and labels sit in a line's first characters: the patterns that look for
them see only those, so a hostile 200,000-character heading costs nothing extra."""
_SEPARATORS = " \t.:：-–—|·,;"


def strip_symbols(text: str) -> str:
    i = 0
    while i < len(text) and (symbol(text[i]) or text[i].isspace()):
        i += 1
    return text[i:]


def rank_of(text: str) -> tuple[int | None, str]:
    """(number, rest) when ``text`` starts with an entry number, else (None, text)."""
    if text.lstrip()[:1] == _KEYCAP_TEN:  # "🔟 Title" after "9️⃣ Title": a pictograph of its own
        return 10, text.lstrip()[1:].lstrip()
    shown = strip_symbols(text[:_HEAD])
    m = _RANK.match(shown)
    if m is None:
        return None, text
    number = next(g for g in m.groups() if g is not None)
    if m.group("i") is not None:  # ① … ⑳
        value = ord(number) - 0x2460 + 1
    else:
        value = int(number) if number.isdigit() else _chinese_number(number)
    return value, shown[m.end() :] + text[_HEAD:]


_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def _chinese_number(text: str) -> int:
    """一 … 九十九 as a number (the "一、" "二、" that number Chinese sections)."""
    if "十" not in text:
        return _DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return _DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0)


def inline_text(token: Any) -> str:
    """The text a span token shows, as written (raw HTML stays literal text)."""
    children = getattr(token, "children", None)
    if children:
        return "".join(inline_text(c) for c in children)
    if type(token).__name__ == "LineBreak":
        return " "
    content = getattr(token, "content", None)
    return content if isinstance(content, str) else ""


def spans(text: str) -> list[Any]:
    """The inline tokens of ``text``; none (the callers' "no markup" case) where mistletoe
    would take quadratic time over it (``bounded``: a line of thousands of links)."""
    if too_costly(text):
        return []
    try:
        return list(tokenize_inner(text))
    except (RecursionError, IndexError, ValueError):
        return []


def plain(text: str) -> str:
    """Markdown inline text without its markup, white space collapsed, NFC."""
    toks = spans(text) if any(c in text for c in "[]*_`<>&\\!~") else []
    shown = "".join(inline_text(t) for t in toks) if toks else text
    return unicodedata.normalize("NFC", _WS.sub(" ", shown).strip())


_MARKER = re.compile(r"\s*(?:[-*+]|\d{1,9}[.)])[ \t]+")


def title_lines(lines: Sequence[str]) -> int:
    """How many lines of an item's first paragraph are its title.

    A link text or a bold span may wrap onto the next lines, but once the span that
    opens the item has closed, the lines after it are the entry's own text
    ("1. **Title** — authors" over a one-line summary).  A title without such markup
    runs to a blank line, a field line or a line that is only the paper's address
    ("1. Title" over "https://arxiv.org/abs/…").
    """
    count = 0
    text = ""
    led = False
    for ln in lines:
        s = ln.strip()
        if not s or (count and (parse_field(s) is not None or is_address(s))):
            break
        if count == 0:
            opening = _MARKER.match(s)
            s = s[opening.end() :] if opening is not None else s
            led = s.startswith(("**", "__", "["))
        count += 1
        text += s
        if led and _closed(text):
            break
    return count


def _closed(text: str) -> bool:
    """Whether every bracket, parenthesis and bold marker the text opens is closed."""
    return (
        text.count("[") <= text.count("]")
        and text.count("(") <= text.count(")")
        and text.count("**") % 2 == 0
        and text.count("__") % 2 == 0
    )


_FORMATTING = re.compile(
    r"(?i)</?(?:sub|sup|b|i|em|strong|span|small|u|mark|font|code|br)(?:\s[^<>]{0,200})?\s?/?>"
)
"""HTML that formats a title's text (``<sub>2</sub>``, ``<em>…</em>``), which the title is
without; other tags stay, as written: ``<think>`` is part of some papers' titles."""


def clean_title(text: str) -> str:
    """White space collapsed, separators left by a removed number or score trimmed, a trailing
    ``(arXiv:ID)`` dropped (the id is the paper's link), formatting tags taken out; a
    title's own final ``.``, ``:`` or ``?`` is kept."""
    text = _FORMATTING.sub("", text) if "<" in text else text
    text = _WS.sub(" ", text).strip().lstrip(_SEPARATORS).rstrip(" \t-–—|·,;")
    head = _ID_HEAD.match(text[:60])
    if head is not None and len(text) > head.end():
        # "[2602.01111] Title": the id is the paper's link
        text = text[head.end() :].lstrip(_SEPARATORS)
    tail = _ID_TAIL.search(text[-60:])
    if tail is not None and len(text) > len(tail.group(0)):
        text = text[: len(text) - len(tail.group(0))].rstrip(" \t-–—|·,;")
    return unicodedata.normalize("NFC", text)


OPENING_ID = (
    r"(?:[(\[]\s?(?:arxiv\s?[:：]?\s?)?(?P<a>\d{4}\.\d{4,5}(?:v\d+)?)\s?[)\]]"
    r"|(?P<b>\d{4}\.\d{4,5}(?:v\d+)?)(?:\s?[:：—–|]|\s-))\s+"
)
"""A bare arXiv id a title opens with, as listings cite a paper (``[2602.01111] Title``,
``2602.01111: Title``, ``2602.01111 - Title``); elsewhere a number of that shape is no
id (a version, a figure)."""
_ID_HEAD = re.compile(OPENING_ID, re.I)
_ID_TAIL = re.compile(
    r"(?:\s|(?=（))[(\[（]\s?(?:arxiv\s?[:：]?\s?(?:\d{4}\.\d{4,5}|[a-z-]+/\d{7})|\d{4}\.\d{4,5})"
    r"(?:v\d+)?\s?[)\]）]$",
    re.I,
)


def split_title(text: str) -> tuple[str, Any, str]:
    """(title, title link token or None, text beside it) of a heading or an item's first line.

    A title set off as bold or a link is that span; text after it (scores, likes)
    is returned apart.  Otherwise the whole line is the title.
    """
    text = anchors_as_links(text)
    bold = _bold_raw(text)
    if bold is not None:
        return bold
    toks = spans(text)
    lead = [t for t in toks if not (type(t).__name__ == "RawText" and not t.content.strip())]
    if lead and type(lead[0]).__name__ in ("Strong", "Link", "Emphasis"):
        first = lead[0]
        link = first if type(first).__name__ == "Link" else _only_link(first)
        title = clean_title(inline_text(first))
        after = [t for t in toks[toks.index(first) + 1 :] if not _footnote_mark(t)]
        rest = clean_title("".join(inline_text(t) for t in after))
        if title:
            return title, link, rest
    link = next((t for t in toks if type(t).__name__ == "Link"), None)
    if link is not None and _generic(inline_text(link), str(link.target)):
        # "Title [arXiv](…) | [Code](…)": the links beside the title are the paper's (the
        # entry takes them from its line), not part of its name
        toks = _without_generic_links(toks)
    shown = clean_title(
        _EMPTY_BRACKETS.sub("", "".join(inline_text(t) for t in toks)) if toks else text
    )
    if link is None:
        beside = _BARE_TAIL.search(shown[-_HEAD:])
        if beside is not None and beside.start() > 0:
            # "Title — https://arxiv.org/abs/…", "Title - arXiv:2501.00001", "Title
            # (https://…)": the paper's address written beside its title
            cut = max(len(shown) - _HEAD, 0) + beside.start()
            return clean_title(shown[:cut]), None, _address(beside)
    score = _SCORE.search(shown[-_HEAD:]) if len(shown) > 1 else None
    if score is not None and score.start() > 0:
        # "Title - 👍 12", "Title | ⭐ 4.5": a score beside a plain title is not part of it
        cut = max(len(shown) - _HEAD, 0) + score.start()
        title, extra = clean_title(shown[:cut]), score.group(1).strip()
        beside = _BARE_TAIL.search(title[-_HEAD:]) if link is None else None
        if beside is not None and beside.start() > 0:  # "Title | arXiv 2602.16666 | ⭐ 120"
            cut = max(len(title) - _HEAD, 0) + beside.start()
            return clean_title(title[:cut]), None, f"{_address(beside)} | {extra}"
        return title, link, extra
    if shown.startswith("[") and shown.endswith("]") and shown.count("[") == 1:
        shown = shown[1:-1].strip()  # "## [Title]": brackets without a link target
    return shown, link, ""


_ANCHOR = re.compile(
    r"<a\s[^<>]{0,500}?\bhref\s*=\s*(?:\"(?P<d>[^\"<>]*)\"|'(?P<s>[^'<>]*)')[^<>]{0,500}>"
    r"(?P<text>[^<>]{1,2000})</a\s*>",
    re.IGNORECASE,
)
"""An HTML anchor with plain text, as some digests write a title's link."""


def anchors_as_links(text: str) -> str:
    """``text`` with its HTML anchors written as Markdown links."""
    return _ANCHOR.sub(_as_link, text) if "</a" in text or "</A" in text else text


def _as_link(m: re.Match[str]) -> str:
    """The anchor as a Markdown link (raw HTML otherwise stays literal text)."""
    url = html.unescape(m.group("d") if m.group("d") is not None else m.group("s")).strip()
    shown = html.unescape(m.group("text")).strip()
    if not url or not shown or any(c in url for c in " <>"):
        return m.group(0)
    escaped = re.sub(r"([\\\[\]])", r"\\\1", shown)
    return f"[{escaped}](<{url}>)"


_ADDRESS = r"<?https?://\S+?>?|arxiv\s?:\s?\S+|arxiv\s\d{4}\.\d{4,5}(?:v\d+)?"
_BARE_TAIL = re.compile(
    rf"(?:\s+[-–—|·]\s+|\s*[:：]\s+|\s+(?=<?https?://))(?P<a>{_ADDRESS})$"
    rf"|\s+[(\[（]\s?(?P<b>{_ADDRESS})\s?[)\]）]$",
    re.I,
)
"""A paper's address beside its title: "Title — https://…", "Title: https://…", "Title
(https://…)", "Title <https://…>"."""


def _address(beside: re.Match[str]) -> str:
    return beside.group("a") or beside.group("b")


def is_address(text: str) -> bool:
    """Whether ``text`` is only a paper's address (a URL, ``arXiv:ID``)."""
    return re.fullmatch(_ADDRESS, text.strip(), re.I) is not None


_EMPTY_BRACKETS = re.compile(r"[(\[（]\s*[)\]）]")
"""What a link taken out of "Title ([arXiv](…))" leaves behind."""
_SCORE = re.compile(r"\s+[-–—|·]\s+([^\w\s][^\w]*(?:\d+(?:[.,]\d+)?[kK%]?[^\w]*)?)$")
_BOLD_END = re.compile(r"(\*\*|__)(?![\w*])")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _bold_raw(text: str) -> tuple[str, Any, str] | None:
    """A ``**Title**`` written plainly, taken as written: a lone ``*`` inside it
    ("GigaBrain-0.5M*") is part of the name, though CommonMark would pair it up."""
    stripped = text.lstrip()
    mark = stripped[:2]
    if mark not in ("**", "__"):
        return None
    m = _BOLD_END.search(stripped, 2)
    while m is not None and m.group(1) != mark:
        m = _BOLD_END.search(stripped, m.end())
    if m is None:
        return None
    inner = stripped[2 : m.start()]
    if not inner.strip() or any(c in inner for c in "[]`<") or mark in inner:
        return None
    title = clean_title(_ESCAPE.sub(r"\1", inner))
    if not title:
        return None
    after = stripped[m.end() :]
    if "](" in after:
        # "**Title** ([arXiv](…))": a link beside a bold title that names a kind of link
        # is the paper's own
        toks = spans(after)
        beside = next((t for t in toks if type(t).__name__ == "Link"), None)
        if beside is not None and _generic(inline_text(beside), str(beside.target)):
            shown = "".join(inline_text(t) for t in _without_generic_links(toks))
            return title, beside, clean_title(_EMPTY_BRACKETS.sub("", _WS.sub(" ", shown)))
    return title, None, clean_title(plain(after))


def _without_generic_links(toks: list[Any]) -> list[Any]:
    """The tokens of a title line without the links that name a kind of link (the paper's
    own, beside its title: the entry takes them from its line)."""
    return [
        t
        for t in toks
        if not (type(t).__name__ == "Link" and _generic(inline_text(t), str(t.target)))
    ]


def _footnote_mark(token: Any) -> bool:
    """A ``[^1]`` after a title whose footnote gives an address: CommonMark reads it as a
    reference link, the author meant a mark."""
    return type(token).__name__ == "Link" and inline_text(token).startswith("^")


def _generic(label: str, target: str) -> bool:
    """A link label that names a kind of link ("arXiv", "PDF", "논문 링크"), not a title."""
    shown = label.strip()
    if shown.startswith("^"):
        return True  # "Title[^1]" with "[^1]: https://…" below: a footnote's mark
    return shown == target.strip() or ROLES.get(norm(shown)) in (
        "link",
        "pdf",
        "code",
        "project",
        "huggingface",
    )


def _only_link(token: Any) -> Any:
    kids = [
        c
        for c in getattr(token, "children", None) or ()
        if not (type(c).__name__ == "RawText" and not c.content.strip())
    ]
    return kids[0] if len(kids) == 1 and type(kids[0]).__name__ == "Link" else None
