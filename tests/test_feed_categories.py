"""Per-category feeds, as jekyll-feed's ``feed: categories:`` makes them."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from lxml import etree

from digestconv.cli import cli

POST = """---
title: "{title}"
date: {day} 08:15:00
categories: {cats}
tags: [papers]
---
# 1. [Paper {n}](https://arxiv.org/abs/2510.0{n:04d})

## Method
방법.
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text(
        "title: T\nurl: https://example.org\ntimezone: Asia/Seoul\n"
        "feed:\n  categories: [ML, Vision]\n",
        encoding="utf-8",
    )
    cats = ["[ML]", "[Vision, ML]", "[Robotics]", "[]"]
    for n, cat in enumerate(cats, start=1):
        day = f"2025-10-{n:02d}"
        (root / "_posts" / f"{day}-p{n}.md").write_text(
            POST.format(title=f"Post {n}", day=day, cats=cat, n=n), encoding="utf-8"
        )
    return root


def feed(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def test_by_category_uses_jekyll_feeds_list(
    site: Path, tmp_path: Path, validators_dir: Path
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["feed", str(site), "--by-category", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*.xml"))
    assert names == ["by_category/ml.xml", "by_category/vision.xml", "feed.xml"]
    main = feed(out / "feed.xml")
    ml = feed(out / "by_category" / "ml.xml")
    vision = feed(out / "by_category" / "vision.xml")
    assert [e.title for e in ml.entries] == ["Post 2", "Post 1"]
    assert [e.title for e in vision.entries] == ["Post 2"]
    ids = {e.title: e.id for e in main.entries}
    assert [e.id for e in ml.entries] == [ids["Post 2"], ids["Post 1"]]
    assert ml.feed.title == "T | ML"
    schema = etree.RelaxNG(etree.parse(str(validators_dir / "atom.rng")))
    for path in out.rglob("*.xml"):
        assert schema.validate(etree.parse(str(path))), (path, schema.error_log)


def test_explicit_categories_and_one_file_without_the_flag(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["feed", str(site), "--category-feed", "Robotics", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert [e.title for e in feed(out / "by_category" / "robotics.xml").entries] == ["Post 3"]
    single = tmp_path / "feed.xml"
    result = CliRunner().invoke(cli, ["feed", str(site), "-o", str(single)])
    assert result.exit_code == 0 and single.is_file()
