"""The BibTeX exporter in parts: one entry per distinct paper, rendered again only when
its digests or what the corpus decides for it (its citation key, --update's file,
arXiv metadata) change, and always the bytes of a cold export.

A part holds a run of neighbouring entries (``digestconv.runs``); these tests make it one entry
per part, so that they can say exactly which entries an edit renders again (the runs
themselves are tested in ``test_bibtex_plan.py``)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.conftest import read_shared_corpus
from tests.test_bibtex import digest

from digestconv import fragments, runs
from digestconv.arxiv import parse_id
from digestconv.cli import cli
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import BibtexExporter, BibtexOptions
from digestconv.exporters.bibtex.enrich import ArxivMeta, Cache
from digestconv.fragments import MemoryStore, Part
from digestconv.model import Corpus, Digest, Item, Paper, Section, Site

KST = timezone(timedelta(hours=9))


@pytest.fixture(autouse=True)
def one_entry_per_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runs, "AVERAGE", 1)


class Counting(BibtexExporter):
    """Records which papers were rendered, to check that only the touched ones are."""

    def __init__(self) -> None:
        self.rendered: list[str] = []

    def render_part(
        self, part: Part, site: Site, options: BibtexOptions, diagnostics: Diagnostics
    ) -> bytes:
        self.rendered.extend(entry.key for entry in part.data)
        return super().render_part(part, site, options, diagnostics)


def run(
    corpus: Corpus, store: MemoryStore, options: BibtexOptions | None = None
) -> tuple[bytes, list[str], Diagnostics]:
    exporter, diagnostics = Counting(), Diagnostics()
    rendered = fragments.export(
        exporter, corpus, options or BibtexOptions(), diagnostics, store=store
    )
    store.keep(rendered)
    assert isinstance(rendered.output, bytes)
    return rendered.output, exporter.rendered, diagnostics


def cold(corpus: Corpus, options: BibtexOptions | None = None) -> bytes:
    data = BibtexExporter().export(corpus, options or BibtexOptions(), Diagnostics())
    assert isinstance(data, bytes)
    return data


def paper_keys(digest: Digest) -> set[str]:
    return {p.key for p in digest.papers}


def paper(ident: str | None, title: str = "A Title", url: str | None = None) -> Paper:
    return Paper(
        rank=1,
        title=title,
        url=url or f"https://arxiv.org/abs/{ident}",
        arxiv=parse_id(ident) if ident else None,
        anchor="1-x",
        sections=(Section("introduction", "Introduction", (Item("요약 & 100%", "goal", "Goal"),)),),
    )


OPTIONS = [
    BibtexOptions(),
    BibtexOptions(biblatex=True, summary=True),
    BibtexOptions(key_template="{author}-{year}"),
]


@pytest.mark.parametrize("options", OPTIONS, ids=["bibtex", "biblatex-summary", "author-year"])
def test_reusing_every_part_gives_the_cold_bytes(
    samples_corpus: Corpus, options: BibtexOptions
) -> None:
    store = MemoryStore()
    first, rendered, diags = run(samples_corpus, store, options)
    assert first == cold(samples_corpus, options)
    assert len(rendered) == len({p.key for d in samples_corpus.digests for p in d.papers})
    again, rendered_again, diags_again = run(samples_corpus, store, options)
    assert again == first
    assert rendered_again == []
    # Diagnostics of reused parts are replayed: the second run reports what the first did.
    assert sorted(map(str, diags_again)) == sorted(map(str, diags))


def test_editing_one_digest_renders_only_its_papers(samples_corpus: Corpus) -> None:
    store = MemoryStore()
    run(samples_corpus, store)
    newest = samples_corpus.digests[-1]
    edited_paper = replace(newest.papers[0], title=newest.papers[0].title + " (revised)")
    edited = replace(newest, papers=(edited_paper, *newest.papers[1:]))
    corpus = replace(samples_corpus, digests=(*samples_corpus.digests[:-1], edited))
    out, rendered, _ = run(corpus, store)
    assert out == cold(corpus)
    assert set(rendered) == paper_keys(newest)
    assert b"(revised)" in out


def test_adding_and_removing_digests(samples_corpus: Corpus) -> None:
    store = MemoryStore()
    older, newest = samples_corpus.digests[:-1], samples_corpus.digests[-1]
    base = replace(samples_corpus, digests=older)
    run(base, store)
    out, rendered, _ = run(samples_corpus, store)
    assert out == cold(samples_corpus)
    # The newest digest's papers, and any older paper it features again (its
    # "Featured in" list and keywords grow).
    assert set(rendered) == paper_keys(newest)
    out, rendered, _ = run(base, store)
    assert out == cold(base)
    assert rendered == []  # every entry of the smaller bibliography is still stored


def test_a_paper_featured_again_is_rendered_again() -> None:
    a, b = paper("2509.00001", "Alpha Model"), paper("2509.00002", "Beta Model")
    store = MemoryStore()
    first = Corpus(Site(), (digest(8, a), digest(9, b)))
    run(first, store)
    grown = Corpus(Site(), (*first.digests, digest(10, a, tags=("again",))))
    out, rendered, _ = run(grown, store)
    assert rendered == [a.key]
    assert out == cold(grown)
    assert b"2025-10-10" in out and b"again" in out


def test_option_and_site_changes_render_everything(samples_corpus: Corpus) -> None:
    store = MemoryStore()
    run(samples_corpus, store)
    every = {p.key for d in samples_corpus.digests for p in d.papers}
    _, rendered, _ = run(samples_corpus, store, BibtexOptions(summary=True))
    assert set(rendered) == every
    moved = replace(samples_corpus, site=replace(samples_corpus.site, title="Another Title"))
    out, rendered, _ = run(moved, store)
    assert set(rendered) == every
    assert out == cold(moved)


def test_a_key_collision_rerenders_the_paper_whose_key_changes() -> None:
    """``{word}`` keys collide: the older paper's key is decided by a paper of another
    digest, and its part is rendered again when that paper arrives."""
    options = BibtexOptions(key_template="{word}")
    store = MemoryStore()
    one = Corpus(Site(), (digest(8, paper("2509.00001", "Diffusion Models")),))
    out, _, diags = run(one, store, options)
    assert b"@misc{diffusion," in out and not list(diags)
    two = Corpus(Site(), (*one.digests, digest(9, paper("2509.00002", "Diffusion Transformers"))))
    out, rendered, diags = run(two, store, options)
    assert sorted(rendered) == ["arxiv:2509.00001", "arxiv:2509.00002"]
    assert b"@misc{diffusion-2509.00001," in out and b"@misc{diffusion-2509.00002," in out
    assert out == cold(two, options)
    assert sum("is not unique" in d.message for d in diags) == 2
    # Reused parts still warn.
    _, rendered, diags = run(two, store, options)
    assert rendered == [] and sum("is not unique" in d.message for d in diags) == 2


def test_url_preamble_follows_the_entries() -> None:
    web = paper(None, "A Blog Post", "https://example.org/post_1")
    store = MemoryStore()
    with_web = Corpus(Site(), (digest(8, paper("2509.00001")), digest(9, web)))
    out, _, _ = run(with_web, store)
    assert out.startswith(b"@preamble{") and out == cold(with_web)
    without = Corpus(Site(), with_web.digests[:1])
    out, rendered, _ = run(without, store)
    assert rendered == [] and not out.startswith(b"@preamble{") and out == cold(without)


def test_update_file_is_read_at_every_export(tmp_path: Path) -> None:
    a, b, c = paper("2509.00001", "Alpha"), paper("2509.00002", "Beta"), paper("2509.00003")
    corpus = Corpus(Site(), (digest(8, a, b), digest(9, c)))
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{mine,\n  eprint = {2509.00001}\n}\n", encoding="utf-8")
    options = BibtexOptions(update=bib)
    store = MemoryStore()
    out, rendered, _ = run(corpus, store, options)
    assert sorted(rendered) == [b.key, c.key]
    assert out.startswith(b"@misc{mine,") and out == cold(corpus, options)
    # The user's file now uses the key the template gives paper b: b's entry changes key,
    # c's entry is reused.
    bib.write_text(
        "@misc{mine,\n  eprint = {2509.00001}\n}\n\n@misc{beta-2509.00002,\n  title = {x}\n}\n",
        encoding="utf-8",
    )
    out, rendered, diags = run(corpus, store, options)
    assert rendered == [b.key]
    assert out == cold(corpus, options)
    assert b"@misc{beta-2509.00002-2509.00002," in out
    assert any("is not unique" in d.message for d in diags)


def test_enrich_metadata_is_part_of_the_key(tmp_path: Path) -> None:
    """arXiv's answers come from the cache (no network here); a changed answer
    re-renders that paper's entry only."""
    a, b = paper("2509.00001", "Alpha"), paper("2509.00002", "Beta")
    corpus = Corpus(Site(), (digest(8, a, b),))
    cache = Cache(tmp_path)
    cache.put("2509.00001", ArxivMeta(authors=("Ann Lee",), primary_class="cs.LG"))
    cache.put("2509.00002", ArxivMeta(authors=("Bo Kim",), primary_class="cs.CL"))
    options = BibtexOptions(enrich=True, cache_dir=tmp_path)
    store = MemoryStore()
    out, rendered, _ = run(corpus, store, options)
    assert len(rendered) == 2 and b"Lee, Ann" in out and out == cold(corpus, options)
    cache.put("2509.00002", ArxivMeta(authors=("Bo Kim", "Cy Young"), primary_class="cs.CL"))
    out, rendered, _ = run(corpus, store, options)
    assert rendered == [b.key]
    assert b"Kim, Bo and Young, Cy" in out and out == cold(corpus, options)


def test_shared_corpus_edit_of_the_newest_post_with_papers() -> None:
    corpus: Any = read_shared_corpus("hahngt.github.io")
    store = MemoryStore()
    first, _, _ = run(corpus, store)
    assert first == cold(corpus)
    at = max(i for i, d in enumerate(corpus.digests) if d.papers)
    newest = corpus.digests[at]
    edited = replace(newest, tags=(*newest.tags, "edited-tag"))
    changed = replace(corpus, digests=(*corpus.digests[:at], edited, *corpus.digests[at + 1 :]))
    out, rendered, _ = run(changed, store)
    assert set(rendered) == paper_keys(newest)
    assert out != first and b"edited-tag" in out
    assert out == cold(changed)


def test_build_cache_reuses_entries(samples_site: Path, tmp_path: Path) -> None:
    site, out, cache = tmp_path / "site", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(samples_site, site)

    def build(*extra: str) -> bytes:
        args = ["build", str(site), "-o", str(out), "-q", "--only", "bibtex", *extra]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return (out / "refs.bib").read_bytes()

    first = build("--cache-dir", str(cache))
    newest = sorted((site / "_posts").glob("*.md"))[-1]
    text = newest.read_text(encoding="utf-8")
    newest.write_text(text.replace("tags: [papers,", "tags: [edited,", 1), encoding="utf-8")
    incremental = build("--cache-dir", str(cache))
    assert incremental != first and b"edited" in incremental
    assert incremental == build("--no-cache")
