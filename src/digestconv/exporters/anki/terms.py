"""Which words a cloze card hides: one key term of the sentence, never the whole title.

A cloze asks a learner to recall something short and specific – the method's
or model's name, a benchmark, a number – that the rest of the sentence does
not give away.  Blanking a whole sixteen-word title asks for recitation, and
blanking a word that is still visible elsewhere on the card asks nothing.
The term is therefore chosen from candidates in a fixed order of preference:

1. the paper's name (its title before the colon) when it is short;
2. distinctive words of the title (acronyms, CamelCase, words with digits or
   inner capitals such as ``Pref-GRPO``, ``dLLM``, ``V2``) found in the sentence;
3. distinctive words of the sentence itself, then numbers with a unit (``35%``);
4. a short run of Latin-script words inside a sentence in another script.

A candidate is taken only if every place it occurs can be hidden and nothing
of it stays visible on the front; the choice depends on the text alone, so the
same posts always give the same cards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

MAX_WORDS = 4
"""Longest answer, in words, that a candidate may have."""

_TERM = re.compile(
    r"(?<![A-Za-z0-9.\-])[A-Za-z][A-Za-z0-9]*(?:[-.+][A-Za-z0-9]+)*\+*(?![A-Za-z0-9\-])"
)
"""A Latin-script word; Hangul or CJK particles right after it ("GRPO를") do not hide it."""
_MARK = re.compile(r"[0-9A-Z]")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:%|배|x|×|pp|%p|점)(?!\w)")
_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-.+']*(?:\s+[A-Za-z0-9][A-Za-z0-9\-.+']*)*")
_COMMON = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "this",
        "to",
        "we",
        "with",
        "via",
        "using",
        "based",
        "towards",
        "toward",
        "new",
        "large",
        "model",
        "models",
        "paper",
        "method",
        "approach",
    ]
)


_GENERIC = frozenset(
    [
        "ai",
        "api",
        "cnn",
        "cnns",
        "cv",
        "gpu",
        "gpus",
        "llm",
        "llms",
        "lm",
        "lms",
        "mllm",
        "mllms",
        "nlp",
        "rl",
        "sota",
        "vlm",
        "vlms",
        "vla",
        "vlas",
        "gan",
        "gans",
        "vae",
        "vaes",
        "ml",
        "dl",
        "qa",
    ]
)
"""Acronyms of a whole field: true, but not what this paper is about, so asked last."""


def word_count(text: str) -> int:
    return len(text.split())


@lru_cache(maxsize=1 << 16)
def distinctive(word: str) -> bool:
    """An acronym, a CamelCase or digit-bearing name: what a paper calls its own thing
    (a digit or a capital after the first letter)."""
    core = word.strip("+.-")
    return len(core) >= 2 and _MARK.search(core, 1) is not None and core.lower() not in _COMMON


def title_terms(text: str) -> list[str]:
    """The distinctive words of ``text``, in order."""
    return _terms(text)


def _terms(text: str) -> list[str]:
    return [word for word in _TERM.findall(text) if distinctive(word)]


def candidates(name: str, title: str, sentence: str) -> Iterator[str]:
    """Possible answers, best first (each at most ``MAX_WORDS`` words, duplicates left in)."""
    if name and word_count(name) <= MAX_WORDS:
        yield name
    ranked = sorted(set(_terms(title)), key=lambda t: (-len(t), t))
    yield from (t for t in ranked if t.lower() not in _GENERIC)
    own = _terms(sentence)
    yield from (t for t in own if t.lower() not in _GENERIC)
    for match in _NUMBER.finditer(sentence):
        yield match.group(0)
    if not sentence.isascii():
        for match in _LATIN_RUN.finditer(sentence):
            run = match.group(0).strip(" .-'")
            words = run.split()
            long_enough = len(run) >= 3 and 1 <= len(words) <= MAX_WORDS
            if long_enough and any(w.lower() not in _COMMON for w in words):
                yield run
    yield from (t for t in (*ranked, *own) if t.lower() in _GENERIC)
