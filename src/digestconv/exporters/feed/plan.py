"""What is decided across the corpus, before any entry is rendered: which posts or papers
get an entry, each entry's id and ``updated``, and their order.

These decisions need every digest but none of an entry's text, so they stay cheap;
an entry's own rendering (``entries`` and ``xml``) then depends on its digest and
the values decided here alone, which is what lets a build reuse it while they hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import quote

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed.entries import (
    TAG_SAFE,
    aware,
    digest_id,
    entry_updated,
    paper_id,
    post_name,
)
from digestconv.exporters.feed.html import has_text
from digestconv.exporters.feed.settings import FeedSettings
from digestconv.model import Corpus, Digest
from digestconv.papers import PaperGroup, distinct_papers
from digestconv.plugins import ExportError


@dataclass(frozen=True)
class Slot:
    """An entry as the corpus places it: what it is made from and what was decided for it."""

    digest: Digest
    paper: int | None
    """The paper's position in ``digest.papers`` for a paper entry; None for a post's."""
    id: str
    published: datetime
    updated: datetime
    tags: tuple[str, ...]
    """The digest's tags alone: what --by-tag groups by."""
    post_categories: tuple[str, ...]
    """The digest's categories alone: what per-category feeds select by."""
    order: int
    """Position in the corpus: the tie-breaker for entries with equal dates."""


def slots(corpus: Corpus, settings: FeedSettings, diagnostics: Diagnostics) -> list[Slot]:
    """Every entry of the feed, newest first, ids unique."""
    if settings.entries == "paper":
        found = paper_slots(corpus, settings, diagnostics)
    else:
        found = digest_slots(corpus, settings, diagnostics)
    _check_unique(found)
    if not found:
        diagnostics.warning("export", "feed: there are no posts to put in the feed")
    return newest_first(found)


def _slot(digest: Digest, paper: int | None, ident: str, updated: datetime, order: int) -> Slot:
    return Slot(
        digest=digest,
        paper=paper,
        id=ident,
        published=aware(digest.date),
        updated=updated,
        tags=tuple(str(t) for t in digest.tags),
        post_categories=tuple(str(c) for c in digest.categories),
        order=order,
    )


def digest_slots(corpus: Corpus, settings: FeedSettings, diagnostics: Diagnostics) -> list[Slot]:
    found: list[Slot] = []
    left_out: list[Digest] = []
    for order, digest in enumerate(corpus.digests):
        if not settings.keep_empty and not has_text(digest):
            left_out.append(digest)
            continue
        ident = digest_id(settings, digest)
        found.append(_slot(digest, None, ident, entry_updated(digest), order))
    for digest in left_out:
        diagnostics.note(
            "export",
            "feed: this post has no papers and no text, so it gets no entry "
            "(--keep-empty keeps it)",
            digest.source.path,
            digest.source.line,
        )
    return disambiguate(found, diagnostics)


def disambiguate(found: list[Slot], diagnostics: Diagnostics) -> list[Slot]:
    """Posts that Jekyll gives one ``post.id`` (one permalink per month, or two posts with
    the same permalink) each get an entry id of their own.

    The first post in reading order (the oldest) keeps the id jekyll-feed gives it,
    so its subscribers see nothing new; each later one gets a fragment naming its
    own file (``#2026-03-31-daily-ai-papers``), which stays the same however many
    posts are added, and a warning names both posts.
    """
    first: dict[str, int] = {}
    for index, slot in enumerate(found):
        first.setdefault(slot.id, index)
    if len(first) == len(found):
        return found
    taken = set(first)
    out = list(found)
    for index, slot in enumerate(found):
        holder = first[slot.id]
        if holder == index:
            continue
        base = f"{slot.id}#{quote(post_name(slot.digest), safe=TAG_SAFE)}"
        ident, number = base, 1
        while ident in taken:
            number += 1
            ident = f"{base}-{number}"
        taken.add(ident)
        out[index] = replace(slot, id=ident)
        later, earlier = slot.digest, found[holder].digest
        diagnostics.warning(
            "export",
            f"feed: {earlier.source.path} and {later.source.path} have the same "
            f"{'Jekyll post id' if later.post_id else 'file name'}, {slot.id!r}; "
            f"the later post's entry gets the id {ident!r}",
            later.source.path,
            later.source.line,
        )
    return out


def paper_slots(corpus: Corpus, settings: FeedSettings, diagnostics: Diagnostics) -> list[Slot]:
    """One entry per paper, at its first appearance; repeats are reported, not duplicated."""
    groups = distinct_papers(sorted(corpus.digests, key=lambda d: aware(d.date)))
    updated = _paper_updated(groups)
    found: list[Slot] = []
    for order, group in enumerate(groups):
        digest, paper = group.first
        position = next(i for i, p in enumerate(digest.papers) if p is paper)
        ident = paper_id(settings, paper, aware(digest.date).date().isoformat())
        found.append(_slot(digest, position, ident, updated[order], order))
    repeats = sum(len(group.repeats) for group in groups)
    if repeats:
        diagnostics.note(
            "export",
            f"feed: {repeats} paper(s) appear in more than one post; "
            "each paper has one entry, at its first appearance",
        )
    return found


def _paper_updated(groups: Sequence[PaperGroup[Digest]]) -> list[datetime]:
    """Each paper entry's ``updated``: its post's time plus a few seconds by rank, so that
    no two paper entries share one (the W3C validator warns, and readers sorting by it
    shuffle them).

    A post's first paper is the newest by as many seconds as the post has further new
    papers; its last one keeps the post's time.  Posts are taken oldest first and a post
    whose seconds would meet the previous post's starts just after them, so a new post
    never changes an older entry and the same posts always give the same times.
    """
    counts: dict[int, int] = {}
    for group in groups:
        key = id(group.first[0])
        counts[key] = counts.get(key, 0) + 1
    starts: dict[int, datetime] = {}
    seen: dict[int, int] = {}
    latest: datetime | None = None
    out: list[datetime] = []
    second = timedelta(seconds=1)
    for group in groups:
        digest = group.first[0]
        key = id(digest)
        if key not in starts:
            start = entry_updated(digest)
            if latest is not None and start <= latest:
                start = latest + second
            starts[key] = start
            latest = start + (counts[key] - 1) * second
        position = seen.get(key, 0)
        seen[key] = position + 1
        out.append(starts[key] + (counts[key] - 1 - position) * second)
    return out


def newest_first(found: Sequence[Slot]) -> list[Slot]:
    """Newest first like jekyll-feed; equal dates keep the input order (papers by rank)."""
    in_order = sorted(found, key=lambda s: s.order)
    return sorted(in_order, key=lambda s: s.published, reverse=True)  # stable sort


def _check_unique(found: Sequence[Slot]) -> None:
    """Two posts with one id would make readers drop one of them: refuse, naming both."""
    seen: dict[str, Slot] = {}
    for slot in found:
        other = seen.setdefault(slot.id, slot)
        if other is not slot:
            raise ExportError(
                f"two feed entries share the id {slot.id!r} ({_title(other)!r} and "
                f"{_title(slot)!r}); give one of the posts its own permalink or slug"
            )


def _title(slot: Slot) -> str:
    if slot.paper is None:
        return slot.digest.title
    return slot.digest.papers[slot.paper].title
