"""Real clients read our feeds: feedparser, the RFC 4287 RELAX NG schema (lxml and jing).

Every document the exporter can write (Atom and RSS, digest and paper entries,
archive pages, per-tag feeds) is produced once per session for the samples,
the hostile fixture site and the real corpus, then checked by each client.
"""

from __future__ import annotations

import calendar
import contextlib
import html
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed import FeedExporter, FeedOptions
from digestconv.exporters.feed.html import has_text
from digestconv.model import Corpus, Digest, Site, SourceSpan
from digestconv.reader import read_paths

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "fixtures" / "feed" / "hostile"
A = "{http://www.w3.org/2005/Atom}"
OFFSET_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

MODES: dict[str, dict[str, object]] = {
    "digest": {"limit": 0},
    "paper": {"limit": 0, "entries": "paper"},
    "tag-ids": {"limit": 0, "id_scheme": "tag"},
    "excerpt": {"limit": 0, "excerpt_only": True},
    "paper-tag-ids": {"limit": 0, "entries": "paper", "id_scheme": "tag"},
}
SPLIT = {"archive": True, "by_tag": True, "limit": 2}


def _documents(name: str, corpus: Corpus, feed_format: str) -> dict[str, bytes]:
    docs: dict[str, bytes] = {}
    for mode, options in MODES.items():
        if name == "corpus" and mode not in ("digest", "paper"):
            continue  # the big corpus: the two entry shapes are enough
        data = FeedExporter().export(
            corpus, FeedOptions(**options, format=feed_format), Diagnostics()
        )
        assert isinstance(data, bytes)
        docs[f"{name}/{mode}"] = data
    files = FeedExporter().export(corpus, FeedOptions(**SPLIT, format=feed_format), Diagnostics())
    assert isinstance(files, Mapping)
    docs.update({f"{name}/split/{n}": d for n, d in files.items()})
    return docs


@pytest.fixture(scope="session")
def hostile_corpus() -> Corpus:
    result = read_paths([str(HOSTILE)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
    return result.corpus


@pytest.fixture(scope="session")
def corpora(
    samples_corpus: Corpus, hostile_corpus: Corpus, request: pytest.FixtureRequest
) -> dict[str, Corpus]:
    found = {"samples": samples_corpus, "hostile": hostile_corpus}
    with contextlib.suppress(pytest.skip.Exception):
        found["corpus"] = request.getfixturevalue("shared_corpus")
    return found


@pytest.fixture(scope="session")
def atom_docs(corpora: dict[str, Corpus]) -> dict[str, bytes]:
    docs: dict[str, bytes] = {}
    for name, corpus in corpora.items():
        docs.update(_documents(name, corpus, "atom"))
    return docs


@pytest.fixture(scope="session")
def rss_docs(corpora: dict[str, Corpus]) -> dict[str, bytes]:
    docs: dict[str, bytes] = {}
    for name, corpus in corpora.items():
        docs.update(_documents(name, corpus, "rss"))
    return docs


@pytest.fixture(scope="session")
def relaxng(validators_dir: Path) -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(validators_dir / "atom.rng")))


# --------------------------------------------------------------------------- feedparser


@pytest.fixture(scope="session")
def parsed_docs(
    atom_docs: dict[str, bytes], rss_docs: dict[str, bytes]
) -> dict[tuple[str, str], feedparser.FeedParserDict]:
    """Every document read once by feedparser, keyed by (format, name)."""
    parsed = {("atom", n): feedparser.parse(d) for n, d in atom_docs.items()}
    parsed.update({("rss", n): feedparser.parse(d) for n, d in rss_docs.items()})
    return parsed


def test_feedparser_reads_every_document(
    parsed_docs: dict[tuple[str, str], feedparser.FeedParserDict],
) -> None:
    assert len(parsed_docs) >= 2 * (2 * len(MODES) + 3)
    for (feed_format, name), parsed in parsed_docs.items():
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        assert parsed.version == ("atom10" if feed_format == "atom" else "rss20"), name


@pytest.mark.parametrize("feed_format", ["atom", "rss"])
def test_feedparser_entries_equal_the_model(
    corpora: dict[str, Corpus],
    parsed_docs: dict[tuple[str, str], feedparser.FeedParserDict],
    feed_format: str,
) -> None:
    for name, corpus in corpora.items():
        parsed = parsed_docs[(feed_format, f"{name}/digest")]
        assert parsed.bozo == 0
        by_link = {e.link: e for e in parsed.entries}
        shown = [d for d in corpus.digests if has_text(d)]
        assert len(by_link) == len(shown), name
        for digest in shown:
            entry = by_link[digest.url]
            assert entry.title == digest.title
            expected_id = digest.post_id if feed_format == "atom" else digest.url
            assert entry.id == expected_id
            assert calendar.timegm(entry.published_parsed) == int(digest.date.timestamp())
            terms = [t.term for t in entry.get("tags", [])]
            assert terms == list(dict.fromkeys([*digest.categories, *digest.tags]))
            if digest.papers:
                summary = entry.summary
                if feed_format == "rss":  # HTML there: what a reader shows is its text
                    summary = html.unescape(summary.replace("<br />", ""))
                lines = summary.splitlines()
                assert lines == [f"{p.rank}. {p.title}" for p in digest.papers], name


@pytest.mark.parametrize("feed_format", ["atom", "rss"])
def test_feedparser_paper_entries_equal_the_model(
    corpora: dict[str, Corpus],
    parsed_docs: dict[tuple[str, str], feedparser.FeedParserDict],
    feed_format: str,
) -> None:
    for name, corpus in corpora.items():
        parsed = parsed_docs[(feed_format, f"{name}/paper")]
        first: dict[str, tuple[Digest, str, str]] = {}
        for digest in sorted(corpus.digests, key=lambda d: d.date):
            for paper in digest.papers:
                first.setdefault(paper.key, (digest, paper.title, paper.anchor))
        assert len(parsed.entries) == len(first), name
        by_title_link = {(e.title, e.link) for e in parsed.entries}
        for digest, title, anchor in first.values():
            assert (title, f"{digest.url}#{anchor}") in by_title_link


# --------------------------------------------------------------------------- RELAX NG


def test_atom_validates_against_rfc_4287_schema(
    atom_docs: dict[str, bytes], relaxng: etree.RelaxNG
) -> None:
    for name, data in atom_docs.items():
        doc = etree.fromstring(data)
        assert relaxng.validate(doc), (name, str(relaxng.error_log))


def test_schema_rejects_a_broken_feed(atom_docs: dict[str, bytes], relaxng: etree.RelaxNG) -> None:
    """Negative control: the validator is really checking (an entry without <id> fails)."""
    doc = etree.fromstring(atom_docs["samples/digest"])
    entry = doc.find(f"{A}entry")
    assert entry is not None
    entry.remove(entry.find(f"{A}id"))  # type: ignore[arg-type]
    assert not relaxng.validate(doc)


def test_ids_unique_and_dates_with_offsets(atom_docs: dict[str, bytes]) -> None:
    for name, data in atom_docs.items():
        doc = etree.fromstring(data)
        ids = [e.findtext(f"{A}id") for e in doc.iter(f"{A}entry")]
        assert len(ids) == len(set(ids)), name
        dates = [el.text or "" for el in doc.iter(f"{A}updated", f"{A}published")]
        assert dates and all(OFFSET_DATE.match(d) for d in dates), name


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("jing") is None, reason="jing is not installed")
def test_jing_validates_every_atom_document(
    atom_docs: dict[str, bytes], validators_dir: Path, tmp_path: Path
) -> None:
    """The compact schema with jing itself, all documents in one Java start."""
    paths = []
    for number, data in enumerate(atom_docs.values()):
        path = tmp_path / f"{number}.xml"
        path.write_bytes(data)
        paths.append(str(path))
    result = subprocess.run(
        ["jing", "-c", str(validators_dir / "atom.rnc"), *paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- property


SITE = Site(title="P", url="https://p.example", lang="en")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(min_size=1, max_size=40), tag=st.text(min_size=1, max_size=12))
def test_any_title_and_tag_give_a_valid_feed(title: str, tag: str, relaxng: etree.RelaxNG) -> None:
    from datetime import datetime, timezone

    digest = Digest(
        source=SourceSpan("_posts/x.md", 1, 1),
        title=title,
        date=datetime(2025, 1, 1, tzinfo=timezone.utc),
        slug="x",
        path="/x/",
        url="https://p.example/x/",
        post_id="https://p.example/x",
        tags=(tag,),
    )
    corpus = Corpus(SITE, (digest,))
    data = FeedExporter().export(corpus, FeedOptions(), Diagnostics())
    assert isinstance(data, bytes)
    assert relaxng.validate(etree.fromstring(data)), str(relaxng.error_log)
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0
    files = FeedExporter().export(corpus, FeedOptions(by_tag=True), Diagnostics())
    assert isinstance(files, Mapping)
    assert all(relaxng.validate(etree.fromstring(d)) for d in files.values())
