"""URLs a reader may follow, Jekyll's URL helpers, and the links every output shows for a paper.

Posts link to arXiv, alphaXiv, code and project pages, sometimes with a
``javascript:`` URL or a host that is not one.  Every output decides the same
way which of those become links (``safe_url``; ``safe_href`` for EPUBCheck's
stricter parser) and names them the same way (``paper_links``), so a paper's
links read alike in a feed, a book and a flash card.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote, urlsplit, urlunsplit

from digestconv.model import Paper
from digestconv.text.clean import NOT_XHTML

SAFE_SCHEMES = ("http://", "https://", "mailto:")
WEB_SCHEMES = ("http://", "https://")


def safe_url(url: str) -> str | None:
    """The URL if its scheme is one a reader may follow, else None."""
    u = url.strip()
    return u if u.lower().startswith(SAFE_SCHEMES) else None


_HOST = re.compile(r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*\.?")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_URL_SAFE = "/:@!$&'()*+,;=%~-._"
# The common case, already in the shape safe_href would produce: returned as is.
_PLAIN_URL = re.compile(
    r"https?://[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*"
    r"(?::[0-9]{1,4})?(?:/[A-Za-z0-9/:@!$&'()*+,;=~._-]*)?(?:\?[A-Za-z0-9/:@!$&'()*+,;=~._?-]*)?"
    r"(?:#[A-Za-z0-9/:@!$&'()*+,;=~._?-]*)?"
)


def safe_href(url: str) -> str | None:
    """An http(s)/mailto URL in the shape EPUBCheck's URL parser accepts, or None.

    Posts link with spaces, raw non-ASCII, stray ``%`` and sometimes hosts that
    are not hosts; such a link is shown as text rather than made into an
    error in the book.
    """
    if _PLAIN_URL.fullmatch(url):
        return url
    u = NOT_XHTML.remove(url).strip()
    if safe_url(u) is None:
        return None
    u = _BAD_PERCENT.sub("%25", u)
    if u[:7].lower() == "mailto:":
        address = quote(u[7:], safe="@!$&'()*+,;=%~-._")
        return "mailto:" + address if address else None
    try:
        parts = urlsplit(u)
        port = parts.port
        host = parts.hostname
    except ValueError:
        return None
    if not host:
        return None
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if not _HOST.fullmatch(host):
        return None
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE + "?"),
            quote(parts.fragment, safe=_URL_SAFE + "?"),
        )
    )


_SLUG_DEFAULT = re.compile(r"[\W_]+")


def slugify(text: str) -> str:
    """Jekyll's default ``slugify``: runs of non-word characters → ``-``, lower case."""
    return _SLUG_DEFAULT.sub("-", text).strip("-").lower()


def absolute_url(root: str, path: str) -> str:
    """Jekyll's ``absolute_url``: ``path`` under the site root (``url`` + ``baseurl``)."""
    return root.rstrip("/") + (path if path.startswith("/") else "/" + path)


class PaperLink(NamedTuple):
    """A link shown with a paper.

    ``kind`` is ``arxiv`` for the paper's arXiv abstract page, ``source`` for its
    own URL when it is not on arXiv, else the kind of one of the post's links.
    A named tuple rather than a frozen dataclass: every export asks for every
    paper's links, and a tuple is made several times faster.
    """

    url: str
    kind: str
    label: str
    primary: bool = False


def link_label(kind: str, label: str) -> str:
    """How a post's link is named: alphaXiv by its brand, any other by its text as written."""
    return "alphaXiv" if kind == "alphaxiv" else label


def paper_links(paper: Paper) -> tuple[PaperLink, ...]:
    """The paper's own page (arXiv abstract, else its URL), then the post's links in order."""
    if paper.arxiv is not None:
        first = PaperLink(paper.arxiv.abs_url, "arxiv", f"arXiv:{paper.arxiv.versioned}", True)
    else:
        first = PaperLink(paper.url, "source", paper.url, True)
    return (
        first,
        *(PaperLink(lk.url, lk.kind, link_label(lk.kind, lk.label)) for lk in paper.links),
    )
