"""Citation keys: readable, ASCII, and a function of the paper alone.

A key ends up in the user's manuscripts, so it must never change when another
digest is added or posts are read in another order.  The default template
``{word}-{id}`` contains the arXiv identifier and is therefore unique by
construction; a user template without ``{id}`` may collide, and only then do the
colliding keys get the identifier appended (the one case where a key depends on
other entries, reported as a warning).
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from digestconv.plugins import ExportError

DEFAULT_TEMPLATE = "{word}-{id}"
FIELDS = ("id", "year", "word", "author")

# Words that say nothing about a paper, skipped when choosing {word}.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "to",
        "with",
        "and",
        "or",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "be",
        "via",
        "into",
        "onto",
        "over",
        "under",
        "towards",
        "toward",
        "through",
        "using",
        "use",
        "what",
        "when",
        "why",
        "how",
        "do",
        "does",
        "can",
        "can't",
        "should",
        "we",
        "you",
        "your",
        "our",
        "its",
        "it",
        "this",
        "that",
        "these",
        "those",
        "not",
        "no",
        "beyond",
    ]
)

_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_NOT_KEY = re.compile(r"[^A-Za-z0-9._-]+")
_SEPARATORS = re.compile(r"([._-])[._-]+")


@dataclass(frozen=True)
class KeyParts:
    """What a template may use: ``id`` is ASCII already; the rest is folded here."""

    id: str
    year: str
    title: str
    author: str | None = None


def check_template(template: str) -> str:
    """The template, if every ``{field}`` in it is known; an ExportError otherwise."""
    try:
        names = template_fields(template)
    except ValueError as err:
        raise ExportError(f"--key-template {template!r} is not a valid template: {err}") from err
    unknown = sorted(set(names) - set(FIELDS))
    if unknown:
        raise ExportError(
            f"--key-template {template!r} uses unknown field(s) {', '.join(unknown)};"
            f" known: {', '.join('{' + f + '}' for f in FIELDS)}"
        )
    if not names:
        raise ExportError(f"--key-template {template!r} uses no field, so every key would clash")
    return template


@lru_cache(maxsize=16)
def template_fields(template: str) -> tuple[str, ...]:
    """The fields a template uses (a ValueError when it does not parse)."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def ascii_fold(text: str) -> str:
    """Latin letters without their accents; everything else non-ASCII dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def first_word(title: str) -> str:
    """The first significant title word, lowercased ASCII letters and digits."""
    for raw in title.split():
        word = _NOT_ALNUM.sub("", (raw if raw.isascii() else ascii_fold(raw)).lower())
        if word and word not in STOPWORDS and not word.isdigit():
            return word[:24]
    return "paper"


def author_word(author: str | None) -> str:
    """The first author's family name (``Last, First`` form), folded; ``anon`` when unknown."""
    if not author:
        return "anon"
    last = author.split(",", 1)[0] if "," in author else author.split()[-1]
    folded = re.sub(r"[^a-z0-9]", "", ascii_fold(last.replace("{", "").replace("}", "")).lower())
    return folded or "anon"


def url_id(url: str) -> str:
    """A short stable stand-in for the identifier of a paper that is not on arXiv."""
    return "h" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]


def sanitize(key: str) -> str:
    """Only ``[A-Za-z0-9._-]``, no doubled or dangling separators."""
    key = _NOT_KEY.sub("-", key)
    key = _SEPARATORS.sub(r"\1", key)
    return key.strip("._-") or "paper"


def render(template: str, parts: KeyParts) -> str:
    used = template_fields(template)
    values = {
        "id": parts.id.replace("/", "."),
        "year": parts.year,
        "word": first_word(parts.title) if "word" in used else "",
        "author": author_word(parts.author) if "author" in used else "",
    }
    return sanitize(template.format_map(values))


def assign(
    wanted: Mapping[str, str], ids: Mapping[str, str], taken: Iterable[str] = ()
) -> tuple[dict[str, str], list[str]]:
    """Unique keys for papers (paper → wanted key), never reusing a ``taken`` key.

    BibTeX compares keys without regard to case, so uniqueness does too.  Returns
    the keys and the papers whose key had to be changed.
    """
    used = {k.lower() for k in taken}
    count: dict[str, int] = {}
    for key in wanted.values():
        count[key.lower()] = count.get(key.lower(), 0) + 1
    out: dict[str, str] = {}
    changed: list[str] = []
    for paper in sorted(wanted, key=lambda p: (wanted[p].lower(), ids[p])):
        key = wanted[paper]
        if count[key.lower()] > 1 or key.lower() in used:
            key = sanitize(f"{key}-{ids[paper].replace('/', '.')}")
            if key.lower() in used:
                n = 2
                while f"{key}-{n}".lower() in used:
                    n += 1
                key = f"{key}-{n}"
            changed.append(paper)
        used.add(key.lower())
        out[paper] = key
    return out, changed
