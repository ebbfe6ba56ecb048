"""arXiv identifier parsing: every URL shape posts use reduces to one normalised id."""

from __future__ import annotations

import pytest

from digestconv.arxiv import ArxivId, find_ids, parse_id, parse_paper_url, parse_url


@pytest.mark.parametrize(
    ("url", "ident", "version"),
    [
        # new style, 5 and 4 digits, with and without versions
        ("https://arxiv.org/abs/2509.26328", "2509.26328", None),
        ("https://arxiv.org/abs/2509.26328v1", "2509.26328", 1),
        ("https://arxiv.org/abs/2509.26328v12", "2509.26328", 12),
        ("https://arxiv.org/abs/0704.0001", "0704.0001", None),
        ("https://arxiv.org/abs/1412.6980v9", "1412.6980", 9),
        # abs / pdf / html, .pdf suffix, trailing slash
        ("https://arxiv.org/pdf/2509.26328", "2509.26328", None),
        ("https://arxiv.org/pdf/2509.26328v2", "2509.26328", 2),
        ("https://arxiv.org/pdf/2509.26328v2.pdf", "2509.26328", 2),
        ("https://arxiv.org/pdf/2509.26328.pdf", "2509.26328", None),
        ("https://arxiv.org/html/2509.26328v1", "2509.26328", 1),
        ("https://arxiv.org/html/2509.26328v1/", "2509.26328", 1),
        ("https://arxiv.org/abs/2509.26328/", "2509.26328", None),
        # http/https, www./export. hosts, upper-case host, query and fragment
        ("http://arxiv.org/abs/2509.26328", "2509.26328", None),
        ("https://www.arxiv.org/abs/2509.26328", "2509.26328", None),
        ("http://export.arxiv.org/abs/2509.26328v3", "2509.26328", 3),
        ("https://export.arxiv.org/pdf/2509.26328", "2509.26328", None),
        ("https://ARXIV.org/abs/2509.26328", "2509.26328", None),
        ("https://arxiv.org/abs/2509.26328?context=cs", "2509.26328", None),
        ("https://arxiv.org/abs/2509.26328#section", "2509.26328", None),
        ("  https://arxiv.org/abs/2509.26328  ", "2509.26328", None),
        # old style, with subject class and versions
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001", None),
        ("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001", 1),
        ("http://arxiv.org/abs/math.GT/0309136v2", "math.GT/0309136", 2),
        ("https://arxiv.org/abs/math.gt/0309136", "math.GT/0309136", None),
        ("https://arxiv.org/pdf/cond-mat/0102536v1.pdf", "cond-mat/0102536", 1),
        ("https://arxiv.org/abs/astro-ph/0703001", "astro-ph/0703001", None),
        ("https://export.arxiv.org/abs/q-bio.NC/0501001", "q-bio.NC/0501001", None),
    ],
)
def test_parse_url(url: str, ident: str, version: int | None) -> None:
    assert parse_url(url) == ArxivId(ident, version)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.alphaxiv.org/ko/overview/2509.26328",
        "https://openreview.net/forum?id=2509.26328",
        "https://github.com/org/repo",
        "https://doi.org/10.48550/arXiv.2509.26328",
        "https://huggingface.co/papers/2509.26328",
        "https://arxiv.org.evil.example/abs/2509.26328",
        "https://evil.example/arxiv.org/abs/2509.26328",
        "https://notarxiv.org/abs/2509.26328",
        "ftp://arxiv.org/abs/2509.26328",
        "javascript:alert('arxiv.org/abs/2509.26328')",
        "arxiv.org/abs/2509.26328",  # no scheme
        "https://arxiv.org/",
        "https://arxiv.org/abs/",
        "https://arxiv.org/list/cs.CL/recent",
        "https://arxiv.org/abs/2513.00001",  # month 13
        "https://arxiv.org/abs/2500.00001",  # month 00
        "https://arxiv.org/abs/2509.123",  # 3 digits
        "https://arxiv.org/abs/2509.123456",  # 6 digits
        "https://arxiv.org/abs/2509.26328vx",
        "https://arxiv.org/abs/2509.26328/extra",
        "https://arxiv.org/abs/hep-th/990100",  # old style with 6 digits
        "https://arxiv.org/abs/HEP-TH/9901001",  # archives are lower case
        "http://[::1/abs/2509.26328",  # invalid URL
        "",
    ],
)
def test_parse_url_rejects_non_arxiv(url: str) -> None:
    assert parse_url(url) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2509.26328", ArxivId("2509.26328")),
        ("2509.26328v2", ArxivId("2509.26328", 2)),
        ("arXiv:2509.26328", ArxivId("2509.26328")),
        ("ARXIV:2509.26328v1", ArxivId("2509.26328", 1)),
        (" 0704.0001 ", ArxivId("0704.0001")),
        ("hep-th/9901001", ArxivId("hep-th/9901001")),
        ("math.GT/0309136v2", ArxivId("math.GT/0309136", 2)),
        ("arXiv:math.gt/0309136", ArxivId("math.GT/0309136")),
        ("not an id", None),
        ("2509-26328", None),
        ("", None),
        ("1301.12345678", None),
    ],
)
def test_parse_id(text: str, expected: ArxivId | None) -> None:
    assert parse_id(text) == expected


def test_properties_of_new_style() -> None:
    a = ArxivId("2509.26328", 2)
    assert (a.year, a.month) == (2025, 9)
    assert a.versioned == "2509.26328v2"
    assert str(a) == "2509.26328v2"
    assert a.abs_url == "https://arxiv.org/abs/2509.26328v2"
    assert ArxivId("2509.26328").abs_url == "https://arxiv.org/abs/2509.26328"
    assert not a.old_style
    assert a.primary_class is None


def test_properties_of_old_style() -> None:
    a = ArxivId("math.GT/0309136", 2)
    assert a.old_style
    assert (a.year, a.month) == (2003, 9)
    assert a.primary_class == "math.GT"
    assert ArxivId("hep-th/9901001").year == 1999
    assert ArxivId("hep-th/9108001").year == 1991
    assert a.abs_url == "https://arxiv.org/abs/math.GT/0309136v2"


def test_sort_key_interleaves_styles_chronologically() -> None:
    ids = [
        ArxivId("2509.26328"),
        ArxivId("hep-th/9901001"),
        ArxivId("0704.0001"),
        ArxivId("math.GT/0309136"),
        ArxivId("1412.6980"),
    ]
    ordered = [a.id for a in sorted(ids, key=lambda a: a.sort_key)]
    assert ordered == ["hep-th/9901001", "math.GT/0309136", "0704.0001", "1412.6980", "2509.26328"]


def test_same_paper_in_different_shapes_has_one_id() -> None:
    shapes = [
        "https://arxiv.org/abs/2509.26328",
        "http://arxiv.org/abs/2509.26328v1",
        "https://arxiv.org/pdf/2509.26328v2.pdf",
        "https://www.arxiv.org/html/2509.26328v1",
        "http://export.arxiv.org/abs/2509.26328",
    ]
    assert {p.id for p in map(parse_url, shapes) if p} == {"2509.26328"}
    assert all(parse_url(s) for s in shapes)


@pytest.mark.parametrize(
    ("url", "ident"),
    [
        ("https://doi.org/10.48550/arXiv.2509.26328", "2509.26328"),
        ("https://dx.doi.org/10.48550/ARXIV.2509.26328", "2509.26328"),
        ("https://doi.org/10.48550/arXiv.hep-th/9901001", "hep-th/9901001"),
        ("https://www.google.com/url?q=https://arxiv.org/abs/2509.26328v2&sa=D", "2509.26328v2"),
        (
            "https://l.example/l.php?u=https%3A%2F%2Fhuggingface.co%2Fpapers%2F2509.26328",
            "2509.26328",
        ),
        ("https://www.emergentmind.com/papers/2509.26328", "2509.26328"),
        ("https://www.arxiv-vanity.com/papers/2509.26328/", "2509.26328"),
        ("https://arxiv.org/src/2509.26328", "2509.26328"),
        ("https://www.alphaxiv.org/ko/overview/2509.26328", "2509.26328"),  # a locale first
        ("https://alphaxiv.org/zh-CN/abs/2509.26328v2", "2509.26328v2"),
    ],
)
def test_paper_urls_beyond_arxiv_itself(url: str, ident: str) -> None:
    found = parse_paper_url(url)
    assert found is not None and found.versioned == ident


@pytest.mark.parametrize(
    "url",
    [
        "https://doi.org/10.1145/3600006.3613165",
        "https://doi.org/10.48550/arXiv.2513.00001",
        "https://example.org/go?to=https%3A%2F%2Fexample.org%2Fgo%3Fto%3Dhttps%253A%252F%252Farxiv.org%252Fabs%252F2509.26328",
        "https://example.org/go?to=ftp://arxiv.org/abs/2509.26328",
    ],
)
def test_paper_urls_that_name_no_arxiv_paper(url: str) -> None:
    assert parse_paper_url(url) is None  # one redirect deep, http(s) only


def test_arxiv_dois_in_running_text() -> None:
    assert [
        a.versioned
        for a in find_ids("DOI: 10.48550/arXiv.2509.26328 and doi:10.48550/arxiv.2509.26329v2")
    ] == [
        "2509.26328",
        "2509.26329v2",
    ]
    assert find_ids("10.1234/arXiv.2509.26328 or see arxiv.2509.26328") == []
    assert [a.id for a in find_ids("alphaxiv.org/ko/overview/2509.26328")] == ["2509.26328"]
