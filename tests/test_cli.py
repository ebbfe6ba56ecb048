"""The CLI contract of DESIGN.md: lazy subcommands, exit statuses, atomic and all-or-nothing output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from digestconv.cli import cli

GOOD = """---
title: t
date: 2025-10-08 08:15:00
tags: [a, b]
---
# 1. [Paper](https://arxiv.org/abs/2509.26328)

## Method
방법.
"""
BAD = "---\ntitle: t\ndate: someday\n---\n# 1. [P](https://arxiv.org/abs/2509.00001)\n"

FAKE_PLUGIN = """
from dataclasses import dataclass
from typing import ClassVar
from digestconv.options import option
from digestconv.plugins import OutputSpec

@dataclass(frozen=True)
class BinOptions:
    marker: int = option(0, "The first byte.", min=0, max=255)

class Bin:
    name: ClassVar[str] = "fakebin"
    description = "A binary test format."
    Options = BinOptions
    build_targets = ()
    cost = 1
    def outputs(self, options):
        return OutputSpec(".bin", "application/octet-stream", binary=True)
    def export(self, corpus, options, diagnostics):
        return bytes([options.marker]) + str(len(corpus.digests)).encode()
"""


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    folder = tmp_path / "_posts"
    folder.mkdir()
    (folder / "2025-10-08-good.md").write_text(GOOD, encoding="utf-8")
    (folder / "2025-10-09-bad.md").write_text(BAD, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fake installed distribution with one working and one broken exporter."""
    root = tmp_path_factory.mktemp("plugins")
    (root / "fakeplug.py").write_text(FAKE_PLUGIN)
    info = root / "fakeplug-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplug\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[digestconv.exporters]\nfakebin = fakeplug:Bin\nbroken = no_such_module_xyz:Exporter\n"
    )
    return root


def sub(
    args: list[str], plugin_path: Path | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if plugin_path is not None:
        env["PYTHONPATH"] = str(plugin_path) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "digestconv", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        **kw,  # type: ignore[call-overload]
    )


def test_help_imports_no_exporter() -> None:
    code = (
        "import sys\nfrom digestconv.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('digestconv.exporters.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "Commands:" in out and "bibtex" in out
    assert out.strip().endswith("[]")


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("digestconv, version ")


def test_json_to_stdout_matches_model(samples_site: Path) -> None:
    code, out, err = run("json", str(samples_site))
    assert code == 0, err
    doc = json.loads(out)
    assert [len(d["papers"]) for d in doc["digests"]] == [8, 8, 6, 9, 9]


def test_input_error_writes_nothing_and_keeps_existing_output(posts: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("OLD")
    code, _, err = run("json", str(posts), "-o", str(out))
    assert code == 1
    assert (
        "2025-10-09-bad.md:3:1: error: cannot read the date 'someday'" in err
        and "[bad-date]" in err
    )
    assert out.read_text() == "OLD"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.json")]


def test_keep_going_exports_the_valid_posts_and_exits_1(posts: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    code, _, _ = run("json", str(posts), "--keep-going", "-o", str(out))
    assert code == 1
    assert [d["slug"] for d in json.loads(out.read_text())["digests"]] == ["good"]


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    post = tmp_path / "2025-10-08-x.md"
    post.write_text(GOOD.replace("방법.", "방법\x07."), encoding="utf-8")
    assert run("json", str(post))[0] == 0
    code, _, err = run("json", str(post), "--strict")
    assert code == 1 and "error: removed 1 control character" in err


def test_filters(samples_site: Path) -> None:
    code, out, _ = run("json", str(samples_site), "--since", "2025-11-01", "--until", "2025-12-10")
    assert code == 0
    assert [d["date"][:10] for d in json.loads(out)["digests"]] == ["2025-11-27", "2025-12-03"]
    code, out, _ = run("json", str(samples_site), "--tag", "nope")
    assert json.loads(out)["digests"] == []


def test_stdin(samples_site: Path) -> None:
    text = (samples_site / "_posts" / "2025-10-08-daily-papers.md").read_text(encoding="utf-8")
    code, out, _ = run("json", "-", input=text)
    assert code == 0 and len(json.loads(out)["digests"][0]["papers"]) == 8


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("json")[0] == 2
    assert run("json", "x", "--since", "yesterday")[0] == 2
    assert run("nosuchformat")[0] == 2


def test_unchanged_output_is_not_rewritten(samples_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    assert run("json", str(samples_site), "-o", str(out))[0] == 0
    os.utime(out, (1, 1))
    assert run("json", str(samples_site), "-o", str(out))[0] == 0
    assert out.stat().st_mtime == 1


def test_check_reports_notes_and_summary(samples_site: Path, tmp_path: Path) -> None:
    code, _, err = run("check", str(samples_site))
    assert code == 0 and "5 post(s), 5 read, 40 paper(s): 0 error(s)" in err
    bad = tmp_path / "2025-01-01-b.md"
    bad.write_text(BAD)
    code, _, err = run("check", str(bad))
    assert code == 1 and "[bad-date]" in err


def test_plugins_are_listed_and_a_broken_one_fails_alone(
    plugin_path: Path, samples_site: Path, tmp_path: Path
) -> None:
    formats = sub(["formats"], plugin_path)
    assert "exporter\tfakebin\tA binary test format.\tfakeplug 1.0" in formats.stdout
    assert "exporter\tbroken\tfailed to load: ModuleNotFoundError" in formats.stdout
    assert "exporter\tjson\tThe intermediate model" in formats.stdout
    broken = sub(["broken", str(samples_site)], plugin_path)
    assert (
        broken.returncode == 1 and "[plugin]" in broken.stderr and "Traceback" not in broken.stderr
    )
    assert sub(["json", str(samples_site)], plugin_path).returncode == 0
    # binary formats refuse the terminal and need -o
    nob = sub(["fakebin", str(samples_site)], plugin_path)
    assert nob.returncode == 2 and "-o" in nob.stderr
    out = tmp_path / "x.bin"
    assert sub(["fakebin", str(samples_site), "-o", str(out)], plugin_path).returncode == 0
    assert out.read_bytes() == b"\x005"
    # the plugin's declared option, on the command line
    assert (
        sub(["fakebin", str(samples_site), "--marker", "7", "-o", str(out)], plugin_path).returncode
        == 0
    )
    assert out.read_bytes() == b"\x075"
    bad = sub(["fakebin", str(samples_site), "--marker", "300", "-o", str(out)], plugin_path)
    assert bad.returncode == 2 and "--marker" in bad.stderr


def test_discovery_reads_the_metadata_once_per_import_path(
    plugin_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build looks up exporters and readers: one scan of the installed distributions
    serves both, and a changed import path (a plugin made importable later) is scanned
    again."""
    import importlib.metadata

    from digestconv import plugins

    scans: list[int] = []
    real = importlib.metadata.entry_points

    def counted() -> object:
        scans.append(1)
        return real()

    monkeypatch.setattr(plugins, "entry_points", counted)
    plugins._entry_points.cache_clear()
    assert "fakebin" not in plugins.discover()
    plugins.discover(plugins.READERS)
    assert len(scans) == 1
    monkeypatch.syspath_prepend(str(plugin_path))
    assert "fakebin" in plugins.discover()
    assert len(scans) == 2
    plugins._entry_points.cache_clear()
