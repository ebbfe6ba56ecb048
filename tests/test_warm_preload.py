"""A watching session imports, while it waits, what its first rebuild would import.

Its first build usually finds every part cached and renders none, so the modules that
render parts (and the libraries they load on first use) were imported by the first
rebuild after a save, which was half again as slow as the next ones.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from digestconv.warm import preload

ROOT = Path(__file__).resolve().parents[1]

SESSION = """
import sys, time
from pathlib import Path
from digestconv import cli
from digestconv.warm import Warm, preload

site, out, cache = sys.argv[1:4]
command = cli.cli.get_command(None, "build")
params = command.make_context("build", [site, "-o", out, "--cache-dir", cache, "-q"]).params
warm = Warm()
assert cli._build_once(params, warm) == 0  # the session's first build: every part cached
if sys.argv[4] == "preload":
    preload(warm.exporters.values())
before = set(sys.modules)
post = sorted(Path(site, "_posts").glob("*.md"))[-1]
post.write_text(post.read_text("utf-8").replace("\\n## ", "\\n- Edited.\\n\\n## ", 1), "utf-8")
assert cli._build_once(params, warm) == 0
print("\\n".join(sorted(set(sys.modules) - before)))
"""


@pytest.mark.parametrize("mode", ["preload", "none"])
def test_after_preload_a_rebuild_imports_nothing(
    samples_site: Path, tmp_path: Path, mode: str
) -> None:
    site = tmp_path / "site"
    shutil.copytree(samples_site, site)
    script = tmp_path / "session.py"
    script.write_text(SESSION, encoding="utf-8")
    args = [str(site), str(tmp_path / "out"), str(tmp_path / "cache"), mode]
    build = [sys.executable, "-m", "digestconv", "build", *args[:1], "-o", args[1], "-q"]
    subprocess.run([*build, "--cache-dir", args[2]], check=True)  # a previous session's cache
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=True
    )
    imported = done.stdout.split()
    if mode == "preload":
        assert imported == []
    else:  # what preloading spares the first rebuild: the parts' renderers and libraries
        assert "digestconv.exporters.epub.parts" in imported
        assert "genanki" in imported


def test_a_plugin_module_that_fails_to_import_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "brokenplugin"
    package.mkdir()
    (package / "__init__.py").write_text("class Exporter:\n    pass\n", encoding="utf-8")
    (package / "fine.py").write_text("VALUE = 1\n", encoding="utf-8")
    (package / "broken.py").write_text("raise RuntimeError('no')\n", encoding="utf-8")
    sub = package / "sub"
    sub.mkdir()
    (sub / "__init__.py").write_text("import missing_library_of_nobody\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import brokenplugin

    unloadable = SimpleNamespace(load=lambda: (_ for _ in ()).throw(ImportError("gone")))
    preload([SimpleNamespace(load=lambda: brokenplugin.Exporter), unloadable])  # type: ignore[list-item]
    assert sys.modules["brokenplugin.fine"].VALUE == 1
    assert "brokenplugin.broken" not in sys.modules
    for name in [n for n in sys.modules if n.startswith("brokenplugin")]:
        monkeypatch.delitem(sys.modules, name)


def test_the_core_is_never_walked_as_a_plugin() -> None:
    """A plugin class defined in a module of the core's top package (none is today) does
    not make preload import every module of digestconv."""
    from digestconv.warm import _package

    core = SimpleNamespace(__module__="digestconv.warm")
    assert _package(core) is None  # type: ignore[arg-type]
    script = textwrap.dedent("""
        import sys
        from digestconv.exporters.json import JsonExporter
        from digestconv.warm import _package
        print(_package(JsonExporter).__name__)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    assert done.stdout.strip() == "digestconv.exporters.json", done.stderr
