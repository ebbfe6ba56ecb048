"""Diagnostics in the ``path:line:col: severity: message [code]`` shape editors understand.

Every problem the reader or an exporter finds becomes a Diagnostic instead of
an exception, so one bad post never hides the others and nothing is dropped
without a word.  Codes are stable (documented in README) so CI scripts may
grep for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "note"]

CODES: dict[str, str] = {
    # input files
    "io-error": "a file or folder could not be read",
    "not-found": "an input path does not exist",
    "symlink-loop": "a symbolic link points back into a folder already being read",
    "symlink-outside": "a symbolic link in a posts folder leads outside it; not followed",
    "no-posts": "a folder or site holds no post files",
    "encoding": "the file is not valid UTF-8 (or UTF-16 with a BOM)",
    "control-char": "control characters (NUL, C0/C1, lone surrogates) were removed",
    "not-a-post": "a file in _posts/ without a YYYY-MM-DD-slug name; Jekyll skips it, so do we",
    "not-a-digest": "a plain Markdown file with no date and no paper entries (a README); skipped",
    "unpublished": "the front matter says published: false; Jekyll skips the post, so do we",
    # front matter
    "front-matter-unclosed": "the front matter has no closing ---",
    "no-front-matter": "the file has no front matter; Jekyll would not treat it as a post",
    "yaml-syntax": "the front matter is not valid YAML",
    "yaml-unsafe": "the front matter asks YAML to construct an object (only plain data is read)",
    "yaml-aliases": "the front matter uses more YAML aliases than a post can need",
    "toml-syntax": "TOML front matter (+++) that is invalid, nested too deep or never closed",
    "front-matter-type": "the front matter is not a mapping, or a key has the wrong type",
    "bad-date": "the date cannot be parsed",
    "no-date": "the post has no date in its front matter or file name",
    "bad-title": "the title was repaired (stray quotes) or is missing",
    # body
    "reader": "which reader and entry shape read a post, and how many entries it found",
    "empty-body": "the post has front matter but no body",
    "no-papers": "the post contains no paper heading",
    "paper-no-link": "a heading looks like a paper (N. …) but has no link",
    "paper-bad-link": "a paper is linked with something other than an http(s) URL",
    "duplicate-paper": "the same paper appears twice in one post",
    "rank-order": "paper numbers are not 1, 2, 3, …",
    "unknown-section": "a section heading is not one of the known ones; kept as 'other'",
    "stray-text": "text outside any paper or section; kept",
    "heading-text": "a paper heading has text outside its link; kept as an untitled section",
    "too-deep": "the Markdown is nested too deeply to read",
    # configuration
    "config": "the site configuration (_config.yml) is invalid",
    # exporters
    "export": "an exporter could not write its output",
    "plugin": "an exporter plugin failed to load",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str

    def format(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        return f"{where}: {self.severity}: {self.message} [{self.code}]"


@dataclass
class Diagnostics:
    """A collector; readers and exporters add to it, the CLI prints and judges it."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(  # noqa: PLR0917 - mirrors the fields of Diagnostic
        self,
        severity: Severity,
        code: str,
        message: str,
        path: str = "",
        line: int = 0,
        col: int = 0,
    ) -> None:
        assert code in CODES, code
        self.items.append(Diagnostic(path, line, col, severity, code, message))

    def error(self, code: str, message: str, path: str = "", line: int = 0, col: int = 0) -> None:
        self.add("error", code, message, path, line, col)

    def warning(self, code: str, message: str, path: str = "", line: int = 0, col: int = 0) -> None:
        self.add("warning", code, message, path, line, col)

    def note(self, code: str, message: str, path: str = "", line: int = 0, col: int = 0) -> None:
        self.add("note", code, message, path, line, col)

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def failed(self, strict: bool = False) -> bool:
        """Whether the input counts as broken: errors, or warnings too under ``--strict``."""
        bad = ("error", "warning") if strict else ("error",)
        return any(d.severity in bad for d in self.items)

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "note": 0}
        for d in self.items:
            out[d.severity] += 1
        return out


def diagnostics_to_json(items: Iterable[Diagnostic]) -> str:
    """Diagnostics as the caches keep them (with a post, or with a part of an output),
    to be replayed when the cached result is used."""
    return json.dumps([list(astuple(d)) for d in items], ensure_ascii=False)


def diagnostics_from_json(text: str) -> list[Diagnostic]:
    if text == "[]":  # nearly every post and part: skip the decoder
        return []
    return [Diagnostic(*row) for row in json.loads(text)]
