"""The code style gates of the project run with the suite: ruff and mypy --strict."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_ruff_check() -> None:
    result = _run("ruff", "check", "--quiet", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", "--quiet", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    # The example plugins and the benchmarks too: a benchmark that no longer type-checks
    # against the exporters' options had stopped running.
    plugins = sorted([*ROOT.glob("exporters/*/src"), *ROOT.glob("readers/*/src")])
    trees = ["src", *(str(p.relative_to(ROOT)) for p in plugins), "benchmarks"]
    result = _run(sys.executable, "-m", "mypy", "--strict", *trees)
    assert result.returncode == 0, result.stdout + result.stderr
