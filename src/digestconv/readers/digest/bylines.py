"""Authors written beside or under a paper's title, with no label to say so.

A byline is taken only when every name in it looks like a person's name: a venue, a
score or a list of topics in the same place is the entry's text, and a wrong author list
is worse in every output (BibTeX, the feed's authors, the cards) than none.
"""

from __future__ import annotations

import re

from digestconv.readers.digest.fields import split_people
from digestconv.text.people import split_authors


def cited(title: str) -> tuple[str, tuple[str, ...]]:
    """A plain title written as a citation: a reference pasted from a reference manager
    or a paper's bibliography (APA, IEEE, MLA, Chicago), or "Title. Ana Pérez, Bo Li.",
    whose names after the last full stop are its authors.  Each only when every name in
    it looks like one."""
    found = reference(title)
    if found is not None:
        return found
    head, _, tail = title.rstrip(".").rpartition(". ")
    names = byline(tail) if head and "," in tail else ()
    return (head, names) if names else (title, ())


_APA = re.compile(
    r"(?P<names>[^()\n]{2,600}?)\s*\((?:1[89]|20)\d{2}[a-z]?(?:,[^()\n]{1,30})?\)\.?\s+"
    r"(?P<title>[^\n]{2,600}?[.?!])(?=\s|$)"
)
"""``Pérez, A., & Li, B. (2026). Title. Venue.``: the title is the sentence after the year."""
_QUOTED = re.compile(
    r"(?P<names>[^\"“”\n]{2,600}?)[.,]\s+[\"“](?P<title>[^\"“”\n]{2,600}[^\"“”\n,.])"
    r"(?:[,.][\"”]|[\"”][,.])"
)
"""``A. Pérez and B. Li, "Title," venue`` (IEEE) and ``Pérez, Ana, and Bo Li. "Title."``
(MLA, Chicago): the title is in quotes."""
_INITIALS = re.compile(r"(?:[A-Z]\.(?:[ -]?[A-Z]\.)*)")
_SURNAME = re.compile(
    r"[A-Z][\w'’-]*(?:[ -](?:[A-Z][\w'’-]*|" + r"van|von|de|der|den|da|di|la|le|del))*"
)
_LEADING_AND = re.compile(r"^(?:and|&)\s+")


def reference(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(title, authors) of a reference in APA, IEEE, MLA or Chicago style, or None."""
    if "(" not in text and '"' not in text and "“" not in text:
        return None  # neither a year in brackets nor a quoted title: most paragraphs
    m = _APA.match(text)
    if m is not None:
        names = _inverted(m.group("names"))
        title = m.group("title").removesuffix(".")
    else:
        m = _QUOTED.match(text)
        if m is None:
            return None
        names = _listed(m.group("names"))
        title = m.group("title").strip()
    if not names or len(title) < 3:
        return None
    return title, names


def _inverted(text: str) -> tuple[str, ...]:
    """APA's ``Last, I., Last, I., & Last, I.`` (an ``…`` or ``et al.`` for the rest) as
    ``I. Last`` names; () unless every pair is a surname and initials."""
    tokens = [_LEADING_AND.sub("", t.strip()) for t in text.replace("…", ",").split(",")]
    named, more = split_authors(tokens)
    if not named or len(named) % 2:
        return ()
    out: list[str] = []
    for surname, initials in zip(named[::2], named[1::2], strict=True):
        if not _SURNAME.fullmatch(surname) or not _INITIALS.fullmatch(initials):
            return ()
        out.append(f"{initials} {surname}")
    return (*out, "et al.") if more else tuple(out)


def _listed(text: str) -> tuple[str, ...]:
    """``A. Pérez, B. Li, and C. Kim`` (IEEE), or with the first name inverted, ``Pérez,
    Ana, and Bo Li`` (MLA, Chicago); () unless every one is a name."""
    pieces: list[str] = []
    for piece in text.split(","):
        part = _LEADING_AND.sub("", piece.strip())
        pieces.extend(p.strip() for p in re.split(r"\s+(?:and|&)\s+", part) if p.strip())
    named, more = split_authors(pieces)
    parts = list(named)
    inverted = len(parts) >= 2 and " " not in parts[0] and bool(_SURNAME.fullmatch(parts[0]))
    if inverted and all(_SURNAME.fullmatch(w) or _INITIALS.fullmatch(w) for w in parts[1].split()):
        parts[:2] = [f"{parts[1]} {parts[0]}"]  # "Pérez, Ana": the first author inverted
    else:
        inverted = False
    if not parts or not all(_LATIN.fullmatch(p) for p in parts):
        return ()
    if len(parts) == 1 and not inverted and not _INITIAL.search(parts[0]):
        return ()  # 'Making Large Models, "Think,"': one name needs an initial or a comma
    return (*parts, "et al.") if more else tuple(parts)


_BYLINE = re.compile(
    r"\s*(?:[-–—:]\s*)?(?:\((?:by\s+)?(?P<a>[^()]{3,400})\)|by\s+(?P<b>[^()]{3,400})"
    r"|(?P<c>[^()]{3,400}))\s*$"
)
_PARTICLE = r"van|von|de|der|den|da|di|la|le|del|bin"
_LATIN_NAME = rf"(?:[A-Z][\w'’.-]*|[A-Z]\.)(?:[ \t]+(?:[A-Z][\w'’.-]*|[A-Z]\.|{_PARTICLE}))+"
_NAME = re.compile(rf"{_LATIN_NAME}|[\u4e00-\u9fff\uac00-\ud7af]{{2,4}}")
_LATIN = re.compile(_LATIN_NAME)
_INITIAL = re.compile(r"\b[A-Z]\.")


def byline(text: str) -> tuple[str, ...]:
    """The authors written beside an entry's title (``(K. Lee, M. Park)``, ``by Tri Dao,
    Albert Gu``, ``— Ana Pérez, Bo Li``), or () when the text there is anything but a list
    of names (a venue, a score, a phrase): every name must look like one, ``et al.``
    aside."""
    m = _BYLINE.match(text[:420])
    if m is None:
        return ()
    names = split_people(m.group("a") or m.group("b") or m.group("c") or "")
    people = [n for n in names if n != "et al."]
    # Bare names ("**Title** — Ana Pérez, Bo Li") must be Latin-script names: two CJK
    # words beside a title are as often a remark as a byline.
    shape = _LATIN if m.group("c") is not None else _NAME
    if not people or not all(shape.fullmatch(n) for n in people):
        return ()
    if len(names) == 1 and m.group("b") is None and not _INITIAL.search(people[0]):
        return ()  # "(Best Paper)", "(Google DeepMind)": one name needs "by" or an initial
    if m.group("b") is None and _names_a_field_or_lab(" ".join(people)):
        return ()  # "— Computer Vision, Robot Learning", "(Google DeepMind, Meta AI)"
    return names


def _names_a_field_or_lab(text: str) -> bool:
    return any(w.casefold() in _NOT_NAMES for w in _WORD.findall(text))


def plain_byline(line: str) -> tuple[str, ...]:
    """The authors on a line of their own under a title, with no label: only names, and
    enough of them (three, or an initial, or ``et al.``), or two with no word of a field
    of study or an organisation among them, that a line of topics or labs written the
    same way ("Computer Vision, Robot Learning", "Google DeepMind, Meta AI") is not taken
    for one."""
    if len(line) > 400 or "," not in line:
        return ()
    if line.endswith((".", ":", "：")) and not line.endswith("al."):
        return ()  # a sentence, a label
    names = byline(line)
    people = [n for n in names if n != "et al."]
    if len(people) >= 3 or len(people) < len(names) or any(_INITIAL.search(n) for n in people):
        return names
    if len(people) == 2 and not _names_a_field_or_lab(line):
        return names
    return ()


_WORD = re.compile(r"[^\W\d_]+")
_NOT_NAMES = frozenset(
    [
        "learning",
        "vision",
        "language",
        "languages",
        "model",
        "models",
        "processing",
        "robotics",
        "robot",
        "robots",
        "systems",
        "system",
        "network",
        "networks",
        "intelligence",
        "retrieval",
        "generation",
        "reasoning",
        "agents",
        "agent",
        "optimization",
        "graphics",
        "security",
        "data",
        "theory",
        "science",
        "sciences",
        "computing",
        "analysis",
        "recognition",
        "translation",
        "speech",
        "audio",
        "multimodal",
        "generative",
        "diffusion",
        "transformers",
        "attention",
        "benchmark",
        "benchmarks",
        "evaluation",
        "alignment",
        "safety",
        "efficiency",
        "inference",
        "training",
        "survey",
        "review",
        "detection",
        "segmentation",
        "control",
        "planning",
        "search",
        "methods",
        "ai",
        "research",
        "lab",
        "labs",
        "university",
        "universität",
        "université",
        "universidad",
        "institute",
        "institut",
        "inc",
        "ltd",
        "corp",
        "group",
        "team",
        "center",
        "centre",
        "college",
        "school",
        "academy",
        "foundation",
        "deepmind",
        "google",
        "meta",
        "microsoft",
        "openai",
        "nvidia",
        "anthropic",
        "amazon",
        "apple",
        "ibm",
        "alibaba",
        "tencent",
        "baidu",
        "bytedance",
        "huawei",
        "samsung",
        "stanford",
        "mit",
        "berkeley",
        "tsinghua",
        "peking",
    ]
)
"""Words of fields of study and of organisations, which two authors' names do not hold."""


_SEPARATOR = re.compile(r"[ \t]+[·|•][ \t]+")
_COUNT = re.compile(
    r"(?:[^\w\s]{1,3}[ \t]*)?\d[\d,.]{0,12}[kK]?"
    r"(?:[ \t]*(?:upvotes?|votes?|likes?|stars?|points?|[^\w\s]{1,3}))?",
    re.IGNORECASE,
)


def meta_line(line: str) -> tuple[tuple[str, ...], str | None] | None:
    """(authors, score) of a line of facts under a title, set apart by ``·`` or ``|``
    (``👍 120 · Ana Pérez, Bo Li``, as paper aggregators show them); None unless every
    part is one of the two."""
    parts = _SEPARATOR.split(line.strip()) if len(line) <= 400 else []
    if len(parts) < 2:
        return None
    authors: tuple[str, ...] = ()
    score = None
    for part in parts:
        if score is None and _COUNT.fullmatch(part):
            score = part
        elif not authors and (names := byline(part) or _one_name(part)):
            authors = names
        else:
            return None
    return authors, score


def _one_name(text: str) -> tuple[str, ...]:
    """One name beside a score (``👍 80 · Chen Wei``), not a lab's or a field's."""
    name = text.strip()
    if _LATIN.fullmatch(name) and not _names_a_field_or_lab(name):
        return (name,)
    return ()


_LINK_LABEL = re.compile(r"\[\[?[^\]\n]{1,40}\]\]?")
_ASIDE = re.compile(r"[(（][^()（）\n]{1,80}[)）]|\*[^*\n]{1,80}\*|_[^_\n]{1,80}_")
_SENTENCE_END = re.compile(r"(?<![A-Z])\.\s+|;\s+")
_VENUE_TAIL = re.compile(r",\s*[A-Za-z][\w&.'’ -]{0,40}(?:19|20)\d{2}\s*\.?\s*$")


def byline_within(text: str) -> tuple[str, ...]:
    """The authors among what stands beside a title with its venue and links (``Ana Pérez
    et al., *ICML 2026* [[code](…)]``, ``Chen Wei, Dana Smith. arXiv 2026.``, ``(CoRL 2026)
    by M. Rossi``): the first part of it, links' labels, asides and a trailing venue taken
    off, that is a byline."""
    if len(text) > 400:
        return ()
    unlinked = _LINK_LABEL.sub(" ", text)
    asides = [m.group(0)[1:-1] for m in _ASIDE.finditer(unlinked)]
    for chunk in [*_SENTENCE_END.split(_ASIDE.sub(" ", unlinked)), *asides]:
        part = _VENUE_TAIL.sub("", chunk).strip(" \t,.;:-–—|·")
        names = byline(part) if part else ()
        if names:
            return names
    return ()
