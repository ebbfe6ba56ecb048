"""Model → one feed entry: a digest (jekyll-feed's shape) or one paper of it.

An entry is plain data, independent of Atom or RSS, built from its digest and
the few values ``plan`` decides across the corpus (its id, a paper's
``updated``), so it can be rendered on its own and reused while neither changes.
Digest ids are Jekyll's own (``post.id`` through ``absolute_url``) so a site
switching from jekyll-feed shows no duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePath
from urllib.parse import quote

from digestconv.exporters.feed.html import digest_html, paper_html, sanitise
from digestconv.exporters.feed.settings import FeedSettings, normal_host
from digestconv.model import Digest, Paper
from digestconv.text.markdown import item_text, markdown_to_text
from digestconv.text.people import split_authors
from digestconv.text.urls import WEB_SCHEMES, PaperLink, paper_links

# Characters RFC 4151's ``specific`` part (pchar / "/" / "?") allows unescaped.
TAG_SAFE = "-._~!$&'()*+,;=:@/?"


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
    summary: str | None
    content: str | None
    """Sanitised HTML, or None for excerpt-only feeds."""
    guid_is_permalink: bool
    lang: str | None = None
    authors: tuple[str, ...] = ()
    """One Atom ``author`` each: the paper's authors, or the post's author."""
    related: tuple[FeedLink, ...] = ()


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
    return f"tag:{settings.tag_authority},{day}:{quote(specific, safe=TAG_SAFE)}"


def _categories(digest: Digest) -> tuple[str, ...]:
    """jekyll-feed's categories, then tags, each once, in the order written."""
    seen: dict[str, None] = {}
    for term in (*digest.categories, *digest.tags):
        text = str(term).strip()
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def aware(value: datetime) -> datetime:
    """The model promises offsets; a naive date from a hand-built corpus is read as UTC
    rather than letting feedgen raise."""
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def entry_updated(digest: Digest) -> datetime:
    """``last_modified_at`` when the post has a usable one (as jekyll-feed), else the date."""
    raw = digest.meta.get("last_modified_at")
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            return aware(digest.date)
    else:
        return aware(digest.date)
    if value.tzinfo is None:
        value = value.replace(tzinfo=aware(digest.date).tzinfo)
    return max(value, aware(digest.date))


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


def digest_id(settings: FeedSettings, digest: Digest) -> str:
    """The entry id jekyll-feed gives the post (before ``plan`` tells colliding ones apart)."""
    day = aware(digest.date).date().isoformat()
    if digest.path is None or digest.post_id is None:
        # Not a page of the site (a plain Markdown file): no permalink to link to or
        # to identify it by, so the entry names its file and links to the site.
        return tag_uri(settings, day, post_name(digest))
    if settings.id_scheme == "tag":
        return tag_uri(settings, day, digest.path)
    return _absolute(settings, digest.post_id, digest.post_id) or digest.post_id


def digest_entry(settings: FeedSettings, digest: Digest, ident: str) -> FeedItem:
    """One post's entry, under the id ``plan`` gave it."""
    page = _absolute(settings, digest.url, digest.path)
    return FeedItem(
        id=ident,
        title=digest.title,
        link=page or settings.site_url,
        published=aware(digest.date),
        updated=entry_updated(digest),
        categories=_categories(digest),
        summary=summary_text(digest.papers) or preamble_summary(digest),
        content=None if settings.excerpt_only else digest_html(digest),
        guid_is_permalink=settings.id_scheme == "permalink" and page is not None,
        lang=digest.lang,
        authors=_author(digest),
    )


def post_name(digest: Digest) -> str:
    """The post's file name without its extension: unique within a site's ``_posts``."""
    return PurePath(digest.source.path).stem or digest.slug or "post"


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
    return settings.site_url + "#" + quote(key, safe=TAG_SAFE)


def paper_entry(
    settings: FeedSettings, digest: Digest, paper: Paper, ident: str, updated: datetime
) -> FeedItem:
    """One paper's entry at its first appearance, ``digest``; ``updated`` is decided across
    the corpus by ``plan``."""
    post_url = _absolute(settings, digest.url, digest.path)
    if post_url is None:
        link = paper.url if paper.url.startswith(WEB_SCHEMES) else settings.site_url
    else:
        link = f"{post_url}#{paper.anchor}" if paper.anchor else post_url
    return FeedItem(
        id=ident,
        title=paper.title,
        link=link,
        published=aware(digest.date),
        updated=updated,
        categories=_categories(digest),
        summary=paper_summary(paper),
        content=None if settings.excerpt_only else sanitise(paper_html(paper, heading=False)),
        guid_is_permalink=False,
        lang=digest.lang,
        authors=_paper_authors(paper, digest),
        related=_paper_related(paper),
    )
