"""Parts in runs (``digestconv.runs``): the runs cover a list in order, are bounded, and
are cut by the names alone, so that adding a name changes only the run it falls in."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digestconv import runs

NAMES = [f"arxiv:2509.{n:05d}" for n in range(400)]


def test_runs_cover_the_list_in_order_and_are_bounded() -> None:
    cuts = runs.runs(NAMES)
    assert (cuts[0][0], cuts[-1][1]) == (0, len(NAMES))
    assert all(a[1] == b[0] for a, b in itertools.pairwise(cuts))
    assert all(0 < end - start <= runs.LONGEST for start, end in cuts)
    assert 400 / runs.AVERAGE / 3 < len(cuts) < 400 / runs.AVERAGE * 3
    assert runs.runs([]) == []


def test_runs_of_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runs, "AVERAGE", 1)
    assert runs.runs(NAMES[:3]) == [(0, 1), (1, 2), (2, 3)]


def test_the_longest_run_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runs, "AVERAGE", 1 << 30)  # no name ends a run by its hash
    cuts = runs.runs(NAMES[:150])
    assert [end - start for start, end in cuts] == [64, 64, 22]


@given(st.integers(0, len(NAMES) - 1))
def test_adding_a_name_changes_only_the_run_it_falls_in(at: int) -> None:
    """Where no run reaches the length limit (almost everywhere, and everywhere in
    ``NAMES``), runs are cut by the names alone."""

    def named(names: list[str]) -> set[tuple[str, ...]]:
        return {tuple(names[a:b]) for a, b in runs.runs(names)}

    before = [n for i, n in enumerate(NAMES) if i != at]
    assert max(b - a for a, b in runs.runs(NAMES)) < runs.LONGEST // 2  # even two joined
    changed = named(NAMES) ^ named(before)
    # The run that gains the name, or the two it splits into; and the run it replaced.
    assert 1 <= len(changed - named(before)) <= 2 and len(changed - named(NAMES)) == 1


def test_joined_keys_of_different_runs_differ() -> None:
    assert runs.joined_key(["ab", "c"]) != runs.joined_key(["a", "bc"])
    assert runs.joined_key(["a:b"]) != runs.joined_key(["a", "b"])
    assert runs.joined_key([]) == ""
