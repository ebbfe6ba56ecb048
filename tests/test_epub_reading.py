"""What a reader of the book meets: navigation, languages, accessibility metadata, people.

Built from small models so each behaviour shows on its own: posts without papers left
out, the table of contents grouped by month for big books, ``lang`` on text in the other
script, roles matching ``epub:type``, EPUB Accessibility metadata, the site's Markdown
description as text, distinct subjects, authors and abstracts, and a cover whose bytes
do not depend on the machine's fonts.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from tests.test_epub_unit import KST, NS, SITE, XML_LANG, corpus, digest, export, paper
from tests.test_publish_tools import require

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub import EpubExporter, cover
from digestconv.exporters.epub.subjects import distinct_subjects
from digestconv.model import Corpus

EPUB_TYPE = f"{{{NS['epub']}}}type"


def files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


@pytest.fixture(scope="module")
def entries() -> dict[str, bytes]:
    return files(export())


def test_posts_without_papers_are_left_out_with_a_note() -> None:
    diagnostics = Diagnostics()
    data = EpubExporter().export(corpus(), EpubExporter.Options(), diagnostics)
    assert isinstance(data, bytes)
    names = files(data)
    assert "EPUB/text/d20251102.xhtml" not in names
    assert "EPUB/text/d20251008.xhtml" in names
    notes = [d.message for d in diagnostics if d.severity == "note"]
    assert any("without papers left out" in n and "--keep-empty" in n for n in notes), notes
    kept = files(export(keep_empty=True))
    assert "EPUB/text/d20251102.xhtml" in kept


def test_a_site_whose_posts_have_no_papers_still_gets_its_book() -> None:
    only_empty = Corpus(SITE, (digest(datetime(2025, 11, 2, 9, tzinfo=KST), ()),))
    assert "EPUB/text/d20251102.xhtml" in files(export(only_empty))


def _big_corpus(n: int) -> Corpus:
    start = datetime(2025, 10, 20, 8, tzinfo=KST)
    return Corpus(
        SITE,
        tuple(
            digest(start + timedelta(days=i), (paper(1, f"Paper {i}", f"2510.{i:05d}"),))
            for i in range(n)
        ),
    )


def test_a_big_book_groups_its_contents_by_month() -> None:
    names = files(export(_big_corpus(40)))
    nav = xml(names["EPUB/nav.xhtml"])
    top = nav.findall(".//x:nav[@id='toc']/x:ol/x:li", NS)
    labels = [("".join(li[0].itertext()), etree.QName(li[0]).localname) for li in top]
    assert labels[1:-1] == [("2025-10", "span"), ("2025-11", "span")]
    october = top[1].findall("x:ol/x:li", NS)
    assert len(october) == 12 and len(top[2].findall("x:ol/x:li", NS)) == 28
    ncx = xml(names["EPUB/toc.ncx"])
    orders = {}
    for point in ncx.iter(f"{{{NS['ncx']}}}navPoint"):
        src = point.find("ncx:content", NS).get("src")  # type: ignore[union-attr]
        orders.setdefault(src, set()).add(point.get("playOrder"))
    assert all(len(v) == 1 for v in orders.values())  # one target, one playOrder
    assert sorted(int(next(iter(v))) for v in orders.values()) == list(range(1, len(orders) + 1))
    small = xml(files(export(_big_corpus(31)))["EPUB/nav.xhtml"])
    assert not small.findall(".//x:nav[@id='toc']//x:span", NS)


def test_toc_targets_are_the_headings(entries: dict[str, bytes]) -> None:
    nav = xml(entries["EPUB/nav.xhtml"])
    for href in nav.xpath("//x:nav[@id='toc']//x:a/@href", namespaces=NS):
        path, _, frag = href.partition("#")
        if not frag:
            continue
        target = xml(entries["EPUB/" + path]).xpath(f"//*[@id='{frag}']")
        assert target and etree.QName(target[0]).localname in ("h1", "h2"), href


def test_roles_match_epub_types(entries: dict[str, bytes]) -> None:
    chapter = xml(entries["EPUB/text/d20251008.xhtml"])
    sections = chapter.xpath("//*[@epub:type='chapter']", namespaces=NS)
    assert sections and all(s.get("role") == "doc-chapter" for s in sections)
    toc = xml(entries["EPUB/nav.xhtml"]).find(".//x:nav[@epub:type='toc']", NS)
    assert toc is not None and toc.get("role") == "doc-toc"


def test_accessibility_metadata(entries: dict[str, bytes]) -> None:
    opf = xml(entries["EPUB/content.opf"])
    assert opf.get(XML_LANG) == "ko"
    meta: dict[str, list[str]] = {}
    for m in opf.findall(".//opf:meta[@property]", NS):
        meta.setdefault(m.get("property", ""), []).append(m.text or "")
    assert meta["schema:accessMode"] == ["textual", "visual"]
    assert meta["schema:accessModeSufficient"] == ["textual"]
    assert {"tableOfContents", "index", "structuralNavigation"} <= set(
        meta["schema:accessibilityFeature"]
    )
    assert meta["schema:accessibilityHazard"] == ["none"]
    assert meta["schema:accessibilitySummary"][0].strip()
    assert "dcterms:conformsTo" not in meta  # no conformance is claimed that no one checked


def test_text_in_the_other_script_carries_its_language() -> None:
    korean = Corpus(SITE, (digest(datetime(2025, 10, 8, tzinfo=KST), (paper(1, "Fast-dLLM v2"),)),))
    names = files(export(korean))
    heading = xml(names["EPUB/text/d20251008.xhtml"]).find(".//x:h2[@class='paper-title']", NS)
    assert heading is not None and heading.get("lang") == "en" and heading.get(XML_LANG) == "en"
    items = xml(names["EPUB/text/d20251008.xhtml"]).findall(".//x:li", NS)
    assert items and all(li.get("lang") is None for li in items)  # Korean items: the book's
    nav_label = xml(names["EPUB/nav.xhtml"]).xpath(
        "//x:a[@href='text/d20251008.xhtml#p20251008-1']", namespaces=NS
    )
    assert nav_label[0].get("lang") == "en"
    english = Corpus(
        replace(SITE, lang="en"),
        (digest(datetime(2025, 10, 8, tzinfo=KST), (paper(1, "한국어 논문 제목"),)),),
    )
    doc = xml(files(export(english))["EPUB/text/d20251008.xhtml"])
    assert doc.get("lang") == "en"
    heading = doc.find(".//x:h2[@class='paper-title']", NS)
    assert heading is not None and heading.get("lang") == "ko"


def test_title_page_and_description_are_plain_text() -> None:
    site = replace(SITE, description="A *simple* theme. Based on [folio](https://x.example/f).")
    names = files(export(Corpus(site, corpus().digests)))
    opf = xml(names["EPUB/content.opf"])
    expected = "A simple theme. Based on folio."
    assert opf.findtext(".//dc:description", namespaces=NS) == expected
    title_page = xml(names["EPUB/text/titlepage.xhtml"])
    assert title_page.findtext(".//x:p[@class='subtitle']", namespaces=NS) == expected


def test_subjects_have_no_duplicates_or_near_duplicates() -> None:
    tags = ["Papers", "papers", "paper", "daily-papers", "Daily Papers", "huggingface"]
    tags += ["hugginface", "huggingface", "ai", "AI", "논문", "vision", "diffusion", "fusion"]
    assert distinct_subjects(tags) == (
        "Papers",
        "daily-papers",
        "huggingface",
        "ai",
        "논문",
        "vision",
        "diffusion",
        "fusion",
    )


def _one_edit(a: str, b: str) -> bool:
    """The plain definition the subjects' index must agree with."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _subjects_by_comparison(tags: list[str]) -> tuple[str, ...]:
    """Each new key compared with every family's first key: quadratic, but plainly right."""
    from collections import Counter

    from digestconv.exporters.epub.subjects import _TYPO_LENGTH, _key

    families: list[tuple[str, Counter[str]]] = []  # (first key, spellings), in order
    family_of: dict[str, Counter[str]] = {}
    for text in (" ".join(tag.split()) for tag in tags):
        key = _key(text)
        if key and key not in family_of:
            typo = len(key) >= _TYPO_LENGTH
            near = [c for first, c in families if typo and _one_edit(first, key)]
            if not near:
                families.append((key, Counter()))
            family_of[key] = near[0] if near else families[-1][1]
        if key:
            family_of[key][text] += 1
    return tuple(spellings.most_common(1)[0][0] for _, spellings in families)


@given(st.lists(st.text(alphabet="abcAB s-", min_size=0, max_size=9), max_size=40))
@settings(max_examples=300, deadline=None)
def test_subjects_agree_with_comparing_every_pair(tags: list[str]) -> None:
    assert distinct_subjects(tags) == _subjects_by_comparison(tags)


def test_a_thousand_numbered_tags_merge_as_comparing_every_pair_does() -> None:
    tags = [f"topic{i:04d}" for i in range(1_000)] + ["Topic0001", "topics0002"]
    assert distinct_subjects(tags) == _subjects_by_comparison(tags)


def test_authors_affiliations_and_abstract_are_shown() -> None:
    p = replace(
        paper(1, "Fast-dLLM v2"),
        authors=("Chengyue Wu", "홍길동", "et al."),
        affiliations=("NVIDIA", "서울대학교"),
        abstract="We present **Fast-dLLM v2**, a block diffusion model.",
    )
    c = Corpus(SITE, (digest(datetime(2025, 10, 8, tzinfo=KST), (p,)),))
    doc = xml(files(export(c))["EPUB/text/d20251008.xhtml"])
    authors = doc.find(".//x:p[@class='authors']", NS)
    assert authors is not None
    assert "".join(authors.itertext()) == "저자: Chengyue Wu, 홍길동, et al."
    names = authors.findall("x:span", NS)
    assert [n.get("lang") for n in names] == ["en", None, "en"]
    affiliations = doc.find(".//x:p[@class='affiliations']", NS)
    assert affiliations is not None and "서울대학교" in "".join(affiliations.itertext())
    abstract = doc.find(".//x:section[@class='abstract']", NS)
    assert abstract is not None and abstract.findtext("x:h3", namespaces=NS) == "초록"
    assert abstract.find(".//x:strong", NS) is not None  # the Markdown is rendered
    assert "block diffusion model" in "".join(abstract.itertext())
    bare = xml(files(export(corpus()))["EPUB/text/d20251008.xhtml"])
    assert bare.find(".//x:p[@class='authors']", NS) is None
    assert bare.find(".//x:section[@class='abstract']", NS) is None


def test_cover_bytes_do_not_depend_on_the_fonts_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The book built where a Hangul font is found and where none is: the same bytes."""
    cover.find_hangul_font.cache_clear()
    monkeypatch.setattr(cover, "_KNOWN_FONTS", ())
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-list
    monkeypatch.delenv("DIGESTCONV_COVER_FONT", raising=False)
    assert cover.find_hangul_font() is None
    bare = export()
    cover.find_hangul_font.cache_clear()
    monkeypatch.undo()
    share = Path("/usr/share/fonts")
    fonts = sorted(share.rglob("*.tt[fc]")) if share.is_dir() else []
    if fonts:  # whatever font the machine has, named as the cover font
        monkeypatch.setenv("DIGESTCONV_COVER_FONT", str(fonts[0]))
    require(cover.find_hangul_font() is not None, "a font with Hangul (fonts-noto-cjk)")
    try:
        assert export() == bare
    finally:
        cover.find_hangul_font.cache_clear()
