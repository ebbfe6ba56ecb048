"""``digestconv json``: the intermediate model as a JSON document.

The first exporter, and the debugging view of the reader: everything a post
contained is in here (unknown front matter in ``meta``, stray text in
``preamble``, unknown sections as ``other``).  The document follows the JSON
Schema shipped as ``digestconv/schema/digests.schema.json``.
"""

from __future__ import annotations

from typing import ClassVar

from digestconv.diagnostics import Diagnostics
from digestconv.model import Corpus, to_json_bytes
from digestconv.options import NoOptions
from digestconv.plugins import BuildTarget, OutputSpec


class JsonExporter:
    name: ClassVar[str] = "json"
    description: ClassVar[str] = "The intermediate model as JSON: everything the reader kept."
    Options: ClassVar[type] = NoOptions
    build_targets: ClassVar[tuple[BuildTarget, ...]] = (BuildTarget("digests.json"),)
    cost: ClassVar[int] = 2

    def outputs(self, options: NoOptions) -> OutputSpec:
        return OutputSpec(".json", "application/json")

    def export(self, corpus: Corpus, options: NoOptions, diagnostics: Diagnostics) -> bytes:
        return to_json_bytes(corpus)
