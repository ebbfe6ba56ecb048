"""A post body → papers, by the general digest grammar.

One block parse of the body; the entry shape is chosen from it (``shapes``);
each entry's blocks become a paper (``entries``).  A post in the home blog's
dialect (``# N. [Title](url)`` headings with sections and no field lines) is read
by ``digestconv.body`` on the same parse, so its output stays exactly as before.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from digestconv.arxiv import find_ids, parse_id
from digestconv.body import BodyReader, _blocks_only, kramdown_id
from digestconv.diagnostics import Diagnostics
from digestconv.mdparser import Document, definitions, references
from digestconv.model import Item, Paper
from digestconv.readers import Body
from digestconv.readers.digest.blocks import (
    Unit,
    id_columns,
    leading_id,
    source,
    ungroup,
    units_of,
    with_definitions,
    with_ids,
)
from digestconv.readers.digest.entries import (
    Draft,
    EntryReader,
    finish,
    has_link,
    links_in,
    only_repositories,
)
from digestconv.readers.digest.fields import FACT_LINE, ROLES, Field, links_repository, norm
from digestconv.readers.digest.heads import body_start, heading_text
from digestconv.readers.digest.htmlblocks import as_markdown
from digestconv.readers.digest.kramdown import (
    header_id,
    without_attributes,
    without_definition_marks,
    without_line_breaks,
    without_target_liquid,
)
from digestconv.readers.digest.shapes import Candidate, Shape, choose, list_shape
from digestconv.readers.digest.titles import is_address, plain, rank_of, title_lines
from digestconv.recursion import room_to_recurse

_FACT_ROLES = frozenset(
    {"authors", "affiliations", "abstract", "original_title", "summary", "link"}
)


@dataclass(frozen=True)
class Settings:
    """The declarative form's choices (``digestconv: reader:``), all optional."""

    entry: str = "auto"
    level: int | None = None
    link: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    abstract: tuple[str, ...] = ()


def read_body(
    text: str, path: str, first_line: int, diagnostics: Diagnostics, settings: Settings
) -> Body:
    said = Diagnostics()
    text = without_attributes(text)
    text = without_target_liquid(without_definition_marks(without_line_breaks(text)))
    body, opened = _read_text(text, path, first_line, said, settings)
    if opened is not None:
        # Entries set inside block quotes ("> **[Title](…)**" over "> authors") or HTML
        # tables: read once more with the quotes' markers taken off and the tables written
        # as pipe tables, every line where it was.
        again = Diagnostics()
        unquoted, _ = _read_text(opened, path, first_line, again, settings)
        if unquoted.papers:
            body, said = unquoted, again
    diagnostics.extend(said)
    return body


def _read_text(
    text: str, path: str, first_line: int, diagnostics: Diagnostics, settings: Settings
) -> tuple[Body, str | None]:
    """The body, and, when it has no papers, its text without the markers of the block
    quotes that name some and with its HTML tables as pipe tables (None if neither)."""
    lines = text.split("\n")
    with _blocks_only(), room_to_recurse():
        doc = Document(lines)
    with references(doc):
        body = _read_parsed(
            doc,
            text,
            lines,
            path,
            first_line=first_line,
            diagnostics=diagnostics,
            settings=settings,
        )
        body = _self_contained(body) if definitions() else body
    if body.papers:
        return body, None
    unquoted = _unquoted(doc, lines)
    tabled = as_markdown(unquoted if unquoted is not None else text)
    return body, tabled if tabled is not None else unquoted


_QUOTE_MARK = re.compile(r" {0,3}> ?")


def _unquoted(doc: Any, lines: list[str]) -> str | None:
    """The body with the markers of its top-level block quotes that name a paper removed;
    None when no block quote names one."""
    kids = list(doc.children or ())
    out = list(lines)
    found = False
    for n, token in enumerate(kids):
        if type(token).__name__ != "Quote":
            continue
        end = kids[n + 1].line_number - 1 if n + 1 < len(kids) else len(lines)
        span = lines[token.line_number - 1 : end]
        if not find_ids("\n".join(span)):
            continue
        found = True
        for k, line in enumerate(span, start=token.line_number - 1):
            mark = _QUOTE_MARK.match(line)
            if mark is not None:
                out[k] = line[mark.end() :]
    return "\n".join(out) if found else None


def _self_contained(body: Body) -> Body:
    """Every item with the definitions of the reference links it uses (see
    :func:`~digestconv.readers.digest.blocks.with_definitions`)."""

    def items(found: tuple[Item, ...]) -> tuple[Item, ...]:
        return tuple(replace(i, text=with_definitions(i.text)) for i in found)

    papers = tuple(
        replace(p, sections=tuple(replace(s, items=items(s.items)) for s in p.sections))
        for p in body.papers
    )
    return replace(body, papers=papers, preamble=items(body.preamble))


def _read_parsed(
    doc: Any,
    text: str,
    lines: list[str],
    path: str,
    *,
    first_line: int,
    diagnostics: Diagnostics,
    settings: Settings,
) -> Body:
    if settings.entry == "auto":
        level = _home_dialect_fast(doc, lines, text)
        if level is not None:
            papers, preamble = BodyReader(text, path, first_line, diagnostics).read_document(doc)
            first = next(
                (t for t in doc.children or () if type(t).__name__ in ("Heading", "SetextHeading")),
                None,
            )
            heading = None if first is None else _token_heading(first, lines)
            return Body(tuple(papers), tuple(preamble), _HOME.format(level=level), heading)
    units = ungroup(with_ids(units_of(list(doc.children or ()), lines, len(lines)), lines), lines)
    first = next((u for u in units if u.heading), None)
    first_heading = heading_text(first, lines) if first is not None else None
    shape = _forced(units, lines, settings) if settings.entry != "auto" else choose(units, lines)
    extra = {
        norm(label): role
        for role, labels in (
            ("link", settings.link),
            ("authors", settings.authors),
            ("abstract", settings.abstract),
        )
        for label in labels
    }
    if shape.kind == "heading" and _home_dialect(shape, units, lines):
        papers, preamble = BodyReader(text, path, first_line, diagnostics).read_document(doc)
        return Body(
            tuple(papers),
            tuple(preamble),
            _HOME.format(level=shape.level),
            first_heading,
        )
    if shape.kind == "table":
        return _read_table(units, lines, path, first_line, first_heading)
    if shape.kind == "none":
        preamble = [
            Item(text=source(u, lines), line=u.start + first_line - 1, bullet=u.list_item)
            for u in units
            if u.kind != "ThematicBreak" and source(u, lines).strip()
        ]
        return Body((), tuple(preamble), "no entries", first_heading)
    return _read_entries(
        shape,
        units,
        lines,
        path=path,
        first_line=first_line,
        diagnostics=diagnostics,
        first_heading=first_heading,
        extra=extra,
    )


_FIELD_WINDOW = 12
_RANK_STARTS = frozenset("NnPpRr第")
_HOME = "numbered level-{level} headings linking the title (sections under them)"


def _token_heading(token: Any, lines: list[str]) -> str:
    if type(token).__name__ == "Heading":
        line: str = lines[token.line_number - 1]
        return line.lstrip().lstrip("#").strip().rstrip("#").strip()
    return "".join(str(getattr(c, "content", "")) for c in (token.children or ()))


def _home_dialect_fast(doc: Any, lines: list[str], text: str) -> int | None:
    """The home blog's dialect, told without the full shape analysis: every numbered
    heading (levels 1-3) carries its link, and the lines right under each hold no entry
    field.  Returns the entry level, or None to let the general analysis decide."""
    level: int | None = None
    previous: int | None = None
    children = list(doc.children or ())
    for index, token in enumerate(children):
        if type(token).__name__ != "Heading" or token.level > 3:
            continue
        lead = lines[token.line_number - 1].lstrip(" #")[:1]
        if lead.isalpha() and lead not in _RANK_STARTS:
            continue  # "Introduction", "방법": cannot start with an entry number
        rank, rest = rank_of(_token_heading(token, lines))
        if rank is None:
            continue
        if not rest.lstrip().startswith("[") or (
            "](" not in rest and rest.count("[") <= rest.count("]")
        ):
            return None  # the dialect's heading is the title link itself: "# 1. [Title](url)"
        if links_repository(rest) and previous is not None and rank <= previous:
            # numbering that starts again over repositories ("Trending repositories"):
            # the general analysis tells them from the papers
            return None
        previous = rank

        level = token.level if level is None else min(level, token.level)
        # Field lines ("**Authors:** …", "- 기관: …") sit right under an entry's heading.
        stop = min(len(lines), token.line_number + _FIELD_WINDOW)
        j = index + 1
        while j < len(children) and children[j].line_number <= stop:
            if type(children[j]).__name__ in ("Heading", "SetextHeading"):
                stop = children[j].line_number - 1
                break
            j += 1
        for ln in lines[token.line_number : stop]:
            if (":" in ln or "：" in ln or "|" in ln) and FACT_LINE.match(ln):
                return None
    if level is not None and _papers_after_entries(children, lines, level):
        return None
    return level


def _papers_after_entries(children: list[Any], lines: list[str], level: int) -> bool:
    """Whether a heading at the entries' level or above, without a number, comes after the
    first entry over a block that names papers ("## Other papers today" over a list of
    them): the dialect reads every such heading as a section of the entry before it."""
    heads = [
        t for t in children if type(t).__name__ in ("Heading", "SetextHeading") and t.level <= level
    ]
    numbered = [rank_of(_token_heading(t, lines))[0] is not None for t in heads]
    if True not in numbered:
        return False
    for k in range(numbered.index(True) + 1, len(heads)):
        if numbered[k]:
            continue
        start = heads[k].line_number
        end = heads[k + 1].line_number - 1 if k + 1 < len(heads) else len(lines)
        if find_ids("\n".join(lines[start:end])):
            return True
    return False


def _forced(units: list[Unit], lines: list[str], settings: Settings) -> Shape:
    from digestconv.readers.digest.shapes import heading_shapes

    if settings.entry == "list":
        return list_shape(units, lines)
    shapes = heading_shapes(units, lines)
    if settings.level is not None:
        shapes = [s for s in shapes if s.level == settings.level]
    return max(shapes, key=lambda s: s.score, default=Shape("none"))


def _papers_of_runs(shape: Shape, units: list[Unit]) -> dict[int, bool]:
    """For each entry, whether its run of entries names a paper.  A run ends where the
    numbering starts again or a heading above the entries' level intervenes ("## Trending
    repositories" over entries numbered from 1 again)."""
    runs: list[list[Candidate]] = []
    previous: Candidate | None = None
    for c in shape.entries:
        restart = previous is None or (
            c.rank is not None and previous.rank is not None and c.rank <= previous.rank
        )
        if not restart and previous is not None and shape.kind == "heading":
            restart = any(
                units[j].heading and int(units[j].token.level) < shape.level
                for j in range(previous.index + 1, c.index)
            )
        if restart:
            runs.append([])
        runs[-1].append(c)
        previous = c
    return {c.index: any(r.ids or r.head_id for r in run) for run in runs for c in run}


def _home_dialect(shape: Shape, units: list[Unit], lines: list[str]) -> bool:
    """Numbered headings (levels 1–3) whose link is on the heading, and no field lines."""
    if not shape.numbered or shape.level > 3 or not shape.entries:
        return False
    linked = [c for c in shape.entries if c.has_link]
    if not linked or any(not c.has_link and (c.ids or c.head_id) for c in shape.entries):
        return False
    if any(not c.rest.lstrip().startswith("[") for c in linked):
        return False  # the dialect's heading is the title link itself: "# 1. [Title](url)"
    papers_of = _papers_of_runs(shape, units)
    if any(links_repository(c.rest) and not papers_of[c.index] for c in linked):
        return False
    if any(c.ids and c.index > shape.entries[0].index for c in shape.others):
        return False  # (see _papers_after_entries)
    for c in shape.entries:
        for j in range(c.index + 1, c.end):
            u = units[j]
            if u.kind not in ("Paragraph", "ListItem"):
                continue
            for ln in lines[u.start - 1 : u.end]:
                if (":" in ln or "：" in ln or "|" in ln) and FACT_LINE.match(ln):
                    return False
    return True


def _read_entries(
    shape: Shape,
    units: list[Unit],
    lines: list[str],
    *,
    path: str,
    first_line: int,
    diagnostics: Diagnostics,
    first_heading: str | None,
    extra: dict[str, str],
) -> Body:
    offset = first_line - 1
    reader = EntryReader(lines, offset, extra)
    anchors = _anchors(units, lines) if shape.kind == "heading" else {}
    starts = {c.index: c for c in shape.entries}
    stops = set(shape.containers)
    preamble: list[Item] = []
    papers: list[Paper] = []
    current: Draft | None = None
    current_end = -1
    position = 0
    skip_until = -1
    linked = sum(1 for c in shape.entries if c.shows_paper)
    identified = any(c.ids or c.head_id for c in shape.entries)
    papers_of = _papers_of_runs(shape, units) if identified else {}
    # Where the last entry that shows a link is: a numbered section after every paper
    # ("## 6. Trends of the day") is the digest's own text, not a paper without a link.
    last_linked = max((c.index for c in shape.entries if c.shows_paper), default=-1)
    current_index = -1

    def as_text(draft: Draft, why: str) -> None:
        """Keep an entry that is no paper as the digest's text, with a note saying why."""
        preamble.append(Item(text=source(units[current_index], lines), line=draft.line))
        preamble.extend(item for _, _, _, items in draft.sections for item in items)
        diagnostics.note(
            "stray-text", f"{draft.title[:60]!r} {why}: kept as digest text", path, draft.line, 1
        )

    def close() -> None:
        nonlocal current
        if current is None:
            return
        if (
            identified
            and not papers_of.get(current_index, True)
            and has_link(current)
            and only_repositories(current)
        ):
            # "Trending repositories" after the papers: entries of the same shape that
            # name no paper, only code or models
            as_text(current, "links only to a repository")
        elif has_link(current):
            papers.append(finish(current, path))
        elif current_index > last_linked or (linked == 1 and current_index == last_linked):
            # After the last paper ("6. Trends of the day"), or the one entry that names
            # papers and none as its own (a post's title over paragraphs of papers the
            # reader does not see as entries): the digest's text, not a paper without a link.
            where = "follows the papers" if current_index > last_linked else "names no paper"
            as_text(current, f"{where} and has no link")
        elif linked >= 1:
            diagnostics.error(
                "paper-no-link",
                f"entry {current.title[:60]!r} looks like paper {current.rank} of this digest "
                "but has no link",
                path,
                current.line,
                1,
            )
        current = None

    for index, unit in enumerate(units):
        cand: Candidate | None = starts.get(index)
        if cand is not None:
            cand.resolve()
            close()
            current_index = index
            position += 1
            end_unit = units[cand.end - 1] if cand.end - 1 < len(units) else unit
            current = Draft(
                rank=cand.rank if cand.rank is not None else position,
                title=cand.title,
                line=unit.start + offset,
                end=end_unit.end + offset,
                anchor=anchors.get(index, ""),
                title_link=cand.link,
                extra=cand.extra,
            )
            current_end = cand.end
            skip_until = index + cand.consumed
            title_line = lines[unit.start - 1]
            if cand.link is not None and title_line.count("](") > 1:
                # "Title — [arXiv](…) | [Code](…)": the others are the paper's too
                own = str(cand.link.target).strip()
                beside = [(lb, url) for lb, url in links_in(title_line) if url != own]
                reader._add_links(current, beside, False)
            if shape.kind == "heading":
                # "## Title (arXiv:2601.00004)": an id written on the heading itself
                current.bare_ids.extend(unit.ids)
            if shape.kind == "list":
                opening = leading_id(lines[unit.start - 1])
                if opening is not None:  # "- [2602.01111] Title", "- Title (2602.01111)"
                    current.bare_ids.append(opening)
                if cand.link is None:  # "1. Title — https://arxiv.org/abs/…"
                    current.bare_ids.extend(find_ids(cand.extra) or find_ids(title_line))
                    if current.bare_ids and is_address(cand.extra):
                        current.extra = ""  # it is the paper's address, nothing more
                _list_entry(reader, current, unit, lines)
            elif unit.kind == "Paragraph" and unit.end > unit.start:
                # "**1. Title**" with its fields on the next lines of the same paragraph; in
                # a folded entry, the lines after its <summary>
                after = body_start(unit, lines)
                if after <= unit.end:
                    rest = _dedent(lines[after - 1 : unit.end])
                    reader.paragraph(current, rest, after, False)
            continue
        if index <= skip_until:
            continue
        if index in stops or (current is not None and index >= current_end):
            close()
        if current is None:
            text = source(unit, lines)
            if unit.kind != "ThematicBreak" and text.strip():
                preamble.append(Item(text=text, line=unit.start + offset, bullet=unit.list_item))
            continue
        reader.block(current, unit)
    close()
    return Body(tuple(papers), tuple(preamble), shape.describe(), first_heading)


_RANK_HEADERS = frozenset({"", "no", "n", "rank", "순위", "번호", "序号", "排名", "编号", "núm"})
"""Headers (normalised: ``#``, ``No.``, ``Nº`` …) of a column that numbers the rows, which
the paper's rank already says."""


def _read_table(
    units: list[Unit], lines: list[str], path: str, first_line: int, first_heading: str | None
) -> Body:
    """A digest that is one table of papers: a row per paper, its cells kept as fields."""
    from digestconv.readers.digest.shapes import _cell_text, table_rows

    offset = first_line - 1
    papers: list[Paper] = []
    preamble: list[Item] = []
    for unit in units:
        rows = table_rows(unit) if unit.kind == "Table" and len(unit.ids) >= 2 else []
        if not rows:
            text = source(unit, lines)
            if unit.kind != "ThematicBreak" and text.strip():
                preamble.append(Item(text=text, line=unit.start + offset, bullet=unit.list_item))
            continue
        names = [_cell_text(c).strip() for c in (unit.token.header.children or ())]
        id_cols = id_columns(unit.token)
        for line, title, cells in rows:
            draft = Draft(len(papers) + 1, title, line + offset, line + offset)
            reader = EntryReader(lines, offset)
            for col, (name, cell) in enumerate(zip(names, cells, strict=False)):
                found = links_in(cell)
                for label, url in found:
                    reader._add_links(draft, [(label or name, url)], True)
                draft.bare_ids.extend(find_ids(cell))
                bare = parse_id(cell.strip().strip("`*_ ")[:40]) if col in id_cols else None
                if bare is not None:
                    draft.bare_ids.append(bare)
                if not cell.strip() or plain(cell) == title or found:
                    continue
                role = ROLES.get(norm(name), "other")
                if role != "other":  # an Authors, Abstract or Summary column
                    reader.field(draft, Field(name, role, cell.strip()), line)
                elif not (norm(name) in _RANK_HEADERS and cell.strip().rstrip(".").isdigit()):
                    draft.fields[name or "field"] = cell.strip()
            papers.append(finish(draft, path))
    return Body(tuple(papers), tuple(preamble), "table rows", first_heading)


def _list_entry(reader: EntryReader, draft: Draft, unit: Unit, lines: list[str]) -> None:
    """The blocks of a list-item entry after its title lines."""
    token = unit.token
    kids = list(token.children or ())
    sub = units_of(kids, lines, unit.end, depth=1)
    if not sub:
        return
    head = sub[0]
    rest_start = head.start + max(title_lines(lines[head.start - 1 : head.end]), 1)
    if rest_start <= head.end:
        # field lines in the title's own paragraph ("1. **T**\n   Authors: …")
        reader.paragraph(draft, _dedent(lines[rest_start - 1 : head.end]), rest_start, False)
    for u in sub[1:]:
        reader.block(draft, u)


def _dedent(chunk: list[str]) -> str:
    return "\n".join(ln.strip() for ln in chunk)


def _anchors(units: list[Unit], lines: list[str]) -> dict[int, str]:
    """kramdown's auto ids of every heading, in order (later duplicates get -1, -2…)."""
    counter: defaultdict[str, int] = defaultdict(lambda: -1)
    out = {}
    for i, u in enumerate(units):
        if u.heading:
            _, given = header_id(lines[u.start - 1]) if u.kind == "Heading" else ("", None)
            out[i] = given or kramdown_id(plain(heading_text(u, lines)), counter)
    return out
