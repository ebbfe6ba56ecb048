"""What keeps a large archive's model and its largest outputs small in memory: slotted
model classes, shared short strings, JSON parts kept deflated and inflated one at a time,
and no UTF-8 copies left attached to the model's strings by the JSON writer."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime, timezone

import lz4.frame
import pytest

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.json import JsonExporter
from digestconv.fragments import Chunks, MemoryStore, export
from digestconv.lazy import Lazy
from digestconv.model import (
    Corpus,
    Digest,
    Item,
    Link,
    Paper,
    Publication,
    Section,
    Site,
    SourceSpan,
    digest_from_text,
    digest_to_text,
    frozen_mapping,
    json_digest,
    json_digest_bytes,
    to_json,
)
from digestconv.options import NoOptions

SLOTTED = (SourceSpan, Link, Item, Section, Paper, Digest, Site, Publication, Corpus)


def _fresh(text: str) -> str:
    """An equal string that is a distinct object, as two parsed posts give."""
    return "".join((text, ""))


def _digest(n: int, heading: str = "방법") -> Digest:
    items = (
        Item(_fresh("모델은 긴 문맥을 읽는다 — " + str(n)), "goal", _fresh("목표")),
        Item(_fresh("plain text"), bullet=False),
    )
    paper = Paper(
        rank=1,
        title=f"논문 {n}",
        url=f"https://arxiv.org/abs/2501.{n:05d}",
        arxiv=None,
        links=(Link(_fresh("alphaXiv"), f"https://alphaxiv.org/{n}", "alphaxiv"),),
        sections=(Section("method", _fresh(heading), items),),
        source=SourceSpan(f"_posts/{n}.md", 3, 9),
    )
    return Digest(
        source=SourceSpan(f"_posts/{n}.md", 1, 9),
        title=f"Daily Papers {n}",
        date=datetime(2025, 1, 1 + n % 28, tzinfo=timezone.utc),
        tags=(_fresh("papers"), _fresh("논문")),
        lang=_fresh("ko"),
        papers=(paper,),
    )


@pytest.mark.parametrize("cls", SLOTTED, ids=lambda c: c.__name__)
def test_model_classes_have_slots_and_no_instance_dict(cls: type) -> None:
    assert "__slots__" in vars(cls)
    digest = _digest(1)
    instances = {
        SourceSpan: digest.source,
        Link: digest.papers[0].links[0],
        Item: digest.papers[0].sections[0].items[0],
        Section: digest.papers[0].sections[0],
        Paper: digest.papers[0],
        Digest: digest,
        Site: Site(title="t"),
        Publication: Publication("json", "digests.json", "application/json"),
        Corpus: Corpus(Site(), (digest,)),
    }
    assert not hasattr(instances[cls], "__dict__")


def test_replace_still_works_on_slotted_classes() -> None:
    digest = _digest(1)
    moved = replace(digest, title="other")
    assert moved.title == "other" and moved.papers == digest.papers
    section = replace(digest.papers[0].sections[0], heading=_fresh("방법"))
    assert section == digest.papers[0].sections[0]


def test_repeated_short_words_are_one_object() -> None:
    a, b = _digest(1), _digest(2)
    sa, sb = a.papers[0].sections[0], b.papers[0].sections[0]
    assert sa.heading is sb.heading
    assert sa.items[0].label_text is sb.items[0].label_text
    assert a.papers[0].links[0].label is b.papers[0].links[0].label
    assert a.tags[1] is b.tags[1] and a.lang is b.lang
    # item text is the post's own and is not interned
    assert sa.items[0].text is not sb.items[0].text


def test_words_decoded_from_the_cache_are_shared_too() -> None:
    one, two = (digest_from_text(digest_to_text(_digest(n))) for n in (1, 2))
    assert one.papers[0].sections[0].heading is two.papers[0].sections[0].heading
    assert one == _digest(1)


def test_papers_without_fields_share_one_empty_mapping() -> None:
    a, b = _digest(1).papers[0], _digest(2).papers[0]
    assert a.fields is b.fields and not a.fields


def test_writing_json_leaves_no_utf8_copy_on_the_model_strings() -> None:
    digest = _digest(3)
    item = digest.papers[0].sections[0].items[0]
    before = sys.getsizeof(item.text)
    json_digest_bytes(digest)
    json_digest(digest)
    assert sys.getsizeof(item.text) == before


def test_free_form_keys_get_no_utf8_copy_either() -> None:
    digest = _digest(4)
    paper = replace(digest.papers[0], fields=frozen_mapping({"점수": "높음 " * 20, "n": 1}))
    digest = replace(digest, papers=(paper,))
    key = next(iter(paper.fields))
    before = sys.getsizeof(key), sys.getsizeof(paper.fields[key])
    data = json_digest_bytes(digest)
    assert (sys.getsizeof(key), sys.getsizeof(paper.fields[key])) == before
    assert '"점수": "높음'.encode() in data


def test_json_parts_are_compressed_and_the_document_is_decompressed_piece_by_piece() -> None:
    corpus = Corpus(Site(title="사이트"), tuple(_digest(n) for n in range(5)))
    store = MemoryStore()
    rendered = export(JsonExporter(), corpus, NoOptions(), Diagnostics(), store=store)
    assert len(rendered.fresh) == 5
    for (_, data, _), digest in zip(rendered.fresh, corpus.digests, strict=True):
        assert len(data) < len(json_digest_bytes(digest))
        assert lz4.frame.decompress(data) == json_digest_bytes(digest)
    output = rendered.output
    assert isinstance(output, Chunks) and isinstance(output.pieces, Lazy)
    assert output.join() == to_json(corpus).encode("utf-8")
    pieces = output.pieces
    assert [pieces[i] for i in range(len(pieces))] == list(pieces)
    assert pieces[-1] == pieces[len(pieces) - 1] and pieces[1:4] == list(pieces)[1:4]
    with pytest.raises(IndexError):
        pieces[len(pieces)]


def test_json_of_an_empty_corpus_is_one_piece() -> None:
    corpus = Corpus(Site(), ())
    output = export(JsonExporter(), corpus, NoOptions(), Diagnostics()).output
    assert isinstance(output, Chunks)
    assert output.join() == to_json(corpus).encode("utf-8")
