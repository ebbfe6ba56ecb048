"""Permalinks and post ids as Jekyll 4 computes them (checked against jekyll build by the feed tests)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from digestconv.diagnostics import Diagnostics
from digestconv.reader import read_paths
from digestconv.site import absolute, collection_template, post_url, site_from_config, slugify

KST = timezone(timedelta(hours=9))
WHEN = datetime(2025, 3, 7, 17, 15, tzinfo=KST)


@pytest.mark.parametrize(
    ("permalink", "categories", "path", "post_id"),
    [
        ("date", (), "/2025/03/07/daily-papers.html", "/2025/03/07/daily-papers"),
        ("pretty", (), "/2025/03/07/daily-papers/", "/2025/03/07/daily-papers"),
        ("ordinal", (), "/2025/066/daily-papers.html", "/2025/066/daily-papers"),
        ("none", (), "/daily-papers.html", "/daily-papers"),
        (
            "date",
            ("ML", "AI", "ml"),
            "/ml/ai/2025/03/07/daily-papers.html",
            "/ml/ai/2025/03/07/daily-papers",
        ),
        (
            "/dailypaper/:year/:month/:day/:title/",
            (),
            "/dailypaper/2025/03/07/daily-papers/",
            "/dailypaper/2025/03/07/daily-papers",
        ),
        ("/:short_year/:i_month/:i_day/:slug", (), "/25/3/7/daily-papers", "/25/3/7/daily-papers"),
        (
            "/:year/W:week/:short_day/:title:output_ext",
            (),
            "/2025/W10/Fri/daily-papers.html",
            "/2025/W10/Fri/daily-papers",
        ),
    ],
)
def test_permalink_styles(
    permalink: str, categories: tuple[str, ...], path: str, post_id: str
) -> None:
    url = post_url(permalink, WHEN, "daily-papers", categories)
    assert (url.path, url.post_id) == (path, post_id)


def test_title_keeps_case_and_non_ascii_is_percent_encoded() -> None:
    url = post_url("pretty", WHEN, "Daily_Papers 한글")
    assert url.path == "/2025/03/07/Daily_Papers-%ED%95%9C%EA%B8%80/"


def test_front_matter_permalink_wins() -> None:
    assert post_url("pretty", WHEN, "x", (), front_matter_permalink="/custom/page/").path == (
        "/custom/page/"
    )


def test_slugify_modes() -> None:
    assert slugify("The _config.yml file?!", "default") == "the-config-yml-file"
    assert slugify("The _config.yml file?!", "pretty") == "the-_config.yml-file-!"
    assert slugify("The _config.yml file?!", "pretty", cased=True) == "The-_config.yml-file-!"


def test_absolute_with_baseurl() -> None:
    site = site_from_config(
        {"url": "https://x.org/", "baseurl": "/blog/"}, "_config.yml", Diagnostics()
    )
    assert absolute(site, "/2025/a/") == "https://x.org/blog/2025/a/"


def test_config_facts_and_bad_timezone() -> None:
    diags = Diagnostics()
    site = site_from_config(
        {
            "title": "blank",
            "first_name": "Gyutak",
            "last_name": "Hahn",
            "timezone": "Mars/Base",
            "feed": {"posts_limit": 5},
            "lang": "ko",
        },
        "_config.yml",
        diags,
    )
    assert site.title == "Gyutak Hahn" and site.author == "Gyutak Hahn"
    assert site.timezone is None and [d.code for d in diags] == ["config"]
    assert site.config["feed"] == {"posts_limit": 5}


# ------------------------------------------------------------------ collections

COLLECTIONS = Path(__file__).resolve().parent / "fixtures" / "collections"


def test_collections_are_read_with_the_posts() -> None:
    """A site whose digests are a collection's documents (``_daily/``, in a
    ``collections_dir``) read nothing before.  Documents are published at the collection's
    permalink (Jekyll's own build checks the same site in test_feed_jekyll.py); an
    ``output: false`` collection's have no address; a document with no paper entries (a
    theme's talk or project page) is no digest."""
    result = read_paths([str(COLLECTIONS)])
    assert not result.diagnostics.failed(), result.diagnostics.format()
    found = {Path(d.source.path).name: d for d in result.corpus.digests}
    assert sorted(found) == [
        "2026-03-01-papers.md",
        "2026-03-02-post.md",
        "2026-03-07-kept.md",
        "W10.md",
    ]
    daily = found["2026-03-01-papers.md"]
    assert daily.path == "/daily/2026/03/01/papers/" and daily.tags == ("daily",)  # type: daily
    assert daily.post_id == "https://collections.example.org/daily/2026/03/01/papers"
    assert found["W10.md"].path == "/weekly/2026/W10/"  # the site's pretty style's ending
    assert found["2026-03-02-post.md"].path == "/2026/03/02/post/"
    assert found["2026-03-07-kept.md"].path is None and found["2026-03-07-kept.md"].url is None
    (talk,) = [d for d in result.diagnostics if d.code == "not-a-digest"]
    assert talk.path.endswith("_talks/2026-03-05-talk.md")


@pytest.mark.parametrize(
    ("site_permalink", "template"),
    [
        ("date", "/:collection/:path:output_ext"),
        ("pretty", "/:collection/:path/"),
        ("/:year/:title/", "/:collection/:path/"),
        ("/:year/:title:output_ext", "/:collection/:path:output_ext"),
        ("/:year/:title", "/:collection/:path"),
    ],
)
def test_a_collections_default_permalink_follows_the_site_style(
    site_permalink: str, template: str
) -> None:
    assert collection_template(None, site_permalink) == template
    assert collection_template("/c/:name/", site_permalink) == "/c/:name/"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"collections": "daily"}, "collections must be a mapping of names or a list"),
        ({"collections": {"../up": {"output": True}}}, "is not a collection name"),
        ({"collections": [{"a": 1}]}, "is not a collection name"),
        ({"collections": {"d": {"permalink": 3}}}, "collections.d.permalink must be a string"),
        ({"collections_dir": "../outside"}, "collections_dir must be a folder inside the site"),
        ({"collections_dir": "/etc"}, "collections_dir must be a folder inside the site"),
    ],
)
def test_bad_collection_settings_are_config_errors(config: dict[str, object], message: str) -> None:
    diags = Diagnostics()
    site = site_from_config(config, "_config.yml", diags)
    assert [d.code for d in diags] == ["config"] and message in diags.items[0].message
    assert not site.collections_dir and all(c.name == "d" for c in site.collections)


def test_collections_as_a_list_of_names() -> None:
    site = site_from_config({"collections": ["daily", "posts"]}, "_config.yml", Diagnostics())
    assert [(c.name, c.output, c.folder) for c in site.collections] == [("daily", False, "_daily")]
    config = {"collections": {"a": {"output": "yes"}, "b": {"output": 0}, "c": {"output": None}}}
    site = site_from_config(config, "_config.yml", Diagnostics())
    assert [c.output for c in site.collections] == [True, True, False]  # as Ruby reads them


def test_a_collections_folder_linked_outside_the_site_is_not_read(tmp_path: Path) -> None:
    """The config names the folders read, and the config is not trusted: a collections
    folder (or ``collections_dir``) that is a link out of the site is not followed."""
    outside = tmp_path / "outside" / "_daily"
    outside.mkdir(parents=True)
    (outside / "2026-03-01-x.md").write_bytes(
        (COLLECTIONS / "content" / "_daily" / "2026-03-01-papers.md").read_bytes()
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("collections_dir: c\ncollections: [daily]\n", "utf-8")
    (site / "c").symlink_to(tmp_path / "outside", target_is_directory=True)
    result = read_paths([str(site)])
    assert not result.corpus.digests
    assert "symlink-outside" in [d.code for d in result.diagnostics]
