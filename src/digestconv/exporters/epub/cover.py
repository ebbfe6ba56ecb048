"""The cover image: generated from the title and date range, or the user's own file.

E-reader libraries show covers as thumbnails; a book without one is a grey
box among many.  The book's generated cover is drawn with Pillow's own font
(``font=None``), never with one found on the machine, so a book has the same
bytes wherever it is built: the image depends only on the text and on the
pinned Pillow.  That font draws Latin script only, so the cover shows the
date range, the counts and the site address, and the title when it is in
Latin script; the title page right after it carries the full title.

``find_hangul_font`` still looks a Korean-capable font up for callers that
draw thumbnails for a screen and accept machine-dependent bytes (``font`` given):

1. ``DIGESTCONV_COVER_FONT`` (a .ttf/.otf/.ttc path), if set;
2. well-known files of the packaged Korean-capable fonts: Debian/Ubuntu
   ``fonts-noto-cjk`` and ``fonts-nanum``, Fedora ``google-noto-sans-cjk-fonts``,
   Arch ``noto-fonts-cjk``, macOS Apple SD Gothic Neo, Windows Malgun Gothic;
3. fontconfig: ``fc-list :lang=ko``.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digestconv.plugins import ExportError

if TYPE_CHECKING:  # Pillow is imported where a cover is drawn or read: a rebuild after an
    # edit draws none, and the import is a fiftieth of that rebuild's time
    from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 1800
_BACKGROUND = (28, 43, 68)
_ACCENT = (233, 180, 76)
_TEXT = (246, 243, 236)
_MUTED = (190, 198, 212)
_INKS = (_TEXT, _ACCENT, _MUTED)
"""The colours drawn on the background, each in a layer of its own (see :func:`paletted`)."""
_LEVELS = 21
"""Shades of each ink between the background and the ink itself: with the background,
64 colours, enough for anti-aliased text to look smooth."""

Layers = dict[tuple[int, int, int], "Image.Image"]
"""A cover as drawn: per ink, how much of it covers each pixel (an ``L`` image)."""

_KNOWN_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",
    "/Library/Fonts/AppleGothic.ttf",
    "C:/Windows/Fonts/malgunbd.ttf",
    "C:/Windows/Fonts/malgun.ttf",
)

_PROBE = "한"
_MISSING = "\U000f0000"  # a private-use code point no font maps: draws as .notdef


@dataclass(frozen=True)
class FontChoice:
    path: str
    index: int


@dataclass(frozen=True)
class CoverImage:
    data: bytes
    media_type: str
    extension: str
    width: int
    height: int


def _draws_hangul(font: ImageFont.FreeTypeFont) -> bool:
    """True when the font has a real glyph for Hangul (not the .notdef box)."""
    probe = font.getmask(_PROBE)
    missing = font.getmask(_MISSING)
    return probe.size != (0, 0) and (probe.size != missing.size or bytes(probe) != bytes(missing))


def _korean_face(path: str) -> int | None:
    """The face index of ``path`` that draws Hangul, preferring a Korean (KR) face in a .ttc."""
    found: int | None = None
    for index in range(16):
        try:
            from PIL import ImageFont

            font = ImageFont.truetype(path, 48, index=index)
        except OSError:
            break
        if _draws_hangul(font):
            family = font.getname()[0] or ""
            if "KR" in family or "Korean" in family:
                return index
            if found is None:
                found = index
        if not path.lower().endswith((".ttc", ".otc")):
            break
    return found


def _fontconfig_candidates() -> list[str]:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        out = subprocess.run(
            [fc_list, ":lang=ko", "file"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = {line.strip().rstrip(":") for line in out.splitlines() if line.strip()}
    return sorted(f for f in files if f.lower().endswith((".ttf", ".otf", ".ttc", ".otc")))


@functools.lru_cache(maxsize=1)
def find_hangul_font() -> FontChoice | None:
    """The first font (see the module docstring for the order) that draws Hangul."""
    env = os.environ.get("DIGESTCONV_COVER_FONT")
    candidates = [env] if env else []
    candidates += [p for p in _KNOWN_FONTS if Path(p).is_file()]
    for path in candidates:
        index = _korean_face(path)
        if index is not None:
            return FontChoice(path, index)
    for path in _fontconfig_candidates():
        index = _korean_face(path)
        if index is not None:
            return FontChoice(path, index)
    return None


def _load(font: FontChoice | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    if font is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(font.path, size, index=font.index)


def _drawable(text: str, font: FontChoice | None) -> str:
    """Without a Hangul font, keep only ASCII (what Pillow's own font can draw)."""
    if font is not None:
        return text
    return " ".join("".join(c for c in text if " " <= c <= "~").split())


def _wrap(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    width: int,
) -> list[str]:
    """Lines that fit ``width``: break between words, inside a word only when it is too long."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if draw.textlength(trial, font=font) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:
            if draw.textlength(current + ch, font=font) > width and current:
                lines.append(current)
                current = ""
            current += ch
    if current:
        lines.append(current)
    return lines


def cover_facts(
    first_day: str, last_day: str, n_digests: int, n_papers: int
) -> tuple[str, tuple[str, str]]:
    """The date range and the counts a generated cover shows (the book's, a catalog's
    thumbnail), in the ASCII its built-in font draws: an en dash or a localised count
    ("5개", "40편") would be dropped character by character, leaving "5" and "40"."""
    span = first_day if first_day == last_day else f"{first_day} - {last_day}"
    return span, (f"{n_digests} digests", f"{n_papers} papers")


def generate_cover(
    title: str, span: str, details: Sequence[str], footer: str, font: FontChoice | None
) -> CoverImage:
    """A 2:3 PNG: the title large, the date range, counts and the site address."""
    buf = io.BytesIO()
    # zlib's level 6: a fifth of level 9's time for 3 kB more (a new post redraws the cover).
    paletted(draw_layers(title, span, details, footer, font)).save(
        buf, format="PNG", optimize=False, compress_level=6
    )
    return CoverImage(buf.getvalue(), "image/png", "png", WIDTH, HEIGHT)


def paletted(layers: Layers) -> Image.Image:
    """The layers as one 64-colour image, each pixel the shade of its ink nearest to its
    coverage.  The inks never overlap, so no colour search is needed: quantising the
    full-colour drawing instead (an octree over 2 million pixels) took two thirds of the
    time a new post spends on the cover."""
    from PIL import Image, ImageChops

    first = next(iter(layers.values()))
    index = Image.new("L", first.size, 0)
    palette = list(_BACKGROUND)
    for number, (ink, coverage) in enumerate(layers.items()):
        offset = 1 + number * _LEVELS
        shades = (round(alpha * _LEVELS / 255) for alpha in range(256))
        index = ImageChops.lighter(
            index, coverage.point([offset + q - 1 if q else 0 for q in shades])
        )
        for q in range(1, _LEVELS + 1):
            pairs = zip(_BACKGROUND, ink, strict=True)
            palette += (round(b + (i - b) * q / _LEVELS) for b, i in pairs)
    index.putpalette(bytes(palette))
    return index


def draw_layers(
    title: str, span: str, details: Sequence[str], footer: str, font: FontChoice | None
) -> Layers:
    """The generated cover as drawn, one layer per ink (a catalog's thumbnail reduces the
    layers before they become colours, so its text is as sharp as the book's)."""
    from PIL import Image, ImageDraw

    layers: Layers = {ink: Image.new("L", (WIDTH, HEIGHT), 0) for ink in _INKS}
    pen = {ink: ImageDraw.Draw(layer) for ink, layer in layers.items()}
    draw = pen[_TEXT]  # for measuring text: every layer measures it alike
    margin = 110
    inner = WIDTH - 2 * margin
    pen[_ACCENT].rectangle((margin, 260, margin + 160, 274), fill=255)

    shown = _drawable(title, font)
    if font is None and shown != " ".join(title.split()):
        shown = ""  # a title missing some of its letters would be another title
    title = shown or ("Daily Papers" if not title.strip() else "")
    size = 118
    while True:
        title_font = _load(font, size)
        lines = _wrap(draw, title, title_font, inner)
        if len(lines) <= 5 or size <= 60:
            break
        size -= 8
    if len(lines) > 6:
        lines = [*lines[:5], lines[5][: max(1, len(lines[5]) - 1)] + "…"]
    y = 340
    for line in lines:
        pen[_TEXT].text((margin, y), line, font=title_font, fill=255)
        y += int(size * 1.3)

    y += 60
    span_font = _load(font, 58)
    pen[_ACCENT].text((margin, y), _drawable(span, font), font=span_font, fill=255)
    y += 100
    detail_font = _load(font, 46)
    for detail in details:
        text = _drawable(detail, font)
        if text:
            pen[_MUTED].text((margin, y), text, font=detail_font, fill=255)
            y += 70

    footer_font = _load(font, 40)
    footer_lines = _wrap(draw, _drawable(footer, font), footer_font, inner)[:2]
    fy = HEIGHT - 140 - 56 * (len(footer_lines) - 1)
    pen[_MUTED].rectangle((margin, fy - 50, WIDTH - margin, fy - 47), fill=255)
    for line in footer_lines:
        pen[_MUTED].text((margin, fy), line, font=footer_font, fill=255)
        fy += 56
    return layers


_KEPT_FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
}


def load_cover(path: Path) -> CoverImage:
    """The user's cover file; PNG, JPEG and GIF are kept byte for byte, others become PNG."""
    from PIL import Image, UnidentifiedImageError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"cannot read the cover image {str(path)!r}: {exc.strerror}") from exc
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            fmt = img.format or ""
            width, height = img.size
            if fmt in _KEPT_FORMATS:
                media_type, ext = _KEPT_FORMATS[fmt]
                return CoverImage(data, media_type, ext, width, height)
            buf = io.BytesIO()
            converted = img.convert("RGBA" if "A" in img.getbands() else "RGB")
            converted.save(buf, format="PNG")
            return CoverImage(buf.getvalue(), "image/png", "png", width, height)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise ExportError(
            f"the cover {str(path)!r} is not an image Pillow can read (use PNG or JPEG): {exc}"
        ) from exc
