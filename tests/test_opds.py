"""``digestconv opds``: what the catalog says, where its links lead, and its bytes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from digestconv.cli import cli
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub import EpubExporter
from digestconv.exporters.epub.plan import split_digests
from digestconv.exporters.opds import ATOM_NAME, JSON_NAME, OpdsExporter, OpdsOptions
from digestconv.exporters.opds.published import href
from digestconv.model import Corpus, Publication
from digestconv.options import fields_of, resolve
from digestconv.plugins import Exporter, ExportError

A = "{http://www.w3.org/2005/Atom}"
ACQ = "http://opds-spec.org/acquisition"


def export(corpus: Corpus, **values: object) -> dict[str, bytes]:
    diagnostics = Diagnostics()
    files = OpdsExporter().export(corpus, resolve(OpdsOptions, values), diagnostics)
    assert isinstance(files, dict)
    return files


def atom_links(doc: bytes) -> list[tuple[str, str]]:
    root = etree.fromstring(doc)
    return [(e.get("rel"), e.get("href")) for e in root.iter(f"{A}link")]


def test_is_an_exporter_with_declared_options() -> None:
    assert isinstance(OpdsExporter(), Exporter)
    names = [f.name for f in fields_of(OpdsOptions)]
    assert names == ["catalogs", "split", "title", "catalog_url", "books_url", "links", "covers"]


def test_single_book_catalogs_point_at_digests_epub(samples_corpus: Corpus) -> None:
    files = export(samples_corpus)
    assert sorted(files) == sorted([ATOM_NAME, JSON_NAME, "covers/digests.png"])
    links = atom_links(files[ATOM_NAME])
    base = "https://dailypapers.example.org/"
    assert ("self", base + "opds/catalog.xml") in links
    assert ("start", base + "opds/catalog.xml") in links
    assert ("alternate", base + "opds/catalog.json") in links
    assert (ACQ, "../digests.epub") in links
    doc = json.loads(files[JSON_NAME])
    assert doc["links"][0] == {
        "rel": "self",
        "href": base + "opds/catalog.json",
        "type": "application/opds+json",
    }
    (pub,) = doc["publications"]
    assert pub["links"][0]["href"] == "../digests.epub"
    assert pub["metadata"]["language"] == "ko"
    assert pub["metadata"]["published"] == "2025-10-08"
    assert files["covers/digests.png"].startswith(b"\x89PNG")


@pytest.mark.parametrize("split", ["year", "month"])
def test_split_catalog_lists_the_epub_split_books(samples_corpus: Corpus, split: str) -> None:
    files = export(samples_corpus, split=split)
    periods = [p for p, _ in split_digests(samples_corpus.digests, split)]
    doc = json.loads(files[JSON_NAME])
    hrefs = [p["links"][0]["href"] for p in doc["publications"]]
    assert hrefs == [f"../digests.epub/{p}.epub" for p in reversed(periods)]
    assert doc["metadata"]["numberOfItems"] == len(periods)
    assert {f"covers/{p}.png" for p in periods} <= set(files)
    acquisitions = [h for rel, h in atom_links(files[ATOM_NAME]) if rel == ACQ]
    assert acquisitions == hrefs


def test_the_runs_plan_sets_split_and_names(samples_corpus: Corpus) -> None:
    """The books' split and names come from the run's plan (what build writes), not from
    the catalog re-reading _config.yml."""
    plan = (
        Publication("epub", "books", "application/epub+zip", True, {"split": "month"}),
        Publication("opds", "e", "application/atom+xml", True, {}),
    )
    files = export(Corpus(samples_corpus.site, samples_corpus.digests, plan))
    doc = json.loads(files[JSON_NAME])
    assert doc["links"][0]["href"] == "https://dailypapers.example.org/e/catalog.json"
    assert doc["publications"][0]["links"][0]["href"] == "../books/2025-12.epub"


def test_absolute_links_and_explicit_urls(samples_corpus: Corpus) -> None:
    files = export(
        samples_corpus,
        links="absolute",
        catalog_url="https://cdn.example.net/cat",
        books_url="https://files.example.net/b.epub",
    )
    doc = json.loads(files[JSON_NAME])
    assert doc["links"][0]["href"] == "https://cdn.example.net/cat/catalog.json"
    pub = doc["publications"][0]
    assert pub["links"][0]["href"] == "https://files.example.net/b.epub"
    assert pub["images"][0]["href"] == "https://cdn.example.net/cat/covers/digests.png"


def test_site_without_url_warns_and_refuses_absolute(samples_corpus: Corpus) -> None:
    corpus = Corpus(replace(samples_corpus.site, url=None), samples_corpus.digests)
    diagnostics = Diagnostics()
    files = OpdsExporter().export(corpus, OpdsOptions(), diagnostics)
    assert isinstance(files, dict)
    assert json.loads(files[JSON_NAME])["links"][0]["href"] == "/opds/catalog.json"
    assert any("no url" in d.message for d in diagnostics)
    with pytest.raises(ExportError):
        OpdsExporter().export(corpus, OpdsOptions(links="absolute"), Diagnostics())


def test_one_version_only(samples_corpus: Corpus) -> None:
    atom = export(samples_corpus, catalogs="atom", covers=False)
    assert sorted(atom) == [ATOM_NAME]
    assert not any(rel == "alternate" for rel, _ in atom_links(atom[ATOM_NAME]))
    assert not any(
        rel.startswith("http://opds-spec.org/image") for rel, _ in atom_links(atom[ATOM_NAME])
    )
    assert sorted(export(samples_corpus, catalogs="json")) == [JSON_NAME, "covers/digests.png"]


def test_no_digests_is_an_export_error(samples_corpus: Corpus) -> None:
    with pytest.raises(ExportError):
        OpdsExporter().export(Corpus(samples_corpus.site, ()), OpdsOptions(), Diagnostics())


def test_hostile_text_stays_text(samples_corpus: Corpus) -> None:
    title = 'A <b>&"quote"</b> \x00\x0b ]]> title'
    files = export(samples_corpus, title=title)
    root = etree.fromstring(files[ATOM_NAME])
    assert root.findtext(f"{A}title") == 'A <b>&"quote"</b> ]]> title'
    assert json.loads(files[JSON_NAME])["metadata"]["title"] == 'A <b>&"quote"</b> ]]> title'


@pytest.mark.parametrize(
    ("target", "base", "expected"),
    [
        ("https://h/a/digests.epub", "https://h/a/opds/", "../digests.epub"),
        ("https://h/a/opds/covers/x.png", "https://h/a/opds/", "covers/x.png"),
        ("https://other/x.epub", "https://h/a/opds/", "https://other/x.epub"),
        ("/digests.epub", "/opds/", "../digests.epub"),
        ("https://h/b/", "https://h/a/", "../b/"),
    ],
)
def test_relative_href(target: str, base: str, expected: str) -> None:
    assert href(target, base, relative=True) == expected


def test_deterministic_bytes(samples_corpus: Corpus) -> None:
    assert export(samples_corpus, split="month") == export(samples_corpus, split="month")


def test_cli_and_build_write_the_catalog_beside_the_books(
    samples_site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["opds", str(samples_site), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / ATOM_NAME).is_file() and (out / JSON_NAME).is_file()
    site_out = tmp_path / "site"
    result = CliRunner().invoke(
        cli, ["build", str(samples_site), "-o", str(site_out), "--no-cache", "--only", "epub,opds"]
    )
    assert result.exit_code == 0, result.output
    catalog = site_out / "opds" / ATOM_NAME
    for rel, link in atom_links(catalog.read_bytes()):
        if rel in (ACQ, "http://opds-spec.org/image"):
            assert (catalog.parent / link).resolve().is_file(), link


def test_thumbnails_show_what_the_books_cover_shows(samples_corpus: Corpus) -> None:
    """The thumbnail is drawn with the cover's ASCII-only font: the Korean counts ("5개")
    and the en dash used to vanish from it, leaving "5" and "40" under the title."""
    from digestconv.exporters.epub.books import plan_books
    from digestconv.exporters.epub.write import cover_spec
    from digestconv.exporters.opds.write import cover_parts

    options = resolve(OpdsExporter.Options, {})
    (part,) = cover_parts(samples_corpus, options)
    title, span, details, _footer = part.data
    book = plan_books(samples_corpus, resolve(EpubExporter.Options, {})).books[0]
    spec = cover_spec(samples_corpus.site, book, "ko", None)
    assert (title, span, tuple(details)) == (spec.title, spec.span, spec.details)
    assert span == "2025-10-08 - 2025-12-17"
    assert tuple(details) == ("5 digests", "40 papers")
