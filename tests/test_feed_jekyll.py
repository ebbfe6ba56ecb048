"""Jekyll compatibility: our entry ids and links equal jekyll-feed's for the same posts.

Jekyll itself (Debian ``jekyll`` + ``ruby-jekyll-feed``) builds copies of the
sites in a temporary folder; all builds start at once in one session fixture,
so the suite pays for Jekyll's start-up about once.  Anchors of paper headings
are compared with the ids kramdown gives them in jekyll-feed's content.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from tests.conftest import SHARED

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed import FeedExporter
from digestconv.model import Corpus
from digestconv.reader import read_paths

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "fixtures" / "feed" / "hostile"
JEKYLL_EXTRA = "\nplugins: [jekyll-feed]\nfeed:\n  posts_limit: 100000\n"

pytestmark = pytest.mark.skipif(shutil.which("jekyll") is None, reason="jekyll is not installed")


@dataclass
class Built:
    source: Path
    feed: Path
    process: subprocess.Popen[bytes]


def _site(tmp: Path, name: str, origin: Path, config: str | None = None) -> Path:
    """A copy of ``origin``'s posts; _config.yml is ``config`` (or the original) + jekyll-feed."""
    dest = tmp / name
    shutil.copytree(origin / "_posts", dest / "_posts")
    text = config if config is not None else (origin / "_config.yml").read_text("utf-8")
    (dest / "_config.yml").write_text(text + JEKYLL_EXTRA, "utf-8")
    return dest


SAMPLES_CONFIG = """title: Daily Papers
url: https://dailypapers.example.org
timezone: Asia/Seoul
lang: ko
permalink: {permalink}
"""

CORPUS_CONFIG = """url: https://hahngt.github.io
timezone: Asia/Seoul
permalink: /dailypaper/:year/:month/:day/:title/
markdown: kramdown
kramdown:
  input: GFM
"""


LIM4349_CONFIG = """url: "https://lim4349.github.io"
timezone: Asia/Seoul
markdown: kramdown
kramdown:
  input: GFM
defaults:
  - scope:
      path: ""
      type: posts
    values:
      permalink: /posts/:title/
"""
"""lim4349's own settings that decide ids and dates (its theme and plugins left out)."""

ALIREZA_CONFIG = """url: https://AlirezaShamsoshoara.github.io
timezone: America/Los_Angeles
permalink: /:categories/:title/
markdown: kramdown
kramdown:
  input: GFM
"""
"""AlirezaShamsoshoara's settings that decide ids and dates (academicpages theme left out)."""

COLLIDING = {
    "lim4349": ("lim4349.github.io", LIM4349_CONFIG),
    "alireza": ("AlirezaShamsoshoara.github.io", ALIREZA_CONFIG),
}
"""Shared corpora where Jekyll gives several posts one ``post.id``."""


DATE_STRINGS = (
    "2026.03.01",
    "2026.03.01 10:00",
    "'Sun, 01 Mar 2026 10:00:00 +0900'",
    "2026-03-01 10:00:00 KST",
    "2026-03-01 10:00:00 UTC",
    "2026-03-01 20:00:00 JST",
    "'March 1, 2026'",
    "01/03/2026",
    "2026-03-01 10:00:00 CST",
    "2026-03-01 10:00:00 PDT",
)
"""Front-matter date strings beyond YAML's timestamps, which Jekyll reads with Ruby's
``Time.parse``: each is a post of the "dates" site."""


def _dates_site(tmp: Path) -> Path:
    dest = tmp / "dates"
    (dest / "_posts").mkdir(parents=True)
    for n, written in enumerate(DATE_STRINGS, start=1):
        (dest / "_posts" / f"2026-01-{n:02d}-d{n:02d}.md").write_text(
            f"---\ntitle: d{n:02d}\ndate: {written}\n---\n\nA note.\n", "utf-8"
        )
    config = "url: https://dates.example.org\ntimezone: Asia/Seoul\n"
    (dest / "_config.yml").write_text(config + JEKYLL_EXTRA, "utf-8")
    return dest


COLLECTIONS = HERE / "fixtures" / "collections"


def _collections_site(tmp: Path) -> Path:
    dest = tmp / "collections"
    shutil.copytree(COLLECTIONS, dest)
    with (dest / "_config.yml").open("a", encoding="utf-8") as config:
        config.write(JEKYLL_EXTRA)
    return dest


@pytest.fixture(scope="session")
def jekyll_builds(
    tmp_path_factory: pytest.TempPathFactory, samples_site: Path, request: pytest.FixtureRequest
) -> dict[str, Built]:
    """Every Jekyll build the tests compare against, run concurrently."""
    tmp = tmp_path_factory.mktemp("jekyll")
    sites = {
        # The samples' own template permalink (/dailypaper/:year/:month/:day/:title/).
        "samples-template": _site(tmp, "samples-template", samples_site),
        # Built-in styles: "date" (…/title.html) and "ordinal" (day of year).
        "samples-date": _site(
            tmp, "samples-date", samples_site, SAMPLES_CONFIG.format(permalink="date")
        ),
        "samples-ordinal": _site(
            tmp, "samples-ordinal", samples_site, SAMPLES_CONFIG.format(permalink="ordinal")
        ),
        # "pretty" with a baseurl, categories, another time zone and hostile text.
        "hostile-pretty": _site(tmp, "hostile-pretty", HOSTILE),
        "dates": _dates_site(tmp),
        "collections": _collections_site(tmp),
    }
    try:
        corpus: Path | None = request.getfixturevalue("shared_site")
    except pytest.skip.Exception:
        corpus = None
    if corpus is not None:
        sites["corpus"] = _site(tmp, "corpus", corpus, CORPUS_CONFIG)
    for name, (folder, config) in COLLIDING.items():
        if (SHARED / "corpus" / folder / "_posts").is_dir():
            sites[name] = _site(tmp, name, SHARED / "corpus" / folder, config)
    builds: dict[str, Built] = {}
    for name, source in sites.items():
        dest = tmp / f"{name}-site"
        process = subprocess.Popen(
            ["jekyll", "build", "-q", "-s", str(source), "-d", str(dest)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        builds[name] = Built(source, dest / "feed.xml", process)
    for name, built in builds.items():
        out, _ = built.process.communicate(timeout=120)
        assert built.process.returncode == 0, f"jekyll build of {name} failed:\n{out.decode()}"
    return builds


def _ours(source: Path, keep_empty: bool = True) -> tuple[Corpus, feedparser.FeedParserDict]:
    """Our feed of the same posts; ``keep_empty`` keeps posts jekyll-feed lists but that
    have nothing to read (left out by default)."""
    result = read_paths([str(source)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
    options = FeedExporter.Options(limit=0, keep_empty=keep_empty)
    data = FeedExporter().export(result.corpus, options, Diagnostics())
    assert isinstance(data, bytes)
    return result.corpus, feedparser.parse(data)


@pytest.mark.parametrize(
    "name", ["samples-template", "samples-date", "samples-ordinal", "hostile-pretty", "corpus"]
)
def test_entry_ids_and_links_equal_jekyll_feed(jekyll_builds: dict[str, Built], name: str) -> None:
    if name not in jekyll_builds:
        pytest.skip("the shared corpus is not present beside the repository")
    built = jekyll_builds[name]
    theirs = feedparser.parse(built.feed.read_bytes())
    assert theirs.bozo == 0
    _, ours = _ours(built.source)
    assert ours.bozo == 0
    jekyll_entries = {e.id: e.link for e in theirs.entries}
    our_entries = {e.id: e.link for e in ours.entries}
    assert len(jekyll_entries) == len(theirs.entries) > 0
    assert our_entries == jekyll_entries
    # The feed's own id and self link are jekyll-feed's too.
    assert ours.feed.id == theirs.feed.id
    assert ours.feed.link == theirs.feed.link
    # Same publication instants (jekyll-feed reads offset-less dates the same way).
    jekyll_dates = {e.id: e.published_parsed for e in theirs.entries}
    assert {e.id: e.published_parsed for e in ours.entries} == jekyll_dates


@pytest.mark.parametrize("name", sorted(COLLIDING))
def test_colliding_post_ids_keep_jekyll_feed_ids_elsewhere(
    jekyll_builds: dict[str, Built], name: str
) -> None:
    """Where Jekyll gives several posts one ``post.id``, jekyll-feed writes that id on each of
    them; ours keeps it on the oldest and gives each later one a fragment of its own.
    Every other post has exactly jekyll-feed's id, link and publication instant."""
    if name not in jekyll_builds:
        pytest.skip("the shared corpus is not present beside the repository")
    built = jekyll_builds[name]
    theirs = feedparser.parse(built.feed.read_bytes())
    corpus, ours = _ours(built.source)
    assert theirs.bozo == 0 and ours.bozo == 0
    counts: dict[str, int] = {}
    for entry in theirs.entries:
        counts[entry.id] = counts.get(entry.id, 0) + 1
    assert any(n > 1 for n in counts.values()), "the corpus no longer has colliding ids"
    by_id = {e.id: e for e in ours.entries}
    assert len(by_id) == len(ours.entries), "our entry ids are not unique"
    by_link: dict[str, list[str]] = {}
    for entry in ours.entries:
        by_link.setdefault(entry.link, []).append(entry.id)
    for entry in theirs.entries:
        if counts[entry.id] == 1:
            mine = by_id[entry.id]
            assert (mine.link, mine.published_parsed) == (entry.link, entry.published_parsed)
        else:
            # One of ours keeps the id, the others are that id plus their own fragment.
            assert entry.id in by_id
            assert all(i.split("#")[0] == entry.id for i in by_link[entry.link])
    oldest = {}
    for digest in corpus.digests:
        oldest.setdefault(digest.post_id.lower(), digest)
    for ident, mine in by_id.items():
        if "#" not in ident and counts.get(ident, 0) > 1:
            assert mine.link.lower() == (oldest[ident.lower()].url or "").lower()


def _kramdown_anchors(feed_path: Path) -> dict[str, list[str]]:
    """Heading ids kramdown gave each post's paper headings (``<h1 id=…>`` in the content)."""
    parsed = feedparser.parse(feed_path.read_bytes())
    out: dict[str, list[str]] = {}
    for entry in parsed.entries:
        html = entry.content[0].value if "content" in entry else ""
        out[entry.link] = re.findall(r'<h1 id="([^"]*)"', html)
    return out


def _anchor_mismatches(built: Built) -> list[tuple[str, str, str]]:
    corpus, _ = _ours(built.source)
    expected = _kramdown_anchors(built.feed)
    wrong: list[tuple[str, str, str]] = []
    for digest in corpus.digests:
        assert digest.url in expected
        theirs = expected[digest.url]
        assert len(theirs) == len(digest.papers), digest.source.path
        wrong.extend(
            (Path(digest.source.path).name, p.anchor, want)
            for p, want in zip(digest.papers, theirs, strict=True)
            if p.anchor != want
        )
    return wrong


def test_paper_anchors_equal_kramdown_on_samples(jekyll_builds: dict[str, Built]) -> None:
    assert _anchor_mismatches(jekyll_builds["samples-template"]) == []


def test_paper_anchor_of_heading_with_raw_html(jekyll_builds: dict[str, Built]) -> None:
    """kramdown drops HTML tags (keeping their text) before making the GFM id.

    ``# 1. [Paper with <b>markup</b> & <script>x</script> "quotes"](…)`` gets the id
    ``1-paper-with-markup--x-quotes``.  Fails until the reader (Paper.anchor) does
    the same; paper entries of ``--entries paper`` link to this fragment.
    """
    wrong = _anchor_mismatches(jekyll_builds["hostile-pretty"])
    assert wrong == []


def test_paper_anchors_equal_kramdown_on_corpus(jekyll_builds: dict[str, Built]) -> None:
    """kramdown applies its typography (``--`` → en dash, ``...`` → ellipsis) and drops raw
    HTML tags before making GFM ids.  Expected on the real corpus, from Jekyll 4.3:

    * 2025-11-25 #4 ``…-better--a-73t-…`` (not ``better----a``)
    * 2025-09-12 #8 ``…-together--or-just-coexist`` (not ``together----or``)
    * 2025-09-11 #9 ``9--so-lets-replace-this-phrase-with-insult--lessons-…``
      (``<think>`` tags dropped).  Fails until the reader does the same.
    """
    if "corpus" not in jekyll_builds:
        pytest.skip("the shared corpus is not present beside the repository")
    assert _anchor_mismatches(jekyll_builds["corpus"]) == []


def test_date_strings_read_as_jekyll_reads_them(jekyll_builds: dict[str, Built]) -> None:
    built = jekyll_builds["dates"]
    feed = feedparser.parse(built.feed.read_bytes())
    theirs = {e.title: datetime.fromisoformat(e.published) for e in feed.entries}
    result = read_paths([str(built.source)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
    ours = {d.title: d.date for d in result.corpus.digests}
    assert len(theirs) == len(DATE_STRINGS) and ours == theirs
    paths = {e.title: e.link.removeprefix("https://dates.example.org") for e in feed.entries}
    assert {d.title: d.path for d in result.corpus.digests} == paths


def test_collection_documents_are_where_jekyll_writes_them(
    jekyll_builds: dict[str, Built],
) -> None:
    """Each digest of a collection (and the posts beside them, in a ``collections_dir``)
    has the address of the page Jekyll wrote for it; the pages Jekyll wrote are those."""
    built = jekyll_builds["collections"]
    site = built.feed.parent
    result = read_paths([str(built.source)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
    ours = sorted(d.path for d in result.corpus.digests if d.path is not None)
    assert ours == [
        "/2026/03/02/post/",
        "/daily/2026/03/01/papers/",
        "/weekly/2026/W10/",
    ]
    written = sorted(
        "/" + str(p.parent.relative_to(site)) + "/"
        for p in site.rglob("index.html")
        if p.parent != site and "talks" not in p.parts  # the talk page is no digest
    )
    assert written == ours
