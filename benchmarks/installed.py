"""Compiled bytecode for the code being timed, as an installed copy has it.

``pip install`` compiles a package's modules when it installs them; an editable install
compiles them on first import, unless ``PYTHONDONTWRITEBYTECODE`` is set, and then every
command compiles them again: about 0.25 s of imports on a 2-core machine, a tenth of a
400-post cold build, that no user pays.  Timing such a checkout would measure the
compiler, not digestconv.
"""

from __future__ import annotations

import compileall
import importlib.util

PACKAGES = ("digestconv", "digestconv_csljson", "digestconv_idlist")


def compile_installed() -> None:
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)
