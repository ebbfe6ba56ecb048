"""Run the real ``digestconv`` command in-process and collect what it wrote.

The suite exports the same three inputs through a dozen exporter variants, so
``memoized_reader`` lets the variants of one input share one reading (the
reader has its own robustness tests); everything after reading is the real
CLI path: option parsing, the exporter, atomic writing.

Also a script: ``python running.py INPUT OUT VARIANTS_JSON`` exports every
variant into ``OUT/<variant id>/`` in a fresh process, which the suite starts
with another ``PYTHONHASHSEED`` to prove outputs do not depend on hash order.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Variant = tuple[str, tuple[str, ...]]
"""(exporter name, extra command-line options)."""


def variant_id(variant: Variant) -> str:
    name, args = variant
    return "-".join([name, *(a.lstrip("-") for a in args)])


@dataclass
class Run:
    """One CLI invocation: status, messages, the files written and the time it took."""

    exit_code: int
    stderr: str
    files: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0
    traceback: str | None = None

    @property
    def total_bytes(self) -> int:
        return sum(len(d) for d in self.files.values())


@contextmanager
def memoized_reader(memo: dict[Any, Any] | None = None) -> Iterator[dict[Any, Any]]:
    """``read_paths`` answers repeated questions from ``memo`` while the block runs."""
    from digestconv import reader

    real: Callable[..., Any] = reader.read_paths
    memo = {} if memo is None else memo

    def cached(paths: Sequence[str], **kwargs: Any) -> Any:
        key = (tuple(str(p) for p in paths), tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
        if key not in memo:
            memo[key] = real(paths, **kwargs)
        return memo[key]

    reader.read_paths = cached  # type: ignore[assignment]
    try:
        yield memo
    finally:
        reader.read_paths = real  # type: ignore[assignment]


def collect(out: Path) -> dict[str, bytes]:
    """What the command left at ``-o``: one file, or every file under a folder."""
    if out.is_file():
        return {out.name: out.read_bytes()}
    if out.is_dir():
        return {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file()
        }
    return {}


def invoke(args: Sequence[str]) -> tuple[int, str, str | None, float]:
    """The CLI in-process: (exit status, stderr, traceback if it raised, seconds)."""
    from click.testing import CliRunner

    from digestconv.cli import cli

    started = time.monotonic()
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    seconds = time.monotonic() - started
    tb = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        tb = "".join(traceback.format_exception(*result.exc_info))
    return result.exit_code, result.stderr, tb, seconds


def export(variant: Variant, source: Path, out: Path) -> Run:
    """``digestconv NAME SOURCE -o OUT ARGS...`` and the files it wrote."""
    name, args = variant
    out.parent.mkdir(parents=True, exist_ok=True)
    code, stderr, tb, seconds = invoke([name, str(source), "-o", str(out), *args])
    return Run(code, stderr, collect(out), seconds, tb)


def main(argv: Sequence[str]) -> int:
    source, out, variants = Path(argv[0]), Path(argv[1]), json.loads(argv[2])
    with memoized_reader():
        for name, args in variants:
            variant = (name, tuple(args))
            run = export(variant, source, out / variant_id(variant) / "out")
            if run.exit_code != 0 or run.traceback:
                print(variant_id(variant), run.exit_code, run.stderr, run.traceback)
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
