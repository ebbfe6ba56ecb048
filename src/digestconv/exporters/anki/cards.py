"""Papers → Anki notes: which cards a paper makes, their fields, deck, tags and identity.

Both outputs (CSV and .apkg) are written from the same list of notes, so a
user can import one and update with the other.  A note's GUID depends only on
the paper's identity and the card kind – never on its text – so re-importing
an export of edited or extended posts updates notes in place.  A paper that
several digests repeat is one note per kind: its text, deck and date come from
its first appearance (so adding posts never moves or rewrites old notes), its
tags list every digest it appeared in.
"""

from __future__ import annotations

import hashlib
import html
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from digestconv.diagnostics import Diagnostics
from digestconv.exporters.anki.fields import (
    FORMULA_STARTS,
    NameMatcher,
    anki_safe,
    attr,
    cloze_html,
    formula_safe,
    text_html,
)
from digestconv.exporters.anki.terms import MAX_WORDS, candidates, title_terms, word_count
from digestconv.model import Corpus, Digest, Item, Paper, Section, SectionKind
from digestconv.papers import PaperGroup, distinct_papers
from digestconv.plugins import ExportError
from digestconv.text.html import item_html, items_html
from digestconv.text.people import affiliation_line, author_line
from digestconv.text.urls import paper_links, safe_url

CardKind = Literal["summary", "cloze", "method", "results", "limitations"]
CARD_KINDS: tuple[CardKind, ...] = get_args(CardKind)
DEFAULT_KINDS: tuple[CardKind, ...] = ("summary", "cloze")
DEFAULT_DECK = "Daily Papers::{year}-{month}"
DECK_FIELDS = ("year", "month", "day", "date")

_SECTION_TITLES: dict[CardKind, str] = {
    "method": "Method",
    "results": "Results",
    "limitations": "Limitations",
}
_LABEL_TITLES = {"goal": "Goal", "contribution": "Contribution"}
_GUID_ALPHABET = string.digits + string.ascii_letters
_GUID_BASE2 = len(_GUID_ALPHABET) ** 2
_GUID_PAIRS = tuple(a + b for a in _GUID_ALPHABET for b in _GUID_ALPHABET)


@dataclass(frozen=True)
class AnkiNote:
    """One note as both writers need it; ``fields`` are Anki-safe HTML."""

    guid: str
    kind: CardKind
    deck: str
    tags: tuple[str, ...]
    fields: tuple[str, str]
    mtime: int
    """Seconds since the epoch: the latest date of the digests that hold the paper."""

    @property
    def is_cloze(self) -> bool:
        return self.kind == "cloze"


# --------------------------------------------------------------------------- options


def parse_kinds(value: object) -> tuple[CardKind, ...]:
    """``summary,cloze`` (or a list, from a configuration file) → card kinds in canonical order."""
    if value is None:
        return DEFAULT_KINDS
    if isinstance(value, str):
        names = [v.strip() for v in value.split(",")]
    elif isinstance(value, Iterable):
        names = [str(v).strip() for v in value]
    else:
        raise ExportError(f"--cards: expected a comma-separated list, got {value!r}")
    names = [n for n in names if n]
    unknown = sorted(set(names) - set(CARD_KINDS))
    if unknown:
        raise ExportError(
            f"--cards: unknown card kind {', '.join(unknown)} (choose from {', '.join(CARD_KINDS)})"
        )
    if not names:
        raise ExportError("--cards: no card kind given")
    return tuple(k for k in CARD_KINDS if k in names)


class DeckTemplate:
    """``--deck`` with ``{year}``, ``{month}``, ``{day}``, ``{date}``; nothing else is expanded.

    ``str.format`` would let a template reach attributes (``{year.__class__}``),
    so the fields are checked once, up front, with a clear error.
    """

    def __init__(self, template: str) -> None:
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError as exc:
            raise ExportError(f"--deck: {exc} in {template!r}") from exc
        for _, field_name, spec, conversion in parsed:
            if field_name is None:
                continue
            if field_name not in DECK_FIELDS or spec or conversion:
                raise ExportError(
                    f"--deck: unknown field {{{field_name}}} in {template!r} "
                    f"(use {', '.join('{' + f + '}' for f in DECK_FIELDS)})"
                )
        self.template = template

    def render(self, date: datetime) -> str:
        name = self.template.format(
            year=f"{date.year:04d}",
            month=f"{date.month:02d}",
            day=f"{date.day:02d}",
            date=date.date().isoformat(),
        )
        deck = normalise_deck(name)
        if not deck:
            raise ExportError(f"--deck: {self.template!r} gives an empty deck name")
        if deck[0] in FORMULA_STARTS:
            raise ExportError(
                f"--deck: the deck name {deck!r} starts with {deck[0]!r}, which spreadsheets "
                "run as a formula; start the template with another character"
            )
        return deck


def check_notetype(option: str, name: object) -> str:
    """A note type name as the CSV's notetype column will hold it (Anki matches it exactly)."""
    if not isinstance(name, str) or not name.strip():
        raise ExportError(f"{option}: a note type name is required")
    if name != name.strip():
        raise ExportError(f"{option}: {name!r} has surrounding spaces; Anki would not find it")
    if name[0] in FORMULA_STARTS:
        raise ExportError(
            f"{option}: {name!r} starts with {name[0]!r}, which spreadsheets run as a formula"
        )
    return name


# --------------------------------------------------------------------------- names


def normalise_deck(name: str) -> str:
    """The deck name Anki will create: components stripped, empty ones dropped."""
    return "::".join(c.strip() for c in name.split("::") if c.strip())


def normalise_tag(tag: str) -> str:
    """A post tag as one Anki tag: white space → ``_``, empty ``::`` levels dropped.

    Anki splits tags on white space and renames empty hierarchy levels to
    "blank"; doing both here keeps the tag exactly as the model says.
    """
    joined = "_".join(tag.split())
    return "::".join(c for c in joined.split("::") if c)


def note_guid(paper_key: str, kind: str) -> str:
    """A stable GUID for (paper, card kind): letters and digits only (CSV- and formula-safe)."""
    digest = hashlib.sha256(f"digestconv\x00{paper_key}\x00{kind}".encode()).digest()
    number = int.from_bytes(digest[:12], "big")
    # Base 62 two digits at a time (half the big-number divisions); the top pair's
    # leading zero, which one digit at a time would not write, is stripped.
    out = []
    while number:
        number, rem = divmod(number, _GUID_BASE2)
        out.append(_GUID_PAIRS[rem])
    return "dc" + "".join(reversed(out)).lstrip(_GUID_ALPHABET[0])


_NAME_END = re.compile(r":(?:\s|$)")


def cloze_name(title: str) -> str:
    """The paper's name: its title before the first colon, else the whole title.

    Only a colon that ends a word counts ("Name: subtitle"), so a colon inside
    a URL or ``A::B`` stays part of the name.
    """
    match = _NAME_END.search(title)
    if match and title[: match.start()].strip():
        return title[: match.start()].strip()
    return title.strip()


# --------------------------------------------------------------------------- fields


def _live(paper: Paper, kind: SectionKind) -> list[Section]:
    return [s for s in paper.sections if s.kind == kind and not s.placeholder and s.items]


def _intro_items(paper: Paper) -> tuple[Item | None, Item | None, tuple[Item, ...]]:
    """(goal, contribution, all intro items): by label, or by position when unlabelled."""
    items = tuple(i for s in _live(paper, "introduction") for i in s.items)
    if any(i.label for i in items):
        goal = next((i for i in items if i.label == "goal"), None)
        contribution = next((i for i in items if i.label == "contribution"), None)
    else:
        goal = items[0] if items else None
        contribution = items[2] if len(items) >= 3 else None
    return goal, contribution, items


def _labelled(item: Item, label: str) -> str:
    shown = item.label_text or _LABEL_TITLES[label]
    body = anki_safe(item_html(item, with_label=False))
    return f'<div class="dc-{label}"><b>{text_html(shown)}:</b> {body}</div>'


def _meta(paper: Paper, digest: Digest) -> str:
    ident = f"arXiv:{paper.arxiv.id}" if paper.arxiv else paper.url
    return f'<div class="dc-meta">{text_html(ident)} · {digest.date.date().isoformat()}</div>'


def _title(paper: Paper) -> str:
    return f'<div class="dc-title">{text_html(paper.title)}</div>'


def _links(paper: Paper) -> str:
    """The paper's own page and its alphaXiv overview: what a learner opens from a card."""
    primary, *others = paper_links(paper)
    links: list[tuple[str, str]] = []
    if primary.kind == "arxiv":
        links.append(("arXiv", primary.url))
    elif safe_url(primary.url):
        links.append(("Link", primary.url))
    alpha = next((lk for lk in others if lk.kind == "alphaxiv"), None)
    if alpha and safe_url(alpha.url):
        links.append((alpha.label, alpha.url))
    if not links:
        return ""
    anchors = " · ".join(f'<a href="{attr(url)}">{text_html(label)}</a>' for label, url in links)
    return f'<div class="dc-links">{anchors}</div>'


def _fallback_body(paper: Paper) -> str:
    """Text for a back without Goal/Contribution: the conclusion, else the first live section."""
    live = _live(paper, "conclusion") or [
        s for s in paper.sections if not s.placeholder and s.items
    ]
    if not live:
        return ""
    return f'<div class="dc-body">{anki_safe(items_html(live[0].items))}</div>'


def _people(paper: Paper, abstract: bool = True) -> str:
    """Authors and affiliations (and the abstract) when the digest gives them."""
    parts: list[str] = []
    authors = author_line(paper.authors)
    if authors:
        parts.append(f'<div class="dc-authors"><b>Authors:</b> {text_html(authors)}</div>')
    affiliations = affiliation_line(paper.affiliations)
    if affiliations:
        parts.append(
            f'<div class="dc-affiliations"><b>Affiliations:</b> {text_html(affiliations)}</div>'
        )
    if abstract and paper.abstract and paper.abstract.strip():
        body = text_html(" ".join(paper.abstract.split()))
        parts.append(f'<div class="dc-abstract"><b>Abstract:</b> {body}</div>')
    return "".join(parts)


class _Shared:
    """The pieces every card kind of one paper shows, rendered once per paper rather than
    once per card (title, meta line, links, introduction items)."""

    def __init__(self, paper: Paper, digest: Digest) -> None:
        self.paper = paper
        self.digest = digest
        self.intro = _intro_items(paper)
        self.title = _title(paper)
        self.meta = _meta(paper, digest)
        self._links: str | None = None

    @property
    def links(self) -> str:
        if self._links is None:
            self._links = _links(self.paper)
        return self._links


def summary_fields(paper: Paper, digest: Digest, shared: _Shared | None = None) -> tuple[str, str]:
    shared = shared or _Shared(paper, digest)
    goal, contribution, _ = shared.intro
    parts = []
    if goal is not None:
        parts.append(_labelled(goal, "goal"))
    if contribution is not None:
        parts.append(_labelled(contribution, "contribution"))
    if not parts:
        parts.append(_fallback_body(paper))
    parts.append(_people(paper))
    parts.append(shared.links)
    return shared.title + shared.meta, "".join(parts)


_CLOZED = re.compile(r"\{\{c\d+::.*?\}\}", re.DOTALL)
_MARKUP = re.compile(r"<[^>]*>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_ABSTRACT_CHARS = 320


def visible_text(field: str) -> str:
    """What the front shows before the answer is revealed: clozes removed, as text."""
    return html.unescape(_MARKUP.sub(" ", _CLOZED.sub(" ", field)))


def _abstract_lead(abstract: str) -> str:
    """The abstract's first sentences, up to a card's worth of text."""
    text = " ".join(abstract.split())
    out = ""
    for sentence in _SENTENCE_END.split(text):
        if out and len(out) + len(sentence) > _ABSTRACT_CHARS:
            break
        out = f"{out} {sentence}".strip()
    return out


def _cloze_sentence(paper: Paper, goal: Item | None, intro: tuple[Item, ...]) -> str | None:
    """Inline HTML of the sentence to cloze: the Goal, else the first introduction item,
    the digest's summary, the abstract's first sentences, or the conclusion."""
    item = goal or (intro[0] if intro else None)
    if item is None:
        summary = _live(paper, "summary")
        item = summary[0].items[0] if summary else None
    if item is None and paper.abstract and paper.abstract.strip():
        return html.escape(_abstract_lead(paper.abstract), quote=False)
    if item is None:
        conclusion = _live(paper, "conclusion")
        item = conclusion[0].items[0] if conclusion else None
    return None if item is None else item_html(item, with_label=False)


def cloze_body(paper: Paper, sentence: str, rest: str) -> str:
    """The sentence with one key term clozed wherever it occurs (see ``terms``).

    A term is taken only when no trace of it stays on the front (``rest`` is the
    rest of the front, lower-cased); when the sentence offers none, the card asks
    for the paper's name in front of it, as ``[...]: sentence``.
    """
    name = cloze_name(paper.title)
    raw = sentence.lower()
    if word_count(name) <= MAX_WORDS:
        # The common case, as fast as a plain cloze of the name: every occurrence in the
        # markup was hidden, so none can be left on the front.
        key = " ".join(name.split()).lower()
        if key and key in raw and key not in rest:
            body, count = cloze_html(sentence, NameMatcher(name))
            if count and count == raw.count(key):
                return body
    plain = html.unescape(_MARKUP.sub("", sentence))
    low = plain.lower()
    tried: set[str] = set()
    for term in candidates(name, paper.title, plain):
        key = " ".join(term.split()).lower()
        if key in tried or key not in low or key in rest:
            continue  # a plain substring test first: most candidates stop here
        tried.add(key)
        body, count = cloze_html(sentence, NameMatcher(term))
        if count and (count == raw.count(key) or key not in visible_text(body).lower()):
            return body
    matcher = NameMatcher(_asked_name(name, paper, low + rest) or paper.key)
    body, count = cloze_html(sentence, matcher)
    if count == 0:
        body = cloze_html(html.escape(matcher.name, quote=False), matcher)[0] + ": " + body
    return body


def _asked_name(name: str, paper: Paper, front: str) -> str:
    """What a card asks for in front of a sentence that names no key term: the paper's
    name when it is short, else the title's most distinctive word – the first of them
    that the front (``front``, case-folded) does not show – else the name."""
    short = [name] if word_count(name) <= MAX_WORDS else []
    terms = sorted(set(title_terms(paper.title)), key=lambda t: (-len(t), t))
    return next((t for t in (*short, *terms) if t.lower() not in front), name)


def cloze_fields(
    paper: Paper, digest: Digest, shared: _Shared | None = None
) -> tuple[str, str] | None:
    """Text with a key term clozed in the paper's Goal sentence; None without a sentence."""
    shared = shared or _Shared(paper, digest)
    goal, contribution, intro = shared.intro
    sentence = _cloze_sentence(paper, goal, intro)
    if sentence is None:
        return None
    rest = f"{_label(paper)} · {digest.date.date().isoformat()}".lower()
    text = f'<div class="dc-cloze">{cloze_body(paper, sentence, rest)}</div>{shared.meta}'
    extra = [shared.title]
    if contribution is not None and contribution is not goal:
        extra.append(_labelled(contribution, "contribution"))
    extra.append(_people(paper, abstract=False))
    extra.append(shared.links)
    return text, "".join(extra)


def section_fields(
    paper: Paper, digest: Digest, kind: CardKind, shared: _Shared | None = None
) -> tuple[str, str] | None:
    sections = _live(paper, kind)  # type: ignore[arg-type]
    if not sections:
        return None
    shared = shared or _Shared(paper, digest)
    items = tuple(i for s in sections for i in s.items)
    front = (
        shared.title
        + shared.meta
        + f'<div class="dc-section">{text_html(_SECTION_TITLES[kind])}</div>'
    )
    return front, f'<div class="dc-body">{anki_safe(items_html(items))}</div>' + shared.links


# --------------------------------------------------------------------------- notes


def _where(digest: Digest, paper: Paper) -> tuple[str, int]:
    if paper.source is not None:
        return paper.source.path, paper.source.line
    return digest.source.path, digest.source.line


def _label(paper: Paper) -> str:
    return f"arXiv:{paper.arxiv.id}" if paper.arxiv else paper.url


def build_notes(
    corpus: Corpus,
    kinds: Sequence[CardKind],
    deck: DeckTemplate,
    diagnostics: Diagnostics,
) -> list[AnkiNote]:
    """Every note of the corpus, in reading order (paper by paper, kinds in canonical order)."""
    notes: list[AnkiNote] = []
    for group in distinct_papers(corpus.digests):
        notes.extend(paper_notes(group, kinds, deck, diagnostics))
    return notes


def paper_notes(
    group: PaperGroup[Digest],
    kinds: Sequence[CardKind],
    deck: DeckTemplate,
    diagnostics: Diagnostics,
) -> list[AnkiNote]:
    """One paper's notes: they depend on its appearances alone, so a paper is the unit
    an incremental export renders again."""
    key, appearances = group.key, group.appearances
    digest, paper = group.first
    first_path = digest.source.path
    for later_digest, later in group.repeats:
        path, line = _where(later_digest, later)
        diagnostics.note(
            "export",
            f"{_label(later)} already has Anki notes from {first_path}; "
            f"this appearance adds the tag digest::{later_digest.date.date().isoformat()}",
            path,
            line,
        )
    tags = _tags(appearances)
    mtime = int(max(_modified(d, diagnostics) for d, _ in appearances).timestamp())
    deck_name = deck.render(digest.date)
    shared = _Shared(paper, digest)
    notes: list[AnkiNote] = []
    for kind in kinds:
        if kind == "summary":
            fields: tuple[str, str] | None = summary_fields(paper, digest, shared)
        elif kind == "cloze":
            fields = cloze_fields(paper, digest, shared)
            if fields is None:
                path, line = _where(digest, paper)
                diagnostics.note(
                    "export",
                    f"{_label(paper)} has no Goal or other sentence to cloze; no cloze card",
                    path,
                    line,
                )
        else:
            fields = section_fields(paper, digest, kind, shared)
        if fields is None:
            continue
        notes.append(
            AnkiNote(
                guid=note_guid(key, kind),
                kind=kind,
                deck=deck_name,
                tags=tags,
                fields=(formula_safe(fields[0]), formula_safe(fields[1])),
                mtime=mtime,
            )
        )
    return notes


_MODIFIED_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S")


def _modified(digest: Digest, diagnostics: Diagnostics) -> datetime:
    """When the post last changed: ``last_modified_at`` (the Jekyll convention) or its date.

    This is a note's modification time in the .apkg, which Anki compares to
    decide whether an import updates the note; the clock would make every
    re-export look newer.
    """
    raw = digest.meta.get("last_modified_at")
    value: datetime | None = None
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _MODIFIED_FORMATS:
                try:
                    value = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
    if value is None:
        if raw is not None:
            diagnostics.warning(
                "export",
                f"last_modified_at {raw!r} is not a date; the post's date is used",
                digest.source.path,
                digest.source.line,
            )
        return digest.date
    if value.tzinfo is None:
        value = value.replace(tzinfo=digest.date.tzinfo)
    return max(value, digest.date)


def _tags(appearances: Sequence[tuple[Digest, Paper]]) -> tuple[str, ...]:
    """``digest::DATE`` for each appearance, ``arxiv::ID``, then the posts' own tags.

    The ``digest::`` tag comes first so the CSV's tags cell never starts with a
    formula character; tags that differ only in case are one tag in Anki.
    """
    out: list[str] = []
    seen: set[str] = set()

    def add(tag: str) -> None:
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)

    for date in sorted({d.date.date().isoformat() for d, _ in appearances}):
        add(f"digest::{date}")
    paper = appearances[0][1]
    if paper.arxiv:
        add(f"arxiv::{paper.arxiv.id}")
    for digest, _ in appearances:
        for tag in digest.tags:
            add(normalise_tag(tag))
    return tuple(out)
