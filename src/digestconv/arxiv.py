"""arXiv identifiers: parsing from the many URL shapes posts use, and normalisation.

One paper is linked as ``https://arxiv.org/abs/2509.26328`` in one post and
``http://arxiv.org/abs/2509.26328v1`` in another; deduplication, citation keys
and feed ids all depend on reducing both to the same identifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

# New style (April 2007 on): YYMM.NNNN until 2014, YYMM.NNNNN from 2015.
_NEW = re.compile(r"(?P<id>(?P<yy>\d{2})(?P<mm>\d{2})\.\d{4,5})(?:v(?P<v>\d+))?")
# Old style: archive[.SUBJECT-CLASS]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136v2.
_OLD = re.compile(
    r"(?P<id>(?P<arch>[a-z]+(?:-[a-z]+)*)(?:\.(?P<sub>[A-Za-z]{2}))?/"
    r"(?P<yy>\d{2})(?P<mm>\d{2})\d{3})(?:v(?P<v>\d+))?"
)
# arXiv's own hosts, with the names it had before 1999 and its mirrors of record.
_HOSTS = frozenset(
    {"arxiv.org", "www.arxiv.org", "export.arxiv.org", "browse.arxiv.org", "lanl.arxiv.org"}
    | {"xxx.lanl.gov"}
)
_KINDS = frozenset({"abs", "pdf", "html", "format", "ps", "src"})
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
_ARXIV_DOI = "10.48550/arxiv."
"""The prefix of the DOIs arXiv registers for every paper (``10.48550/arXiv.2401.00001``):
Zotero, Google Scholar and publishers cite preprints by them."""


@dataclass(frozen=True, order=True)
class ArxivId:
    """A normalised arXiv identifier; ``version`` only when the post linked one."""

    id: str
    version: int | None = None

    @property
    def versioned(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id

    @property
    def old_style(self) -> bool:
        return "/" in self.id

    @property
    def year(self) -> int:
        """Submission year from the identifier's YYMM (old style 91–99 → 19xx)."""
        yy = int(self._yymm()[:2])
        return (1900 + yy) if yy >= 91 else (2000 + yy)

    @property
    def month(self) -> int:
        return int(self._yymm()[2:])

    @property
    def primary_class(self) -> str | None:
        """Known only for old-style ids, whose archive names the subject."""
        if not self.old_style:
            return None
        return self.id.split("/", 1)[0]

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.versioned}"

    @property
    def sort_key(self) -> tuple[int, int, str]:
        """Chronological order: old and new styles interleave by their YYMM."""
        return (self.year, self.month, self.id)

    @property
    def chronological(self) -> str:
        """A string that sorts as :attr:`sort_key` does (year, month, identifier): the
        century and the identifier's YYMM, fixed-width, then the identifier.  Sorting
        16,000 papers by it takes half the time of the tuple's three property calls."""
        ident = self.id
        number = ident[ident.index("/") + 1 :] if "/" in ident else ident
        return ("19" if number[:2] >= "91" else "20") + number[:4] + ident

    def _yymm(self) -> str:
        number = self.id.split("/", 1)[1] if self.old_style else self.id
        return number[:4]

    def __str__(self) -> str:
        return self.versioned


def parse_id(text: str) -> ArxivId | None:
    """An identifier such as ``2509.26328v2``, ``arXiv:2509.26328`` or ``hep-th/9901001``."""
    text = text.strip()
    if text[:6].lower() == "arxiv:":
        text = text[6:]
    for pattern in (_NEW, _OLD):
        m = pattern.fullmatch(text)
        if m:
            month = int(m.group("mm"))
            if not 1 <= month <= 12:
                return None
            ident = m.group("id")
            if pattern is _OLD and m.group("sub"):
                arch, rest = ident.split("/", 1)
                head, sub = arch.split(".", 1)
                ident = f"{head}.{sub.upper()}/{rest}"
            v = m.group("v")
            return ArxivId(ident, int(v) if v else None)
    return None


def parse_url(url: str) -> ArxivId | None:
    """The identifier an arXiv abs/pdf/html URL points at, or None for any other URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in _HOSTS:
        return None
    path = parts.path.strip("/")
    kind, _, rest = path.partition("/")
    if kind not in _KINDS or not rest:
        return None
    if rest.endswith(".pdf"):
        rest = rest[:-4]
    return parse_id(rest)


# Sites whose paper pages are keyed by the arXiv identifier itself.
_MIRRORS = {
    "huggingface.co": ("papers",),
    "www.huggingface.co": ("papers",),
    "hf.co": ("papers",),
    "alphaxiv.org": ("abs", "overview", "pdf"),
    "www.alphaxiv.org": ("abs", "overview", "pdf"),
    # ar5iv's HTML renderings, and reading sites whose pages are /arxiv/ID
    "ar5iv.labs.arxiv.org": ("html", "abs"),
    "ar5iv.org": ("html", "abs"),
    "papers.cool": ("arxiv",),
    "scirate.com": ("arxiv",),
    "www.scirate.com": ("arxiv",),
    "www.semanticscholar.org": ("arxiv",),
    "semanticscholar.org": ("arxiv",),
    # reading sites whose paper pages are /papers/ID or /abs/ID
    "www.arxiv-vanity.com": ("papers",),
    "arxiv-vanity.com": ("papers",),
    "www.emergentmind.com": ("papers", "abs"),
    "emergentmind.com": ("papers", "abs"),
}
_LOCALE = re.compile(r"[a-z]{2}(?:-[A-Za-z]{2,4})?")
"""A language a reading site's address may name before the page (``/ko/``, ``/zh-CN/``)."""
_ID_TEXT = r"(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?"


def _hosts_pattern() -> str:
    """The address prefixes of arXiv's hosts and of the mirrors, as one alternation: the
    text search knows the sites the URL parser knows."""
    by_kinds: dict[tuple[str, ...], list[str]] = {("abs", "html", "pdf"): sorted(_HOSTS)}
    for host, kinds in sorted(_MIRRORS.items()):
        by_kinds.setdefault(tuple(sorted(kinds)), []).append(host)
    return "|".join(
        r"(?:https?://)?(?:"
        + "|".join(map(re.escape, hosts))
        + (r")/(?:" if kinds == ("abs", "html", "pdf") else r")/(?:[a-z]{2}(?:-[a-z]{2,4})?/)?(?:")
        + "|".join(kinds)
        + ")/"
        for kinds, hosts in by_kinds.items()
    )


# Paper identifiers where they appear in running text: URLs with or without a scheme
# (link texts often show "arxiv.org/abs/…"), and "arXiv:ID" / "arXiv ID" citations.  The
# search finds what looks like an identifier first and only then reads the few characters
# before it for one of these prefixes: one pattern of every prefix tried at every position
# of a post was a third of the general reader's time.
_ID_CANDIDATE = re.compile(r"(?<![\w.-])(?P<id>" + _ID_TEXT + r")(?!\d)", re.IGNORECASE)
_DOI_ID = re.compile(r"\b10\.48550/arxiv\.(?P<id>" + _ID_TEXT + r")(?!\d)", re.IGNORECASE)
"""An arXiv DOI, bare or in a doi.org address: its id follows a full stop, which the
candidate search does not start after."""
_ID_PREFIX = re.compile(
    r"(?:"
    + _hosts_pattern()
    # "arXiv:ID", "arXiv ID", and with markup or a word between: "**arXiv**: ID",
    # "arXiv ID: ID", "[arXiv] ID" (bounded repeats: no backtracking over long runs); after
    # mere spaces or markup (group "spaced") only a new-style id counts
    + r"|\barxiv(?:\s{0,3}(?:id|identifier|no\.|번호|编号))?"
    r"(?:[\s*_`\]]{0,10}[:：][\s*_`\[]{0,10}|(?P<spaced>[\s*_`\[\]]{1,10})))\Z",
    re.IGNORECASE,
)
_PREFIX_REACH = 90
"""How far before an identifier its prefix may start (the longest is under 50 characters)."""
_KEYS = (
    "xiv",
    "XIV",
    "Xiv",
    "ugging",
    "UGGING",
    "hf.co",
    "ar5iv",
    "lanl.gov",
    "papers.cool",
    "scirate",
    "semanticscholar",
    "emergentmind",
    "10.48550/",
)
"""Words of which a text that names an identifier holds one: most texts hold none, and
skip the search."""


def parse_paper_url(url: str, *, unwrap: bool = True) -> ArxivId | None:
    """The arXiv identifier behind an arXiv, Hugging Face papers or alphaXiv URL, an
    arXiv DOI, or a redirect whose query holds one of those (``google.com/url?q=…``, a
    mail or chat client's link wrapper: posts pasted from them keep the wrapper)."""
    found = parse_url(url)
    if found is not None:
        return found
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https"):
        return None
    if host in _DOI_HOSTS:
        doi = parts.path.strip("/")
        return parse_id(doi[len(_ARXIV_DOI) :]) if doi.lower().startswith(_ARXIV_DOI) else None
    kinds = _MIRRORS.get(host)
    if kinds is None:
        return _wrapped(parts.query) if unwrap else None
    kind, _, rest = parts.path.strip("/").partition("/")
    if _LOCALE.fullmatch(kind) and kind not in kinds:  # alphaXiv's "/ko/overview/ID"
        kind, _, rest = rest.partition("/")
    if kind not in kinds or not rest:
        return None
    rest = rest.split("/", 1)[0] if "/" in rest and _NEW.match(rest) else rest
    return parse_id(rest.removesuffix(".pdf"))


def _wrapped(query: str) -> ArxivId | None:
    """The paper of the first address a redirect's query carries (one level deep)."""
    for _, value in parse_qsl(query) if "http" in query else ():
        if value.startswith(("http://", "https://")):
            found = parse_paper_url(value, unwrap=False)
            if found is not None:
                return found
    return None


def find_ids(text: str) -> list[ArxivId]:
    """Every paper identifier named in ``text``, in order (linear in its length)."""
    if not any(key in text for key in _KEYS):
        return []
    named: list[tuple[int, str]] = []
    for m in _ID_CANDIDATE.finditer(text):
        at = m.start()
        prefix = _ID_PREFIX.search(text, max(0, at - _PREFIX_REACH), at)
        if prefix is None or (prefix.group("spaced") is not None and "/" in m.group("id")):
            continue
        named.append((at, m.group("id")))
    if "10.48550/" in text:
        named = sorted([*named, *((m.start("id"), m.group("id")) for m in _DOI_ID.finditer(text))])
    found = [parse_id(ident) for _, ident in named]
    return [f for f in found if f is not None]
