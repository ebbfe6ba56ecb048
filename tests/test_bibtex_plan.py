"""The bibliography's plan and its parts: the shortcuts a rebuild takes over every paper
give the bytes the general path gives, and a part's run of entries changes only where
the corpus does."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.test_bibtex import digest, paper
from tests.test_incremental_bibtex import Counting, cold

from digestconv import fragments
from digestconv.arxiv import ArxivId, parse_id
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import BibtexExporter, BibtexOptions
from digestconv.exporters.bibtex import keys as bib_keys
from digestconv.exporters.bibtex import plan as bib_plan
from digestconv.fragments import MemoryStore
from digestconv.model import Corpus, Site

IDS = [
    "2509.26328",
    "2509.00001",
    "0704.0001",
    "1412.9999",
    "1501.00001",
    "hep-th/9901001",
    "math.GT/0309136",
    "cond-mat/0701001",
    "9912.00001",  # a new-style shape with a 1990s YYMM: the century rule still applies
    "0001.00001",
]


@given(st.lists(st.sampled_from(IDS), unique=True))
def test_chronological_sorts_as_the_identifiers_sort_key(idents: list[str]) -> None:
    ids = [parse_id(i) for i in idents]
    assert all(ids)
    known = [i for i in ids if i is not None]
    assert sorted(known, key=lambda a: a.chronological) == sorted(known, key=lambda a: a.sort_key)


def mixed_corpus() -> Corpus:
    """Old and new identifiers, a paper featured again, a web page, a paper listed twice."""
    a, b = paper("2509.00002", "Diffusion Models"), paper("hep-th/9901001", "Strings", rank=2)
    web = paper(None, "A Blog Post", "https://example.org/post_1", rank=3)
    twice = replace(paper("0704.0001", "Old One", rank=4), arxiv=parse_id("0704.0001v2"))
    return Corpus(
        Site(),
        (digest(8, a, b), digest(9, web, paper("0704.0001", "Old One")), digest(10, a, twice)),
    )


@pytest.mark.parametrize(
    "options",
    [
        BibtexOptions(),
        BibtexOptions(biblatex=True, summary=True),
        BibtexOptions(key_template="{id}"),
    ],
    ids=["bibtex", "biblatex", "id"],
)
def test_keys_unique_by_construction_give_the_decided_bytes(
    samples_corpus: Corpus, options: BibtexOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    for corpus in (samples_corpus, mixed_corpus()):
        fast = cold(corpus, options)
        assert bib_plan.unique_by_construction(
            options.key_template, bib_plan.ordered(corpus.digests, frozenset())
        )
        with monkeypatch.context() as m:
            m.setattr(bib_plan, "unique_by_construction", lambda *_: False)
            assert cold(corpus, options) == fast


def test_what_the_shortcut_cannot_prove_is_decided(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = mixed_corpus()
    fresh = bib_plan.ordered(corpus.digests, frozenset())
    assert bib_plan.unique_by_construction(bib_keys.DEFAULT_TEMPLATE, fresh)
    assert not bib_plan.unique_by_construction("{word}", fresh)
    assert not bib_plan.unique_by_construction("{word}-{year}", fresh)
    # An identifier the parser would not make (a hand-built model).
    odd = replace(paper("2509.00009", "Odd"), arxiv=ArxivId("2509/00009 x"))
    odd_corpus = Corpus(Site(), (*corpus.digests, digest(11, odd)))
    assert not bib_plan.unique_by_construction(
        bib_keys.DEFAULT_TEMPLATE, bib_plan.ordered(odd_corpus.digests, frozenset())
    )
    # Two URLs whose hash prefixes agree: the second key is disambiguated, with a warning.
    other = paper(None, "Another Post", "https://example.org/post_2", rank=5)
    clash = Corpus(Site(), (*corpus.digests, digest(12, other)))
    monkeypatch.setattr(bib_keys, "url_id", lambda url: "h0000000000")
    assert not bib_plan.unique_by_construction(
        bib_keys.DEFAULT_TEMPLATE, bib_plan.ordered(clash.digests, frozenset())
    )
    out, diagnostics = export(clash)
    assert b"{blog-h0000000000," in out and b"{another-h0000000000," in out
    assert not [d for d in diagnostics if "is not unique" in d.message]
    same = Corpus(Site(), (*corpus.digests, digest(12, replace(other, title="A Blog Post"))))
    out, diagnostics = export(same)
    assert b"{blog-h0000000000-h0000000000," in out
    assert b"{blog-h0000000000-h0000000000-2," in out
    assert len([d for d in diagnostics if "is not unique" in d.message]) == 2


def export(corpus: Corpus) -> tuple[bytes, Diagnostics]:
    diagnostics = Diagnostics()
    data = BibtexExporter().export(corpus, BibtexOptions(), diagnostics)
    assert isinstance(data, bytes)
    return data, diagnostics


def test_an_edit_renders_only_the_runs_holding_its_papers() -> None:
    papers = [paper(f"2509.{n:05d}", f"Paper {n}", rank=n % 8) for n in range(1, 401)]
    digests = tuple(digest(1 + n // 16, *papers[n : n + 16]) for n in range(0, 400, 16))
    corpus = Corpus(Site(), digests)
    store = MemoryStore()

    def run(c: Corpus) -> tuple[bytes, list[str]]:
        exporter = Counting()
        done = fragments.export(exporter, c, BibtexOptions(), Diagnostics(), store=store)
        store.keep(done)
        assert isinstance(done.output, bytes)
        return done.output, exporter.rendered

    run(corpus)
    target = digests[10]
    edited = replace(target, tags=("edited",))
    changed = Corpus(Site(), (*digests[:10], edited, *digests[11:]))
    out, rendered = run(changed)
    assert out == cold(changed) and b"edited" in out
    touched = {p.key for p in target.papers}
    assert touched <= set(rendered)
    # Every run rendered holds a touched paper: far fewer entries than the corpus has.
    parts = bib_plan.plan(changed, BibtexOptions()).parts
    held = [{e.key for e in part.data} for part in parts]
    assert all(run_keys & touched for run_keys in held if run_keys & set(rendered))
    assert len(rendered) == sum(len(k) for k in held if k & touched) < len(papers) / 2
