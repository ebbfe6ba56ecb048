"""The catalog's cover thumbnails are parts: drawn once, drawn again only when what they
show changes, and the catalog from reused thumbnails equals a cold one."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from digestconv import fragments
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.opds import OpdsExporter, OpdsOptions
from digestconv.model import Corpus


def _export(
    corpus: Corpus, options: OpdsOptions, store: fragments.MemoryStore
) -> tuple[Any, list[str]]:
    drawn: list[str] = []
    exporter = OpdsExporter()
    original = exporter.render_part

    def counting(part, site, opts, diagnostics):  # type: ignore[no-untyped-def]
        drawn.append(part.data[0])
        return original(part, site, opts, diagnostics)

    exporter.render_part = counting  # type: ignore[method-assign]
    rendered = fragments.export(exporter, corpus, options, Diagnostics(), store=store)
    store.keep(rendered)
    return fragments.joined(rendered.output), drawn


def _cold(corpus: Corpus, options: OpdsOptions) -> Any:
    return OpdsExporter().export(corpus, options, Diagnostics())


@pytest.mark.parametrize("split", ["none", "month"])
def test_thumbnails_are_drawn_only_when_what_they_show_changes(
    samples_corpus: Corpus, split: str
) -> None:
    options = OpdsOptions(split=split)  # type: ignore[arg-type]
    store = fragments.MemoryStore()
    first, drawn = _export(samples_corpus, options, store)
    assert first == _cold(samples_corpus, options)
    assert any(name.startswith("covers/") for name in first)
    assert len(drawn) == sum(name.startswith("covers/") for name in first)

    again, drawn = _export(samples_corpus, options, store)
    assert (again, drawn) == (first, [])

    # An edited paper title changes no word on any cover.
    digest = samples_corpus.digests[-1]
    paper = replace(digest.papers[0], title=digest.papers[0].title + " (revised)")
    edited = replace(digest, papers=(paper, *digest.papers[1:]))
    corpus = replace(samples_corpus, digests=(*samples_corpus.digests[:-1], edited))
    out, drawn = _export(corpus, options, store)
    assert (out, drawn) == (_cold(corpus, options), [])

    # One paper fewer in the newest digest: its book's count changes, so its cover only.
    fewer = replace(digest, papers=digest.papers[1:])
    corpus = replace(samples_corpus, digests=(*samples_corpus.digests[:-1], fewer))
    out, drawn = _export(corpus, options, store)
    assert out == _cold(corpus, options)
    assert len(drawn) == 1


def test_no_covers_no_parts(samples_corpus: Corpus) -> None:
    options = OpdsOptions(covers=False)
    assert OpdsExporter().parts(samples_corpus, options) == []
    out = _cold(samples_corpus, options)
    assert isinstance(out, dict) and not any(n.startswith("covers/") for n in out)
