"""Property: whatever the posts contain, every document of the book is well-formed XHTML without script."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from digestconv.arxiv import ArxivId
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub import EpubExporter
from digestconv.model import Corpus, Digest, Item, Link, Paper, Section, Site, SourceSpan

STRICT = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
MARKDOWNISH = st.sampled_from(
    [
        "**",
        "*",
        "`",
        "[",
        "](",
        ")",
        "<",
        ">",
        "&",
        "&amp;",
        "&#0;",
        "\n",
        "\n\n",
        "- ",
        "1. ",
        "# ",
        "| a |\n|--|\n| b |",
        "```\n",
        "<script>",
        "]]>",
        "<!--",
        "javascript:",
        "https://x.org/ y",
        "\x00",
        "\ud800",
        "\ufffe",
        "\u202e",
        "가나다",
        " ",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=12), MARKDOWNISH), max_size=8).map("".join)
URL = st.one_of(
    TEXT,
    st.builds(lambda s: f"https://example.org/{s}", TEXT),
    st.sampled_from(["javascript:alert(1)", "https://exa mple.org", "mailto:a@b", "https://[::1"]),
)

items = st.lists(
    st.builds(
        Item,
        text=TEXT,
        label=st.none(),
        label_text=st.one_of(st.none(), TEXT),
        bullet=st.booleans(),
    ),
    max_size=4,
)
sections = st.lists(
    st.builds(
        Section,
        kind=st.sampled_from(["introduction", "method", "other"]),
        heading=TEXT,
        items=items.map(tuple),
        placeholder=st.booleans(),
    ),
    max_size=3,
)
papers = st.lists(
    st.builds(
        Paper,
        rank=st.integers(-5, 10_000),
        title=TEXT,
        url=URL,
        arxiv=st.one_of(st.none(), st.just(ArxivId("2509.26328", 2))),
        anchor=TEXT,
        links=st.lists(st.builds(Link, label=TEXT, url=URL), max_size=2).map(tuple),
        sections=sections.map(tuple),
        authors=st.lists(TEXT, max_size=3).map(tuple),
        affiliations=st.lists(TEXT, max_size=2).map(tuple),
        abstract=st.one_of(st.none(), TEXT),
    ),
    max_size=3,
)
digests = st.lists(
    st.builds(
        Digest,
        source=st.just(SourceSpan("p.md", 1, 2)),
        title=TEXT,
        date=st.datetimes(
            min_value=datetime(1990, 1, 1),
            max_value=datetime(2100, 1, 1),
            timezones=st.just(timezone(timedelta(hours=9))),
        ),
        slug=st.just("s"),
        path=st.just("/s"),
        url=st.one_of(st.none(), URL),
        post_id=TEXT,
        tags=st.lists(TEXT, max_size=3).map(tuple),
        lang=st.one_of(st.none(), st.sampled_from(["ko", "en", "ko_KR", "x y", ""])),
        papers=papers.map(tuple),
        preamble=items.map(tuple),
    ),
    min_size=1,
    max_size=3,
)


@pytest.fixture(scope="module")
def cover(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny user cover, so each example skips drawing the generated one."""
    path = tmp_path_factory.mktemp("cover") / "c.png"
    Image.new("RGB", (20, 30)).save(path)
    return path


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ds=digests, site_title=TEXT, author=st.one_of(st.none(), TEXT))
def test_every_document_is_well_formed_xhtml(
    ds: list[Digest], site_title: str, author: str | None, cover: Path
) -> None:
    corpus = Corpus(Site(title=site_title, author=author, lang=None), tuple(ds))
    data = EpubExporter().export(
        corpus, EpubExporter.Options(cover=cover, title=None), Diagnostics()
    )
    assert isinstance(data, bytes)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert names[0] == "mimetype"
        for name in names:
            if not name.endswith((".xhtml", ".ncx", ".opf")):
                continue
            root = etree.fromstring(zf.read(name), STRICT)
            assert not root.xpath("//*[local-name()='script']"), name
            assert not root.xpath("//@*[starts-with(local-name(), 'on')]"), name
            ids = root.xpath("//@id")
            assert len(ids) == len(set(ids)), name
            assert all(i[:1].isalpha() for i in ids), (name, ids)
            if name.endswith(".xhtml"):
                assert root.tag == "{http://www.w3.org/1999/xhtml}html"
                assert root.get("lang") and root.get("{http://www.w3.org/XML/1998/namespace}lang")
