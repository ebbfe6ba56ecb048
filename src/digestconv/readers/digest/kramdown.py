"""kramdown's attribute syntax and Liquid in link targets: what Jekyll reads in a post
before it is Markdown, and CommonMark does not know.

``{: .class}`` under a block, ``{:target="_blank"}`` after a link, ``{:toc}`` under a
``* TOC`` item and ``{::comment}`` extensions are instructions to kramdown, not text:
left in, every exporter would show them as written.  ``## Title {#id}`` sets a
heading's id, which is the paper's anchor on the Jekyll page.  ``[Title]({{ site.baseurl
}}/go?to=https://arxiv.org/abs/…)`` is a link once Liquid has run; to CommonMark, whose
link targets hold no spaces, it is text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_BLOCK_IAL = re.compile(
    r" {0,3}\{:(?:[^{}\n]{0,500})\}[ \t]*|\{::[a-z]{1,20}(?:[^{}\n]{0,500})\}[ \t]*"
)
_SPAN_IAL = re.compile(r"(?<=[)\]*_`])\{:[^{}\n]{0,300}\}")
_TOC_ITEM = re.compile(r"[ \t]{0,3}(?:[-*+]|1\.)[ \t]+(?:TOC|toc)[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HEADER_ID = re.compile(r"[ \t]+\{#([A-Za-z][\w:.-]{0,200})\}[ \t]*$")


def prose_lines(lines: list[str]) -> Iterator[int]:
    """The indexes of the lines outside fenced code blocks (and not their fences)."""
    fence = ""
    for n, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if (
                opened is not None
                and opened.group(1)[0] == fence[0]
                and len(opened.group(1)) >= len(fence)
            ):
                fence = ""
            continue
        if opened is not None:
            fence = opened.group(1)
            continue
        yield n


def without_attributes(text: str) -> str:
    """``text`` with kramdown's attribute lists and extensions taken out, outside code;
    a line that held only one is left empty, so every other line stays where it was."""
    if "{:" not in text:
        return text
    lines = text.split("\n")
    for n in prose_lines(lines):
        line = lines[n]
        if "{:" not in line:
            continue
        if _BLOCK_IAL.fullmatch(line) is not None:
            lines[n] = ""
            if line.strip() == "{:toc}" and n and _TOC_ITEM.fullmatch(lines[n - 1]) is not None:
                lines[n - 1] = ""  # "* TOC" over "{:toc}": where kramdown puts its contents
        else:
            lines[n] = _SPAN_IAL.sub("", line)
    return "\n".join(lines)


_DEFINITION = re.compile(r"(?<=\A): {1,3}(?=\S)")


def without_definition_marks(text: str) -> str:
    """``text`` without the ``: `` that opens a definition under its term, outside code
    (kramdown's definition lists, ``[Title](…)`` over ``: its summary``): the definition is
    the term's text, the mark no part of it."""
    if "\n: " not in text:
        return text
    lines = text.split("\n")
    for n in prose_lines(lines):
        if n and lines[n][:2] == ": " and lines[n - 1].strip():
            lines[n] = _DEFINITION.sub("", lines[n])
    return "\n".join(lines)


_LINE_BREAK = re.compile(r"(?i)(?<=\S)[ \t]*<br\s*/?>[ \t]*$")


def without_line_breaks(text: str) -> str:
    """``text`` without the ``<br>`` that ends a line of prose (``**Title**<br>`` over
    ``Authors<br>``): the line ends there anyway, and a title, a byline or a link line is
    read line by line."""
    if "<br" not in text and "<BR" not in text:
        return text
    lines = text.split("\n")
    for n in prose_lines(lines):
        if "<" in lines[n]:
            lines[n] = _LINE_BREAK.sub("", lines[n])
    return "\n".join(lines)


def header_id(heading: str) -> tuple[str, str | None]:
    """(text, id) of a heading line's text that ends with kramdown's ``{#id}``."""
    if "{#" not in heading:
        return heading, None
    m = _HEADER_ID.search(heading)
    return (heading[: m.start()], m.group(1)) if m is not None else (heading, None)


_LIQUID_TARGET = re.compile(r"(?<=\]\()[ \t]{0,3}(?:\{\{[^{}\n]{0,200}\}\}){1,4}")


def without_target_liquid(text: str) -> str:
    """``text`` with the Liquid output that opens a link's target taken out (the site's own
    prefix: what follows it is the address)."""
    return _LIQUID_TARGET.sub("", text) if "({{" in text else text
