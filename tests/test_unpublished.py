"""A post whose front matter says ``published: false`` is a draft Jekyll does not publish:
no output shows it, as Jekyll's own feed would not, unless ``--unpublished`` is given."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from digestconv.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def _site(tmp_path: Path) -> tuple[Path, Path]:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "samples", site)
    draft = sorted((site / "_posts").glob("*.md"))[0]
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("---\n", "---\npublished: false\n", 1), encoding="utf-8")
    return site, draft


def _build(site: Path, out: Path, *extra: str) -> str:
    args = ["build", str(site), "-o", str(out), "--no-cache", "--only", "json,feed", *extra]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.output


def _paths(out: Path) -> list[str]:
    return [d["source"]["path"] for d in json.loads((out / "digests.json").read_text())["digests"]]


def test_a_draft_is_in_no_output(tmp_path: Path) -> None:
    site, draft = _site(tmp_path)
    said = _build(site, tmp_path / "out", "-v")
    assert f"{draft}:2:1: note: published: false" in said
    paths = _paths(tmp_path / "out")
    assert len(paths) == 4 and str(draft) not in paths
    feed = (tmp_path / "out" / "feed.xml").read_text(encoding="utf-8")
    assert "2025/10/08" not in feed
    assert feed.count("<entry") == 4


def test_unpublished_exports_it(tmp_path: Path) -> None:
    site, draft = _site(tmp_path)
    _build(site, tmp_path / "out", "--unpublished")
    assert str(draft) in _paths(tmp_path / "out")
    assert "2025/10/08" in (tmp_path / "out" / "feed.xml").read_text(encoding="utf-8")


def test_a_default_can_make_posts_drafts(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "samples", site)
    cfg = site / "_config.yml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8")
        + "\ndefaults:\n  - scope:\n      path: _posts\n    values:\n      published: false\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["json", str(site)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["digests"] == []
