"""Field text that Anki stores, parses and shows exactly as the post wrote it.

Anki reads more than HTML in a field: ``{{c1::…}}`` makes cloze cards, ``::``
and ``}}`` end them, ``[sound:…]``/``[latex]`` play media or run LaTeX and
``\\(`` starts MathJax.  Post text that happens to contain these must reach
the reader as text, so those characters are written as HTML character
references: the card looks the same, but Anki's parsers, which work on the
raw field, never see the syntax.  Spreadsheets are the other reader of the
CSV file: a cell that starts with ``= + - @`` is run as a formula, so such a
first character becomes a character reference too.
"""

from __future__ import annotations

import html
import re


def _neutralise(text: str) -> str:
    """Braces (cloze), brackets (sound, LaTeX) and backslashes (MathJax) as references.

    Chained ``str.replace`` runs in C and costs nothing when the character is
    absent, which is the common case; ``str.translate`` with a mapping is
    several times slower on the long Korean fields.
    """
    if "{" in text:
        text = text.replace("{", "&#123;")
    if "}" in text:
        text = text.replace("}", "&#125;")
    if "[" in text:
        text = text.replace("[", "&#91;")
    if "\\" in text:
        text = text.replace("\\", "&#92;")
    return text


FORMULA_STARTS = frozenset("=+-@\t\r")
"""A spreadsheet cell starting with one of these is evaluated as a formula."""

_TAG = re.compile(r"(<[^>]*>)")


def anki_safe(markup: str) -> str:
    """HTML whose text can never be read as Anki syntax (tags and attributes included)."""
    return _neutralise(markup)


def text_html(text: str) -> str:
    """Plain text (titles, labels) as Anki-safe HTML."""
    return _neutralise(html.escape(text, quote=False))


def attr(value: str) -> str:
    """An attribute value (a URL) as Anki-safe, quoted-safe HTML."""
    return _neutralise(html.escape(value, quote=True))


def formula_safe(cell: str) -> str:
    """A field whose first character a spreadsheet will not evaluate, shown the same by Anki.

    Fields are HTML, so a character reference displays as the character itself.
    """
    if cell[:1] in FORMULA_STARTS:
        return f"&#{ord(cell[0])};{cell[1:]}"
    return cell


class NameMatcher:
    """Where a paper's name occurs in text: case-insensitive, as a whole word.

    Korean particles attach directly to a name ("Fast-dLLM v2를"), so only Latin
    letters and digits count as part of a neighbouring word.  Lower-casing and
    ``str.find`` is many times faster than compiling a case-insensitive regular
    expression per paper; the expression is kept for the rare text whose
    lower-case form has another length (e.g. "İ").
    """

    def __init__(self, name: str) -> None:
        self.name = " ".join(name.split())
        self.key = self.name.lower()
        self._regex: re.Pattern[str] | None = None

    def spans(self, text: str) -> list[tuple[int, int]]:
        if not self.key:
            return []
        low = text.lower()
        if len(low) != len(text) or len(self.key) != len(self.name):
            return [m.span() for m in self._pattern().finditer(text)]
        out: list[tuple[int, int]] = []
        start = low.find(self.key)
        while start >= 0:
            end = start + len(self.key)
            if not (_word_char(text, start - 1) or _word_char(text, end)):
                out.append((start, end))
                start = low.find(self.key, end)
            else:
                start = low.find(self.key, start + 1)
        return out

    def _pattern(self) -> re.Pattern[str]:
        if self._regex is None:
            body = re.escape(self.name)
            self._regex = re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)
        return self._regex


def _word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index] in _WORD


_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def cloze_html(inline_html: str, name: NameMatcher, number: int = 1) -> tuple[str, int]:
    """Anki-safe HTML with every occurrence of ``name`` in its text made a cloze deletion.

    Only text between tags is searched, so a name inside a link's address is
    never clozed; the clozed words themselves are neutralised so that ``}}``
    or ``::`` in a paper's name cannot end the deletion early.  Returns the
    HTML and the number of deletions made.
    """
    out: list[str] = []
    count = 0
    for index, part in enumerate(_TAG.split(inline_html)):
        if index % 2:
            out.append(anki_safe(part))
            continue
        if not part:
            continue
        text = html.unescape(part)
        pos = 0
        for begin, end in name.spans(text):
            out.append(text_html(text[pos:begin]))
            out.append(f"{{{{c{number}::{cloze_text(text[begin:end])}}}}}")
            pos = end
            count += 1
        out.append(text_html(text[pos:]))
    return "".join(out), count


def cloze_text(text: str) -> str:
    """Text to sit inside ``{{c1::…}}``: escaped; braces, brackets and colons neutralised."""
    # Inside a deletion ``::`` would start a hint: colons are neutralised too.
    return _neutralise(html.escape(text, quote=False)).replace(":", "&#58;")
