"""The feed in parts: one per entry shown in any document, rendered once and shared by the
main feed, archive pages, tag and category feeds.

An entry's bytes depend on its digest and on what ``plan`` decided for it across
the corpus – its id (colliding Jekyll ids are told apart) and, for a paper, its
``updated`` seconds and its place in the post – so those are the part's key.
Everything else a document holds (its head, its ``updated``, which entries it
shows and in which order) is decided again at assembly from the cheap plan, so a
new post renders one entry (a paper feed: one per new paper) and re-assembles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed.entries import FeedItem, digest_entry, paper_entry
from digestconv.exporters.feed.plan import Slot, slots
from digestconv.exporters.feed.settings import FeedSettings, resolve
from digestconv.exporters.feed.split import Document, documents
from digestconv.exporters.feed.xml import document, entry_xml, newest_date
from digestconv.fragments import Assembled, Chunks, Part, PerExport
from digestconv.model import Corpus, Digest, Site

if TYPE_CHECKING:
    from digestconv.exporters.feed import FeedOptions


@dataclass(frozen=True)
class EntryRef:
    """What ``render_part`` needs beside the digest; all of it is in the part's key."""

    id: str
    paper: int | None
    updated: datetime


@dataclass(frozen=True)
class Layout:
    settings: FeedSettings
    docs: list[Document]
    shown: list[Slot]
    """Every entry some document shows, once each, newest first: the parts."""


def _layout(corpus: Corpus, options: FeedOptions, diagnostics: Diagnostics) -> Layout:
    settings = resolve(corpus.site, options)
    newest = slots(corpus, settings, diagnostics)
    docs = documents(newest, settings)
    seen = {slot.id for doc in docs for slot in doc.slots}
    shown = [slot for slot in newest if slot.id in seen]
    return Layout(settings, docs, shown)


layout: PerExport[Layout] = PerExport(_layout)
"""The corpus-wide plan and its documents, made once per export."""


def parts(corpus: Corpus, options: FeedOptions) -> list[Part]:
    return [_part(slot) for slot in layout(corpus, options).shown]


def _part(slot: Slot) -> Part:
    ref = EntryRef(slot.id, slot.paper, slot.updated)
    key = f"{ref.id}\n{ref.paper}\n{ref.updated.isoformat()}"
    return Part((slot.digest,), key, ref)


def render_part(part: Part, site: Site, options: FeedOptions) -> bytes:
    settings = resolve(site, options)
    assert isinstance(part.data, EntryRef)
    return entry_xml(entry_item(settings, part.digests[0], part.data), settings)


def entry_item(settings: FeedSettings, digest: Digest, ref: EntryRef) -> FeedItem:
    if ref.paper is None:
        return digest_entry(settings, digest, ref.id)
    return paper_entry(settings, digest, digest.papers[ref.paper], ref.id, ref.updated)


def assemble(
    corpus: Corpus, options: FeedOptions, fragments: Sequence[bytes], diagnostics: Diagnostics
) -> Assembled:
    plan = layout.take(corpus, options, diagnostics)
    by_id = {slot.id: data for slot, data in zip(plan.shown, fragments, strict=True)}
    files: dict[str, Chunks] = {}
    for doc in plan.docs:
        updated = newest_date([slot.updated for slot in doc.slots])
        data = document(doc.head, plan.settings, updated, [by_id[s.id] for s in doc.slots])
        if doc.name is None:
            return data
        files[doc.name] = data
    return files
