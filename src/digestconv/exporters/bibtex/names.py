"""A digest's author list → BibTeX names, without inventing or losing anyone.

Digests write authors for humans: ``A, B, C et al.``, ``X et al. (NVIDIA)``,
``Y (ServiceNow)``, ``NVIDIA (A, B, et al.)``, ``anonymous (cs.LG submission)``.
BibTeX reads ``author`` as names joined by ``and``, each ``First von Last``, so
each element becomes one name:

* a final ``et al.`` or ``others`` — alone or with a remark such as ``(8 authors)`` —
  becomes BibTeX's ``and others`` (styles print "et al.", biber ``\\andothers``);
* a parenthesised remark after a name (an affiliation, a member list) is not part
  of the name and is left out; an element that is only a remark (``(see arxiv)``)
  or a placeholder (``anonymous``) names nobody;
* the names themselves go through ``bibtex_name``: ``Last, First`` so BibTeX never
  guesses, corporate names and names with an inner ``and`` braced whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from digestconv.exporters.bibtex.enrich import bibtex_name

# "et al.", "et al. (NVIDIA)", and "al. (…)" where a list said "Name et al. (…)" and
# the "et" was read as a conjunction.
_ET_AL = re.compile(r"^(?:(?:et\.?\s*)?al(?:\.|\b)|(?:and\s+)?others\b)", re.IGNORECASE)
_REMARK = re.compile(r"\s*[(\[（].*$")
_CLOSERS = str.maketrans("", "", ")]）")
_PLACEHOLDER = re.compile(r"^(?:anonymous|anon\.?|unknown|n/?a|tba|tbd)$", re.IGNORECASE)


@dataclass(frozen=True)
class Authors:
    """Names in BibTeX form, in the digest's order, and whether the list was cut short."""

    names: tuple[str, ...]
    truncated: bool

    def field(self) -> str | None:
        """The ``author`` value, ``and others`` closing a truncated list; None without names."""
        if not self.names:
            return None
        return " and ".join(self.names + (("others",) if self.truncated else ()))


def from_digest(authors: Sequence[str]) -> Authors:
    """The model's ``Paper.authors`` (as written, ``et al.`` its own element) in BibTeX form."""
    names: dict[str, None] = {}  # ordered and deduplicated in linear time
    truncated = False
    for raw in authors:
        text = " ".join(raw.split())
        if _ET_AL.match(text):
            truncated = True
            continue
        # The remark is cut from its opening bracket; a closing one left over (a member
        # list split by the reader, "…, and others)") closes nothing.
        name = _REMARK.sub("", text).translate(_CLOSERS).strip(" ,;:·")
        if not name or _PLACEHOLDER.match(name):
            continue
        converted = bibtex_name(name)
        if converted:
            names[converted] = None
    return Authors(tuple(names), truncated)


def from_arxiv(authors: Sequence[str]) -> Authors:
    """arXiv's complete list (``--enrich``): every name, never truncated."""
    return Authors(tuple(n for n in (bibtex_name(a) for a in authors) if n), False)


def choose(digest: Authors, arxiv: Authors | None) -> Authors:
    """The digest's own list; arXiv's where the digest names nobody or stops at ``et al.``."""
    if arxiv is not None and arxiv.names and (not digest.names or digest.truncated):
        return arxiv
    return digest
