"""Entry HTML for feeds: a digest or a paper rendered, then sanitised with nh3.

Feed readers show ``content`` as HTML in their own pages, so the whole entry
passes ``digestconv.text.html.sanitise`` – the gate every HTML output shares –
after the Markdown renderer has already escaped raw HTML and unsafe links.
"""

from __future__ import annotations

from digestconv.model import Digest, Paper, Section
from digestconv.text.html import escape, escape_attribute, items_html, markdown_html, sanitise
from digestconv.text.people import affiliation_line, author_line
from digestconv.text.urls import PaperLink, paper_links, safe_url

__all__ = ["digest_html", "has_text", "paper_html", "paper_links_html", "people_html", "sanitise"]


def _link(url: str, text: str) -> str:
    """An anchor when the URL is safe, the bare text otherwise (never a dropped link text)."""
    safe = safe_url(url)
    if safe is None:
        return escape_attribute(text)
    return f'<a href="{escape_attribute(safe)}">{escape_attribute(text)}</a>'


def _section_html(section: Section) -> str:
    body = items_html(section.items)
    heading = f"<h4>{escape_attribute(section.heading)}</h4>"
    return heading + ("\n" + body if body else "")


def paper_links_html(paper: Paper) -> str:
    """The paper's arXiv and alphaXiv (and any other) links as one line."""
    parts = [
        _link(link.url, link.label or link.url)
        for link in paper_links(paper)
        if _shown(link, paper)
    ]
    return "<p>" + " · ".join(parts) + "</p>" if parts else ""


def _shown(link: PaperLink, paper: Paper) -> bool:
    """Every link but a second arXiv one (the title line already links the abstract)."""
    if link.primary:
        return bool(link.url)
    return not (link.kind == "arxiv" and paper.arxiv is not None)


def people_html(paper: Paper) -> str:
    """Authors, affiliations and abstract, when the digest gives them: what a reader
    deciding whether to open the paper looks for first."""
    parts: list[str] = []
    authors = author_line(paper.authors)
    if authors:
        parts.append(f"<p><strong>Authors:</strong> {escape(authors)}</p>")
    affiliations = affiliation_line(paper.affiliations)
    if affiliations:
        parts.append(f"<p><strong>Affiliations:</strong> {escape(affiliations)}</p>")
    if paper.abstract and paper.abstract.strip():
        paragraphs = [" ".join(p.split()) for p in paper.abstract.split("\n\n") if p.strip()]
        body = "".join(f"<p>{markdown_html(p)}</p>" for p in paragraphs)
        parts.append(f"<h4>Abstract</h4>\n<blockquote>{body}</blockquote>")
    return "\n".join(parts)


def paper_html(paper: Paper, heading: bool = True) -> str:
    """One paper: its numbered, linked title, its links, its authors and abstract, then
    every section as written."""
    parts: list[str] = []
    if heading:
        title = f"{paper.rank}. {paper.title}"
        parts.append(f"<h3>{_link(paper.url, title)}</h3>")
    parts.append(paper_links_html(paper))
    parts.append(people_html(paper))
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


def has_text(digest: Digest) -> bool:
    """Whether a post gives a reader anything to read: a paper, or text of its own.

    An entry without either is what the W3C validator calls "missing textual
    content", and what a reader sees as a blank item.
    """
    return bool(digest.papers) or any(item.text.strip() for item in digest.preamble)
