"""Model → feed entries: one per digest (jekyll-feed's shape) or one per paper.

Entries are plain data, independent of Atom or RSS, so both writers, the
archive pager and the per-tag splitter share one list and cannot disagree on
an id, a date or an order.  Digest ids are Jekyll's own (``post.id`` through
``absolute_url``) so a site switching from jekyll-feed shows no duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import PurePath
from urllib.parse import quote

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed.html import digest_html, has_text, paper_html, sanitise
from digestconv.exporters.feed.settings import FeedSettings, normal_host
from digestconv.model import Corpus, Digest, Paper
from digestconv.papers import PaperGroup, distinct_papers
from digestconv.text.markdown import item_text, markdown_to_text
from digestconv.text.people import split_authors
from digestconv.text.urls import WEB_SCHEMES, PaperLink, paper_links

# Characters RFC 4151's ``specific`` part (pchar / "/" / "?") allows unescaped.
_TAG_SAFE = "-._~!$&'()*+,;=:@/?"


@dataclass(frozen=True)
class FeedLink:
    href: str
    rel: str = "alternate"
    type: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class FeedItem:
    """One Atom entry / RSS item, already resolved to absolute addresses."""

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    """The digest's tags alone: what --by-tag groups by."""
    post_categories: tuple[str, ...]
    """The digest's categories alone: what per-category feeds select by."""
    summary: str | None
    content: str | None
    """Sanitised HTML, or None for excerpt-only feeds."""
    guid_is_permalink: bool
    lang: str | None = None
    authors: tuple[str, ...] = ()
    """One Atom ``author`` each: the paper's authors, or the post's author."""
    related: tuple[FeedLink, ...] = ()
    order: int = 0
    """Position in the corpus: the tie-breaker for entries with equal dates."""


def _abs(settings: FeedSettings, path: str) -> str:
    """Jekyll's ``absolute_url``: the site root (url + baseurl) joined with a path."""
    return settings.site_url.rstrip("/") + "/" + path.lstrip("/")


def _absolute(settings: FeedSettings, value: str | None, path: str | None) -> str | None:
    """The reader's absolute address when it has one, else ``path`` under the site root;
    None for a digest that is not a page of the site."""
    if value and "://" in value:
        return normal_host(value)
    return None if path is None else _abs(settings, path)


def tag_uri(settings: FeedSettings, day: str, specific: str) -> str:
    """An RFC 4151 tag URI under the site's own host name."""
    return f"tag:{settings.tag_authority},{day}:{quote(specific, safe=_TAG_SAFE)}"


def _categories(digest: Digest) -> tuple[str, ...]:
    """jekyll-feed's categories, then tags, each once, in the order written."""
    seen: dict[str, None] = {}
    for term in (*digest.categories, *digest.tags):
        text = str(term).strip()
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def _aware(value: datetime) -> datetime:
    """The model promises offsets; a naive date from a hand-built corpus is read as UTC
    rather than letting feedgen raise."""
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _updated(digest: Digest) -> datetime:
    """``last_modified_at`` when the post has a usable one (as jekyll-feed), else the date."""
    raw = digest.meta.get("last_modified_at")
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            return _aware(digest.date)
    else:
        return _aware(digest.date)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_aware(digest.date).tzinfo)
    return max(value, _aware(digest.date))


def _author(digest: Digest) -> tuple[str, ...]:
    value = digest.meta.get("author")
    name = value.strip() if isinstance(value, str) else ""
    return (name,) if name else ()


def _paper_authors(paper: Paper, digest: Digest) -> tuple[str, ...]:
    """The people the digest names for the paper, else the post's author."""
    names, _ = split_authors(paper.authors)
    return names or _author(digest)


_SUMMARY_CHARS = 300


def preamble_summary(digest: Digest) -> str | None:
    """A post without papers is summarised by the start of its own text."""
    text = " ".join(" ".join(item_text(i) for i in digest.preamble).split())
    if len(text) > _SUMMARY_CHARS:
        text = text[: _SUMMARY_CHARS - 1].rstrip() + "…"
    return text or None


def summary_text(papers: Sequence[Paper]) -> str | None:
    """The paper titles, numbered as in the post: what a reader scans in a list view."""
    if not papers:
        return None
    return "\n".join(f"{p.rank}. {p.title}" for p in papers)


def paper_summary(paper: Paper) -> str | None:
    """The paper's stated goal (else its first introduction item, else the digest's own
    summary of it, else its abstract) as plain text."""
    for kind in ("introduction", "summary"):
        section = paper.section(kind)
        if section is not None and not section.placeholder and section.items:
            item = next((i for i in section.items if i.label == "goal"), section.items[0])
            text = markdown_to_text(item.text)
            if text:
                return text
    if paper.abstract and paper.abstract.strip():
        return " ".join(paper.abstract.split())
    return None


def digest_items(
    corpus: Corpus, settings: FeedSettings, diagnostics: Diagnostics
) -> list[FeedItem]:
    items: list[FeedItem] = []
    left_out: list[Digest] = []
    for order, digest in enumerate(corpus.digests):
        if not settings.keep_empty and not has_text(digest):
            left_out.append(digest)
            continue
        page = _absolute(settings, digest.url, digest.path)
        day = _aware(digest.date).date().isoformat()
        if digest.path is None or digest.post_id is None:
            # Not a page of the site (a plain Markdown file): no permalink to link to or
            # to identify it by, so the entry names its file and links to the site.
            ident = tag_uri(settings, day, _post_name(digest))
        elif settings.id_scheme == "tag":
            ident = tag_uri(settings, day, digest.path)
        else:
            ident = _absolute(settings, digest.post_id, digest.post_id) or digest.post_id
        items.append(
            FeedItem(
                id=ident,
                title=digest.title,
                link=page or settings.site_url,
                published=_aware(digest.date),
                updated=_updated(digest),
                categories=_categories(digest),
                tags=tuple(str(t) for t in digest.tags),
                post_categories=tuple(str(c) for c in digest.categories),
                summary=summary_text(digest.papers) or preamble_summary(digest),
                content=None if settings.excerpt_only else digest_html(digest),
                guid_is_permalink=settings.id_scheme == "permalink" and page is not None,
                lang=digest.lang,
                authors=_author(digest),
                order=order,
            )
        )
    for digest in left_out:
        diagnostics.note(
            "export",
            "feed: this post has no papers and no text, so it gets no entry "
            "(--keep-empty keeps it)",
            digest.source.path,
            digest.source.line,
        )
    kept = [d for d in corpus.digests if settings.keep_empty or has_text(d)]
    return disambiguate(items, kept, diagnostics)


def _post_name(digest: Digest) -> str:
    """The post's file name without its extension: unique within a site's ``_posts``."""
    return PurePath(digest.source.path).stem or digest.slug or "post"


def disambiguate(
    items: list[FeedItem], digests: Sequence[Digest], diagnostics: Diagnostics
) -> list[FeedItem]:
    """Posts that Jekyll gives one ``post.id`` (one permalink per month, or two posts with
    the same permalink) each get an entry id of their own.

    The first post in reading order (the oldest) keeps the id jekyll-feed gives it,
    so its subscribers see nothing new; each later one gets a fragment naming its
    own file (``#2026-03-31-daily-ai-papers``), which stays the same however many
    posts are added, and a warning names both posts.
    """
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        first.setdefault(item.id, index)
    if len(first) == len(items):
        return items
    taken = set(first)
    out = list(items)
    for index, item in enumerate(items):
        holder = first[item.id]
        if holder == index:
            continue
        base = f"{item.id}#{quote(_post_name(digests[index]), safe=_TAG_SAFE)}"
        ident, number = base, 1
        while ident in taken:
            number += 1
            ident = f"{base}-{number}"
        taken.add(ident)
        out[index] = replace(item, id=ident)
        later, earlier = digests[index], digests[holder]
        diagnostics.warning(
            "export",
            f"feed: {earlier.source.path} and {later.source.path} have the same "
            f"{'Jekyll post id' if later.post_id else 'file name'}, {item.id!r}; "
            f"the later post's entry gets the id {ident!r}",
            later.source.path,
            later.source.line,
        )
    return out


def _related_title(link: PaperLink) -> str | None:
    if link.kind == "arxiv" and link.primary:
        return "arXiv"
    if link.kind == "source":
        return None
    return link.label or None


def _paper_related(paper: Paper) -> tuple[FeedLink, ...]:
    """The paper's web links once each, as Atom ``related`` links."""
    links: dict[str, FeedLink] = {}
    for link in paper_links(paper):
        if link.url.startswith(WEB_SCHEMES) and link.url not in links:
            links[link.url] = FeedLink(link.url, "related", "text/html", _related_title(link))
    return tuple(links.values())


def paper_id(settings: FeedSettings, paper: Paper, first_day: str) -> str:
    """Stable per (site, paper): the same arXiv paper keeps its id whichever post shows it.

    Tag URIs date it by ``--tag-date`` or by the first post that shows the paper.
    """
    key = paper.key  # "arxiv:2509.26328" or "url:https://…"
    if settings.id_scheme == "tag":
        return tag_uri(settings, settings.tag_date or first_day, key)
    return settings.site_url + "#" + quote(key, safe=_TAG_SAFE)


def paper_items(corpus: Corpus, settings: FeedSettings, diagnostics: Diagnostics) -> list[FeedItem]:
    """One entry per paper, at its first appearance; repeats are reported, not duplicated."""
    items: list[FeedItem] = []
    groups = distinct_papers(sorted(corpus.digests, key=lambda d: _aware(d.date)))
    updated = _paper_updated(groups)
    for order, group in enumerate(groups):
        digest, paper = group.first
        post_url = _absolute(settings, digest.url, digest.path)
        ident = paper_id(settings, paper, _aware(digest.date).date().isoformat())
        if post_url is None:
            link = paper.url if paper.url.startswith(WEB_SCHEMES) else settings.site_url
        else:
            link = f"{post_url}#{paper.anchor}" if paper.anchor else post_url
        items.append(
            FeedItem(
                id=ident,
                title=paper.title,
                link=link,
                published=_aware(digest.date),
                updated=updated[order],
                categories=_categories(digest),
                tags=tuple(str(t) for t in digest.tags),
                post_categories=tuple(str(c) for c in digest.categories),
                summary=paper_summary(paper),
                content=None
                if settings.excerpt_only
                else sanitise(paper_html(paper, heading=False)),
                guid_is_permalink=False,
                lang=digest.lang,
                authors=_paper_authors(paper, digest),
                related=_paper_related(paper),
                order=order,
            )
        )
    repeats = sum(len(group.repeats) for group in groups)
    if repeats:
        diagnostics.note(
            "export",
            f"feed: {repeats} paper(s) appear in more than one post; "
            "each paper has one entry, at its first appearance",
        )
    return items


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
            start = _updated(digest)
            if latest is not None and start <= latest:
                start = latest + second
            starts[key] = start
            latest = start + (counts[key] - 1) * second
        position = seen.get(key, 0)
        seen[key] = position + 1
        out.append(starts[key] + (counts[key] - 1 - position) * second)
    return out


def newest_first(items: Sequence[FeedItem]) -> list[FeedItem]:
    """Newest first like jekyll-feed; equal dates keep the input order (papers by rank)."""
    in_order = sorted(items, key=lambda i: i.order)
    return sorted(in_order, key=lambda i: i.published, reverse=True)  # stable sort
