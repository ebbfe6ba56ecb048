"""Distinct papers: the one place that decides when two entries are the same paper.

Digests often feature a paper again (a new version, a follow-up day).  Every
output that lists papers rather than posts – a bibliography, flash cards, a
per-paper feed, a book's index – must agree on which entries are one paper and
which appearance comes first, or a paper would be one citation but two cards.
Identity is ``Paper.key`` (the version-less arXiv id, else the URL); the first
appearance is the first in the order given, which callers choose (reading
order, or oldest digest first).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from digestconv.model import Digest, Paper

T = TypeVar("T")


@dataclass(frozen=True)
class PaperGroup(Generic[T]):
    """Every appearance of one paper, each with where it appeared (a digest, a chapter…)."""

    key: str
    appearances: tuple[tuple[T, Paper], ...]

    @property
    def first(self) -> tuple[T, Paper]:
        return self.appearances[0]

    @property
    def paper(self) -> Paper:
        """The paper as first shown: its title and summary are the ones published first."""
        return self.appearances[0][1]

    @property
    def repeats(self) -> tuple[tuple[T, Paper], ...]:
        return self.appearances[1:]


def group_papers(pairs: Iterable[tuple[T, Paper]]) -> list[PaperGroup[T]]:
    """Appearances grouped by paper, groups in the order of their first appearance."""
    groups: dict[str, list[tuple[T, Paper]]] = {}
    for where, paper in pairs:  # group_keys's rule, without a tuple per appearance
        groups.setdefault(paper.key, []).append((where, paper))
    return [PaperGroup(key, tuple(places)) for key, places in groups.items()]


def group_keys(pairs: Iterable[tuple[T, str]]) -> dict[str, list[T]]:
    """Places grouped by their paper's ``Paper.key``, in order of first appearance: for
    callers that hold the keys rather than the papers (a book's index made from stored
    shares)."""
    groups: dict[str, list[T]] = {}
    for where, key in pairs:
        groups.setdefault(key, []).append(where)
    return groups


def featured(digests: Iterable[Digest]) -> dict[str, tuple[Paper, list[Digest]]]:
    """Each paper (by ``Paper.key``) as first shown, with every digest that features it,
    each once, in order: what a bibliography needs of every paper at every build, in one
    pass and without an object per appearance (:func:`distinct_papers` keeps each
    appearance)."""
    groups: dict[str, tuple[Paper, list[Digest]]] = {}
    for digest in digests:
        for paper in digest.papers:
            key = paper.key
            group = groups.get(key)
            if group is None:
                groups[key] = (paper, [digest])
            elif group[1][-1] is not digest:  # digests come in order: a repeat is the last
                group[1].append(digest)
    return groups


def distinct_papers(digests: Iterable[Digest]) -> list[PaperGroup[Digest]]:
    """The papers of ``digests``, each once, with every digest that featured it."""
    return group_papers((digest, paper) for digest in digests for paper in digest.papers)


def each_once(digests: Iterable[Digest]) -> tuple[Digest, ...]:
    """``digests`` without repeats, in order: the digests a paper's part is made from (a
    digest that lists the paper twice appears twice among its appearances).  By identity,
    since hashing a digest would hash the whole post."""
    return tuple({id(d): d for d in digests}.values())
