"""Security properties of the package: offline by default, no shell, safe YAML only."""

from __future__ import annotations

import ast
import socket
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "digestconv"


def test_suite_runs_offline() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(AssertionError, match="network access attempted"):
            sock.connect(("192.0.2.1", 80))
    finally:
        sock.close()


def _calls(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                names.append(f"{func.value.id}.{func.attr}")
            elif isinstance(func, ast.Name):
                names.append(func.id)
            for kw in node.keywords:
                if kw.arg == "shell" and isinstance(kw.value, ast.Constant) and kw.value.value:
                    names.append("shell=True")
    return names


def test_no_shell_no_eval_no_unsafe_yaml() -> None:
    forbidden = {
        "os.system",
        "os.popen",
        "shell=True",
        "eval",
        "exec",
        "pickle.loads",
        "yaml.unsafe_load",
    }
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = forbidden.intersection(_calls(tree))
        assert not found, f"{path.name}: {found}"
        for node in ast.walk(tree):
            if (
                (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "load"
                )
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "yaml"
            ):
                loader = {kw.arg: kw for kw in node.keywords}.get("Loader")
                assert loader is not None, f"{path.name}: yaml.load without a Loader"
                assert "Safe" in ast.unparse(loader.value) or "_FastLoader" in ast.unparse(
                    loader.value
                )


def test_network_modules_only_in_enrichment() -> None:
    """Only the --enrich code may import an HTTP client."""
    clients = {"arxiv", "requests", "urllib.request", "http.client", "socket"}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
        if imported & clients:
            assert "enrich" in path.name, f"{path.name} imports {imported & clients}"
