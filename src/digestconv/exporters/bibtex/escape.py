"""Model text → BibTeX field values that bibtex, biber, LaTeX and citation managers agree on.

Three consumers read a field and each has its own trap:

* BibTeX counts braces without knowing TeX's ``\\{`` escape, so an unbalanced
  brace ends (or never ends) a field.  Matched braces become ``\\{ … \\}`` (they
  still balance), unmatched ones ``\\textbraceleft{}``/``\\textbraceright{}``.
* LaTeX reads ``& % $ # _ ~ ^ \\`` as commands and turns ``--``, ``````,
  ``''``, ``<<``, ``,,``, ``?``` … into ligatures; the specials go through
  pylatexenc's encoder with a rule table of our own (its default table would also
  rewrite every non-ASCII letter as a macro, and UTF-8 is kept on purpose), and
  ligatures are broken with ``{}``.
* Bibliography styles lowercase titles; words with capitals after their first
  letter (acronyms, CamelCase such as ``dLLM``) and lone capitals are wrapped in
  braces so they survive ``change.case$`` and biblatex's sentence case.

Control characters never reach the output: they are dropped (tabs and line
breaks become spaces) so a damaged title cannot break the file.

Non-ASCII text stays UTF-8 for biber and Unicode engines; ``ascii_tex`` then
rewrites, for the classic BibTeX output, every character that pdflatex would
stop on and that LaTeX has a command for (Greek, accents, dashes, maths symbols)
as that command.  Characters with no command (Hangul, emoji) stay UTF-8.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexencode import (
    RULE_DICT,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
)

from digestconv.exporters.bibtex.texsafe import BASE_COMMANDS
from digestconv.text.clean import CONTROLS_BUT_SPACE

_SPECIALS: dict[int, str] = {
    ord("&"): r"\&",
    ord("%"): r"\%",
    ord("$"): r"\$",
    ord("#"): r"\#",
    ord("_"): r"\_",
    ord("~"): r"\textasciitilde",
    ord("^"): r"\textasciicircum",
    ord("\\"): r"\textbackslash",
    ord("{"): r"\{",
    ord("}"): r"\}",
}

# Pairs TeX fonts turn into one glyph: dashes, quotes, guillemets, Spanish marks.
# Applied after encoding (one regex pass: pylatexenc's regex rules are tried at
# every position and cost more than the rest of the export); no replacement the
# encoder writes contains these characters, so it cannot create a new pair.
_LIGATURE = re.compile(r"(-(?=-)|`(?=`)|'(?=')|<(?=<)|>(?=>)|,(?=,)|[?!](?=`))")
_LIGATURE_START = frozenset("-`'<>,?!")

_ENCODER = UnicodeToLatexEncoder(
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, _SPECIALS)],
    unknown_char_policy="keep",
    unknown_char_warning=False,
    replacement_latex_protection="braces-after-macro",
    non_ascii_only=False,
)

# pylatexenc's own table for non-ASCII characters, each wrapped in braces: ``{\\'e}``
# is a BibTeX "special character" (sorted and recased as the letter), and
# ``{\\ensuremath{\\tau}}`` works in and out of maths mode.
_TEX_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=True,
    unknown_char_policy="keep",
    unknown_char_warning=False,
    replacement_latex_protection="braces-all",
)

# Characters that make the encoder necessary.
_NEEDS_ENCODER = frozenset("&%$#_~^\\{}")
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_OTHER_WHITESPACE = frozenset("\t\n\r\f\v")
_SEGMENTS = re.compile(r"[-/]")
_TRAILING = ":;,.!?)]\"'"
_LEADING = "([\"'"
_LEFT = r"\textbraceleft{}"
_RIGHT = r"\textbraceright{}"


def clean(text: str) -> str:
    """NFC text without control characters or lone surrogates, ASCII whitespace collapsed."""
    out = unicodedata.normalize(
        "NFC", text if text.isprintable() else CONTROLS_BUT_SPACE.remove(text)
    )
    if "  " in out or not _OTHER_WHITESPACE.isdisjoint(out):
        out = _WHITESPACE.sub(" ", out)
    return out.strip()


def _encode(text: str) -> str:
    """Specials through pylatexenc (only when present: it is slow), then ligatures broken."""
    if not _NEEDS_ENCODER.isdisjoint(text):
        text = str(_ENCODER.unicode_to_latex(text))
    if _LIGATURE_START.isdisjoint(text):
        return text
    return _LIGATURE.sub(r"\1{}", text)


def _unmatched(text: str) -> set[int]:
    """Positions of braces without a partner, the ones BibTeX could not balance."""
    stack: list[int] = []
    lone: set[int] = set()
    for i, ch in enumerate(text):
        if ch == "{":
            stack.append(i)
        elif ch == "}":
            if stack:
                stack.pop()
            else:
                lone.add(i)
    lone.update(stack)
    return lone


def escape(text: str) -> str:
    """A plain-text value as LaTeX whose braces balance and whose specials are literal."""
    return _escape_clean(clean(text))


def _escape_clean(text: str) -> str:
    if _NEEDS_ENCODER.isdisjoint(text):
        return _encode(text)
    lone = _unmatched(text) if ("{" in text or "}" in text) else set()
    return _escape_span(text, lone)


def _needs_protection(word: str) -> bool:
    """Acronyms, CamelCase and lone capitals: what a style must not lowercase."""
    if word == word.lower():
        return False
    tail = word[1:]
    if "-" not in word and "/" not in word and tail == tail.lower() and tail.isalpha():
        return False
    for segment in _SEGMENTS.split(word):
        letters = [ch for ch in segment if ch.isalpha()]
        if not letters:
            continue
        if any(ch.isupper() for ch in letters[1:]):
            return True
        if len(letters) == 1 and letters[0].isupper():
            return True
    return False


def title(text: str) -> str:
    """A title escaped and with its capitals protected from bibliography styles."""
    text = clean(text)
    words = text.split(" ")
    protect = [_needs_protection(w) for w in words]
    if not any(protect):
        return _escape_clean(text)
    # Brace matching spans words, so unmatched braces are found in the whole title
    # and each word is escaped knowing which of its braces are lone.
    lone = _unmatched(" ".join(words)) if any("{" in w or "}" in w for w in words) else set()
    out: list[str] = []
    pos = 0
    for word, protected in zip(words, protect, strict=True):
        tail = ""
        escaped = _escape_span(word, {i - pos for i in lone if pos <= i < pos + len(word)})
        if protected:
            # Punctuation around a word stays outside the braces: {LLMs}: not {LLMs:}.
            core = escaped.rstrip(_TRAILING)
            tail = escaped[len(core) :]
            if core and core[-1] == "\\":  # never split a control symbol such as \&
                core, tail = escaped, ""
            # ... and so do opening brackets and quotes: ({TimesFM}) not {(TimesFM})}.
            inner = core.lstrip(_LEADING)
            head = core[: len(core) - len(inner)] if inner else ""
            escaped = inner or core
            # "{\\" would start a BibTeX "special character", whose letters are recased.
            escaped = "{{}" + escaped + "}" if escaped.startswith("\\") else "{" + escaped + "}"
            escaped = head + escaped
        out.append(escaped + tail)
        pos += len(word) + 1
    return " ".join(out)


def _escape_span(word: str, lone: set[int]) -> str:
    """Escape one word; ``lone`` are positions of braces unmatched in the whole title."""
    if not lone:
        # Matched braces may pair across words; \\{ and \\} still balance overall.
        return _encode(word)
    parts: list[str] = []
    start = 0
    for i in sorted(lone):
        parts.append(_encode(word[start:i]))
        parts.append(_LEFT if word[i] == "{" else _RIGHT)
        start = i + 1
    parts.append(_encode(word[start:]))
    return "".join(parts)


def url(value: str) -> str:
    """A URL safe inside a braced field and ``\\url{}``: spaces, braces, quotes percent-encoded."""
    out = []
    for ch in clean(value):
        if ch in ' {}\\"<>^`|' or ord(ch) < 0x20:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


_COMMAND = re.compile(r"\\([A-Za-z]+)")
# A maths command outside \\ensuremath, e.g. {\\varepsilon} for U+025B, stops text mode.
_BARE_MATH = re.compile(r"^\{\\(?!ensuremath|text)[A-Za-z]{2,}")
_TEXT_MATH = frozenset({"AE", "IJ", "L", "O", "OE", "ae", "i", "ij", "l", "o", "oe", "ss"})


def _portable(latex: str) -> bool:
    """Whether a bare ``article`` typesets ``latex`` with pdflatex and lualatex alike."""
    names = _COMMAND.findall(latex)
    if not all(n in BASE_COMMANDS for n in names):
        return False
    bare = _BARE_MATH.match(latex)
    return bare is None or latex[2 : bare.end()] in _TEXT_MATH


@lru_cache(maxsize=4096)
def _tex_char(ch: str) -> str:
    """The LaTeX command for one non-ASCII character, or the character itself.

    A command is used only when it reads back as that very character (so
    ``\ufb01`` stays, rather than becoming the two letters ``fi``): what a citation
    manager decodes is what the digest wrote.
    """
    latex = str(_TEX_ENCODER.unicode_to_latex(ch))
    if latex == ch or not _portable(latex) or _decoder().latex_to_text(latex) != ch:
        return ch
    return latex


def ascii_tex(value: str) -> str:
    """An escaped field value with its non-ASCII characters as LaTeX commands, for pdflatex."""
    if value.isascii():
        return value
    return "".join(ch if ch.isascii() else _tex_char(ch) for ch in value)


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    return decoder()


def ascii_url(value: str) -> str:
    """A URL with its non-ASCII characters percent-encoded (UTF-8), as pdflatex needs."""
    if value.isascii():
        return value
    return "".join(
        ch if ch.isascii() else "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in value
    )


def decoder() -> LatexNodes2Text:
    """pylatexenc's latex2text, taught the text macros ``escape`` writes that it lacks.

    Stock pylatexenc 2.x renders ``\\textbraceleft`` and ``\\textbraceright`` as
    nothing and ``\\textasciicircum`` as U+02C6; citation-manager style decoding
    (and the round-trip tests) need ``{``, ``}`` and ``^``.
    """
    db = get_default_latex_context_db()
    db.add_context_category(
        "digestconv-bibtex",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
        ],
    )
    return LatexNodes2Text(latex_context=db, math_mode="verbatim", strict_latex_spaces=True)
