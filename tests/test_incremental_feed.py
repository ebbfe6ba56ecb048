"""The feed in parts: reused entries give the cold bytes, and an edit renders only its entries.

Each test exports through ``digestconv.fragments`` with a dict-backed store, counting the
parts ``render_part`` is asked for, and compares every output with a cold export of the
same corpus (and, for the document assembly itself, with feedgen writing the whole
document in one go, as the exporter used to).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.conftest import ROOT, read_shared_corpus

from digestconv import fragments
from digestconv.cli import cli
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed import FeedExporter, FeedOptions
from digestconv.exporters.feed import write as feed_write
from digestconv.exporters.feed.html import has_text
from digestconv.exporters.feed.xml import feed_entry, generator, newest_date, serialise
from digestconv.fragments import Part
from digestconv.model import Corpus, Digest
from digestconv.papers import distinct_papers
from digestconv.plugins import Output
from digestconv.reader import read_paths

sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import make

MODES: dict[str, dict[str, Any]] = {
    "atom": {},
    "rss": {"format": "rss"},
    "all": {"limit": 0},
    "paper": {"entries": "paper", "limit": 0},
    "paper-rss": {"entries": "paper", "format": "rss", "limit": 12},
    "tag-ids": {"id_scheme": "tag", "limit": 0},
    "excerpt": {"excerpt_only": True, "keep_empty": True},
    "by-tag": {"by_tag": True, "limit": 3},
    "by-tag-rss": {"by_tag": True, "format": "rss"},
    "archive": {"archive": True, "limit": 2},
    "archive-rss-paper": {"archive": True, "format": "rss", "entries": "paper", "limit": 7},
    "categories": {"category_feed": ("papers", "missing"), "limit": 4},
}


@dataclass
class DictStore:
    rows: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    def get_fragments(self, keys: Any) -> dict[str, tuple[bytes, str]]:
        return {k: self.rows[k] for k in keys if k in self.rows}


@dataclass
class Run:
    output: Output
    rendered: list[Part]
    parts: int
    diagnostics: list[str]


def incremental(corpus: Corpus, options: FeedOptions, store: DictStore) -> Run:
    """One export reusing ``store``'s parts, which then holds this export's parts too."""
    exporter = FeedExporter()
    rendered: list[Part] = []
    inner = exporter.render_part

    def counting(part: Part, site: Any, opts: Any, diagnostics: Diagnostics) -> bytes:
        rendered.append(part)
        return inner(part, site, opts, diagnostics)

    exporter.render_part = counting  # type: ignore[method-assign]
    diagnostics = Diagnostics()
    result = fragments.export(exporter, corpus, options, diagnostics, store=store)
    for key, data, diags in result.fresh:
        store.rows[key] = (data, diags)
    return Run(
        fragments.joined(result.output),
        rendered,
        len(result.used),
        [d.format() for d in diagnostics],
    )


def cold(corpus: Corpus, options: FeedOptions) -> tuple[Output, list[str]]:
    diagnostics = Diagnostics()
    output = FeedExporter().export(corpus, options, diagnostics)
    return output, [d.format() for d in diagnostics]


def same_as_cold(run: Run, corpus: Corpus, options: FeedOptions) -> None:
    output, diagnostics = cold(corpus, options)
    assert run.output == output
    assert run.diagnostics == diagnostics


def newest(corpus: Corpus) -> Digest:
    return max(corpus.digests, key=lambda d: d.date)


def edited(corpus: Corpus, digest: Digest, **changes: Any) -> Corpus:
    digests = tuple(replace(d, **changes) if d is digest else d for d in corpus.digests)
    return replace(corpus, digests=digests)


def without(corpus: Corpus, digest: Digest) -> Corpus:
    return replace(corpus, digests=tuple(d for d in corpus.digests if d is not digest))


def first_appearances(corpus: Corpus, digest: Digest) -> int:
    """How many distinct papers ``digest`` shows first (oldest post first)."""
    groups = distinct_papers(sorted(corpus.digests, key=lambda d: d.date))
    return sum(1 for g in groups if g.first[0] is digest)


@pytest.mark.parametrize("mode", MODES)
def test_reusing_every_part_gives_the_cold_bytes(samples_corpus: Corpus, mode: str) -> None:
    options = FeedOptions(**MODES[mode])
    store = DictStore()
    first = incremental(samples_corpus, options, store)
    assert len(first.rendered) == first.parts > 0
    same_as_cold(first, samples_corpus, options)
    again = incremental(samples_corpus, options, store)
    assert again.rendered == []
    same_as_cold(again, samples_corpus, options)


def test_the_samples_golden_comes_from_parts(samples_corpus: Corpus) -> None:
    store = DictStore()
    incremental(samples_corpus, FeedOptions(), store)
    run = incremental(samples_corpus, FeedOptions(), store)
    assert run.rendered == []
    assert run.output == (ROOT / "tests" / "golden" / "feed" / "samples.atom.xml").read_bytes()


@pytest.mark.parametrize("mode", MODES)
def test_documents_equal_feedgen_writing_them_whole(samples_corpus: Corpus, mode: str) -> None:
    """The oracle for the assembly: head + entries + closing tags, each entry serialised
    on its own, are the bytes feedgen writes for the whole document."""
    options = FeedOptions(**MODES[mode])
    plan = feed_write.layout(samples_corpus, options)
    settings = plan.settings
    rss = settings.feed_format == "rss"
    output, _ = cold(samples_corpus, options)
    files = output if isinstance(output, dict) else {None: output}
    assert len(files) == len(plan.docs)
    for doc in plan.docs:
        updated = newest_date([slot.updated for slot in doc.slots])
        fg = generator(doc.head, settings, updated)
        for slot in doc.slots:
            ref = feed_write.EntryRef(slot.id, slot.paper, slot.updated)
            item = feed_write.entry_item(settings, slot.digest, ref)
            fg.add_entry(feed_entry(item, settings, rss), order="append")
        assert files[doc.name] == serialise(fg, rss), doc.name


@pytest.mark.parametrize("mode", ["atom", "rss", "all", "archive", "by-tag", "categories"])
def test_editing_a_post_renders_its_entry_alone(samples_corpus: Corpus, mode: str) -> None:
    options = FeedOptions(**MODES[mode])
    store = DictStore()
    incremental(samples_corpus, options, store)
    target = newest(samples_corpus)
    paper = replace(target.papers[0], title="A retitled paper <&>")
    corpus = edited(samples_corpus, target, papers=(paper, *target.papers[1:]))
    run = incremental(corpus, options, store)
    assert [p.digests[0].title for p in run.rendered] == [target.title]
    same_as_cold(run, corpus, options)
    assert b"A retitled paper &amp;lt;&amp;amp;&amp;gt;" in (
        run.output if isinstance(run.output, bytes) else run.output["feed.xml"]
    )


@pytest.mark.parametrize("mode", ["paper", "paper-rss", "archive-rss-paper"])
def test_editing_a_post_renders_the_papers_it_shows_first(
    samples_corpus: Corpus, mode: str
) -> None:
    options = FeedOptions(**MODES[mode])
    store = DictStore()
    incremental(samples_corpus, options, store)
    target = newest(samples_corpus)
    corpus = edited(samples_corpus, target, tags=(*target.tags, "extra"))
    edited_digest = newest(corpus)
    run = incremental(corpus, options, store)
    assert run.rendered, "the post's own papers are rendered again"
    assert all(p.digests[0] is edited_digest for p in run.rendered)
    shown = sum(1 for p in FeedExporter().parts(corpus, options) if p.digests[0] is edited_digest)
    assert len(run.rendered) == shown <= first_appearances(corpus, edited_digest)
    same_as_cold(run, corpus, options)


@pytest.mark.parametrize("mode", ["atom", "all", "paper", "by-tag", "archive"])
def test_adding_the_newest_post_renders_its_entries(samples_corpus: Corpus, mode: str) -> None:
    options = FeedOptions(**MODES[mode])
    latest = newest(samples_corpus)
    store = DictStore()
    incremental(without(samples_corpus, latest), options, store)
    run = incremental(samples_corpus, options, store)
    assert run.rendered and all(p.digests[0] is latest for p in run.rendered)
    if mode == "paper":
        assert len(run.rendered) == first_appearances(samples_corpus, latest)
    elif mode != "by-tag":
        assert len(run.rendered) == 1
    same_as_cold(run, samples_corpus, options)


def test_a_new_post_pushes_the_oldest_out_and_renders_nothing_else(tmp_path: Path) -> None:
    make(24, tmp_path / "site")
    corpus = read_paths([str(tmp_path / "site")]).corpus
    options = FeedOptions()  # the newest 20
    latest = newest(corpus)
    store = DictStore()
    before = incremental(without(corpus, latest), options, store)
    assert before.parts == 20
    run = incremental(corpus, options, store)
    assert [p.digests[0] for p in run.rendered] == [latest]
    same_as_cold(run, corpus, options)
    paper_options = FeedOptions(entries="paper")
    incremental(without(corpus, latest), paper_options, store)
    run = incremental(corpus, paper_options, store)
    assert len(run.rendered) == min(20, first_appearances(corpus, latest))
    same_as_cold(run, corpus, paper_options)


@pytest.mark.parametrize("mode", ["atom", "all", "paper", "archive"])
def test_removing_a_post_renders_nothing_new(samples_corpus: Corpus, mode: str) -> None:
    options = FeedOptions(**MODES[mode])
    store = DictStore()
    incremental(samples_corpus, options, store)
    ordered = sorted(samples_corpus.digests, key=lambda d: d.date)
    corpus = without(samples_corpus, ordered[len(ordered) // 2])
    run = incremental(corpus, options, store)
    if mode != "paper":  # a removed post may hand its papers to a later one
        assert run.rendered == []
    same_as_cold(run, corpus, options)


@pytest.mark.parametrize(
    "change",
    [{"format": "rss"}, {"excerpt_only": True}, {"id_scheme": "tag"}, {"title": "Another"}],
)
def test_changing_an_option_renders_every_entry(samples_corpus: Corpus, change: Any) -> None:
    store = DictStore()
    incremental(samples_corpus, FeedOptions(), store)
    options = FeedOptions(**change)
    run = incremental(samples_corpus, options, store)
    assert len(run.rendered) == run.parts
    same_as_cold(run, samples_corpus, options)


@pytest.mark.parametrize(
    "change", [{"title": "Papers of the Day"}, {"url": "https://papers.example.net"}]
)
def test_changing_site_facts_gives_the_cold_bytes(samples_corpus: Corpus, change: Any) -> None:
    store = DictStore()
    incremental(samples_corpus, FeedOptions(), store)
    corpus = replace(samples_corpus, site=replace(samples_corpus.site, **change))
    run = incremental(corpus, FeedOptions(), store)
    assert len(run.rendered) == run.parts
    same_as_cold(run, corpus, FeedOptions())


def test_an_older_post_with_the_same_id_renames_the_later_entry(samples_corpus: Corpus) -> None:
    """Disambiguation is decided across the corpus: the post whose id changes is rendered
    again, and the warning naming both posts comes back on every reuse."""
    options = FeedOptions(limit=0)
    store = DictStore()
    incremental(samples_corpus, options, store)
    ordered = sorted(samples_corpus.digests, key=lambda d: d.date)
    holder = ordered[2]
    twin = replace(
        holder,
        source=replace(holder.source, path="_posts/2025-01-01-twin.md"),
        title="An older twin",
        date=ordered[0].date - timedelta(days=3),
    )
    corpus = replace(samples_corpus, digests=(twin, *samples_corpus.digests))
    run = incremental(corpus, options, store)
    assert sorted(p.digests[0].title for p in run.rendered) == sorted([twin.title, holder.title])
    assert any("have the same Jekyll post id" in d for d in run.diagnostics)
    assert b"#2025-" in (run.output if isinstance(run.output, bytes) else b"")
    same_as_cold(run, corpus, options)
    again = incremental(corpus, options, store)
    assert again.rendered == []
    same_as_cold(again, corpus, options)


def test_split_feeds_share_one_rendering_of_each_entry(samples_corpus: Corpus) -> None:
    options = FeedOptions(by_tag=True, category_feed=("papers",), archive=True, limit=2)
    run = incremental(samples_corpus, options, DictStore())
    assert isinstance(run.output, dict) and len(run.output) > 3
    ids = [p.data.id for p in run.rendered]
    assert len(set(ids)) == len(ids) == run.parts, "one rendering per entry shown anywhere"
    in_files = sum(data.count(ident.encode()) for data in run.output.values() for ident in ids)
    assert in_files > len(ids), "entries appear in more than one file"
    same_as_cold(run, samples_corpus, options)


def test_an_empty_corpus_has_no_parts(samples_corpus: Corpus) -> None:
    corpus = replace(samples_corpus, digests=())
    run = incremental(corpus, FeedOptions(), DictStore())
    assert run.parts == 0
    assert any("there are no posts to put in the feed" in d for d in run.diagnostics)
    same_as_cold(run, corpus, FeedOptions())


@pytest.mark.parametrize(
    ("folder", "mode"),
    [
        ("hahngt.github.io", "atom"),
        ("hahngt.github.io", "paper"),
        ("AlirezaShamsoshoara.github.io", "all"),
        ("AlirezaShamsoshoara.github.io", "archive-rss-paper"),
        ("lim4349.github.io", "by-tag-rss"),
        ("yeonjae11-daily-papers", "paper"),
    ],
)
def test_shared_corpora_edit_and_reuse(folder: str, mode: str) -> None:
    corpus = read_shared_corpus(folder, "https://example.org")
    options = FeedOptions(**MODES[mode])
    store = DictStore()
    first = incremental(corpus, options, store)
    same_as_cold(first, corpus, options)
    target = max((d for d in corpus.digests if has_text(d)), key=lambda d: d.date)
    changed = edited(corpus, target, title=target.title + " (edited)")
    run = incremental(changed, options, store)
    assert all(p.digests[0].title.endswith(" (edited)") for p in run.rendered)
    if mode in ("atom", "all"):
        assert len(run.rendered) == 1
    same_as_cold(run, changed, options)


def _build(*args: str) -> None:
    result = CliRunner().invoke(cli, ["build", *args, "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_build_cache_after_appending_to_the_newest_post(samples_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(samples_site, site)
    cache, warm, fresh = tmp_path / "cache", tmp_path / "warm", tmp_path / "cold"
    config = site / "_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\ndigestconv:\n  feed:\n    by_tag: true\n",
        encoding="utf-8",
    )
    _build(str(site), "-o", str(warm), "--cache-dir", str(cache), "--only", "feed")
    post = sorted((site / "_posts").glob("*.md"))[-1]
    post.write_text(post.read_text(encoding="utf-8") + "\n- One more line at the end.\n")
    _build(str(site), "-o", str(warm), "--cache-dir", str(cache), "--only", "feed")
    _build(str(site), "-o", str(fresh), "--no-cache", "--only", "feed")
    written = sorted(p.relative_to(warm) for p in warm.rglob("*") if p.is_file())
    assert len(written) > 1  # the feed and its tag feeds
    assert written == sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    for rel in written:
        assert (warm / rel).read_bytes() == (fresh / rel).read_bytes(), rel
    assert b"One more line at the end." in (warm / "feed.xml" / "feed.xml").read_bytes()


def test_paper_times_shifted_by_an_earlier_post_render_again(samples_corpus: Corpus) -> None:
    """A paper entry's ``updated`` seconds follow the posts before it: when a post a few
    seconds older loses a paper, the next post's entries move and are rendered again."""
    options = FeedOptions(entries="paper", limit=0)
    older = newest(samples_corpus)
    papers = tuple(
        replace(p, arxiv=None, url=f"https://example.org/papers/{n}")
        for n, p in enumerate(older.papers)
    )
    close = replace(
        older,
        source=replace(older.source, path="_posts/close-behind.md"),
        title="Seconds later",
        date=older.date + timedelta(seconds=3),
        papers=papers,
    )
    corpus = replace(samples_corpus, digests=(*samples_corpus.digests, close))
    store = DictStore()
    incremental(corpus, options, store)
    shorter = edited(corpus, older, papers=older.papers[:-1])
    run = incremental(shorter, options, store)
    titles = [p.digests[0].title for p in run.rendered]
    assert titles.count("Seconds later") == len(papers)
    assert set(titles) == {"Seconds later", older.title}
    same_as_cold(run, shorter, options)
