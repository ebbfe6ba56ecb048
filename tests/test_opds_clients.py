"""Real OPDS clients read the catalogs: Readium's r2-opds-js (Thorium's parser, on Node),
the Palace Project's palace-opds models (strict Pydantic validation of OPDS 2.0), the
RFC 4287 RELAX NG schema and feedparser for the OPDS 1.2 Atom feed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.epub.plan import split_digests
from digestconv.exporters.opds import ATOM_NAME, JSON_NAME, OpdsExporter, OpdsOptions
from digestconv.model import Corpus
from digestconv.options import resolve
from test_publish_tools import NODE_DIR, node_client, palace_python

ACQ = "http://opds-spec.org/acquisition"
SPLITS = ["none", "year", "month"]

# PublicationFeed validates every publication (PublicationFeedNoValidation would not).
# Pydantic's strict mode is not usable with palace's own ISO 8601 type (it refuses every
# JSON string), so "strict" here means: validated, then serialised back by palace to the
# same document — no key ignored, renamed or dropped (publication dates come back as
# midnight UTC datetimes, the only normalisation).
PALACE_CHECK = """
import json, sys
from palace.opds.opds2 import PublicationFeed

def normal(doc):
    for pub in doc["publications"]:
        pub["metadata"]["published"] = pub["metadata"]["published"][:10]
    return doc

for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    feed = PublicationFeed.model_validate_json(raw)
    back = normal(feed.serialize())
    if back != json.loads(raw):
        sys.exit("palace-opds read a different document: " + json.dumps(back, ensure_ascii=False))
    print(json.dumps({
        "title": back["metadata"]["title"],
        "self": feed.links.get(rel="self", raising=True).href,
        "publications": [
            {
                "title": p["metadata"]["title"],
                "language": p["metadata"]["language"],
                "acquisition": [
                    lk["href"] for lk in p["links"] if lk["rel"] == "http://opds-spec.org/acquisition"
                ],
                "images": [i["href"] for i in p["images"]],
            }
            for p in back["publications"]
        ],
    }, ensure_ascii=False))
"""


def catalogs(corpus: Corpus, tmp_path: Path, **values: object) -> dict[str, Path]:
    files = OpdsExporter().export(corpus, resolve(OpdsOptions, values), Diagnostics())
    assert isinstance(files, dict)
    out: dict[str, Path] = {}
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        out[name] = path
    return out


def expected_titles(corpus: Corpus, split: str) -> list[str]:
    title = corpus.site.title or "Daily Papers"
    periods = [p for p, _ in split_digests(corpus.digests, split)]
    return [title if p is None else f"{title} ({p})" for p in reversed(periods)]


def r2_read(kind: str, path: Path) -> dict:  # type: ignore[type-arg]
    run = subprocess.run(
        [*node_client(), str(NODE_DIR / "opds-read.js"), kind, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("split", SPLITS)
def test_r2_opds_js_reads_both_catalogs(samples_corpus: Corpus, tmp_path: Path, split: str) -> None:
    paths = catalogs(samples_corpus, tmp_path, split=split)
    titles = expected_titles(samples_corpus, split)
    for kind, name in (("atom", ATOM_NAME), ("json", JSON_NAME)):
        feed = r2_read(kind, paths[name])
        assert feed["title"] == "Daily Papers"
        rels = {r: link["href"] for link in feed["links"] for r in link["rel"]}
        assert rels["self"] == f"https://dailypapers.example.org/opds/{name}"
        assert rels["start"] == rels["self"]
        assert [p["title"] for p in feed["publications"]] == titles
        for pub in feed["publications"]:
            acq = [lk for lk in pub["links"] if ACQ in lk["rel"]]
            assert len(acq) == 1 and acq[0]["type"] == "application/epub+zip"
            assert acq[0]["href"].startswith("../digests.epub")
            assert pub["language"] == ["ko"]
            assert pub["authors"] == ["Daily Papers"]
            assert pub["modified"] is not None
            assert any(i["type"] == "image/png" for i in pub["images"])
            assert (paths[name].parent / pub["images"][0]["href"]).is_file()


def test_r2_opds_js_reads_the_shared_corpus(shared_corpus: Corpus, tmp_path: Path) -> None:
    paths = catalogs(shared_corpus, tmp_path, split="month")
    titles = expected_titles(shared_corpus, "month")
    for kind, name in (("atom", ATOM_NAME), ("json", JSON_NAME)):
        feed = r2_read(kind, paths[name])
        assert [p["title"] for p in feed["publications"]] == titles


@pytest.mark.parametrize("split", SPLITS)
def test_palace_opds_validates_the_json_losslessly(
    samples_corpus: Corpus, tmp_path: Path, split: str
) -> None:
    python = palace_python()
    paths = catalogs(samples_corpus, tmp_path, split=split)
    run = subprocess.run(
        [python, "-c", PALACE_CHECK, str(paths[JSON_NAME])],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    feed = json.loads(run.stdout)
    assert feed["self"] == "https://dailypapers.example.org/opds/catalog.json"
    assert [p["title"] for p in feed["publications"]] == expected_titles(samples_corpus, split)
    for pub in feed["publications"]:
        assert pub["language"] == "ko"
        assert len(pub["acquisition"]) == 1 and pub["images"]


def test_palace_opds_rejects_a_catalog_without_acquisition(
    samples_corpus: Corpus, tmp_path: Path
) -> None:
    """The validation has teeth: the same catalog without its links fails."""
    python = palace_python()
    paths = catalogs(samples_corpus, tmp_path)
    doc = json.loads(paths[JSON_NAME].read_text())
    doc["publications"][0]["links"] = [{"rel": "alternate", "href": "x", "type": "text/html"}]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc))
    run = subprocess.run(
        [python, "-c", PALACE_CHECK, str(broken)], capture_output=True, text=True, check=False
    )
    assert run.returncode != 0 and "acquisition" in run.stderr


@pytest.mark.parametrize("split", SPLITS)
def test_atom_catalog_is_valid_atom(
    samples_corpus: Corpus, tmp_path: Path, split: str, validators_dir: Path
) -> None:
    paths = catalogs(samples_corpus, tmp_path, split=split)
    schema = etree.RelaxNG(etree.parse(str(validators_dir / "atom.rng")))
    doc = etree.parse(str(paths[ATOM_NAME]))
    assert schema.validate(doc), schema.error_log
    parsed = feedparser.parse(paths[ATOM_NAME].read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == expected_titles(samples_corpus, split)
    for entry in parsed.entries:
        acq = [lk for lk in entry.links if lk.rel == ACQ]
        assert [lk.type for lk in acq] == ["application/epub+zip"]
        assert entry.updated_parsed is not None and entry.author == "Daily Papers"
