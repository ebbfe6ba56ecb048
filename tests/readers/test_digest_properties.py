"""Generated digests of the genre: whatever the layout, the reader finds exactly the entries.

Each example writes a digest in one layout — heading level, numbering style, title markup,
where the link sits, field labels in four languages, a table of contents, a summary table,
honorable mentions — and checks the titles and ids come back in order, with the authors.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from digestconv.diagnostics import Diagnostics
from digestconv.model import Site
from digestconv.reader import read_post

WORDS = [
    "Sparse",
    "Attention",
    "Agents",
    "Diffusion",
    "Reasoning",
    "Scaling",
    "Vision",
    "Language",
    "Models",
    "for",
    "with",
    "via",
    "Long",
    "Context",
    "강화학습",
    "추론",
    "모델",
    "稀疏",
    "注意力",
    "模型",
    "Aprendizaje",
    "Visión",
    "Difusión",
    "de",
    "GPT-4o",
    "3D",
    "Mixture-of-Experts",
    "LLMs:",
    "A",
    "Survey",
    "R1-Zero",
    "Self-Play",
]
LINK_LABELS = ["Link", "arXiv", "Paper", "论文链接", "链接", "링크", "논문 링크", "Enlace"]
AUTHOR_LABELS = ["Authors", "作者", "저자", "Autores"]
NUMBERING = ["{n}. ", "{n}) ", "#{n} — ", "No. {n} — ", "No.{n}: ", ""]


@dataclass(frozen=True)
class Entry:
    title: str
    ident: str
    authors: tuple[str, ...]


title_st = (
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=8)
    .map(" ".join)
    .filter(lambda t: not t[0].isdigit())
)
author_st = st.lists(
    st.sampled_from(["Ana García", "Kim Minsu", "张伟", "John Smith", "Li Na"]),
    min_size=1,
    max_size=3,
    unique=True,
).map(tuple)


@st.composite
def digests(draw: st.DrawFn) -> tuple[str, list[Entry]]:
    n = draw(st.integers(1, 6))
    entries = [
        Entry(
            draw(title_st),
            f"26{draw(st.integers(1, 12)):02d}.{10000 + i * 7 + draw(st.integers(0, 6)):05d}",
            draw(author_st),
        )
        for i in range(n)
    ]
    shape = draw(st.sampled_from(["heading", "list", "bold"]))
    level = draw(st.integers(1, 4))
    numbering = draw(st.sampled_from(NUMBERING))
    if shape == "heading" and numbering == "" and n == 1:
        numbering = "{n}. "
    host = draw(st.sampled_from(["arxiv", "arxiv-pdf", "hf", "alphaxiv", "bare"]))

    def url(e: Entry) -> str:
        return {
            "arxiv": f"https://arxiv.org/abs/{e.ident}",
            "arxiv-pdf": f"https://arxiv.org/pdf/{e.ident}v2",
            "hf": f"https://huggingface.co/papers/{e.ident}",
            "alphaxiv": f"https://www.alphaxiv.org/abs/{e.ident}",
            "bare": f"https://arxiv.org/abs/{e.ident}",
        }[host]

    out = ["# Daily papers", "", "Today's selection, ranked by votes.", ""]
    if draw(st.booleans()):  # a table of contents
        out += [f"- [{e.title}](#entry-{i})" for i, e in enumerate(entries)] + [""]
    if n >= 2 and draw(st.booleans()):  # a summary table repeating every paper
        out += ["## Summary", "", "| # | Title | Link |", "| --- | --- | --- |"]
        out += [f"| {i + 1} | {e.title} | [arXiv]({url(e)}) |" for i, e in enumerate(entries)]
        out += [""]
    if shape == "heading" and level > 1 and draw(st.booleans()):
        out += ["#" * (level - 1) + " Papers", ""]
    markup = draw(st.sampled_from(["plain", "bold", "link", "boldlink"]))
    placement = draw(st.sampled_from(["title", "field", "linkline", "bareid"]))
    if markup in ("link", "boldlink"):
        placement = "title"
    elif placement == "title":
        placement = "field"
    if host == "bare" and placement != "title":
        placement = "bareid"
    for i, e in enumerate(entries, start=1):
        shown = {
            "plain": e.title,
            "bold": f"**{e.title}**",
            "link": f"[{e.title}]({url(e)})",
            "boldlink": f"**[{e.title}]({url(e)})**",
        }[markup]
        authors = f"{draw(st.sampled_from(AUTHOR_LABELS))}: {', '.join(e.authors)}"
        link = {
            "title": None,
            "field": f"**{draw(st.sampled_from(LINK_LABELS))}:** {url(e)}",
            "linkline": f"[{draw(st.sampled_from(LINK_LABELS))}]({url(e)})",
            "bareid": f"arXiv:{e.ident}",
        }[placement]
        if shape == "bold":
            plain_title = e.title if markup in ("plain", "bold") else shown
            number = (numbering or "{n}. ").format(n=i)
            out += [f"**{number}{plain_title}**"]
            out += [authors] + ([link] if link else []) + ["", "Commentary.", ""]
            if markup in ("link", "boldlink"):
                out[-5] = f"**{number}{e.title}**"
                out.insert(len(out) - 3, f"[Paper]({url(e)})")
        elif shape == "heading":
            out += ["#" * level + " " + numbering.format(n=i) + shown, ""]
            out += [f"**{authors.replace(':', ':**', 1)}"]
            out += [link] if link else []
            out += ["", "A short summary of the paper.", ""]
        else:
            marker = f"{i}." if numbering else "-"
            if markup == "bold" and draw(st.booleans()) and " " in e.title:
                head, tail = e.title.split(" ", 1)
                shown = f"**{head}\n   {tail}**"  # a title wrapped onto the next line
            out += [f"{marker} {shown} - 👍 {draw(st.integers(0, 99))}"]
            out += [f"   - {authors}"] + ([f"   - {link}"] if link else [])
            out += ["   - Summary: a short summary.", ""]
    if draw(st.booleans()):
        level_hm = level if shape == "heading" else 2
        out += ["#" * level_hm + " Honorable mentions", ""]
        out += [
            "- [Another paper](https://arxiv.org/abs/2601.99991) and "
            "[one more](https://arxiv.org/abs/2601.99992)",
            "",
        ]
    return "\n".join(out) + "\n", entries


@settings(max_examples=250, deadline=None, derandomize=True)
@given(digests())
def test_generated_digests_read_back(case: tuple[str, list[Entry]]) -> None:
    text, entries = case
    diags = Diagnostics()
    data = ("---\ntitle: t\ndate: 2026-01-01\n---\n\n" + text).encode()
    digest = read_post(data, "gen.md", Site(), diags)
    assert digest is not None, [d.format() for d in diags]
    got = [(p.title, p.arxiv.id if p.arxiv else None) for p in digest.papers]
    want = [(" ".join(e.title.split()), e.ident) for e in entries]
    assert got == want, text
    for paper, entry in zip(digest.papers, entries, strict=True):
        assert paper.authors == entry.authors, text


MARKDOWN_BITS = [
    "# ",
    "## ",
    "#### ",
    "1. ",
    "2) ",
    "- ",
    "  - ",
    "   ",
    "**",
    "__",
    "*",
    "[",
    "]",
    "(",
    ")",
    "|",
    "---",
    "\n",
    "\n\n",
    "<details>",
    "</details>",
    "<summary>",
    "`",
    "> ",
    ":",
    "：",
    "Authors:",
    "**Link:**",
    "원제:",
    "作者：",
    "arXiv:",
    "2501.00001",
    "https://arxiv.org/abs/",
    "https://huggingface.co/papers/",
    "No. 3 — ",
    "#1 — ",
    "Title",
    "제목",
    "标题",
    "👍 3",
    "\\",
]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(MARKDOWN_BITS), max_size=80).map("".join))
def test_any_markdown_reads_without_an_exception(body: str) -> None:
    diags = Diagnostics()
    data = ("---\ntitle: t\ndate: 2026-01-01\n---\n\n" + body).encode()
    digest = read_post(data, "fuzz.md", Site(), diags)
    if digest is not None:
        for paper in digest.papers:
            assert paper.title == paper.title.strip()
            assert paper.arxiv is None or paper.arxiv.id in paper.url or "arxiv" not in paper.url
    else:
        assert diags.failed()
