"""The EPUB exporter without external clients: structure, metadata, ebooklib pitfalls, determinism."""

from __future__ import annotations

import io
import posixpath
import re
import time
import zipfile
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from ebooklib import epub as ebooklib_epub
from lxml import etree
from PIL import Image

from digestconv.arxiv import ArxivId
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub import EpubExporter
from digestconv.exporters.epub.plan import normalize_lang, plan_chapters, split_digests
from digestconv.model import Corpus, Digest, Item, Link, Paper, Section, Site, SourceSpan
from digestconv.plugins import ExportError
from digestconv.text.urls import safe_href

KST = timezone(timedelta(hours=9))
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "epub": "http://www.idpf.org/2007/ops",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def paper(rank: int, title: str, arxiv: str | None = "2509.26328", **kw: object) -> Paper:
    sections = kw.pop(
        "sections",
        (
            Section(
                "introduction",
                "Introduction",
                (
                    Item("본 연구는 효율적인 블록 확산 모델을 제안한다.", "goal", "Goal"),
                    Item(
                        "기존 AR 모델은 **순차적** 디코딩 한계가 있다.", "motivation", "Motivation"
                    ),
                ),
            ),
            Section(
                "method",
                "Method",
                (Item("블록 단위 [병렬](<https://example.org/a b>) 정제.", bullet=False),),
            ),
            Section(
                "limitations", "Limitations", (Item("정보 부족.", bullet=False),), placeholder=True
            ),
        ),
    )
    ax = ArxivId(arxiv) if arxiv else None
    return Paper(
        rank=rank,
        title=title,
        url=ax.abs_url if ax else "https://example.org/paper",
        arxiv=ax,
        anchor=f"{rank}-x",
        links=(Link("Alphaxiv", f"https://www.alphaxiv.org/ko/overview/{arxiv}", "alphaxiv"),),
        sections=sections,  # type: ignore[arg-type]
    )


def digest(day: datetime, papers: tuple[Paper, ...], **kw: object) -> Digest:
    stamp = f"{day:%Y-%m-%d}"
    defaults: dict[str, object] = {
        "source": SourceSpan(f"_posts/{stamp}-daily.md", 1, 40),
        "title": f"Daily Papers — {stamp}",
        "date": day,
        "slug": "daily",
        "path": f"/dailypaper/{day:%Y/%m/%d}/daily/",
        "url": f"https://dp.example.org/dailypaper/{day:%Y/%m/%d}/daily/",
        "post_id": f"/dailypaper/{day:%Y/%m/%d}/daily",
        "tags": ("papers", "논문"),
        "papers": papers,
    }
    defaults.update(kw)
    return Digest(**defaults)  # type: ignore[arg-type]


SITE = Site(
    title="Daily Papers",
    description="매일 읽는 논문",
    url="https://dp.example.org",
    author="홍길동",
    lang="ko",
)


def corpus() -> Corpus:
    return Corpus(
        SITE,
        (
            digest(
                datetime(2025, 10, 8, 8, 15, tzinfo=KST),
                (paper(1, "Fast-dLLM v2"), paper(2, "ShapeGen4D", "2510.06208")),
            ),
            digest(
                datetime(2025, 10, 8, 20, 0, tzinfo=KST),
                (paper(1, "Fast-dLLM v2"),),
                post_id="/second",
            ),
            digest(datetime(2025, 11, 2, 9, 0, tzinfo=KST), ()),
            digest(datetime(2026, 1, 5, 23, 30, tzinfo=KST), (paper(1, "Other", None),)),
        ),
    )


def export(c: Corpus | None = None, **options: object) -> bytes:
    out = EpubExporter().export(c or corpus(), EpubExporter.Options(**options), Diagnostics())
    assert isinstance(out, bytes)
    return out


def files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


@pytest.fixture(scope="module")
def book() -> bytes:
    """The test corpus with its post without papers kept (``--keep-empty``)."""
    return export(keep_empty=True)


@pytest.fixture(scope="module")
def entries(book: bytes) -> dict[str, bytes]:
    return files(book)


@pytest.fixture(scope="module")
def opf(entries: dict[str, bytes]) -> etree._Element:
    return xml(entries["EPUB/content.opf"])


# --------------------------------------------------------------------------- ids and plan


def test_paper_ids_start_with_a_letter_and_never_repeat_across_digests() -> None:
    chapters = plan_chapters(corpus().digests, "ko")
    ids = [r.id for c in chapters for r in c.papers] + [c.stem for c in chapters]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids), ids
    # Two posts on 2025-10-08 → distinct stems, ids derived from dates (stable).
    assert [c.stem for c in chapters] == ["d20251008", "d20251008b", "d20251102", "d20260105"]
    assert chapters[1].papers[0].id == "p20251008b-1"


def test_split_groups_by_year_and_month() -> None:
    d = corpus().digests
    assert [p for p, _ in split_digests(d, "year")] == ["2025", "2026"]
    assert [(p, len(g)) for p, g in split_digests(d, "month")] == [
        ("2025-10", 2),
        ("2025-11", 1),
        ("2026-01", 1),
    ]


def test_split_returns_one_book_per_period() -> None:
    options = EpubExporter.Options(split="month", keep_empty=True)
    out = EpubExporter().export(corpus(), options, Diagnostics())
    assert isinstance(out, Mapping)
    assert sorted(out) == ["2025-10.epub", "2025-11.epub", "2026-01.epub"]
    titles = {}
    for name, data in out.items():
        titles[name] = xml(files(data)["EPUB/content.opf"]).findtext(".//dc:title", namespaces=NS)
    assert titles["2025-11.epub"] == "Daily Papers (2025-11)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ko", "ko"),
        ("ko_KR", "ko-KR"),
        ("en-US", "en-US"),
        ("korean!!", None),
        ("", None),
        (None, None),
    ],
)
def test_language_tags(value: str | None, expected: str | None) -> None:
    assert normalize_lang(value) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2509.26328", "https://arxiv.org/abs/2509.26328"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        (
            "https://example.org/논문?q=한국",
            "https://example.org/%EB%85%BC%EB%AC%B8?q=%ED%95%9C%EA%B5%AD",
        ),
        ("https://exa mple.org/", None),
        ("javascript:alert(1)", None),
        ("https://example.org:99999/", None),
        ("https://example.org/100%", "https://example.org/100%25"),
        ("mailto:a@b.org", "mailto:a@b.org"),
    ],
)
def test_safe_href(url: str, expected: str | None) -> None:
    assert safe_href(url) == expected


# --------------------------------------------------------------------------- container


def test_mimetype_first_stored_and_fixed_dates(book: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        infos = zf.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b""
    assert book[30:38] == b"mimetype"
    assert book[38:58] == b"application/epub+zip"
    # Every entry carries the newest post's time (UTC), never the clock.
    assert {i.date_time for i in infos} == {(2026, 1, 5, 14, 30, 0)}
    assert {i.external_attr for i in infos} == {0o644 << 16}


def test_byte_identical_whatever_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    first = export()
    later = time.time() + 86400 * 400
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(time, "localtime", lambda *a: time.gmtime(later))
    assert export() == first


def test_identifier_is_a_stable_content_uuid(opf: etree._Element) -> None:
    ident = opf.findtext(".//dc:identifier", namespaces=NS)
    assert ident is not None and re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", ident)
    assert opf.get("unique-identifier") == "id"
    other = corpus().digests[:2]
    fewer = xml(files(export(Corpus(SITE, other)))["EPUB/content.opf"])
    assert fewer.findtext(".//dc:identifier", namespaces=NS) != ident


def test_metadata(opf: etree._Element) -> None:
    md = opf.find("opf:metadata", NS)
    assert md is not None
    assert md.findtext("dc:title", namespaces=NS) == "Daily Papers"
    assert md.findtext("dc:language", namespaces=NS) == "ko"
    assert md.findtext("dc:creator", namespaces=NS) == "홍길동"
    assert md.findtext("dc:date", namespaces=NS) == "2026-01-05"
    assert [s.text for s in md.findall("dc:subject", NS)] == ["papers", "논문"]
    modified = md.find("opf:meta[@property='dcterms:modified']", NS)
    assert modified is not None and modified.text == "2026-01-05T14:30:00Z"
    cover_meta = md.find("opf:meta[@name='cover']", NS)
    assert cover_meta is not None
    cover_item = opf.find(f".//opf:item[@id='{cover_meta.get('content')}']", NS)
    assert cover_item is not None and cover_item.get("properties") == "cover-image"


def test_title_option_and_default(opf: etree._Element) -> None:
    titled = xml(files(export(title="  나의   논문집 "))["EPUB/content.opf"])
    assert titled.findtext(".//dc:title", namespaces=NS) == "나의 논문집"


def test_spine_order_and_cover_is_linear(opf: etree._Element) -> None:
    refs = opf.findall(".//opf:spine/opf:itemref", NS)
    assert [r.get("idref") for r in refs] == [
        "cover",
        "titlepage",
        "d20251008",
        "d20251008b",
        "d20251102",
        "d20260105",
        "index",
    ]
    assert all(r.get("linear") in (None, "yes") for r in refs)
    cover_page = opf.find(".//opf:item[@id='cover']", NS)
    assert cover_page is not None and cover_page.get("properties") == "svg"


# --------------------------------------------------------------------------- documents


def documents(entries: dict[str, bytes]) -> dict[str, etree._Element]:
    return {n: xml(d) for n, d in entries.items() if n.endswith(".xhtml")}


def test_every_document_has_lang_stylesheet_that_resolves_and_no_script(
    entries: dict[str, bytes],
) -> None:
    for name, root in documents(entries).items():
        assert root.get("lang") == "ko" and root.get(XML_LANG) == "ko", name
        assert not root.xpath("//x:script | //@*[starts-with(name(), 'on')]", namespaces=NS)
        links = root.findall(".//x:link[@rel='stylesheet']", NS)
        assert links, name
        for link in links:
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(name), link.get("href", ""))
            )
            assert target in entries, (name, link.get("href"))


def test_internal_links_resolve_to_existing_ids(entries: dict[str, bytes]) -> None:
    docs = documents(entries)
    ids = {n: set(r.xpath("//@id")) for n, r in docs.items()}
    for name, root in docs.items():
        for href in root.xpath("//x:a/@href", namespaces=NS):
            if ":" in href:
                continue
            path, _, frag = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
            assert target in entries, (name, href)
            if frag:
                assert frag in ids[target], (name, href)


def test_empty_digest_chapter_is_not_empty_and_body_attributes_survive(
    entries: dict[str, bytes],
) -> None:
    root = xml(entries["EPUB/text/d20251102.xhtml"])
    body = root.find("x:body", NS)
    assert body is not None and body.get(f"{{{NS['epub']}}}type") == "bodymatter"
    assert "논문 항목이 없습니다" in "".join(body.itertext())
    cover_body = xml(entries["EPUB/text/cover.xhtml"]).find("x:body", NS)
    assert cover_body is not None and cover_body.get("class") == "cover"


def test_paper_sections_titles_links_and_placeholders(entries: dict[str, bytes]) -> None:
    root = xml(entries["EPUB/text/d20251008.xhtml"])
    heading = root.find(".//x:h2[@id='p20251008-1']", NS)
    assert heading is not None
    sec = heading.getparent()
    assert sec is not None and sec.get("class") == "paper" and sec.get("id") is None
    title_link = sec.find("x:h2/x:a", NS)
    assert title_link is not None and title_link.get("href") == "https://arxiv.org/abs/2509.26328"
    hrefs = sec.xpath(".//x:a/@href", namespaces=NS)
    assert "https://www.alphaxiv.org/ko/overview/2509.26328" in hrefs
    assert "https://example.org/a%20b" in hrefs  # a link inside an item, made valid
    placeholder = sec.find(".//x:section[@class='summary limitations placeholder']", NS)
    assert placeholder is not None and "정보 부족" in "".join(placeholder.itertext())
    assert sec.find(".//x:strong[@class='label']", NS) is not None


def test_nav_hierarchy_landmarks_hidden_and_plain_labels(entries: dict[str, bytes]) -> None:
    nav = xml(entries["EPUB/nav.xhtml"])
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    assert toc is not None
    top = toc.findall("x:ol/x:li", NS)
    assert len(top) == 6  # title page, 4 digests, index
    papers = top[1].findall("x:ol/x:li/x:a", NS)
    assert [a.get("href") for a in papers] == [
        "text/d20251008.xhtml#p20251008-1",
        "text/d20251008.xhtml#p20251008-2",
    ]
    assert all(len(a) == 0 and (a.text or "").strip() for a in toc.iter(f"{{{NS['x']}}}a"))
    landmarks = nav.find(".//x:nav[@epub:type='landmarks']", NS)
    assert landmarks is not None and landmarks.get("hidden") == "hidden"


def test_ncx_depth_ids_and_uid(entries: dict[str, bytes], opf: etree._Element) -> None:
    ncx = xml(entries["EPUB/toc.ncx"])
    meta = {m.get("name"): m.get("content") for m in ncx.findall("ncx:head/ncx:meta", NS)}
    assert meta["dtb:depth"] == "2"
    assert meta["dtb:uid"] == opf.findtext(".//dc:identifier", namespaces=NS)
    points = ncx.findall(".//ncx:navPoint", NS)
    ids = [p.get("id") for p in points]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z][\w.-]*", i or "") for i in ids)
    assert [int(p.get("playOrder", "0")) for p in points] == list(range(1, len(points) + 1))


def test_index_lists_each_paper_once_with_every_digest(entries: dict[str, bytes]) -> None:
    root = xml(entries["EPUB/text/index.xhtml"])
    items = root.findall(".//x:ul[@class='index']/x:li", NS)
    labels = [li.findtext("x:a", namespaces=NS) for li in items]
    assert labels == ["Fast-dLLM v2", "Other", "ShapeGen4D"]
    fast = items[0].xpath(".//x:span//x:a/@href", namespaces=NS)
    assert fast == ["d20251008.xhtml#p20251008-1", "d20251008b.xhtml#p20251008b-1"]


def test_stylesheet_korean_wrapping_and_no_colours(entries: dict[str, bytes]) -> None:
    css = entries["EPUB/styles/digest.css"].decode()
    for decl in (
        "word-break: keep-all",
        "-epub-word-break: keep-all",
        "overflow-wrap: break-word",
        "line-break: strict",
        "-epub-line-break: strict",
    ):
        assert decl in css
    body = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.search(r"(^|[;{\s])(color|background(-color)?)\s*:", body)
    assert not re.search(r"\d(px|pt)\b", body.replace("1px solid", ""))
    assert "page-break-before" not in body and "break-before" not in body


# --------------------------------------------------------------------------- cover


def test_generated_cover_is_a_png_of_portrait_shape(entries: dict[str, bytes]) -> None:
    with Image.open(io.BytesIO(entries["EPUB/images/cover.png"])) as img:
        assert img.format == "PNG" and img.height > img.width


def test_user_cover_is_kept_and_other_formats_converted(tmp_path: Path) -> None:
    jpg = tmp_path / "c.jpg"
    Image.new("RGB", (60, 90), (10, 20, 30)).save(jpg, format="JPEG")
    got = files(export(cover=jpg))
    assert got["EPUB/images/cover.jpg"] == jpg.read_bytes()
    assert "EPUB/images/cover.png" not in got
    bmp = tmp_path / "c.bmp"
    Image.new("RGB", (60, 90)).save(bmp, format="BMP")
    with Image.open(io.BytesIO(files(export(cover=bmp))["EPUB/images/cover.png"])) as img:
        assert img.size == (60, 90)


def test_unreadable_cover_is_an_export_error(tmp_path: Path) -> None:
    bad = tmp_path / "c.png"
    bad.write_bytes(b"not an image")
    with pytest.raises(ExportError, match="not an image"):
        export(cover=bad)


def test_no_digests_is_an_export_error() -> None:
    with pytest.raises(ExportError):
        EpubExporter().export(Corpus(SITE, ()), EpubExporter.Options(), Diagnostics())


def test_bad_site_language_warns_and_falls_back() -> None:
    diags = Diagnostics()
    c = corpus()
    out = EpubExporter().export(
        Corpus(Site(title="T", lang="korean!!"), c.digests), EpubExporter.Options(), diags
    )
    assert isinstance(out, bytes)
    assert [d.code for d in diags if d.severity == "warning"] == ["export"]
    assert xml(files(out)["EPUB/content.opf"]).findtext(".//dc:language", namespaces=NS) == "ko"


# --------------------------------------------------------------------------- read back


def test_ebooklib_reads_the_book_back(tmp_path: Path, book: bytes) -> None:
    path = tmp_path / "b.epub"
    path.write_bytes(book)
    read = ebooklib_epub.read_epub(str(path))
    assert read.title == "Daily Papers"
    names = [i.get_name() for i in read.get_items_of_type(9)]  # ITEM_DOCUMENT
    assert "text/d20251008.xhtml" in names
    text = " ".join(
        " ".join(etree.fromstring(i.content).itertext()) for i in read.get_items_of_type(9)
    )
    assert "블록 단위 병렬 정제." in " ".join(text.split())
