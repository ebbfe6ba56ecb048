"""The zip writer writes exactly the archive ``zipfile`` writes, and ``zipfile`` reads it back."""

from __future__ import annotations

import io
import random
import zipfile
import zlib

import pytest

from digestconv.zipwrite import (
    DEFLATED,
    FINAL_BLOCK,
    STORED,
    WINDOW,
    Member,
    chunked,
    deflate,
    deflate_chunk,
    pack,
    store,
    unpack,
    write_pieces,
    write_zip,
)

WHEN = (2025, 10, 8, 9, 30, 17)


def _zipfile_bytes(entries: list[tuple[str, bytes, bool]], when: tuple[int, ...]) -> bytes:
    """What the EPUB exporter wrote with zipfile before it kept compressed members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, data, stored in entries:
            info = zipfile.ZipInfo(name, date_time=when)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _mine(
    entries: list[tuple[str, bytes, bool]], when: tuple[int, int, int, int, int, int]
) -> bytes:
    members = [store(n, d) if s else deflate(n, d) for n, d, s in entries]
    return write_zip(members, date_time=when)


def _random_entries(rnd: random.Random) -> list[tuple[str, bytes, bool]]:
    names = ["mimetype", "EPUB/text/d20251008.xhtml", "논문/색인.xhtml", "a b/c.txt", "x"]
    entries = []
    for i in range(rnd.randint(0, 12)):
        kind = rnd.randrange(4)
        if kind == 0:
            data = b""
        elif kind == 1:
            data = rnd.randbytes(rnd.randint(1, 5000))
        elif kind == 2:
            data = (f"<p>논문 {i} · paper</p>\n" * rnd.randint(1, 3000)).encode("utf-8")
        else:
            data = bytes(rnd.choice(b"ab\n") for _ in range(rnd.randint(1, 70000)))
        entries.append((f"{rnd.choice(names)}{i}", data, rnd.random() < 0.3))
    return entries


@pytest.mark.parametrize("seed", range(40))
def test_random_archives_are_zipfiles_bytes(seed: int) -> None:
    rnd = random.Random(seed)
    when = (
        rnd.randint(1980, 2107),
        rnd.randint(1, 12),
        rnd.randint(1, 28),
        rnd.randint(0, 23),
        rnd.randint(0, 59),
        rnd.randint(0, 59),
    )
    entries = _random_entries(rnd)
    mine = _mine(entries, when)
    assert mine == _zipfile_bytes(entries, when)
    with zipfile.ZipFile(io.BytesIO(mine)) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert [i.filename for i in infos] == [n for n, _, _ in entries]
        for info, (name, data, stored) in zip(infos, entries, strict=True):
            assert archive.read(info) == data
            assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
            assert info.date_time == (*when[:5], when[5] // 2 * 2)
            assert info.external_attr == 0o644 << 16
            assert info.create_system == 3
            assert bool(info.flag_bits & 0x800) == (not name.isascii())


def test_an_empty_archive_is_an_end_record() -> None:
    assert _mine([], WHEN) == _zipfile_bytes([], WHEN) == b"PK\x05\x06" + bytes(18)


def test_more_members_than_a_plain_end_record_counts_use_the_zip64_records() -> None:
    entries = [(f"f{i}", b"", True) for i in range(0x10000 + 3)]
    mine = _mine(entries, WHEN)
    assert mine == _zipfile_bytes(entries, WHEN)
    with zipfile.ZipFile(io.BytesIO(mine)) as archive:
        assert len(archive.infolist()) == len(entries)


def test_members_keep_their_bytes_through_pack_and_unpack() -> None:
    members = [store("mimetype", b"application/epub+zip"), deflate("EPUB/논문.xhtml", b"<p/>" * 99)]
    members.append(deflate("empty", b""))
    again = unpack(pack(members))
    assert again == members
    assert [m.method for m in again] == [STORED, DEFLATED, DEFLATED]
    assert write_zip(again, date_time=WHEN) == write_zip(members, date_time=WHEN)
    assert unpack(b"") == []


@pytest.mark.parametrize("cut", [1, 5, 17, 20])
def test_damaged_packed_members_are_refused(cut: int) -> None:
    data = pack([deflate("EPUB/a.xhtml", b"hello" * 20)])
    with pytest.raises(ValueError, match="packed members"):
        unpack(data[:-cut])


def test_a_member_compressed_elsewhere_is_written_as_given() -> None:
    """The point of the writer: data deflated earlier (another process, a cache) is copied."""
    content = b"<html>" + b"paper " * 500 + b"</html>"
    earlier = deflate("EPUB/text/d1.xhtml", content)
    copied = Member(earlier.name, bytes(earlier.data), earlier.crc, earlier.size)
    with zipfile.ZipFile(io.BytesIO(write_zip([copied], date_time=WHEN))) as archive:
        assert archive.read("EPUB/text/d1.xhtml") == content


def test_dates_a_zip_cannot_hold_are_refused() -> None:
    with pytest.raises(ValueError, match="1980"):
        write_zip([store("a", b"")], date_time=(1979, 12, 31, 0, 0, 0))


def _chunked(name: str, content: bytes, size: int, primed: bool) -> Member:
    """``content`` deflated in chunks of ``size`` bytes, each primed with the input before
    it (or not), as a package's large member is."""
    starts = range(0, len(content), size)
    compressed = [
        deflate_chunk(
            content[at : at + size], 6, content[max(0, at - WINDOW) : at] if primed else b""
        )
        for at in starts
    ]
    return chunked(name, compressed, zlib.crc32(content), len(content))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("primed", [False, True])
def test_a_member_deflated_in_full_flush_chunks_reads_back(seed: int, primed: bool) -> None:
    rnd = random.Random(seed)
    entries = _random_entries(rnd)
    size = rnd.choice([333, 4096, WINDOW, 40000])
    members = [
        _chunked(name, data, size, primed) if not stored else store(name, data)
        for name, data, stored in entries
    ]
    pieces = write_pieces(members, date_time=WHEN)
    archive_bytes = b"".join(pieces)
    assert archive_bytes == write_zip(members, date_time=WHEN)
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        assert archive.testzip() is None  # every member's CRC checks
        for info, (_, data, _) in zip(archive.infolist(), entries, strict=True):
            assert archive.read(info) == data
            assert info.file_size == len(data)
    for m in members:
        if m.method == DEFLATED:
            assert m.pieces[-1] == FINAL_BLOCK
            # One valid deflate stream: a plain decompressor reads it to its end.
            assert zlib.decompress(b"".join(m.pieces), -15) == next(
                d for n, d, _ in entries if n == m.name
            )
    # The pieces are copied as they are: nothing is joined before the archive is.
    big = next((m for m in members if len(m.pieces) > 2), None)
    if big is not None:
        assert all(any(p is q for q in pieces) for p in big.pieces)
    assert [b"".join(m.pieces) for m in members] == [m.data for m in unpack(pack(members))]


def test_a_chunk_depends_only_on_its_input_and_window() -> None:
    text = b"".join(f"<p>paper {i} \uc694\uc57d</p>\n".encode() for i in range(20000))
    whole = _chunked("c", text, 1 << 14, True)
    edited = text[:100000] + b"X" + text[100001:]
    again = _chunked("c", edited, 1 << 14, True)
    changed = [i for i, (a, b) in enumerate(zip(whole.pieces, again.pieces, strict=True)) if a != b]
    # The chunk holding the edit and, at most, the next one (whose window holds it).
    assert changed and changed[0] == 100000 // (1 << 14) and len(changed) <= 2
    # Priming with the window costs next to nothing against one stream over everything.
    assert len(b"".join(whole.pieces)) <= len(deflate("c", text, 6).data) * 1.01
