"""The example reader plugin through digestconv's public API: discovery, detection, reading."""

from __future__ import annotations

from pathlib import Path

import pytest
from digestconv.diagnostics import Diagnostics
from digestconv.reader import read_paths
from digestconv.readers import Source, discover_readers, pick_reader

from digestconv_idlist import IdListReader

LIST = """# Reading list, 2026-03-24

2510.26788  Defeating the Training-Inference Mismatch via FP16
arXiv:2510.27492v2 — ThinkMorph: Emergent Properties in Multimodal Reasoning
2510.26887 | The Denario project
"""


def test_registered_through_the_entry_point_group() -> None:
    readers = discover_readers()
    assert readers["idlist"].origin.startswith("digestconv-idlist")
    assert readers["digest"].origin == "built-in"
    assert readers["idlist"].load() is IdListReader


def test_detect_claims_id_lists_only() -> None:
    reader = IdListReader()
    assert reader.detect(Source("a.md", LIST)) > 0.5
    digest_post = "# 1. [T](https://arxiv.org/abs/2509.26328)\n\n## Method\n\ntext\n"
    assert reader.detect(Source("b.md", digest_post)) == 0.0
    assert pick_reader(Source("a.md", LIST)).name == "idlist"
    assert pick_reader(Source("b.md", digest_post)).name == "digest"


def test_reads_ids_titles_and_versions() -> None:
    body = IdListReader().read(Source("a.md", LIST, first_line=5), None, Diagnostics())
    assert [p.title for p in body.papers] == [
        "Defeating the Training-Inference Mismatch via FP16",
        "ThinkMorph: Emergent Properties in Multimodal Reasoning",
        "The Denario project",
    ]
    assert [str(p.arxiv) for p in body.papers] == ["2510.26788", "2510.27492v2", "2510.26887"]
    assert body.papers[0].source is not None and body.papers[0].source.line == 7
    assert body.first_heading == "Reading list, 2026-03-24"


def test_a_plain_folder_of_lists_reads_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "2026-03-24.md").write_text(LIST, encoding="utf-8")
    result = read_paths([str(tmp_path)])
    assert not result.diagnostics.failed()
    (digest,) = result.corpus.digests
    assert digest.title == "Reading list, 2026-03-24" and len(digest.papers) == 3
    note = next(d for d in result.diagnostics if d.code == "reader")
    assert "'idlist'" in note.message and "3 entries" in note.message


def test_a_failing_reader_is_an_error_of_that_post_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(self: IdListReader, source: Source, options: object, d: Diagnostics) -> None:
        raise ValueError("bad line")

    monkeypatch.setattr(IdListReader, "read", boom)
    (tmp_path / "2026-03-24.md").write_text(LIST, encoding="utf-8")
    result = read_paths([str(tmp_path)])
    (err,) = [d for d in result.diagnostics if d.severity == "error"]
    assert err.code == "reader" and "ValueError: bad line" in err.message
    assert result.corpus.digests == ()
