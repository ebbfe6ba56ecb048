"""Finding the real clients the publishing tests run, with one rule for a missing one.

In CI (``CI`` set) every client is installed by ``.ci/setup``, so a missing client is a
failure there, never a silent skip; on a developer's machine the test is skipped and
says what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / "node"
TOOLS = Path(os.environ.get("DIGESTCONV_TOOLS", Path.home() / ".cache" / "digestconv-tools"))
PALACE_PYTHON = TOOLS / "palace" / "bin" / "python"


def require(ok: bool, what: str) -> None:
    if ok:
        return
    message = f"{what} is not installed (./.ci/setup installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def tool(name: str) -> str:
    """An executable beside this interpreter (a venv's bin) or on PATH."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    require(found is not None, name)
    assert found is not None
    return found


def node_client() -> list[str]:
    """``node`` with the pinned packages of tests/node (``npm ci`` there)."""
    node = shutil.which("node")
    require(node is not None, "node")
    require(
        (NODE_DIR / "node_modules" / "r2-opds-js").is_dir(), "r2-opds-js (npm ci in tests/node)"
    )
    assert node is not None
    return [node]


def palace_python() -> str:
    """An interpreter that imports palace-opds: this one, or the side environment
    ``.ci/setup`` makes for it (palace-opds needs Python 3.12 or newer)."""
    candidates = [sys.executable, str(PALACE_PYTHON)]
    for python in candidates:
        if not Path(python).exists():
            continue
        probe = subprocess.run(
            [python, "-c", "import palace.opds.opds2"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return python
    require(False, "palace-opds (Python 3.12+)")
    raise AssertionError("unreachable")


def test_a_missing_client_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require(False, "a client")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        require(False, "a client")
