"""The language of a title or item written in another script than the book's.

A Korean book quotes English paper titles, and an English book may quote
Korean ones; without ``lang`` a screen reader reads them with the book's
voice.  The script tells the two apart reliably: text with Latin letters and
no Hangul inside a Korean book is English, and text that is mostly Hangul
inside a non-Korean book is Korean.  Other scripts are left to the book's
language (nothing reliable can be said about them from the letters alone).
"""

from __future__ import annotations

import re

_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
has_hangul = _HANGUL.search
has_latin = _LATIN.search


def is_korean(lang: str) -> bool:
    return lang.lower().split("-", 1)[0] == "ko"


def other_lang(text: str, book_korean: bool) -> str | None:
    """``en`` or ``ko`` when ``text`` is in the other script than the book's, else None."""
    if book_korean:
        if has_hangul(text) is None and has_latin(text) is not None:
            return "en"
        return None
    hangul = len(_HANGUL.findall(text))
    if hangul and hangul >= len(_LATIN.findall(text)):
        return "ko"
    return None
