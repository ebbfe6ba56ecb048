"""The book's assembly: documents compressed as they are written, shares used undecoded,
navigation documents reused while their shares are unchanged – and the same bytes throughout."""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from dataclasses import replace
from typing import Any

import pytest

from digestconv import fragments
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub import EpubExporter, EpubOptions
from digestconv.exporters.epub import parts as epub_parts
from digestconv.exporters.epub.shares import decode_share, encode_share
from digestconv.fragments import MemoryStore
from digestconv.model import Corpus, Digest
from digestconv.zipwrite import deflate, deflating


@pytest.mark.parametrize("seed", range(6))
def test_a_member_written_in_pieces_is_the_member_deflated_whole(seed: int) -> None:
    rnd = random.Random(seed)
    text = "".join(
        rnd.choice(["<li>", "논문 ", "Paper ", "\n", "</li>", str(rnd.random())])
        for _ in range(rnd.randint(0, 40_000))
    ).encode()
    cuts = sorted(rnd.randint(0, len(text)) for _ in range(rnd.randint(0, 300)))
    pieces = [memoryview(text)[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    streamed, whole = deflating("a", pieces), deflate("a", text)
    assert (streamed.crc, streamed.size) == (whole.crc, whole.size) == (zlib.crc32(text), len(text))
    assert b"".join(streamed.pieces) == whole.data


def test_a_share_gives_back_its_pieces_as_written() -> None:
    data = encode_share(
        stem="d20251008",
        day="2025-10-08",
        hrefs=["text/d20251008.xhtml#d20251008", "text/d20251008.xhtml#p20251008-1"],
        depth=2,
        papers=[("arxiv:2510.00001", "제목 — A title", "p20251008-1")],
        nav="<li>목차</li>",
        ncx=["<navPoint", "\n  a", "\n  b"],
        index=["<li>색인</li>"],
    )
    share = decode_share(data)
    assert (share.stem, share.day, share.depth, share.file_name) == (
        "d20251008",
        "2025-10-08",
        2,
        "d20251008.xhtml",
    )
    assert share.hrefs == ("text/d20251008.xhtml#d20251008", "text/d20251008.xhtml#p20251008-1")
    assert share.papers == [("arxiv:2510.00001", "제목 — A title", "p20251008-1")]
    assert bytes(share.nav()) == "<li>목차</li>".encode()
    assert [bytes(c) for c in share.ncx()] == [b"<navPoint", b"\n  a", b"\n  b"]
    assert bytes(share.index_line(0)) == "<li>색인</li>".encode()
    with pytest.raises(ValueError, match="truncated"):
        decode_share(data[:-1])
    with pytest.raises(ValueError, match="one NCX cut more"):
        encode_share(stem="d", day="", hrefs=["x"], depth=1, papers=[], nav="", ncx=["a"], index=[])


def _books(corpus: Corpus, store: MemoryStore) -> tuple[bytes, set[str]]:
    """The book, and the keys of the navigation documents the store holds after it."""
    rendered = fragments.export(EpubExporter(), corpus, EpubOptions(), Diagnostics(), store=store)
    store.keep(rendered)
    navigation = {k for k in rendered.used if b"EPUB/nav.xhtml" in store.rows[k][0]}
    return fragments.joined(rendered.output), navigation


def _cold(corpus: Corpus) -> bytes:
    out = EpubExporter().export(corpus, EpubOptions(), Diagnostics())
    assert isinstance(out, bytes)
    return out


def _edit(corpus: Corpus, index: int, *, title: bool) -> Corpus:
    digests = list(corpus.digests)
    digest: Digest = digests[index]
    paper = digest.papers[0]
    if title:
        paper = replace(paper, title=paper.title + " (revised)")
    else:
        paper = replace(paper, abstract=(paper.abstract or "") + " Edited.")
    digests[index] = replace(digest, papers=(paper, *digest.papers[1:]))
    return replace(corpus, digests=tuple(digests))


def test_navigation_documents_are_reused_while_no_share_changes(
    samples_corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[object] = []  # the navigation documents actually made, not only keyed
    make = epub_parts._navigation

    def counting(*args: Any) -> bytes:
        written.append(args)
        return make(*args)

    monkeypatch.setattr(epub_parts, "_navigation", counting)
    store = MemoryStore()
    first, navigation = _books(samples_corpus, store)
    assert len(navigation) == 1 and len(written) == 1
    assert first == _cold(samples_corpus)

    # A change that leaves every share as it was: the documents are the ones kept.
    with_papers = next(i for i, d in enumerate(samples_corpus.digests) if d.papers)
    quiet = _edit(samples_corpus, with_papers, title=False)
    written.clear()
    again, kept = _books(quiet, store)
    assert written == []  # taken from the store, not made again
    assert again == _cold(quiet) != first
    assert kept == navigation

    # A new title changes the chapter's share: the documents are written again, as cold.
    loud = _edit(samples_corpus, with_papers, title=True)
    written.clear()
    changed, rewritten = _books(loud, store)
    assert len(written) == 1
    assert changed == _cold(loud)
    assert len(rewritten) == 1 and rewritten != navigation


def test_a_paper_in_two_digests_has_one_index_entry_linking_both(samples_corpus: Corpus) -> None:
    a, b = [d for d in samples_corpus.digests if d.papers][:2]
    again = replace(a.papers[0], arxiv=b.papers[0].arxiv, url=b.papers[0].url)
    corpus = replace(
        samples_corpus,
        digests=tuple(
            replace(d, papers=(again, *d.papers[1:])) if d is a else d
            for d in samples_corpus.digests
        ),
    )
    book = zipfile.ZipFile(io.BytesIO(_cold(corpus)))
    index = book.read("EPUB/text/index.xhtml").decode()
    entries = [line for line in index.splitlines() if line.startswith("<li>")]
    keys = {p.key for d in corpus.digests for p in d.papers}
    assert len(entries) == len(keys)
    both = [e for e in entries if e.count('<a href="d') == 3]  # the title, then two days
    assert len(both) == 1
    assert a.date.strftime("%Y-%m-%d") in both[0] and b.date.strftime("%Y-%m-%d") in both[0]
