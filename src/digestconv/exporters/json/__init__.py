"""``digestconv json``: the intermediate model as a JSON document.

The first exporter, and the debugging view of the reader: everything a post
contained is in here (unknown front matter in ``meta``, stray text in
``preamble``, unknown sections as ``other``).  The document follows the JSON
Schema shipped as ``digestconv/schema/digests.schema.json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import click

from digestconv.diagnostics import Diagnostics
from digestconv.model import Corpus, to_json_bytes


class JsonExporter:
    name: ClassVar[str] = "json"
    suffix: ClassVar[str] = ".json"
    media_type: ClassVar[str] = "application/json"
    description: ClassVar[str] = "The intermediate model as JSON: everything the reader kept."
    binary: ClassVar[bool] = False
    options: ClassVar[Sequence[click.Parameter]] = ()

    def export(
        self, corpus: Corpus, options: Mapping[str, object], diagnostics: Diagnostics
    ) -> bytes:
        return to_json_bytes(corpus)
