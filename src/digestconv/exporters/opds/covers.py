"""Cover thumbnails: the epub exporter's generated cover, small enough for a catalog.

Reader apps show a catalog as a shelf of covers and download them all when they open it,
so each is a 400×600 PNG (a few tens of kB) rather than the book's full-size cover.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from digestconv.exporters.epub.cover import HEIGHT, WIDTH, draw_layers, paletted

THUMB_WIDTH, THUMB_HEIGHT = 400, 600
_FACTOR = WIDTH // THUMB_WIDTH
assert (WIDTH, HEIGHT) == (THUMB_WIDTH * _FACTOR, THUMB_HEIGHT * _FACTOR)


def cover_thumbnail(title: str, span: str, details: Sequence[str], footer: str) -> bytes:
    # No font from the machine: the thumbnail, like the book's cover, is the same bytes everywhere.
    # The layers are reduced by the exact factor (a box filter: the text stays as sharp as a
    # Lanczos resize makes it) before they become colours, not the book's paletted cover.
    layers = draw_layers(title, span, list(details), footer, None)
    small = paletted({ink: layer.reduce(_FACTOR) for ink, layer in layers.items()})
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()
