"""A catalogue of hostile and broken posts (issue 8), generated, never committed.

Every exporter's conformance test and the reader's robustness tests draw on
the same cases, so each case says what a correct reader must make of it:
whether the post is *valid* (the reader returns a digest that can be
exported, possibly with warnings), which diagnostic codes it must report,
on which line when the input is at fault, and which texts must survive into
the model unchanged.  Heavy cases (a 5 MB post, 5,000 papers) are built on
demand so the repository stays small and fast tests can leave them out.

    from hostile.catalogue import CASES, valid_cases, write_site
    write_site(tmp_path, which="valid")          # a Jekyll site of the valid cases
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

Which = Literal["valid", "invalid", "all"]

CONFIG_YML = """\
title: "Hostile <Site> & \\"Co\\""
description: "]]> </title> <script>alert('site')</script>"
author: "O'Brien & <Sons>"
url: https://hostile.example.org
baseurl: ""
timezone: Asia/Seoul
lang: ko
permalink: /dailypaper/:year/:month/:day/:title/
"""


@dataclass(frozen=True)
class Case:
    """One hostile post file and what a correct reader makes of it.

    ``valid``: ``read_post`` returns a digest (warnings and notes allowed).
    ``codes``: diagnostic codes the file must produce (a subset of what it
    produces).  ``line``: the line of the first diagnostic with ``codes[0]``
    when the input is at fault at a specific place.  ``title``, ``papers``,
    ``arxiv`` and ``texts`` are what must survive into the model: the digest
    title, the paper titles in order, their arXiv ids, and substrings that
    must appear in some item's text.
    """

    name: str
    build: Callable[[], bytes] = field(repr=False, compare=False)
    valid: bool
    codes: tuple[str, ...] = ()
    line: int | None = None
    title: str | None = None
    papers: tuple[str, ...] | None = None
    arxiv: tuple[str | None, ...] | None = None
    texts: tuple[str, ...] = ()
    placeholders: tuple[bool, ...] | None = None
    heavy: bool = False
    about: str = ""

    @property
    def data(self) -> bytes:
        return _bytes(self.name)

    @property
    def key(self) -> str:
        """The case's short name: the file name without its date and suffix."""
        stem = self.name.rsplit(".", 1)[0]
        return stem[11:] if stem[:4].isdigit() and stem[10:11] == "-" else stem


# --------------------------------------------------------------------------- builders

_DAY0 = date(2024, 1, 1)
_REGISTRY: dict[str, Case] = {}


@cache
def _bytes(name: str) -> bytes:
    return _REGISTRY[name].build()


def line_of(text: str, marker: str) -> int:
    """1-based line of the first occurrence of ``marker`` in ``text``."""
    index = text.index(marker)
    return text.count("\n", 0, index) + 1


def front(title: str, day: date, extra: str = "") -> str:
    """Front matter with the title as a JSON string (a valid YAML double-quoted scalar)."""
    return (
        "---\nlayout: post\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"date: {day.isoformat()} 08:15:00\n"
        "tags: [papers, hostile]\n"
        f"{extra}---\n\n"
    )


def paper(
    rank: int,
    title: str,
    url: str,
    *,
    level: int = 1,
    alphaxiv: bool = True,
    intro: Sequence[str] = ("Goal: 목표 문장.", "Motivation: 동기 문장.", "Contribution: 기여."),
    method: str = "방법을 설명한다.",
    results: str = "- 결과가 좋다.",
    limitations: str = "정보 부족.",
    conclusion: str = "결론이다.",
) -> str:
    hashes = "#" * level
    sub = "#" * min(level + 1, 6)
    arxiv_id = url.rsplit("/", 1)[-1]
    parts = [f"{hashes} {rank}. [{title}]({url})\n"]
    if alphaxiv:
        parts.append(f"> [Alphaxiv](https://www.alphaxiv.org/ko/overview/{arxiv_id})\n")
    parts.append(f"{sub} Introduction\n" + "".join(f"- {i}\n" for i in intro))
    parts.append(f"{sub} Method\n{method}\n")
    parts.append(f"{sub} Results\n{results}\n")
    parts.append(f"{sub} Limitations\n{limitations}\n")
    parts.append(f"{sub} Conclusion\n{conclusion}\n")
    return "\n".join(parts) + "\n"


def _ax(n: int) -> str:
    return f"https://arxiv.org/abs/2501.{n:05d}"


def _utf8(text: str) -> Callable[[], bytes]:
    data = text.encode("utf-8")
    return lambda: data


class _Builder:
    """Registers cases in order; each gets its own day so names and URLs are distinct."""

    def __init__(self) -> None:
        self.cases: list[Case] = []

    def day(self) -> date:
        return _DAY0 + timedelta(days=len(self.cases))

    def name(self, slug: str) -> str:
        return f"{self.day().isoformat()}-{slug}.md"

    def add(self, case: Case) -> None:
        assert case.name not in _REGISTRY, case.name
        _REGISTRY[case.name] = case
        self.cases.append(case)


def _build() -> list[Case]:
    b = _Builder()

    def add_text(slug: str, make: Callable[[date], str], **kw: object) -> str:
        day = b.day()
        text = make(day)
        b.add(Case(name=b.name(slug), build=_utf8(text), **kw))  # type: ignore[arg-type]
        return text

    # ---- markup injection: HTML/JS in titles and text ------------------------------
    t_script = '<script>alert("t")</script> Digest <b onclick="alert(0)">bold</b>'
    p_script = (
        '<script>alert(1)</script> Attention <iframe src="javascript:alert(2)"></iframe> Is All'
    )
    html_items = (
        '<img src=x onerror="alert(3)">',
        "[click me](javascript:alert(4))",
        '<a href="javascript:alert(5)" onmouseover="alert(6)">hover</a>',
        "<svg onload=alert(7)><style>body{display:none}</style>",
    )
    add_text(
        "html-script",
        lambda d: (
            front(t_script, d)
            + paper(1, p_script, _ax(1), intro=html_items, method="<script>alert(8)</script> 본문")
        ),
        valid=True,
        title=t_script,
        papers=(p_script,),
        arxiv=("2501.00001",),
        texts=(*html_items, "<script>alert(8)</script> 본문"),
        about="script/iframe/event attributes and javascript: links in titles and text",
    )
    text = add_text(
        "javascript-links",
        lambda d: (
            front("Daily Papers — javascript links", d)
            + paper(1, "Paper linked by javascript", "javascript:alert(document.cookie)")
            + paper(2, "Paper linked by data", "data:text/html,<script>alert(1)</script>")
            + "# 3. [Alphaxiv with javascript](https://arxiv.org/abs/2501.00003)\n\n"
            "> [Alphaxiv](javascript:alert(9)) [Code](vbscript:msgbox)\n\n## Method\n- 본문\n"
        ),
        valid=True,
        codes=("paper-bad-link",),
        papers=(
            "Paper linked by javascript",
            "Paper linked by data",
            "Alphaxiv with javascript",
        ),
        arxiv=(None, None, "2501.00003"),
        about="javascript:/data: paper links give a warning; the text is kept",
    )
    _set_line(b, line_of(text, "# 1. [Paper linked by javascript]"))

    xml_title = "</title><![CDATA[ x ]]> -- <!-- not a comment --> &amp; &bogus; &#0;"
    xml_items = (
        "`]]>` ends CDATA: ]]> and ]]]]><![CDATA[>",
        "double -- dash --> and <!-- comment",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
        "</body></html></entry></feed></item></rss> &lt;escaped&gt; & lone ampersand",
    )
    add_text(
        "xml-breakers",
        lambda d: front(xml_title, d) + paper(1, xml_title, _ax(10), intro=xml_items),
        valid=True,
        title=xml_title,
        # CommonMark decodes entities in link text (&#0; → U+FFFD); YAML does not.
        papers=(xml_title.replace("&amp;", "&").replace("&#0;", "\ufffd"),),
        texts=xml_items,
        about="</title>, ]]>, --, entities and DOCTYPEs in titles and text",
    )

    tex_titles = (
        r"100% of $x_1^2$ & #1 ~ \LaTeX{} {unbalanced",
        r"closing} only }} and \end{document}\input{/etc/passwd}\write18{rm -rf /}",
        "back\\slash \\ inside and a lone { brace",
    )
    tex_items = (r"\verb|x| and % a TeX comment", r"\\ \{ \} ^^M ^^@ \csname relax\endcsname")
    add_text(
        "tex-specials",
        lambda d: (
            front(tex_titles[0], d)
            + "".join(
                paper(i + 1, t, _ax(20 + i), intro=tex_items) for i, t in enumerate(tex_titles)
            )
        ),
        valid=True,
        title=tex_titles[0],
        about="TeX specials, unbalanced braces and dangerous control sequences",
        texts=tex_items,
    )

    csv_titles = (
        '=HYPERLINK("http://evil.example","x")',
        "+cmd|' /C calc'!A0",
        "-2+3 leading minus",
        "@SUM(A1:A9)",
        "#NAME? leading hash",
        'Comma, semicolon; tab\tand "quotes" ""doubled""',
    )
    csv_items = (
        "=1+1",
        "+1 plus",
        "@cmd at",
        'a,b;c "q" ""dq""',
        "first line of a paragraph item\nsecond line, after a newline",
    )
    add_text(
        "csv-injection",
        lambda d: (
            front('=cmd|"/C calc"!A0, "x"', d)
            + "".join(
                paper(
                    i + 1,
                    t,
                    _ax(30 + i),
                    intro=csv_items[:4],
                    method=csv_items[4],
                )
                for i, t in enumerate(csv_titles)
            )
        ),
        valid=True,
        title='=cmd|"/C calc"!A0, "x"',
        papers=tuple(t.replace("\t", " ") for t in csv_titles),
        texts=csv_items,
        about="CSV separators, quotes, newlines and leading = + - @ #",
    )

    # ---- control characters and encodings ------------------------------------------
    def controls(d: date) -> str:
        return front("Daily Papers — controls", d) + paper(
            1,
            "Title\x00with NUL\x07bell\x1b(Bescape\x7fdel\x85nel\x9bcsi",
            _ax(40),
            intro=("Goal: 텍스트\x0b수직탭\x0c폼피드 끝",),
        )

    ctext = controls(b.day())
    b.add(
        Case(
            name=b.name("control-chars"),
            build=_utf8(ctext),
            valid=True,
            codes=("control-char",),
            line=line_of(ctext, "# 1. [Title"),
            papers=("Titlewith NULbell(Bescapedelnelcsi",),
            texts=("텍스트수직탭폼피드 끝",),
            about="NUL, C0 and C1 controls are removed with a warning",
        )
    )

    uni_title = "RLO \u202eevil\u202c ZW\u200bSP emoji 👍🏽 e\u0301 combining"
    uni_items = ("line\u2028separator and para\u2029separator", "zero width\u200djoiner \ufeffbom")
    add_text(
        "unicode-format",
        lambda d: front(uni_title, d) + paper(1, uni_title, _ax(41), intro=uni_items),
        valid=True,
        title=unicodedata.normalize("NFC", uni_title),
        papers=(unicodedata.normalize("NFC", uni_title),),
        texts=uni_items,
        about="format characters, U+2028/2029, emoji and combining marks are kept",
    )

    def standard(title: str, start: int) -> Callable[[date], str]:
        return lambda d: (
            front(title, d)
            + paper(1, f"{title} paper one", _ax(start))
            + paper(2, f"{title} 두 번째 논문", _ax(start + 1))
        )

    for slug, codec, bom in (
        ("utf16le-bom", "utf-16-le", codecs.BOM_UTF16_LE),
        ("utf16be-bom", "utf-16-be", codecs.BOM_UTF16_BE),
        ("utf32le-bom", "utf-32-le", codecs.BOM_UTF32_LE),
        ("utf8-bom", "utf-8", codecs.BOM_UTF8),
    ):
        t = f"Encoded {slug} 한국어"
        src = standard(t, 50 + len(b.cases) * 2)(b.day())
        data = bom + src.encode(codec)
        b.add(
            Case(
                name=b.name(slug),
                build=(lambda data=data: data),
                valid=True,
                title=t,
                papers=(f"{t} paper one", f"{t} 두 번째 논문"),
                about=f"{codec} with a byte order mark",
            )
        )

    surrogate = front("Lone surrogate", b.day()) + paper(
        1, "Lone \ud800 surrogate", _ax(60), intro=("Goal: 고아\udfff서로게이트",)
    )
    sdata = codecs.BOM_UTF16_LE + surrogate.encode("utf-16-le", "surrogatepass")
    b.add(
        Case(
            name=b.name("utf16-lone-surrogate"),
            build=lambda: sdata,
            valid=True,
            codes=("control-char",),
            line=line_of(surrogate, "# 1. [Lone"),
            papers=("Lone surrogate",),
            texts=("고아서로게이트",),
            about="lone surrogates (possible in UTF-16) are removed with a warning",
        )
    )

    for slug, newline in (("crlf", "\r\n"), ("cr-only", "\r")):
        t = f"Newlines {slug}"
        src = standard(t, 62 + len(b.cases) * 2)(b.day()).replace("\n", newline)
        data = (codecs.BOM_UTF8 if slug == "crlf" else b"") + src.encode()
        b.add(
            Case(
                name=b.name(slug),
                build=(lambda data=data: data),
                valid=True,
                title=t,
                papers=(f"{t} paper one", f"{t} 두 번째 논문"),
                texts=("목표 문장.", "방법을 설명한다."),
                about="CRLF line ends after a UTF-8 BOM"
                if slug == "crlf"
                else "old Mac CR-only line ends",
            )
        )

    nfd_title = "한글 자모 분리 제목"
    add_text(
        "nfd-hangul",
        lambda d: unicodedata.normalize(
            "NFD",
            front(nfd_title, d)
            + paper(1, "정규화 NFD 논문 제목", _ax(70), intro=("목표: 분해된 한글 문장.",)),
        ),
        valid=True,
        title=nfd_title,
        papers=("정규화 NFD 논문 제목",),
        texts=("분해된 한글 문장.",),
        about="NFD Hangul (macOS file names and editors) read as NFC",
    )

    bad_utf8 = front("Invalid UTF-8", b.day()) + paper(1, "Caf\udce9 latin-1", _ax(71))
    bad_data = bad_utf8.encode("utf-8", "surrogateescape")
    b.add(
        Case(
            name=b.name("invalid-utf8"),
            build=lambda: bad_data,
            valid=False,
            codes=("encoding",),
            line=line_of(bad_utf8, "# 1. [Caf"),
            about="a Latin-1 byte in a UTF-8 file",
        )
    )
    for slug, raw in (
        ("utf8-surrogate-bytes", b"\xed\xa0\x80"),
        ("utf8-overlong", b"\xc0\xaf"),
        ("utf8-truncated", b"\xed\x95"),
    ):
        src = (
            front(f"Bad bytes {slug}", b.day())
            + "# 1. [Bad @@ bytes](https://arxiv.org/abs/2501.00072)\n"
        )
        data = src.encode().replace(b"@@", raw)
        b.add(
            Case(
                name=b.name(slug),
                build=(lambda data=data: data),
                valid=False,
                codes=("encoding",),
                line=line_of(src, "@@"),
                about=f"invalid UTF-8 sequence {raw.hex(' ')}",
            )
        )
    nobom = standard("UTF-16 without BOM 한국어", 73)(b.day()).encode("utf-16-le")
    b.add(
        Case(
            name=b.name("utf16-no-bom"),
            build=lambda: nobom,
            valid=False,
            codes=("encoding",),
            about="UTF-16 without a byte order mark cannot be told from broken UTF-8",
        )
    )
    odd = codecs.BOM_UTF16_LE + standard("UTF-16 odd length", 75)(b.day()).encode("utf-16-le")[:-1]
    b.add(
        Case(
            name=b.name("utf16-truncated"),
            build=lambda: odd,
            valid=False,
            codes=("encoding",),
            about="a UTF-16 file cut in the middle of a code unit",
        )
    )

    # ---- YAML ----------------------------------------------------------------------
    bomb = "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" if i else 'l0: &l0 ["lol"]\n'
        for i in range(10)
    )
    text = add_text(
        "yaml-alias-bomb",
        lambda d: front("Alias bomb", d, bomb) + paper(1, "Bomb", _ax(80)),
        valid=False,
        codes=("yaml-aliases",),
        about="billion laughs: 10 levels of 9 aliases",
    )
    _set_line(b, line_of(text, "l8:"))  # where the 65th alias is
    add_text(
        "yaml-self-reference",
        lambda d: front("Self reference", d, "loop: &a [1, *a]\n") + paper(1, "Loop", _ax(81)),
        valid=False,
        codes=("yaml-aliases",),
        about="an anchor that contains an alias to itself",
    )
    text = add_text(
        "yaml-python-object",
        lambda d: (
            front("Python object", d, 'evil: !!python/object/apply:os.system ["touch pwned"]\n')
            + paper(1, "Evil", _ax(82))
        ),
        valid=False,
        codes=("yaml-unsafe",),
        about="!!python/object/apply must never run",
    )
    _set_line(b, line_of(text, "evil:"))
    text = add_text(
        "yaml-python-name",
        lambda d: (
            front("Python name", d, "evil: !!python/name:os.system\n") + paper(1, "Evil", _ax(83))
        ),
        valid=False,
        codes=("yaml-unsafe",),
        about="!!python/name must never import",
    )
    _set_line(b, line_of(text, "evil:"))
    text = add_text(
        "yaml-syntax",
        lambda d: (
            front("Broken YAML", d, "broken: [unclosed, list\nnext: 1\n") + paper(1, "X", _ax(84))
        ),
        valid=False,
        codes=("yaml-syntax",),
        about="a flow sequence that never closes",
    )
    _set_line(b, line_of(text, "next: 1"))
    add_text(
        "yaml-deep-nesting",
        lambda d: (
            front("Deep YAML", d, "deep: " + "[" * 5000 + "]" * 5000 + "\n")
            + paper(1, "Deep", _ax(85))
        ),
        valid=False,
        codes=("yaml-syntax",),
        about="5,000 nested flow sequences",
    )
    text = add_text(
        "yaml-bad-timestamp",
        lambda d: "---\ntitle: Bad timestamp\ndate: 2025-13-45\n---\n\n" + paper(1, "X", _ax(86)),
        valid=False,
        codes=("yaml-syntax",),
        about="a YAML timestamp that is no calendar date",
    )
    _set_line(b, line_of(text, "date:"))
    add_text(
        "yaml-aliases-ok",
        lambda d: (
            front("A few aliases", d, "base: &b {k: v}\nuse1: *b\nuse2: *b\n")
            + paper(1, "Aliases are fine", _ax(87))
        ),
        valid=True,
        papers=("Aliases are fine",),
        about="a few aliases are legitimate YAML",
    )
    add_text(
        "front-matter-unclosed",
        lambda d: "---\ntitle: never closed\ndate: 2024-01-01\n\n" + paper(1, "X", _ax(88)),
        valid=False,
        codes=("front-matter-unclosed",),
        line=1,
        about="--- without a closing ---",
    )
    text = add_text(
        "toml-syntax",
        lambda d: (
            f'+++\ntitle = "TOML"\ndate = {d.isoformat()}\ntags = ["a", \n+++\n\n'
            + paper(1, "X", _ax(121))
        ),
        valid=False,
        codes=("toml-syntax",),
        line=5,
        about="Hugo's TOML front matter with an array that never closes",
    )
    add_text(
        "toml-unclosed",
        lambda d: (
            f'+++\ntitle = "never closed"\ndate = {d.isoformat()}\n\n' + paper(1, "X", _ax(122))
        ),
        valid=False,
        codes=("toml-syntax",),
        line=1,
        about="+++ without a closing +++",
    )
    add_text(
        "toml-deep-nesting",
        lambda d: (
            f"+++\ndate = {d.isoformat()}\ndeep = "
            + "[" * 5000
            + "]" * 5000
            + "\n+++\n\n"
            + paper(1, "Deep", _ax(123))
        ),
        valid=False,
        codes=("toml-syntax",),
        about="5,000 nested TOML arrays",
    )
    add_text(
        "toml-front-matter",
        lambda d: (
            f'+++\ntitle = "Hugo digest"\ndate = {d.isoformat()}T09:00:00\n'
            'tags = ["papers", "daily"]\nweight = 3\nat = 07:30:00\n[params]\nx = 1\n+++\n\n'
            + paper(1, "From Hugo", _ax(124))
        ),
        valid=True,
        title="Hugo digest",
        papers=("From Hugo",),
        about="Hugo's TOML front matter: title, local date-time, tags, a table, a time",
    )
    add_text(
        "front-matter-list",
        lambda d: "---\n- a\n- b\n---\n\n" + paper(1, "X", _ax(89)),
        valid=False,
        codes=("front-matter-type",),
        about="front matter that is a YAML list",
    )
    text = add_text(
        "bad-date",
        lambda d: (
            "---\ntitle: Bad date\ndate: the day after tomorrow\n---\n\n" + paper(1, "X", _ax(90))
        ),
        valid=False,
        codes=("bad-date",),
        line=3,
        about="a date string that is no date",
    )
    text = add_text(
        "yaml-odd-types",
        lambda d: (
            "---\ntitle: 12345\ntags: {a: b}\ncategories: 7\nlang: [ko]\nslug: 42\n---\n\n"
            + paper(1, "Odd front matter types", _ax(91))
        ),
        valid=True,
        title="12345",
        papers=("Odd front matter types",),
        about="front matter values of unexpected types",
    )

    # ---- empty and degenerate files --------------------------------------------------
    add_text("empty-file", lambda d: "", valid=True, codes=("no-front-matter",), about="0 bytes")
    add_text(
        "whitespace-only",
        lambda d: " \n\t\n   \n\n",
        valid=True,
        codes=("no-front-matter",),
        about="only white space",
    )
    add_text(
        "front-matter-only",
        lambda d: front("Only front matter", d),
        valid=True,
        codes=("empty-body",),
        title="Only front matter",
        papers=(),
        about="front matter and no body",
    )
    text = add_text(
        "stray-quote-title",
        lambda d: (
            f'---\ntitle: Daily Papers — {d.isoformat()}"\ndate: {d.isoformat()}\n---\n\n'
            + paper(1, "Stray quote", _ax(92))
        ),
        valid=True,
        codes=("bad-title",),
        line=2,
        about="the real-world title with a stray closing quote",
    )

    # ---- size ------------------------------------------------------------------------
    long_line = "가" * 100_000 + "a" * 100_000
    add_text(
        "long-line",
        lambda d: front("Long line", d) + paper(1, "Long line", _ax(93), method=long_line),
        valid=True,
        papers=("Long line",),
        texts=(long_line,),
        about="a 200,000-character line",
    )
    nested = "".join("  " * i + f"- level {i}\n" for i in range(200))
    add_text(
        "deep-list",
        lambda d: front("Deep list", d) + paper(1, "Deeply nested list", _ax(94), results=nested),
        valid=True,
        papers=("Deeply nested list",),
        texts=("- level 199",),
        about="a list nested 200 levels deep",
    )
    quotes = "".join(">" * i + f" quote {i}\n" for i in range(1, 200))
    add_text(
        "deep-quote",
        lambda d: front("Deep quote", d) + paper(1, "Deeply nested quote", _ax(95), results=quotes),
        valid=True,
        papers=("Deeply nested quote",),
        texts=("quote 199",),
        about="block quotes nested 200 levels deep",
    )

    add_text(
        "deep-quote-extreme",
        lambda d: (
            front("Extreme quote nesting", d)
            + paper(1, "Quote nested 1,000 levels", _ax(95), results="> " * 1000 + "deep")
        ),
        valid=True,
        papers=("Quote nested 1,000 levels",),
        texts=("> > > deep",),
        about="one line of 1,000 nested block quotes",
    )

    def big_post(d: date) -> str:
        sentence = "본 연구는 매우 긴 문장을 반복한다. The quick brown fox. "
        method = "\n".join([sentence * 17] * 40)  # a 40-line paragraph of ~42 KB
        body = "".join(
            paper(i, f"Big paper {i}", _ax(1000 + i), method=method, results=f"- {sentence * 40}")
            for i in range(1, 101)
        )
        return front("Five megabytes", d) + body

    day = b.day()
    b.add(
        Case(
            name=b.name("big-5mb"),
            build=lambda: big_post(day).encode(),
            valid=True,
            papers=tuple(f"Big paper {i}" for i in range(1, 101)),
            heavy=True,
            about="a post of about 5 MB",
        )
    )

    def many(d: date) -> str:
        return front("Five thousand papers", d) + "".join(
            paper(
                i, f"Paper number {i}", f"https://arxiv.org/abs/2502.{i:05d}", alphaxiv=i % 2 == 0
            )
            for i in range(1, 5001)
        )

    day2 = b.day()
    b.add(
        Case(
            name=b.name("five-thousand-papers"),
            build=lambda: many(day2).encode(),
            valid=True,
            papers=tuple(f"Paper number {i}" for i in range(1, 5001)),
            heavy=True,
            about="5,000 papers in one post",
        )
    )

    def many_links(d: date) -> str:
        """A paper the general reader reads (not the home dialect's heading) whose one item
        holds 20,000 links: mistletoe's inline pass is quadratic in them, and the reader
        tokenises the item to see whether it holds only links."""
        links = " ".join(f"[source {i}](https://example.org/{i})" for i in range(20_000))
        return (
            front("Twenty thousand links", d)
            + "## Linking paper\n\n[arXiv](https://arxiv.org/abs/2509.00001)\n\n"
            + f"- {links}\n"
        )

    day3 = b.day()
    b.add(
        Case(
            name=b.name("twenty-thousand-links"),
            build=lambda: many_links(day3).encode(),
            valid=True,
            papers=("Linking paper",),
            heavy=True,
            about="20,000 links in one item of a general-reader entry",
        )
    )

    def listed_papers(d: date) -> str:
        """A data-driven post: 2,000 papers listed in its front matter (a YAML list of
        mappings) and a Liquid loop for a body."""
        rows = "".join(
            f"  - title: Listed paper {i}\n    url: https://arxiv.org/abs/2509.{i:05d}\n"
            for i in range(2_000)
        )
        return (
            f"---\ntitle: Two thousand listed papers\ndate: {d.isoformat()}\n"
            f"papers:\n{rows}---\n\n{{% for p in page.papers %}}\n## {{{{ p.title }}}}\n"
            "{% endfor %}\n"
        )

    day4 = b.day()
    b.add(
        Case(
            name=b.name("front-matter-papers"),
            build=lambda: listed_papers(day4).encode(),
            valid=True,
            papers=tuple(f"Listed paper {i}" for i in range(2_000)),
            heavy=True,
            about="2,000 papers listed in the front matter, rendered by a Liquid loop",
        )
    )

    # ---- duplicates and identity -----------------------------------------------------
    text = add_text(
        "duplicate-within",
        lambda d: (
            front("Duplicate within", d)
            + paper(1, "Same paper", "https://arxiv.org/abs/2501.09999")
            + paper(2, "Same paper again as pdf", "http://arxiv.org/pdf/2501.09999v2.pdf")
        ),
        valid=True,
        codes=("duplicate-paper",),
        papers=("Same paper", "Same paper again as pdf"),
        arxiv=("2501.09999", "2501.09999"),
        about="the same arXiv id twice in one post",
    )
    _set_line(b, line_of(text, "# 2."))
    for part in ("a", "b"):
        add_text(
            f"duplicate-across-{part}",
            lambda d, part=part: (
                front(f"Duplicate across {part}", d)
                + paper(1, f"Shared paper ({part})", "https://arxiv.org/abs/2501.08888")
            ),
            valid=True,
            papers=(f"Shared paper ({part})",),
            arxiv=("2501.08888",),
            about="the same arXiv id in two posts",
        )

    add_text(
        "path-tags",
        lambda d: (
            front(
                "Path-like tags and slug",
                d,
                'slug: "../../x"\ncategories: ["../etc", "a/b"]\n'
                'tags: ["../../x", "a/b", "..", "/abs", "<script>", "C:\\\\Windows"]\n',
            )
            + paper(1, "Slugs with slashes", _ax(96))
        ),
        valid=True,
        papers=("Slugs with slashes",),
        about="tags, categories and slugs like ../../x or a/b (exporters must confine)",
    )
    add_text(
        "permalink-escape",
        lambda d: (
            front("Permalink escape", d, 'permalink: "/../../../etc/passwd"\n')
            + paper(1, "Permalink escape", _ax(97))
        ),
        valid=True,
        papers=("Permalink escape",),
        about="a front matter permalink that climbs out of the site",
    )
    day3 = b.day()
    weird = front("Weird file name", day3) + paper(1, "Weird file name", _ax(98))
    b.add(
        Case(
            name=f"{day3.isoformat()}-a b&c 'q' %20 ü.md",
            build=_utf8(weird),
            valid=True,
            papers=("Weird file name",),
            about="a file name with spaces, quotes, % and non-ASCII",
        )
    )

    # ---- arXiv forms and links -------------------------------------------------------
    forms = (
        ("Old style", "https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("Old style sub v2", "http://arxiv.org/abs/math.GT/0309136v2", "math.GT/0309136"),
        ("Four digits", "https://arxiv.org/abs/0704.0001", "0704.0001"),
        ("PDF", "https://arxiv.org/pdf/2501.11111", "2501.11111"),
        ("PDF suffix", "https://arxiv.org/pdf/2501.11112v3.pdf", "2501.11112"),
        ("HTML", "https://arxiv.org/html/2501.11113v1", "2501.11113"),
        ("Export host", "http://export.arxiv.org/abs/2501.11114", "2501.11114"),
        ("www host", "https://www.arxiv.org/abs/2501.11115", "2501.11115"),
        ("OpenReview", "https://openreview.net/forum?id=abc123", None),
        ("DOI", "https://doi.org/10.1000/xyz123", None),
        ("GitHub", "https://github.com/example/repo", None),
        ("Lookalike host", "https://arxiv.org.evil.example/abs/2501.11116", None),
    )
    add_text(
        "arxiv-forms",
        lambda d: (
            front("arXiv id forms", d)
            + "".join(paper(i + 1, t, u, alphaxiv=False) for i, (t, u, _) in enumerate(forms))
        ),
        valid=True,
        papers=tuple(t for t, _, _ in forms),
        arxiv=tuple(a for _, _, a in forms),
        about="old-style ids, pdf/html/export./www. URLs, non-arXiv paper links",
    )
    add_text(
        "heading-levels",
        lambda d: (
            front("Heading levels", d)
            + paper(1, "Level two paper", _ax(100), level=2)
            + paper(2, "Level three paper", _ax(101), level=3)
        ),
        valid=True,
        papers=("Level two paper", "Level three paper"),
        arxiv=("2501.00100", "2501.00101"),
        texts=("목표 문장.", "결론이다."),
        about="paper headings at levels 2 and 3",
    )
    add_text(
        "split-link-text",
        lambda d: (
            front("Split link text", d)
            + "# 1. [A title whose link text\nis wrapped over\nthree lines](https://arxiv.org/abs/2501.00102)\n\n"
            "## Introduction\n- Goal: 본문.\n"
        ),
        valid=True,
        papers=("A title whose link text is wrapped over three lines",),
        arxiv=("2501.00102",),
        texts=("본문.",),
        about="link text split over lines",
    )
    add_text(
        "korean-labels",
        lambda d: (
            front("Korean labels", d)
            + paper(
                1,
                "Korean labels",
                _ax(103),
                intro=("목표: 한국어 목표.", "**동기**: 굵은 동기.", "기여： 전각 콜론 기여."),
            )
        ),
        valid=True,
        papers=("Korean labels",),
        texts=("한국어 목표.", "굵은 동기.", "전각 콜론 기여."),
        about="labels in Korean (목표/동기/기여), bold and full-width colons",
    )
    add_text(
        "placeholders",
        lambda d: (
            front("Placeholders", d)
            + paper(1, "Placeholder bare", _ax(104), limitations="정보 부족")
            + paper(2, "Placeholder bullet", _ax(105), limitations="- 정보 부족")
            + paper(3, "Placeholder period", _ax(106), limitations="정보 부족.  ")
        ),
        valid=True,
        papers=("Placeholder bare", "Placeholder bullet", "Placeholder period"),
        texts=("정보 부족", "정보 부족."),
        placeholders=(True, True, True),
        about='placeholder sections ("정보 부족", "- 정보 부족", "정보 부족.")',
    )
    text = add_text(
        "section-order",
        lambda d: (
            front("Section order", d)
            + "# 1. [Sections out of order](https://arxiv.org/abs/2501.00107)\n\n"
            "## Conclusion\n결론 먼저.\n\n## Ablations\n- 알 수 없는 섹션.\n\n"
            "## Introduction\n- Goal: 나중의 서론.\n"
        ),
        valid=True,
        codes=("unknown-section",),
        papers=("Sections out of order",),
        texts=("결론 먼저.", "알 수 없는 섹션.", "나중의 서론."),
        about="sections in another order, missing, and unknown",
    )
    _set_line(b, line_of(text, "## Ablations"))
    text = add_text(
        "rank-order",
        lambda d: (
            front("Rank order", d)
            + paper(1, "First", _ax(108))
            + paper(3, "Third", _ax(109))
            + paper(2, "Second", _ax(110))
        ),
        valid=True,
        codes=("rank-order",),
        papers=("First", "Third", "Second"),
        about="paper numbers out of order",
    )
    _set_line(b, line_of(text, "# 3."))
    text = add_text(
        "paper-no-link",
        lambda d: (
            front("Paper without link", d)
            + paper(1, "Fine", _ax(111))
            + "# 2. A paper heading without any link\n\n## Method\n- 본문.\n"
        ),
        valid=False,
        codes=("paper-no-link",),
        about="a heading that looks like a paper but has no link",
    )
    _set_line(b, line_of(text, "# 2."))
    add_text(
        "code-fence-heading",
        lambda d: (
            front("Code fence", d)
            + paper(
                1,
                "Real paper",
                _ax(112),
                method="```\n# 2. [Fake](https://arxiv.org/abs/2501.00113)\n```",
            )
        ),
        valid=True,
        papers=("Real paper",),
        texts=("# 2. [Fake](https://arxiv.org/abs/2501.00113)",),
        about="a paper heading inside a code fence is text",
    )
    long_title = "Long " * 2000
    add_text(
        "long-title",
        lambda d: front(long_title.strip(), d) + paper(1, long_title.strip(), _ax(114)),
        valid=True,
        title=long_title.strip(),
        papers=(long_title.strip(),),
        about="a 10,000-character title",
    )
    add_text(
        "no-date",
        lambda d: "---\ntitle: No date\n---\n\n" + paper(1, "X", _ax(115)),
        valid=False,
        codes=("no-date",),
        about="no date in the front matter or the file name",
    )
    # The file name must not carry the date for this one.
    last = b.cases.pop()
    del _REGISTRY[last.name]
    b.add(Case(**{**_fields(last), "name": "hostile-no-date.md"}))
    return b.cases


def _fields(case: Case) -> dict[str, object]:
    return {f: getattr(case, f) for f in case.__dataclass_fields__}


def _set_line(b: _Builder, line: int) -> None:
    """Attach the expected diagnostic line to the case just added."""
    last = b.cases[-1]
    fixed = Case(**{**_fields(last), "line": line})
    b.cases[-1] = fixed
    _REGISTRY[last.name] = fixed


CASES: tuple[Case, ...] = tuple(_build())
BY_NAME: dict[str, Case] = {c.name: c for c in CASES}
BY_KEY: dict[str, Case] = {c.key: c for c in CASES}
assert len(BY_KEY) == len(CASES)


# --------------------------------------------------------------------------- API


# Cases that currently crash or hang the reader (a traceback, not a diagnostic): the
# reader tests mark them xfail; site-writing helpers leave them out unless asked, so
# exporter conformance suites test the exporters, not a reader bug.  Remove an entry
# when the bug is fixed.
READER_BUGS: dict[str, str] = {}
"""Cases the reader is known to get wrong (key → why); empty since the reader was fixed."""


def cases(which: Which = "all", *, heavy: bool = True, broken: bool = True) -> list[Case]:
    """The cases of one kind; ``heavy=False`` leaves out the multi-megabyte ones and
    ``broken=False`` those listed in ``READER_BUGS``."""
    return [
        c
        for c in CASES
        if (which == "all" or c.valid == (which == "valid"))
        and (heavy or not c.heavy)
        and (broken or c.key not in READER_BUGS)
    ]


def valid_cases(*, heavy: bool = True) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every post a reader must accept."""
    return [(c.name, c.data) for c in cases("valid", heavy=heavy)]


def invalid_cases(*, heavy: bool = True) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every post a reader must refuse with an error."""
    return [(c.name, c.data) for c in cases("invalid", heavy=heavy)]


def write_catalogue(
    folder: Path, which: Which = "all", *, heavy: bool = True, broken: bool = False
) -> list[Path]:
    """Write the chosen cases as files into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for c in cases(which, heavy=heavy, broken=broken):
        path = folder / c.name
        path.write_bytes(c.data)
        out.append(path)
    return out


def write_site(
    folder: Path, which: Which = "valid", *, heavy: bool = False, broken: bool = False
) -> Path:
    """A whole Jekyll site (``_config.yml`` + ``_posts/``) of the chosen cases; returns ``folder``.

    The config itself is hostile (markup in the site title and description).
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(CONFIG_YML, encoding="utf-8")
    write_catalogue(folder / "_posts", which, heavy=heavy, broken=broken)
    return folder


# --------------------------------------------------------------------------- configs

# Hostile ``_config.yml`` texts and the diagnostic code each must give.
CONFIG_CASES: dict[str, tuple[str, str]] = {
    "unknown-timezone": ("timezone: Mars/Olympus\n", "config"),
    "self-alias": ("a: &a [1, *a]\n", "yaml-aliases"),
    "python-tag": ('x: !!python/object/apply:os.system ["touch pwned"]\n', "yaml-unsafe"),
    "not-a-mapping": ("- a list\n", "config"),
    "yaml-syntax": ("title: [unclosed\n", "yaml-syntax"),
    "timezone-list": ("timezone: [Asia/Seoul]\n", "config"),
    "baseurl-mapping": ("baseurl: {a: 1}\n", "config"),
    "url-not-http": ("url: 12\n", "config"),
}


# --------------------------------------------------------------------------- folders


@dataclass
class FolderHazards:
    """What ``write_folder_hazards`` made, and the diagnostics a reader must give."""

    root: Path
    posts: Path
    good: list[Path]
    expected: list[tuple[str, Path]]  # (code, path the diagnostic must name)
    unreadable: Path | None
    unreadable_how: str


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def write_folder_hazards(folder: Path) -> FolderHazards:
    """A site whose ``_posts`` holds symlink loops, a link out of the site, a FIFO, a
    dangling link, unreadable and odd files beside good posts.

    An unreadable file is made with ``chmod 000``; root reads such files anyway,
    so under root the "unreadable" post is a symbolic link to ``/proc/self/mem``
    (whose first page cannot be read: EIO) when that exists, else None.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(CONFIG_YML, encoding="utf-8")
    posts = folder / "_posts"
    sub = posts / "sub"
    sub.mkdir(parents=True)
    good = []
    for i, base in enumerate((posts, sub)):
        d = _DAY0 + timedelta(days=400 + i)
        p = base / f"{d.isoformat()}-good-{i}.md"
        p.write_text(front(f"Good {i}", d) + paper(1, f"Good paper {i}", _ax(900 + i)), "utf-8")
        good.append(p)
    expected: list[tuple[str, Path]] = []
    (sub / "loop").symlink_to("..", target_is_directory=True)  # sub/loop → _posts
    (posts / "self").symlink_to(".", target_is_directory=True)
    expected.append(("symlink-loop", sub / "loop"))
    # A folder outside the site (think / or a network mount): not followed.
    elsewhere = folder.parent / f"{folder.name}-elsewhere"
    elsewhere.mkdir(exist_ok=True)
    d = _DAY0 + timedelta(days=410)
    (elsewhere / f"{d.isoformat()}-outside.md").write_text(
        front("Outside", d) + paper(1, "Outside paper", _ax(910)), "utf-8"
    )
    (posts / "outside").symlink_to(elsewhere, target_is_directory=True)
    expected.append(("symlink-outside", posts / "outside"))
    dangling = posts / "2025-06-01-dangling.md"
    dangling.symlink_to("does-not-exist.md")
    expected.append(("io-error", dangling))
    (posts / "notes.txt").write_text("not a post", "utf-8")
    (posts / ".hidden.md").write_text("---\ntitle: [broken\n---\n", "utf-8")
    (posts / "dir.md").mkdir()
    fifo: Path | None = None
    if hasattr(os, "mkfifo"):
        fifo = posts / "2025-06-02-fifo.md"
        os.mkfifo(fifo)
        expected.append(("io-error", fifo))
    unreadable: Path | None = posts / "2025-06-03-unreadable.md"
    how = "chmod 000"
    assert unreadable is not None
    if is_root():
        if Path("/proc/self/mem").exists():
            unreadable.symlink_to("/proc/self/mem")
            how = "symlink to /proc/self/mem (root reads chmod-000 files)"
        else:
            unreadable, how = None, "skipped: running as root"
    else:
        unreadable.write_text(front("Unreadable", _DAY0), "utf-8")
        unreadable.chmod(0)
    if unreadable is not None:
        expected.append(("io-error", unreadable))
    return FolderHazards(folder, posts, good, expected, unreadable, how)


def restore_permissions(paths: Iterable[Path]) -> None:
    """Undo ``chmod 000`` so temporary folders can be removed."""
    for p in paths:
        if p.exists() and not p.is_symlink():
            p.chmod(stat.S_IRUSR | stat.S_IWUSR)


# --------------------------------------------------------------------------- report


def table() -> str:
    """The catalogue as a Markdown table (for README's Robustness section)."""
    rows = ["| case | size | reader | diagnostics | what it tries |", "|---|---:|---|---|---|"]
    for c in CASES:
        size = len(c.data)
        shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size:,} B"
        verdict = "valid" if c.valid else "error"
        if c.key in READER_BUGS:
            verdict += " (known bug)"
        codes = ", ".join(f"`{code}`" for code in c.codes) or "–"
        where = f" (line {c.line})" if c.line else ""
        about = c.about.replace("<", "&lt;").replace("|", "\\|")
        rows.append(f"| `{c.key}` | {shown} | {verdict} | {codes}{where} | {about} |")
    return "\n".join(rows) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python tests/hostile/catalogue.py OUT`` writes a site of every case, for manual runs;
    ``--table`` prints the Markdown table instead."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--table", action="store_true")
    parser.add_argument("--which", choices=["valid", "invalid", "all"], default="all")
    parser.add_argument("--heavy", action="store_true", help="include the multi-megabyte cases")
    args = parser.parse_args(argv)
    if args.table or args.out is None:
        print(table(), end="")
        return 0
    write_site(args.out, args.which, heavy=args.heavy, broken=True)
    print(f"wrote {len(cases(args.which, heavy=args.heavy))} case(s) to {args.out}/_posts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
