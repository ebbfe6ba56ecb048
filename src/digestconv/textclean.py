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

from digestconv.diagnostics import Diagnostics

# C0 controls except TAB and LF (CR is handled as a newline first), DEL, C1
# controls, lone surrogates and the non-characters U+FFFE/U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


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
