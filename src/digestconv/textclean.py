"""Kept for importers of the old name: the text clean-up lives in ``digestconv.text.clean``."""

from __future__ import annotations

from digestconv.text.clean import clean, decode

__all__ = ["clean", "decode"]
