"""The general digest reader: the built-in reader plugin, used for every post by default.

This module is light on purpose: the grammar (and mistletoe) load on the first read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from digestconv.diagnostics import Diagnostics
from digestconv.readers import Body, Source

ENTRY_CHOICES = ("auto", "heading", "list")


@dataclass(frozen=True)
class DigestOptions:
    """The declarative reader form, ``digestconv: reader:`` in ``_config.yml``.

    ``entry``: what starts an entry (``auto`` detects per post); ``level``: the
    heading level of entries; ``link``/``authors``/``abstract``: extra field
    labels (as written in the posts) that hold those facts.
    """

    entry: str = "auto"
    level: int | None = None
    link: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    abstract: tuple[str, ...] = ()


KEYS = ("entry", "level", "link", "authors", "abstract")


def parse_options(raw: object) -> tuple[DigestOptions, list[tuple[str, str]]]:
    """The options from ``_config.yml`` data, and (key, problem) for each invalid value."""
    problems: list[tuple[str, str]] = []
    if raw is None:
        return DigestOptions(), problems
    if not isinstance(raw, Mapping):
        return DigestOptions(), [("reader", "must be a mapping")]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        if name not in KEYS:
            problems.append((str(key), f"unknown key (known: {', '.join(KEYS)})"))
        elif name == "entry":
            if value not in ENTRY_CHOICES:
                problems.append((str(key), f"must be one of {', '.join(ENTRY_CHOICES)}"))
            else:
                values[name] = value
        elif name == "level":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 6:
                problems.append((str(key), "must be a heading level 1-6"))
            else:
                values[name] = value
        else:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list | tuple) or not all(
                isinstance(v, str) and v for v in items
            ):
                problems.append((str(key), "must be a label or a list of labels"))
            else:
                values[name] = tuple(items)
    return DigestOptions(**values), problems


class DigestReader:
    """Headings, numbered lists or tables of papers, in any language (the default reader)."""

    name: ClassVar[str] = "digest"
    description: ClassVar[str] = (
        "daily-paper digests: heading, list or table entries with link, author and abstract fields"
    )
    Options: ClassVar[type] = DigestOptions

    def detect(self, source: Source) -> float:
        """Every Markdown post is a candidate; plugins claim theirs with more confidence."""
        return 0.5

    def read(self, source: Source, options: Any, diagnostics: Diagnostics) -> Body:
        from digestconv.readers.digest.grammar import Settings, read_body

        opts = options if isinstance(options, DigestOptions) else DigestOptions()
        settings = Settings(opts.entry, opts.level, opts.link, opts.authors, opts.abstract)
        body = read_body(source.text, source.path, source.first_line, diagnostics, settings)
        if body.papers or ("{%" not in source.text and not source.front):
            return body
        from digestconv.readers.digest.data import front_papers, include_papers, without_liquid

        listed = front_papers(source.front, source.path) if source.front else None
        if listed is not None:
            key, papers = listed
            shape = f"papers listed in the front matter ({key}:)"
        else:
            included = include_papers(source.text, source.path, source.first_line)
            if included is None:
                return body
            name, papers = included
            shape = f"papers passed to an include ({name})"
        return replace(body, papers=papers, preamble=without_liquid(body.preamble), shape=shape)
