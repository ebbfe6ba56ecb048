"""Bytes of a post → clean text: decoded, newline-normalised, NFC, control-free.

Posts come from editors on every platform and from generators: CRLF, BOMs,
UTF-16 files, NFD Hangul from macOS file systems, stray NULs.  Everything
downstream (titles, citation keys, dedup, cloze matching) compares strings,
so the text is made canonical once, here, and any byte that had to be changed
or refused is reported with its line and column.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable

from digestconv.diagnostics import Diagnostics


class CharFilter:
    """A set of code points to remove, and the removal itself.

    Each output has its own idea of what may not appear (XML 1.0 forbids C0
    controls, XHTML readers also choke on C1 controls and non-characters), but
    the scan is the same everywhere: one regular expression search, and text
    without a match – nearly all of it – comes back as the same object.
    """

    def __init__(self, pattern: str, keep: Callable[[str], bool] | None = None) -> None:
        self.regex = re.compile(f"[{pattern}]")
        self._keep = keep

    def _drop(self, match: re.Match[str]) -> str:
        ch = match.group()
        return ch if self._keep is not None and self._keep(ch) else ""

    def remove(self, text: str) -> str:
        """``text`` without the filtered code points."""
        if self.regex.search(text) is None:
            return text
        if self._keep is None:
            return self.regex.sub("", text)
        return self.regex.sub(self._drop, text)


_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f"
"""C0 controls except TAB, LF and CR."""
_C1 = "\x7f-\x9f"
"""DEL and the C1 controls."""
_SURROGATES = "\ud800-\udfff"
_BMP_NONCHARS = "\ufffe\uffff"

CONTROLS_BUT_SPACE = CharFilter("\x00-\x08\x0e-\x1f" + _C1 + _SURROGATES)
"""Controls and lone surrogates, but not the ASCII white space a collapse turns to spaces."""

SURROGATES = CharFilter(_SURROGATES)
"""Lone surrogates: Python strings may hold them, UTF-8 (and so nh3) cannot."""

NOT_XML = CharFilter(_C0 + _BMP_NONCHARS + _SURROGATES)
"""What XML 1.0 cannot carry at all."""

CONTROLS = CharFilter(_C0 + _C1 + _SURROGATES + _BMP_NONCHARS)
"""What a post should never contain (CR is read as a newline before this filter)."""


def _astral_character(ch: str) -> bool:
    return ord(ch) > 0xFFFF and (ord(ch) & 0xFFFE) != 0xFFFE


# Listing the 32 astral non-characters one by one makes the regex 15x slower, so
# astral code points from U+1FFFE up are matched as a range and filtered.
NOT_XHTML = CharFilter(
    _C0 + _C1 + _SURROGATES + "\ufdd0-\ufdef" + _BMP_NONCHARS + "\U0001fffe-\U0010ffff",
    keep=_astral_character,
)
"""What XML forbids or HTML calls a control or non-character: no e-reader document may hold it."""

_CONTROL = CONTROLS.regex


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def decode(data: bytes, path: str, diagnostics: Diagnostics) -> str | None:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16/32; None, with an error, otherwise."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(codec, errors="surrogatepass" if "16" in codec else "strict")
            except UnicodeDecodeError as exc:
                _bad_bytes(body, exc, path, codec, diagnostics)
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _bad_bytes(data, exc, path, "utf-8", diagnostics)
        return None


def _bad_bytes(
    data: bytes, exc: UnicodeDecodeError, path: str, codec: str, diagnostics: Diagnostics
) -> None:
    good = data[: exc.start].decode(codec, errors="replace")
    line, col = _position(good, len(good))
    shown = data[exc.start : exc.start + 4].hex(" ")
    diagnostics.error(
        "encoding",
        f"file is not valid {codec.upper()}: byte(s) {shown} cannot be decoded",
        path,
        line,
        col,
    )


def clean(text: str, path: str, diagnostics: Diagnostics) -> str:
    """Canonical text: LF newlines, no control characters (warned), NFC."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = _CONTROL.search(text)
    if match:
        count = len(_CONTROL.findall(text))
        line, col = _position(text, match.start())
        diagnostics.warning(
            "control-char",
            f"removed {count} control character(s), the first U+{ord(match.group()):04X}",
            path,
            line,
            col,
        )
        text = _CONTROL.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text
