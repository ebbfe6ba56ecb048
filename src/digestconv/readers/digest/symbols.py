"""Pictographs: digests put emoji before titles and labels (📋 Problem Definition)."""

from __future__ import annotations

import unicodedata


def symbol(ch: str) -> bool:
    """Emoji and other pictographs that digests put before titles and labels."""
    return unicodedata.category(ch) in ("So", "Sk", "Cs") or ch in "\ufe0f\u200d\u20e3"
