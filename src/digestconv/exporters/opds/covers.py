"""Cover thumbnails: the epub exporter's generated cover, small enough for a catalog.

Reader apps show a catalog as a shelf of covers and download them all when they open it,
so each is a 400×600 PNG (a few tens of kB) rather than the book's full-size cover.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

from digestconv.exporters.epub.cover import generate_cover

THUMB_WIDTH, THUMB_HEIGHT = 400, 600


def cover_thumbnail(title: str, span: str, details: Sequence[str], footer: str) -> bytes:
    # No font from the machine: the thumbnail, like the book's cover, is the same bytes everywhere.
    cover = generate_cover(title, span, list(details), footer, None)
    with Image.open(io.BytesIO(cover.data)) as image:
        small = image.convert("RGB").resize((THUMB_WIDTH, THUMB_HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()
