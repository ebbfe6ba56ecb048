"""Content hashes that decide whether cached work may be reused.

Kept apart from the cache itself so that exporters (which may cache their parts)
depend on how things are hashed, not on the reader side's storage.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
from pathlib import Path

from digestconv import __version__


def digest_of(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@functools.cache
def code_version(module: str = "digestconv") -> str:
    """The release plus a hash of the package's source files.

    A cache keyed by the release alone would serve an editable install, or a plugin
    whose author forgot to bump its version, results of code that no longer exists.
    """
    spec = importlib.util.find_spec(module)
    origin = spec.origin if spec is not None else None
    if origin is None:
        return __version__
    root = Path(origin).parent
    h = hashlib.sha256(__version__.encode())
    files = sorted(root.rglob("*.py")) if origin.endswith("__init__.py") else [Path(origin)]
    for file in files:
        with contextlib.suppress(OSError):
            h.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return h.hexdigest()
