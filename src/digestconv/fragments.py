"""Incremental exports: an output as parts rendered on their own, cached by content.

A site gains one post a day and a digest is edited now and then; re-rendering a
2,000-post book for that is what made rebuilds slow.  An exporter may therefore
split its output into *parts* — one per digest, or one per distinct paper for
outputs keyed by paper — that ``build`` renders once and then reuses while
nothing they depend on changes, and an ``assemble`` step that joins the parts'
bytes into the output (concatenation for text, stored members for a zip).

The exporter states what each part depends on: the digests it is made from (the
core fingerprints them; the reader already hashed their bytes) plus a ``key``
string for everything else the part's bytes depend on (its number in the book,
the citation key it was given, a label decided for the whole corpus…).  Options,
site facts and the exporter's code are added by the core.  Because the cold path
renders every part through the same two functions, an incremental build is
byte-identical to a cold one by construction; the sequence test in the suite
checks that this holds for every built-in exporter.

An exporter that does not provide parts keeps its whole-corpus ``export()`` and
still works everywhere.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from digestconv.diagnostics import Diagnostics, diagnostics_from_json, diagnostics_to_json
from digestconv.fingerprint import code_version, digest_of
from digestconv.model import Corpus, Digest, Site, digest_to_json, site_to_json
from digestconv.plugins import Output


@dataclass(frozen=True)
class Part:
    """One independently rendered piece of an output."""

    digests: tuple[Digest, ...]
    """What the part is made from: a change to any of them renders it again."""
    key: str = ""
    """Everything else the part's bytes depend on, as text (its identity, its position,
    values decided for the whole corpus).  Two parts of one export that render
    differently must differ in ``digests`` or ``key``."""
    data: Any = None
    """Anything the exporter wants handed back to ``render_part`` (an index, a paper
    key…); it must be determined by ``digests`` and ``key``."""


@dataclass(frozen=True)
class Chunks:
    """A file as pieces written one after another: ``assemble`` may return this (alone
    or as a value of a multi-file mapping) so that the build never joins a large
    document into one more copy of itself."""

    pieces: Sequence[bytes]

    def join(self) -> bytes:
        return b"".join(self.pieces)


Plan = TypeVar("Plan")


class PerExport(Generic[Plan]):
    """A corpus-wide plan made once per export: ``parts`` and ``assemble`` of one export
    both need it (the book's chapters, the feed's shown entries) and see the same corpus
    and options, so the second asks for the plan the first made.  What planning reports
    is kept with the plan and replayed by :meth:`take`, which ``assemble`` calls: the
    diagnostics come where the whole output's come, and no corpus is kept alive after
    its export."""

    def __init__(self, make: Callable[[Corpus, Any, Diagnostics], Plan]) -> None:
        self._make = make
        self._held: list[tuple[Corpus, Any, Plan, Diagnostics]] = []

    def __call__(self, corpus: Corpus, options: Any) -> Plan:
        return self._plan(corpus, options)[0]

    def take(self, corpus: Corpus, options: Any, diagnostics: Diagnostics) -> Plan:
        """The plan, for the last time in this export, its diagnostics added to
        ``diagnostics``."""
        plan, reported = self._plan(corpus, options)
        self._held.clear()
        diagnostics.items.extend(reported.items)
        return plan

    def _plan(self, corpus: Corpus, options: Any) -> tuple[Plan, Diagnostics]:
        if self._held and self._held[0][0] is corpus and self._held[0][1] == options:
            return self._held[0][2], self._held[0][3]
        reported = Diagnostics()
        plan = self._make(corpus, options, reported)
        self._held[:] = [(corpus, options, plan, reported)]
        return plan, reported


Made = TypeVar("Made")


class PerCorpus(Generic[Made]):
    """A corpus-wide result that does not depend on the options, made once however many
    outputs of one format a build writes (the cards of a ``.csv`` and of an ``.apkg``).
    Only the last corpus is kept, so a watching session holds no older model."""

    def __init__(self, make: Callable[[Corpus], Made]) -> None:
        self._make = make
        self._held: tuple[Corpus, Made] | None = None

    def __call__(self, corpus: Corpus) -> Made:
        if self._held is None or self._held[0] is not corpus:
            self._held = (corpus, self._make(corpus))
        return self._held[1]


Assembled = bytes | Chunks | Mapping[str, bytes | Chunks]
"""What ``assemble`` returns: an :data:`~digestconv.plugins.Output` whose files may be
:class:`Chunks`."""


def joined(data: Assembled) -> Output:
    if isinstance(data, Chunks):
        return data.join()
    if isinstance(data, Mapping):
        return {k: v.join() if isinstance(v, Chunks) else v for k, v in data.items()}
    return data


@runtime_checkable
class Fragmented(Protocol):
    """The optional incremental side of an exporter (see the plugin guide)."""

    def parts(self, corpus: Corpus, options: Any) -> Sequence[Part]: ...

    def render_part(
        self, part: Part, site: Site, options: Any, diagnostics: Diagnostics
    ) -> bytes: ...

    def assemble(
        self,
        corpus: Corpus,
        options: Any,
        fragments: Sequence[bytes],
        diagnostics: Diagnostics,
    ) -> Assembled: ...


def fragmented(exporter: object) -> bool:
    return all(callable(getattr(exporter, m, None)) for m in ("parts", "render_part", "assemble"))


Row = tuple[str, bytes, str]
"""A rendered part as the cache keeps it: key, bytes, its diagnostics as JSON."""


class Store(Protocol):
    def get_fragments(self, keys: Sequence[str]) -> Mapping[str, tuple[bytes, str]]: ...


class MemoryStore:
    """What ``build``'s cache does for parts, in a dict: for testing an exporter's parts
    (export, :meth:`keep` the fresh parts, change the corpus, export again); ``scratch``
    stands for the output's folder under the cache (see :attr:`Reuse.scratch`)."""

    def __init__(self, scratch: Path | None = None) -> None:
        self.rows: dict[str, tuple[bytes, str]] = {}
        self.scratch = scratch

    def get_fragments(self, keys: Sequence[str]) -> Mapping[str, tuple[bytes, str]]:
        return {k: self.rows[k] for k in keys if k in self.rows}

    def keep(self, rendered: Rendered) -> None:
        self.rows.update({key: (data, diags) for key, data, diags in rendered.fresh})


@dataclass
class Fingerprints:
    """Content hashes of digests: the reader's hash of the post's bytes when it has one
    (free), else a hash of the digest's model JSON."""

    known: Mapping[str, str] = field(default_factory=dict)
    """Source path → the reader's key for that post."""
    _memo: dict[int, str] = field(default_factory=dict)

    def of(self, digest: Digest) -> str:
        found = self.known.get(digest.source.path)
        if found is not None:
            return found
        memo = self._memo.get(id(digest))
        if memo is None:
            text = json.dumps(digest_to_json(digest), ensure_ascii=False, sort_keys=True)
            memo = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
            self._memo[id(digest)] = memo
        return memo


@dataclass
class Rendered:
    output: Assembled | None
    """None when ``identity`` equals the caller's ``known``: the output is the one it has."""
    fresh: list[Row] = field(default_factory=list)
    """Parts rendered in this run, for the caller to store."""
    used: list[str] = field(default_factory=list)
    """Every part key of the output, for the caller to keep (and drop the rest)."""
    identity: str | None = None
    """For an exporter whose output is a function of its parts' bytes alone
    (:func:`assembles_parts_only`): a hash of those bytes, of the options, the site facts
    and the code, which names the output without assembling it."""


def assembles_parts_only(exporter: object) -> bool:
    """Whether the exporter declares that ``assemble`` reads nothing of the corpus and
    reports nothing: its output is then known from its parts' bytes, and a build whose
    parts came out the same (an edit that changes no note) need not assemble it again."""
    return bool(getattr(exporter, "assembles_parts_only", False))


def _identity(base: str, pieces: Sequence[bytes]) -> str:
    outer = hashlib.sha256(f"assembled\0{base}\0{len(pieces)}".encode())
    for piece in pieces:
        outer.update(hashlib.sha256(piece).digest())
    return outer.hexdigest()


def export(
    exporter: Any,
    corpus: Corpus,
    options: Any,
    diagnostics: Diagnostics,
    *,
    store: Store | None = None,
    fingerprints: Fingerprints | None = None,
    known: str | None = None,
) -> Rendered:
    """Render ``exporter``'s output from its parts, reusing the stored ones.

    ``known`` is the :attr:`Rendered.identity` of an output the caller still has: if the
    parts come out with that identity, nothing is assembled (``output`` is None)."""
    if not fragmented(exporter):
        return Rendered(exporter.export(corpus, options, diagnostics))
    parts: Sequence[Part] = exporter.parts(corpus, options)
    base = ""
    if store is None:  # nothing to reuse or to keep: no keys to compute
        keys = [""] * len(parts)
        found: Mapping[str, tuple[bytes, str]] = {}
    else:
        prints = fingerprints or Fingerprints()
        base = _base_key(type(exporter), corpus.site, options)
        keys = [_part_key(base, part, prints) for part in parts]
        found = store.get_fragments(keys)
    out = Rendered(b"", used=keys if store is not None else [])
    pieces: list[bytes] = []
    for part, key in zip(parts, keys, strict=True):
        hit = found.get(key)
        if hit is not None:
            data, diags = hit
            try:
                diagnostics.items.extend(diagnostics_from_json(diags))
            except (ValueError, TypeError):
                hit = None
        if hit is None:
            local = Diagnostics()
            data = exporter.render_part(part, corpus.site, options, local)
            diagnostics.items.extend(local.items)
            if store is not None:
                out.fresh.append((key, data, diagnostics_to_json(local.items)))
        pieces.append(data)
    if store is not None and assembles_parts_only(exporter):
        out.identity = _identity(base, pieces)
        if out.identity == known:
            out.output = None
            return out
    if _takes_reuse(exporter):
        scratch = getattr(store, "scratch", None)
        reuse = Reuse(store, base, out, keys=keys if store is not None else (), scratch=scratch)
        out.output = exporter.assemble(corpus, options, pieces, diagnostics, reuse=reuse)
    else:
        out.output = exporter.assemble(corpus, options, pieces, diagnostics)
    return out


class Reuse:
    """Handed to an ``assemble`` that accepts a ``reuse`` keyword: results of an expensive
    pure function of bytes (compressing a chunk of a large member) kept in the store
    beside the parts, so a rebuild computes them only for inputs it has not seen.

    Entries are keyed by a hash of the input and of everything a part's key holds
    besides the part itself (options, site facts, code), and are kept while a build
    uses them, like parts.  Without a store (a cold build) the function is just applied.
    """

    def __init__(
        self,
        store: Store | None = None,
        base: str = "",
        rendered: Rendered | None = None,
        *,
        keys: Sequence[str] = (),
        scratch: Path | None = None,
    ) -> None:
        self._store = store
        self._base = base
        self._rendered = rendered if rendered is not None else Rendered(b"")
        self.keys: Sequence[str] = tuple(keys)
        """The parts' cache keys, in the order of the fragments (empty without a store):
        each names everything its part's bytes depend on, options and code included, so
        equal keys over a run of parts mean equal fragments there, known without reading
        them."""
        self.scratch = scratch
        """A folder of this output's own under the cache directory (None without one), for
        state too large for a row of the store, such as a file an expensive assembly
        can resume from.  It may not exist yet and may be emptied at any time: what is
        kept there must be checked when read, and a miss must cost only time."""

    def derive(
        self,
        namespace: str,
        inputs: Sequence[bytes],
        fn: Callable[[bytes], bytes],
    ) -> list[bytes]:
        """``fn`` of each input, in order, taken from the store where it holds them.

        ``namespace`` names ``fn`` and whatever it depends on besides the input (a
        compression level, the library's version).  ``inputs`` is read item by item, so
        it may be a lazy sequence over a file.
        """
        keys: list[str] = []
        found: dict[str, bytes] = {}
        if self._store is None:
            missing = list(range(len(inputs)))
        else:
            prefix = f"reuse\0{self._base}\0{len(namespace)}:{namespace}\0"
            hasher = hashlib.sha256(prefix.encode("utf-8", "surrogatepass"))
            for i in range(len(inputs)):
                h = hasher.copy()
                h.update(inputs[i])
                keys.append(h.hexdigest())
            found = {k: v[0] for k, v in self._store.get_fragments(keys).items()}
            first: dict[str, int] = {}
            for i, key in enumerate(keys):
                if key not in found:
                    first.setdefault(key, i)
            missing = list(first.values())
        computed = [fn(inputs[i]) for i in missing]
        if self._store is None:
            return computed
        for i, data in zip(missing, computed, strict=True):
            found[keys[i]] = data
            self._rendered.fresh.append((keys[i], data, "[]"))
        self._rendered.used.extend(keys)
        return [found[k] for k in keys]


def _takes_reuse(exporter: Any) -> bool:
    """Whether ``assemble`` takes ``reuse``: by its signature, so exporters written before
    the keyword existed are called as they always were."""
    try:
        return "reuse" in inspect.signature(exporter.assemble).parameters
    except (TypeError, ValueError):
        return False


def export_whole(exporter: Any, corpus: Corpus, options: Any, diagnostics: Diagnostics) -> Output:
    """What a fragmented exporter's ``export()`` returns: every part rendered, assembled."""
    output = export(exporter, corpus, options, diagnostics).output
    assert output is not None  # nothing is known without a store
    return joined(output)


def _part_key(base: str, part: Part, prints: Fingerprints) -> str:
    """One hash call per part (a build has tens of thousands): the base and the
    fingerprints are fixed-length hex, the key is length-prefixed, so no two parts'
    inputs run together."""
    text = "\0".join([base, f"{len(part.key)}:{part.key}", *(prints.of(d) for d in part.digests)])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _base_key(cls: type, site: Site, options: Any) -> str:
    """What every part of one export depends on besides its own inputs (computed once
    per export, so the site's facts are serialised once)."""
    top = cls.__module__.split(".")[0]
    return digest_of(
        "fragment",
        f"{cls.__module__}.{cls.__qualname__}",
        code_version(),
        code_version(top) if top != "digestconv" else "",
        repr(options),
        json.dumps(site_to_json(site), ensure_ascii=False, sort_keys=True),
    )
