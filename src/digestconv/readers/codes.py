"""Diagnostic codes of the reader side, registered beside the core's.

(They belong in ``digestconv.diagnostics.CODES``; registering them here keeps the
reader side self-contained until that table lists them itself.)
"""

from __future__ import annotations

from digestconv.diagnostics import CODES

READER_CODES = {
    "reader": "which reader and entry shape read a post, and how many entries it found",
    "not-a-post": "a file in _posts/ without a YYYY-MM-DD-slug name; Jekyll skips it, so do we",
}

for _code, _meaning in READER_CODES.items():
    CODES.setdefault(_code, _meaning)
