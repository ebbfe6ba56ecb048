"""Entry HTML for feeds: a digest or a paper rendered, then sanitised with nh3.

Feed readers show ``content`` as HTML in their own pages, so the markup must
be harmless even if a post smuggles something past the Markdown renderer:
render.py already escapes raw HTML and drops unsafe link schemes, and nh3
(ammonia) is the second, independent gate that guarantees no script, no event
attribute and only http(s)/mailto links reach a reader.
"""

from __future__ import annotations

import html

import nh3

from digestconv.model import Digest, Paper, Section
from digestconv.render import items_html, safe_url

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h2",
        "h3",
        "h4",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "section",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


_cleaner: nh3.Cleaner | None = None


def sanitise(fragment: str) -> str:
    """The fragment with anything a feed reader should not run or follow removed."""
    global _cleaner
    if _cleaner is None:
        _cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel="noopener noreferrer",
            strip_comments=True,
        )
    cleaned: str = _cleaner.clean(fragment)
    return cleaned


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _link(url: str, text: str) -> str:
    """An anchor when the URL is safe, the bare text otherwise (never a dropped link text)."""
    safe = safe_url(url)
    if safe is None:
        return _esc(text)
    return f'<a href="{_esc(safe)}">{_esc(text)}</a>'


def _section_html(section: Section) -> str:
    body = items_html(section.items)
    heading = f"<h4>{_esc(section.heading)}</h4>"
    return heading + ("\n" + body if body else "")


def paper_links_html(paper: Paper) -> str:
    """The paper's arXiv and alphaXiv (and any other) links as one line."""
    parts: list[str] = []
    if paper.arxiv is not None:
        parts.append(_link(paper.arxiv.abs_url, f"arXiv:{paper.arxiv.versioned}"))
    elif paper.url:
        parts.append(_link(paper.url, paper.url))
    for link in paper.links:
        if link.kind == "arxiv" and paper.arxiv is not None:
            continue
        label = "alphaXiv" if link.kind == "alphaxiv" else (link.label or link.url)
        parts.append(_link(link.url, label))
    return "<p>" + " · ".join(parts) + "</p>" if parts else ""


def paper_html(paper: Paper, heading: bool = True) -> str:
    """One paper: its numbered, linked title, its links, then every section as written."""
    parts: list[str] = []
    if heading:
        title = f"{paper.rank}. {paper.title}"
        parts.append(f"<h3>{_link(paper.url, title)}</h3>")
    parts.append(paper_links_html(paper))
    parts.extend(_section_html(s) for s in paper.sections)
    return "\n".join(p for p in parts if p)


def digest_html(digest: Digest) -> str:
    """The whole digest: its preamble, then one section per paper."""
    parts: list[str] = []
    if digest.preamble:
        parts.append(items_html(digest.preamble))
    for paper in digest.papers:
        parts.append(f"<section>\n{paper_html(paper)}\n</section>")
    return sanitise("\n".join(parts))
