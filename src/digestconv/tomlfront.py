"""TOML front matter (``+++`` … ``+++``), as Hugo writes it.

Plain folders of Markdown are often a Hugo site's ``content/``: their posts carry
their title, date and tags in TOML.  Jekyll would not publish such a file, so the
post stays a plain digest (no permalink); only its facts come from the TOML.
The text is untrusted: it is parsed by the standard library's TOML parser, which
builds only plain values, and a parse that fails (or nests too deep) is a
diagnostic with the file line, never a traceback.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the suite runs on 3.11+
    import tomli as tomllib

_OPEN = re.compile(r"\+\+\+[ \t]*\r?\n")
_CLOSE = re.compile(r"(?m)^\+\+\+[ \t]*(?:\r?\n|\Z)")
_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class TomlFront:
    """The front matter's values, the body after it and the body's first file line."""

    values: dict[str, Any]
    body: str
    body_line: int


@dataclass
class TomlError(Exception):
    """Why the front matter was refused, with its 1-based file position."""

    message: str
    line: int
    col: int


def detect(text: str) -> bool:
    return _OPEN.match(text) is not None


def split(text: str) -> TomlFront:
    """The front matter of a text that :func:`detect` accepted.

    Raises :class:`TomlError` for an unclosed block, invalid TOML or a value nested
    beyond what the parser can hold.
    """
    opening = _OPEN.match(text)
    assert opening is not None
    closing = _CLOSE.search(text, opening.end())
    if closing is None:
        raise TomlError("TOML front matter has no closing +++", 1, 1)
    source = text[opening.end() : closing.start()]
    try:
        values = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        at = _AT.search(str(exc))
        if at is not None:
            line, col = int(at.group(1)) + 1, int(at.group(2))
        else:  # "at end of document": where the closing +++ is
            line, col = source.count("\n") + 2, 1
        reason = _AT.sub("", str(exc)).strip().rstrip(".")
        raise TomlError(f"invalid TOML front matter: {reason}", line, col) from None
    except RecursionError:
        raise TomlError("TOML front matter is nested too deeply", 2, 1) from None
    body_line = text[: closing.end()].count("\n") + 1
    return TomlFront(values, text[closing.end() :], body_line)


def local_times(values: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """Top-level TOML local date-times placed in the site's zone, as Hugo reads them
    (YAML's offset-less times are UTC in Jekyll; TOML says these are local)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            out[key] = value.replace(tzinfo=zone)
        elif isinstance(value, time):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out
