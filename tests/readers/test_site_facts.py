"""Slug, permalink, post id and heading ids are facts of a site page, not of a digest.

A plain Markdown file is not published by Jekyll, so the model must not carry
permalinks computed as if it were (schema version 3); exporters then identify and
link it by what it does have.
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import jsonschema
from click.testing import CliRunner

from digestconv.cli import cli
from digestconv.model import SCHEMA_VERSION, from_json, to_json
from digestconv.reader import read_paths

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "src/digestconv/schema/digests.schema.json").read_text()
)

PLAIN = """# Daily papers 2026-03-24

## 1. [Attention Sinks Revisited](https://arxiv.org/abs/2603.01234)

- **Authors:** Ada Lovelace, Alan Turing
- A short summary of the paper.

## 2. [Sparse Mixtures at Scale](https://arxiv.org/abs/2603.04321)

- Another summary.
"""

POST = "---\ntitle: Daily papers\n---\n" + PLAIN.split("\n", 2)[2]


def _site(tmp_path: Path) -> Path:
    (tmp_path / "notes" / "2026" / "03").mkdir(parents=True)
    (tmp_path / "notes" / "2026" / "03" / "2026-03-24.md").write_text(PLAIN, encoding="utf-8")
    (tmp_path / "notes" / "2026" / "03" / "2026-03-25.md").write_text(
        PLAIN.replace("2026-03-24", "2026-03-25"), encoding="utf-8"
    )
    return tmp_path / "notes"


def test_plain_markdown_digest_has_no_site_facts(tmp_path: Path) -> None:
    result = read_paths([str(_site(tmp_path))])
    assert not result.diagnostics.failed()
    digests = result.corpus.digests
    assert [len(d.papers) for d in digests] == [2, 2]
    for digest in digests:
        assert (digest.slug, digest.path, digest.url, digest.post_id) == (None, None, None, None)
        assert [p.anchor for p in digest.papers] == [None, None]
        assert digest.papers[0].authors == ("Ada Lovelace", "Alan Turing")


def test_jekyll_post_keeps_its_site_facts(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("url: https://blog.example\n", encoding="utf-8")
    (tmp_path / "_posts" / "2026-03-24-daily.md").write_text(POST, encoding="utf-8")
    digest = read_paths([str(tmp_path)]).corpus.digests[0]
    assert digest.slug == "daily"
    assert digest.path == "/2026/03/24/daily.html"
    assert digest.url == "https://blog.example/2026/03/24/daily.html"
    assert digest.post_id == "https://blog.example/2026/03/24/daily"
    assert [p.anchor for p in digest.papers] == [
        "1-attention-sinks-revisited",
        "2-sparse-mixtures-at-scale",
    ]


def test_schema_3_writes_null_site_facts_and_round_trips(tmp_path: Path) -> None:
    corpus = read_paths([str(_site(tmp_path))]).corpus
    text = to_json(corpus)
    doc = json.loads(text)
    assert doc["schema_version"] == SCHEMA_VERSION == 3
    first = doc["digests"][0]
    assert (first["slug"], first["path"], first["post_id"]) == (None, None, None)
    assert first["papers"][0]["anchor"] is None
    jsonschema.validate(doc, SCHEMA)
    assert from_json(text) == corpus


def test_schema_2_documents_still_load(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2026-03-24-daily.md").write_text(POST, encoding="utf-8")
    doc = json.loads(to_json(read_paths([str(tmp_path)]).corpus))
    doc["schema_version"] = 2
    back = from_json(json.dumps(doc))
    assert back.digests[0].path == "/2026/03/24/daily.html"
    assert back.digests[0].papers[1].anchor == "2-sparse-mixtures-at-scale"


def test_feed_of_plain_digests_identifies_them_by_file_and_links_the_site(tmp_path: Path) -> None:
    site = _site(tmp_path)
    out = tmp_path / "feed.xml"
    run = CliRunner().invoke(
        cli, ["feed", str(site), "--site-url", "https://example.org/papers/", "-o", str(out)]
    )
    assert run.exit_code == 0, run.output
    feed = feedparser.parse(out.read_bytes())
    assert not feed.bozo
    assert [e.id for e in feed.entries] == [
        "tag:example.org/papers,2026-03-25:2026-03-25",
        "tag:example.org/papers,2026-03-24:2026-03-24",
    ]
    assert {e.link for e in feed.entries} == {"https://example.org/papers/"}


def test_per_paper_feed_of_plain_digests_links_the_papers(tmp_path: Path) -> None:
    site = _site(tmp_path)
    out = tmp_path / "papers.xml"
    run = CliRunner().invoke(
        cli,
        [
            "feed",
            str(site),
            "--site-url",
            "https://example.org/",
            "--entries",
            "paper",
            "-o",
            str(out),
        ],
    )
    assert run.exit_code == 0, run.output
    links = sorted(e.link for e in feedparser.parse(out.read_bytes()).entries)
    assert links == ["https://arxiv.org/abs/2603.01234", "https://arxiv.org/abs/2603.04321"]
