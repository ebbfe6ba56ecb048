"""Model → feed entries: one per digest (jekyll-feed's shape) or one per paper.

Entries are plain data, independent of Atom or RSS, so both writers, the
archive pager and the per-tag splitter share one list and cannot disagree on
an id, a date or an order.  Digest ids are Jekyll's own (``post.id`` through
``absolute_url``) so a site switching from jekyll-feed shows no duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.feed.html import digest_html, paper_html, sanitise
from digestconv.exporters.feed.settings import FeedSettings
from digestconv.model import Corpus, Digest, Paper
from digestconv.papers import distinct_papers
from digestconv.text.markdown import markdown_to_text
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
    author: str | None = None
    related: tuple[FeedLink, ...] = ()
    order: int = 0
    """Position in the corpus: the tie-breaker for entries with equal dates."""


def _abs(settings: FeedSettings, path: str) -> str:
    """Jekyll's ``absolute_url``: the site root (url + baseurl) joined with a path."""
    return settings.site_url.rstrip("/") + "/" + path.lstrip("/")


def _absolute(settings: FeedSettings, value: str | None, path: str) -> str:
    """The reader's absolute address when it has one, else ``path`` under the site root."""
    if value and "://" in value:
        return value
    return _abs(settings, path)


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


def _author(digest: Digest) -> str | None:
    value = digest.meta.get("author")
    return value.strip() or None if isinstance(value, str) else None


def summary_text(papers: Sequence[Paper]) -> str | None:
    """The paper titles, numbered as in the post: what a reader scans in a list view."""
    if not papers:
        return None
    return "\n".join(f"{p.rank}. {p.title}" for p in papers)


def paper_summary(paper: Paper) -> str | None:
    """The paper's stated goal (else its first introduction item) as plain text."""
    intro = paper.section("introduction")
    if intro is None or intro.placeholder or not intro.items:
        return None
    item = next((i for i in intro.items if i.label == "goal"), intro.items[0])
    return markdown_to_text(item.text) or None


def digest_items(corpus: Corpus, settings: FeedSettings) -> list[FeedItem]:
    items: list[FeedItem] = []
    for order, digest in enumerate(corpus.digests):
        link = _absolute(settings, digest.url, digest.path)
        if settings.id_scheme == "tag":
            ident = tag_uri(settings, _aware(digest.date).date().isoformat(), digest.path)
        else:
            ident = _absolute(settings, digest.post_id, digest.post_id)
        items.append(
            FeedItem(
                id=ident,
                title=digest.title,
                link=link,
                published=_aware(digest.date),
                updated=_updated(digest),
                categories=_categories(digest),
                tags=tuple(str(t) for t in digest.tags),
                post_categories=tuple(str(c) for c in digest.categories),
                summary=summary_text(digest.papers),
                content=None if settings.excerpt_only else digest_html(digest),
                guid_is_permalink=settings.id_scheme == "permalink",
                lang=digest.lang,
                author=_author(digest),
                order=order,
            )
        )
    return items


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
    for order, group in enumerate(groups):
        digest, paper = group.first
        post_url = _absolute(settings, digest.url, digest.path)
        ident = paper_id(settings, paper, _aware(digest.date).date().isoformat())
        items.append(
            FeedItem(
                id=ident,
                title=paper.title,
                link=f"{post_url}#{paper.anchor}" if paper.anchor else post_url,
                published=_aware(digest.date),
                updated=_updated(digest),
                categories=_categories(digest),
                tags=tuple(str(t) for t in digest.tags),
                post_categories=tuple(str(c) for c in digest.categories),
                summary=paper_summary(paper),
                content=None
                if settings.excerpt_only
                else sanitise(paper_html(paper, heading=False)),
                guid_is_permalink=False,
                lang=digest.lang,
                author=_author(digest),
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


def newest_first(items: Sequence[FeedItem]) -> list[FeedItem]:
    """Newest first like jekyll-feed; equal dates keep the input order (papers by rank)."""
    in_order = sorted(items, key=lambda i: i.order)
    return sorted(in_order, key=lambda i: i.published, reverse=True)  # stable sort
