"""``--update existing.bib``: grow a bibliography the user also edits by hand.

The existing file is kept byte for byte – the user's own entries, comments,
``@string`` macros and every field they added or changed – and only papers it
does not yet cite are appended.  A paper is recognised by its arXiv identifier
(``eprint``, or an arXiv ``url``/``doi``), else by its URL, so a user who renamed
a key keeps it.  A file bibtexparser cannot read completely is refused: writing
over it could lose what the user wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digestconv.arxiv import parse_id, parse_url
from digestconv.plugins import ExportError

if TYPE_CHECKING:  # bibtexparser is imported only to read an --update file: a build without
    # one renders its entries in a process that never imports it
    from bibtexparser.library import Library
    from bibtexparser.model import Entry


@dataclass(frozen=True)
class Existing:
    """What an existing bibliography contributes: its text, keys and papers."""

    text: str
    keys: frozenset[str]
    papers: frozenset[str]
    """``Paper.key`` values (``arxiv:ID`` or ``url:URL``) the file already cites."""


EMPTY = Existing("", frozenset(), frozenset())


def read(path: Path) -> Existing:
    """Parse ``path``; a missing file is an empty bibliography (the first run)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return EMPTY
    except OSError as err:
        raise ExportError(f"--update: cannot read {path}: {err.strerror or err}") from err
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ExportError(
            f"--update: {path} is not UTF-8 (byte {err.start}); nothing was written"
        ) from err
    return parse(text, str(path))


def parse(text: str, name: str = "<update>") -> Existing:
    from bibtexparser.entrypoint import parse_string
    from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

    library = parse_string(text)
    problems: list[str] = []
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append(f"{name}:{line}: duplicate key {block.key!r}")
        elif isinstance(block, ParsingFailedBlock):
            problems.append(f"{name}:{line}: {block.error}")
        else:  # pragma: no cover - bibtexparser's other failure kinds
            problems.append(f"{name}:{line}: {type(block).__name__}")
    if not problems:
        problems.extend(_unparsed_text(library, text, name))
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"; … {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise ExportError(f"--update: {name} does not parse, nothing was written: {shown}")
    keys = [e.key for e in library.entries]
    folded: dict[str, str] = {}
    for key in keys:
        other = folded.setdefault(key.lower(), key)
        if other != key:
            raise ExportError(
                f"--update: {name} has keys {other!r} and {key!r}, which BibTeX treats as the"
                " same; nothing was written"
            )
    papers = frozenset(p for e in library.entries for p in _paper_keys(e))
    return Existing(text, frozenset(keys), papers)


def _unparsed_text(library: Library, text: str, name: str) -> list[str]:
    """bibtexparser treats text it skips as comments; an ``@`` there is a broken entry."""
    out: list[str] = []
    for block in library.comments:
        raw = block.raw or ""
        if "@" in raw and not raw.lstrip().lower().startswith("@comment"):
            line = (block.start_line or 0) + 1
            out.append(f"{name}:{line}: text with '@' that is not an entry")
    return out


def _field(entry: Entry, name: str) -> str:
    for f in entry.fields:
        if f.key.lower() == name:
            return str(f.value).strip().strip('{}"').strip()
    return ""


def _paper_keys(entry: Entry) -> list[str]:
    """The paper identities an entry stands for (arXiv id and/or URL)."""
    out: list[str] = []
    eprint = _field(entry, "eprint")
    archive = (_field(entry, "archiveprefix") or _field(entry, "eprinttype") or "arxiv").lower()
    if eprint and archive == "arxiv":
        ident = parse_id(eprint)
        if ident:
            out.append(f"arxiv:{ident.id}")
    url = _field(entry, "url")
    if url:
        ident = parse_url(url)
        out.append(f"arxiv:{ident.id}" if ident else f"url:{url}")
    doi = _field(entry, "doi").lower()
    if doi.startswith("10.48550/arxiv."):
        ident = parse_id(doi[len("10.48550/arxiv.") :])
        if ident:
            out.append(f"arxiv:{ident.id}")
    return out
