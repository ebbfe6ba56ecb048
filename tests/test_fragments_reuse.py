"""``assemble(..., reuse=)``: derived bytes kept beside the parts, computed only for inputs
a previous build has not seen, and the output the same as without a store."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from digestconv import fragments
from digestconv.cache import BuildCache
from digestconv.diagnostics import Diagnostics
from digestconv.fragments import Chunks, MemoryStore, Part, Reuse
from digestconv.model import Site


class Deriving:
    """Parts are the corpus's texts; the output is every part run through an expensive
    function, one input per part (the function's calls are counted)."""

    def __init__(self) -> None:
        self.calls: list[bytes] = []

    def parts(self, corpus: Any, options: Any) -> Sequence[Part]:
        return [Part((), key=text) for text in corpus]

    def render_part(self, part: Part, site: Site, options: Any, diagnostics: Diagnostics) -> bytes:
        return part.key.encode()

    def _fn(self, data: bytes) -> bytes:
        self.calls.append(data)
        return hashlib.blake2b(data).digest()[:4] + data.upper()

    def assemble(
        self,
        corpus: Any,
        options: Any,
        fragments: Sequence[bytes],
        diagnostics: Diagnostics,
        *,
        reuse: Reuse | None = None,
    ) -> Chunks:
        assert reuse is not None
        return Chunks(reuse.derive("upper v1", fragments, self._fn))


class Plain(Deriving):
    """An exporter written before ``reuse`` existed: its ``assemble`` is called as before."""

    def assemble(  # type: ignore[override]
        self, corpus: Any, options: Any, fragments: Sequence[bytes], diagnostics: Diagnostics
    ) -> bytes:
        return b"".join(self._fn(f) for f in fragments)


class Texts(list[str]):
    """A stand-in corpus: ``fragments.export`` reads only ``site`` from it."""

    site = Site(title="t")


def run(
    exporter: Deriving, texts: list[str], store: Any = None
) -> tuple[bytes, fragments.Rendered]:
    corpus: Any = Texts(texts)
    rendered = fragments.export(exporter, corpus, None, Diagnostics(), store=store)
    if isinstance(store, MemoryStore):
        store.keep(rendered)
    data = fragments.joined(rendered.output)
    assert isinstance(data, bytes)
    return data, rendered


def expected(texts: list[str]) -> bytes:
    return b"".join(hashlib.blake2b(t.encode()).digest()[:4] + t.upper().encode() for t in texts)


def test_a_rebuild_computes_only_new_inputs() -> None:
    store = MemoryStore()
    texts = ["alpha", "beta", "gamma"]
    first = Deriving()
    out, rendered = run(first, texts, store)
    assert out == expected(texts)
    assert first.calls == [b"alpha", b"beta", b"gamma"]
    parts, derived = set(rendered.used[:3]), set(rendered.used[3:])
    assert len(derived) == 3 and not parts & derived
    assert {k for k, _, _ in rendered.fresh} == parts | derived  # stored, and kept by the GC

    again = Deriving()
    out, rendered = run(again, texts, store)
    assert out == expected(texts) and again.calls == [] and rendered.fresh == []

    edited = ["alpha", "BETA!", "gamma", "delta"]
    third = Deriving()
    out, rendered = run(third, edited, store)
    assert out == expected(edited)
    assert third.calls == [b"BETA!", b"delta"]


def test_without_a_store_it_just_computes() -> None:
    exporter = Deriving()
    out, rendered = run(exporter, ["a", "b"])
    assert out == expected(["a", "b"])
    assert rendered.fresh == [] and rendered.used == []
    assert fragments.export_whole(Deriving(), Texts(["a", "b"]), None, Diagnostics()) == out


def test_repeated_inputs_are_computed_once() -> None:
    exporter = Deriving()
    out, _ = run(exporter, ["same", "other", "same"], MemoryStore())
    assert out == expected(["same", "other", "same"])
    assert exporter.calls == [b"same", b"other"]


def test_the_namespace_and_the_exporter_are_part_of_the_key() -> None:
    store = MemoryStore()
    rendered = fragments.Rendered(b"")
    one = Reuse(store, "base", rendered)
    assert one.derive("a", [b"x"], lambda d: d + b"1") == [b"x1"]
    store.keep(rendered)
    assert one.derive("a", [b"x"], lambda d: d + b"2") == [b"x1"]  # reused
    assert one.derive("b", [b"x"], lambda d: d + b"2") == [b"x2"]  # another function
    other = Reuse(store, "other base", fragments.Rendered(b""))
    assert other.derive("a", [b"x"], lambda d: d + b"3") == [b"x3"]  # another exporter/options


def test_an_assemble_without_reuse_keeps_working() -> None:
    store = MemoryStore()
    out, rendered = run(Plain(), ["a", "b"], store)
    assert out == expected(["a", "b"])
    assert len(rendered.used) == 2  # its parts only


def test_the_build_cache_keeps_one_build_of_derived_bytes(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)

    def build(texts: list[str]) -> Deriving:
        exporter = Deriving()
        corpus: Any = Texts(texts)
        rendered = fragments.export(exporter, corpus, None, Diagnostics(), store=cache)
        cache.put_fragments("t", rendered.fresh, rendered.used)
        assert fragments.joined(rendered.output) == expected(texts)
        return exporter

    def stored() -> int:
        assert cache.db is not None
        return int(cache.db.execute("SELECT count(*) FROM fragments").fetchone()[0])

    build(["a", "b", "c"])
    assert stored() == 6  # three parts, three derived results
    assert build(["a", "b", "c"]).calls == []
    assert build(["a", "z"]).calls == [b"z"]
    assert stored() == 4  # what the last build used, nothing older
