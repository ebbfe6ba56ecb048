"""mistletoe, imported without its 0.15–0.2 s start-up cost.

At import, ``mistletoe.core_tokens`` builds its set of Unicode punctuation by asking
``unicodedata`` for the category of every one of the 1,114,112 code points.  A
rebuild after editing one post parses one post, so that loop was the largest single
cost of an incremental build.  The set depends only on the interpreter's Unicode
version, so it is taken from a table made per version (``punctuation_data``) and
given to mistletoe in place of its own; on an interpreter whose version the table
does not know, mistletoe computes it as it always did.

Two more adjustments live here, for the same reason (one place between digestconv and
mistletoe): link reference definitions are parsed in linear time (``_linear_definitions``),
and inline text tokenised after a post's block parse resolves reference links against that
post (``references``).

Every module of digestconv that uses mistletoe imports it through this one, so the
order of imports can never bring the slow path back.
"""

from __future__ import annotations

import contextlib
import string
import sys
from collections.abc import Iterator
from typing import Any
from unicodedata import category, unidata_version

from digestconv.punctuation_data import ADDED, BASE, BASE_VERSION


def punctuation_ranges() -> tuple[tuple[int, int], ...]:
    """Unicode punctuation of this interpreter as ranges, the slow way (to make and check
    the table)."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if category(chr(code)).startswith("P"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return tuple(ranges)


def tabled_ranges(version: str) -> tuple[tuple[int, int], ...] | None:
    """The table's punctuation of Unicode ``version`` (None for a version it lacks)."""
    if version != BASE_VERSION and version not in ADDED:
        return None
    ranges = list(BASE)
    for known, added in ADDED.items():
        if version == BASE_VERSION:
            break
        ranges.extend(added)
        if known == version:
            break
    return tuple(ranges)


def _import_mistletoe() -> None:
    table = tabled_ranges(unidata_version)
    if table is None or "mistletoe.core_tokens" in sys.modules:
        import mistletoe

        return
    known = sys.maxunicode
    sys.maxunicode = 0x7F  # mistletoe's loop runs over ASCII only ...
    try:
        import mistletoe.core_tokens as core
    finally:
        sys.maxunicode = known
    # ... and gets the same set it would have computed, from the table.
    core.punctuation = set(string.punctuation).union(
        chr(code) for low, high in table for code in range(low, high + 1)
    )
    import mistletoe  # noqa: F401


_import_mistletoe()

_LINEAR_FOR = "1.6.0"
"""The mistletoe whose link reference definition parsing :func:`_linear_definitions`
replaces: its functions are copied with only the slicing changed, so another release
keeps its own."""


def _linear_definitions() -> None:
    """mistletoe's link reference definitions (``[label]: url``), parsed in linear time.

    mistletoe joins a run of definitions into one string and, for each definition, copies
    the rest of that string (``string[offset:]``) several times over: 20,000 definitions
    took 0.8 s and 40,000 took 3.3 s.  These are its functions with indices in place of
    the copies; what they return is unchanged.
    """
    import mistletoe
    import mistletoe.block_token as block
    import mistletoe.core_tokens as core

    if getattr(mistletoe, "__version__", None) != _LINEAR_FOR:
        return
    whitespace, control = core.whitespace, core.is_control_char

    def shift_whitespace(string: str, index: int) -> int:
        end = len(string)
        while index < end and string[index] in whitespace:
            index += 1
        return index

    def match_link_label(cls: type, string: str, offset: int) -> tuple[int, int, str] | None:
        start = -1
        escaped = False
        for i in range(offset, len(string)):
            c = string[i]
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == "[":
                if start != -1:
                    return None
                start = i
            elif c == "]":
                label = string[start + 1 : i]
                return (start, i + 1, label) if label.strip() != "" else None
            if start == -1 and not (c == " " and i - offset < 3):
                return None
        return None

    def match_link_dest(cls: type, string: str, offset: int) -> tuple[int, int, str] | None:
        escaped = False
        if string[offset] == "<":
            for i in range(offset + 1, len(string)):
                c = string[i]
                if c == "\\" and not escaped:
                    escaped = True
                elif c == "\n" or (c == "<" and not escaped):
                    return None
                elif c == ">" and not escaped:
                    return offset, i + 1, string[offset + 1 : i]
                elif escaped:
                    escaped = False
            return None
        count = 0
        i = offset
        for i in range(offset, len(string)):
            c = string[i]
            if c == "\\" and not escaped:
                escaped = True
            elif c in whitespace:
                break
            elif not escaped:
                if c == "(":
                    count += 1
                elif c == ")":
                    count -= 1
            elif control(c):
                return None
            elif escaped:
                escaped = False
        if count != 0:
            return None
        return offset, i, string[offset:i]

    def match_link_title(cls: type, string: str, offset: int) -> tuple[int, int, str] | None:
        if offset == len(string):
            return None
        closing = {'"': '"', "'": "'", "(": ")"}.get(string[offset])
        if closing is None:
            return None
        escaped = False
        for i in range(offset + 1, len(string)):
            c = string[i]
            if c == "\\" and not escaped:
                escaped = True
            elif c == closing and not escaped:
                return offset, i + 1, string[offset + 1 : i]
            elif escaped:
                escaped = False
        return None

    block.shift_whitespace = shift_whitespace
    block.Footnote.match_link_label = classmethod(match_link_label)
    block.Footnote.match_link_dest = classmethod(match_link_dest)
    block.Footnote.match_link_title = classmethod(match_link_title)


_linear_definitions()

from mistletoe import Document, span_token  # noqa: E402
from mistletoe import token as _token  # noqa: E402
from mistletoe.base_renderer import BaseRenderer  # noqa: E402
from mistletoe.core_tokens import normalize_label  # noqa: E402
from mistletoe.html_renderer import HtmlRenderer  # noqa: E402
from mistletoe.span_token import tokenize_inner  # noqa: E402


@contextlib.contextmanager
def references(doc: Any) -> Iterator[None]:
    """Inline parsing that resolves reference links (``[text][label]``, ``[label]``) against
    ``doc``'s link reference definitions.

    A post is parsed into blocks once and its inline text tokenised later, outside the
    ``Document`` call, where mistletoe has no document to look labels up in: a full
    reference link then crashed its parser, and the reader failed on the post.
    """
    saved = _token._root_node
    _token._root_node = doc
    try:
        yield
    finally:
        _token._root_node = saved


def definitions() -> dict[str, tuple[str, str]]:
    """The link reference definitions (label → (destination, title)) of the document that
    :func:`references` made current; empty outside one."""
    found = getattr(_token._root_node, "footnotes", None)
    return found if isinstance(found, dict) else {}


def label_key(label: str) -> str:
    """A link label as definitions are keyed (CommonMark's matching: case and white space
    folded)."""
    return str(normalize_label(label))


__all__ = [
    "BaseRenderer",
    "Document",
    "HtmlRenderer",
    "definitions",
    "label_key",
    "punctuation_ranges",
    "references",
    "span_token",
    "tokenize_inner",
]
