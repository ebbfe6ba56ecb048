"""A zip writer for members compressed ahead of time, byte for byte what ``zipfile`` writes.

An incremental build keeps each EPUB chapter as the deflated bytes it occupies
in the book, so an unchanged chapter is never compressed again; ``zipfile``
can only write data it compresses itself.  This module writes the same
archive ``zipfile.ZipFile.writestr`` writes to a seekable file for a
``ZipInfo`` with a fixed date, creator system and attributes: local headers
without data descriptors or extra fields, version 2.0 to create and extract,
the UTF-8 flag only for non-ASCII names, no comments, and the ZIP64 end
records only when the number of members calls for them (as ``zipfile`` does).
Members as large as 2 GiB are refused rather than written in a ZIP64 form no
e-reader needs.

A member is compressed with the same raw deflate stream ``zipfile`` uses
(``zlib.compressobj(level, DEFLATED, -15)``, its default level unless told),
so the bytes of an archive do not depend on when each member was compressed.

A large member may instead be compressed in chunks (:func:`deflate_chunk`,
:func:`chunked`): each chunk's deflate blocks end byte-aligned with a full
flush, so the chunks' bytes laid end to end, closed by an empty final block,
are one valid deflate stream, and a chunk's bytes depend only on its own input
(and the window it was primed with), so they can be kept and reused.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from digestconv.lazy import Lazy

STORED = 0
DEFLATED = 8
VERSION = 20
"""Version made by / needed to extract (2.0), as ``zipfile.DEFAULT_VERSION``."""
UNIX = 3
"""Creator system of the external attributes: permission bits in the high 16 bits."""
FILE_MODE = 0o644 << 16
UTF8_NAME = 0x800
LIMIT = (1 << 31) - 1
"""``zipfile.ZIP64_LIMIT``: above it a size or offset needs ZIP64 fields."""
MAX_ENTRIES = 0xFFFF

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")
_PACKED = struct.Struct("<HBLLL")
FINAL_BLOCK = b"\x03\x00"
"""An empty final deflate block (fixed codes), byte-aligned: what ``zlib`` writes to
finish a stream after a flush, closing a member compressed in chunks."""
WINDOW = 1 << 15
"""How far back deflate may refer: the most of the preceding input worth priming a
chunk's compressor with."""

DateTime = tuple[int, int, int, int, int, int]

Buffer = bytes | memoryview
"""Bytes, or a view of bytes held elsewhere (a member read out of a cached part)."""

BATCH = 1 << 16
"""How much of a member written in pieces is gathered before it is handed to the
compressor: one call per piece would cost more than the compression of a short one."""


@dataclass(frozen=True)
class Member:
    """One archive member as it is stored: its bytes already compressed (or not)."""

    name: str
    data: Buffer | tuple[Buffer, ...]
    """The bytes written after the local header: raw deflate data, or the content itself;
    or those bytes as pieces written one after another (a member compressed in chunks
    is never joined into one more copy of itself).  A view is copied only as the
    archive is written (see :func:`write_pieces`)."""
    crc: int
    size: int
    """Uncompressed size."""
    method: int = DEFLATED

    @property
    def pieces(self) -> tuple[Buffer, ...]:
        return self.data if isinstance(self.data, tuple) else (self.data,)

    @property
    def stored_size(self) -> int:
        """Length of the bytes after the local header."""
        data = self.data
        return sum(map(len, data)) if isinstance(data, tuple) else len(data)


def deflate(name: str, content: bytes, level: int = zlib.Z_DEFAULT_COMPRESSION) -> Member:
    """``content`` compressed as ``zipfile`` compresses a ``ZIP_DEFLATED`` member."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return Member(name, data, zlib.crc32(content), len(content), DEFLATED)


def deflating(
    name: str, pieces: Iterable[Buffer], level: int = zlib.Z_DEFAULT_COMPRESSION
) -> Member:
    """The concatenation of ``pieces`` as :func:`deflate` compresses it, compressed as the
    pieces come: a large document written piece by piece never exists whole, neither as
    text nor as bytes.  The raw deflate stream does not depend on how its input was
    split, so the bytes are those of :func:`deflate` over the joined content."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    out: list[bytes] = []
    pending: list[Buffer] = []
    held = crc = size = 0

    def compress() -> None:
        nonlocal crc, size
        batch = b"".join(pending)
        pending.clear()
        crc = zlib.crc32(batch, crc)
        size += len(batch)
        data = compressor.compress(batch)
        if data:
            out.append(data)

    for piece in pieces:
        pending.append(piece)
        held += len(piece)
        if held >= BATCH:
            compress()
            held = 0
    compress()
    out.append(compressor.flush())
    return Member(name, tuple(out), crc, size, DEFLATED)


def deflate_chunk(
    chunk: bytes | memoryview,
    level: int = zlib.Z_DEFAULT_COMPRESSION,
    window: bytes | memoryview = b"",
) -> bytes:
    """``chunk`` as deflate blocks that end byte-aligned, to be followed by the next
    chunk's or by :data:`FINAL_BLOCK`.

    ``window`` is the input just before the chunk (at most :data:`WINDOW` bytes): the
    compressor may refer back into it, as a decompressor reading the whole stream has
    it in its history, so chunking costs next to nothing in size.  Without it (the first
    chunk, or a chunk meant to be read on its own) the chunk refers to nothing before it.
    """
    if window:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15, zdict=window[-WINDOW:])
    else:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)


def chunked(name: str, compressed: Sequence[bytes], crc: int, size: int) -> Member:
    """A deflated member from its chunks (:func:`deflate_chunk`, in order); ``crc`` and
    ``size`` are the CRC-32 and length of the whole input."""
    return Member(name, (*compressed, FINAL_BLOCK), crc, size, DEFLATED)


def store(name: str, content: bytes) -> Member:
    """``content`` kept as is (``ZIP_STORED``), as OCF requires of ``mimetype``."""
    return Member(name, content, zlib.crc32(content), len(content), STORED)


def _name_and_flags(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), UTF8_NAME


def _dos(when: DateTime) -> tuple[int, int]:
    year, month, day, hour, minute, second = when
    if not 1980 <= year <= 2107:
        raise ValueError(f"a zip date holds the years 1980 to 2107, not {year}")
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2


def write_zip(
    members: Iterable[Member],
    *,
    date_time: DateTime,
) -> bytes:
    """The archive holding ``members`` in order, every one dated ``date_time``."""
    return b"".join(write_pieces(members, date_time=date_time))


def write_pieces(
    members: Iterable[Member],
    *,
    date_time: DateTime,
) -> Lazy:
    """The archive of :func:`write_zip` as pieces to write one after another, so that a
    large member's bytes are not copied into a joined archive: a member held as a view
    is copied out only when its piece is read, one at a time."""
    dosdate, dostime = _dos(date_time)
    out: list[Buffer] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        # zipfile switches to ZIP64 headers from 1/1.05 of the limit on (compressed data
        # may outgrow the content); a book never comes near it.
        stored = m.stored_size
        if m.size * 1.05 > LIMIT or stored > LIMIT or offset > LIMIT:
            raise ValueError(f"{m.name!r} would need ZIP64 fields, which this writer omits")
        name, flags = _name_and_flags(m.name)
        fields = (flags, m.method, dostime, dosdate, m.crc, stored, m.size, len(name))
        out.append(_LOCAL.pack(b"PK\x03\x04", VERSION, 0, *fields, 0))
        out.append(name)
        out.extend(m.pieces)
        # No extra field, no comment, disk 0, no internal attributes.
        tail = (0, 0, 0, 0, FILE_MODE, offset)
        central.append(_CENTRAL.pack(b"PK\x01\x02", VERSION, UNIX, VERSION, 0, *fields, *tail))
        central.append(name)
        offset += _LOCAL.size + len(name) + stored
    start = offset
    directory = b"".join(central)
    count = len(central) // 2
    out.append(directory)
    end_at = start + len(directory)
    if count > MAX_ENTRIES:
        out.append(
            _END64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(directory), start)
        )
        out.append(_LOCATOR64.pack(b"PK\x06\x07", 0, end_at, 1))
        count = MAX_ENTRIES
    elif start > LIMIT or len(directory) > LIMIT:
        raise ValueError("the archive would need ZIP64 end records for its size")
    out.append(_END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return Lazy(len(out), lambda i: bytes(out[i]))


def pack(members: Sequence[Member]) -> bytes:
    """Members as one byte string (for a cache), read back by ``unpack``."""
    out: list[Buffer] = []
    for m in members:
        name = m.name.encode("utf-8")
        out.append(_PACKED.pack(len(name), m.method, m.crc, m.size, m.stored_size))
        out.append(name)
        out.extend(m.pieces)
    return b"".join(out)


def unpack(data: bytes) -> list[Member]:
    """The members ``pack`` wrote, their bytes views into ``data`` (which they keep
    alive); raises ``ValueError`` on bytes it did not write."""
    members: list[Member] = []
    view = memoryview(data)
    at = 0
    while at < len(view):
        if at + _PACKED.size > len(view):
            raise ValueError("truncated packed members")
        name_len, method, crc, size, data_len = _PACKED.unpack_from(view, at)
        at += _PACKED.size
        end = at + name_len + data_len
        if end > len(view) or method not in (STORED, DEFLATED):
            raise ValueError("truncated or invalid packed members")
        name = bytes(view[at : at + name_len]).decode("utf-8")
        members.append(Member(name, view[at + name_len : end], crc, size, method))
        at = end
    return members
