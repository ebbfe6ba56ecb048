"""``digestconv json``: the intermediate model as a JSON document.

The first exporter, and the debugging view of the reader: everything a post
contained is in here (unknown front matter in ``meta``, stray text in
``preamble``, unknown sections as ``other``).  The document follows the JSON
Schema shipped as ``digestconv/schema/digests.schema.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, cast

import lz4.frame

from digestconv.diagnostics import Diagnostics
from digestconv.fragments import Chunks, Part, export_whole
from digestconv.lazy import Lazy
from digestconv.model import Corpus, Site, json_digest_bytes, json_empty, json_frame
from digestconv.options import NoOptions
from digestconv.plugins import BuildTarget, OutputSpec


class JsonExporter:
    name: ClassVar[str] = "json"
    description: ClassVar[str] = "The intermediate model as JSON: everything the reader kept."
    Options: ClassVar[type] = NoOptions
    build_targets: ClassVar[tuple[BuildTarget, ...]] = (BuildTarget("digests.json"),)
    cost: ClassVar[int] = 4
    """Cheap to render, but the largest file of a build (86 MB at 2,000 posts): started
    early, its flush to disk overlaps the other exports instead of coming after them."""

    def outputs(self, options: NoOptions) -> OutputSpec:
        return OutputSpec(".json", "application/json")

    def export(self, corpus: Corpus, options: NoOptions, diagnostics: Diagnostics) -> bytes:
        return cast(bytes, export_whole(self, corpus, options, diagnostics))

    # One part per digest: a digest's JSON depends on the digest alone.  A part is kept
    # compressed: the build holds every part until the document is written, and the
    # indented JSON of a 2,000-post archive is 86 MB, 25 MB as LZ4.  LZ4 rather than
    # deflate: it compresses six times and decompresses ten times faster (0.09 s and
    # 0.02 s for those 86 MB, against 0.54 s and 0.23 s), and every rebuild
    # decompresses every part to write the document again.

    def parts(self, corpus: Corpus, options: NoOptions) -> Sequence[Part]:
        return [Part((d,)) for d in corpus.digests]

    def render_part(
        self, part: Part, site: Site, options: NoOptions, diagnostics: Diagnostics
    ) -> bytes:
        packed: bytes = lz4.frame.compress(json_digest_bytes(part.digests[0]))
        return packed

    def assemble(
        self,
        corpus: Corpus,
        options: NoOptions,
        fragments: Sequence[bytes],
        diagnostics: Diagnostics,
    ) -> Chunks:
        if not fragments:
            return Chunks([json_empty(corpus.site).encode("utf-8")])
        head, sep, tail = (piece.encode("utf-8") for piece in json_frame(corpus.site))
        return Chunks(document(head, sep, tail, fragments))


def document(head: bytes, sep: bytes, tail: bytes, parts: Sequence[bytes]) -> Lazy:
    """The document's pieces — the frame's text and each digest's JSON between — with
    each digest inflated only when the writer reaches it, so one digest's JSON exists
    at a time instead of the whole document."""
    last = 2 * len(parts)

    def piece(index: int) -> bytes:
        if index == last:
            return tail
        if index % 2:
            text: bytes = lz4.frame.decompress(parts[index // 2])
            return text
        return head if index == 0 else sep

    return Lazy(last + 1, piece)
