"""Permalinks and post ids as Jekyll 4 computes them (checked against jekyll build by the feed tests)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from digestconv.diagnostics import Diagnostics
from digestconv.site import absolute, post_url, site_from_config, slugify

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
    assert post_url("pretty", WHEN, "x", (), "/custom/page/").path == "/custom/page/"


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
