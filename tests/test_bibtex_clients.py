"""The BibTeX export as real clients read it: bibtexparser, pybtex, bibtex, biber, lualatex.

One combined bibliography (the samples, the shared corpus when present, and a
catalogue of hostile titles) is exported once per mode, and each TeX tool runs
once per style over it, so the heavy programs start as few times as possible.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import bibtexparser
import pybtex.database
import pybtex.errors
import pytest

from digestconv.arxiv import parse_id
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import BibtexExporter
from digestconv.exporters.bibtex.escape import clean, decoder
from digestconv.model import Corpus, Digest, Item, Paper, Section, Site, SourceSpan

FIXTURES = Path(__file__).parent / "fixtures" / "bibtex"
HOSTILE = json.loads((FIXTURES / "hostile.json").read_text(encoding="utf-8"))
TOOLS = ("bibtex", "biber", "lualatex")
needs_tex = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS), reason="TeX toolchain not installed"
)


def hostile_corpus() -> Corpus:
    """Digests of our own making whose titles, URLs, ids and tags try to break the file."""
    digests = []
    start = datetime(2024, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=9)))
    papers: list[Paper] = []
    for n, title in enumerate(HOSTILE["titles"], 1):
        ident = parse_id(f"2401.{n:05d}")
        papers.append(
            Paper(
                rank=n,
                title=title,
                url=f"https://arxiv.org/abs/2401.{n:05d}",
                arxiv=ident,
                anchor=f"p{n}",
                sections=(
                    Section(
                        "introduction",
                        "Introduction",
                        (Item(f"요약 {title} 100% & $x$ {{", label="goal", label_text="Goal"),),
                    ),
                ),
            )
        )
    for n, url in enumerate(HOSTILE["urls"], 1):
        papers.append(
            Paper(rank=100 + n, title=f"Web page {n} & co", url=url, arxiv=None, anchor="")
        )
    for n, old in enumerate(HOSTILE["old_ids"], 1):
        ident = parse_id(old)
        papers.append(
            Paper(
                rank=200 + n,
                title=f"Old style {old}",
                url=f"https://arxiv.org/abs/{old}",
                arxiv=ident,
                anchor="",
            )
        )
    for i, chunk in enumerate((papers[: len(papers) // 2], papers[len(papers) // 2 :], papers[:3])):
        day = start + timedelta(days=i)
        digests.append(
            Digest(
                source=SourceSpan(f"hostile-{i}.md", 1, 1),
                title=f"Hostile {i} & <b>",
                date=day,
                slug=f"hostile-{i}",
                path=f"/hostile/{i}/",
                url=f"https://example.org/hostile/{i}/?a=1&b=2_%7E",
                post_id=f"/hostile/{i}",
                tags=tuple(HOSTILE["tags"]),
                papers=tuple(chunk),
            )
        )
    return Corpus(Site(title="Hostile"), tuple(digests))


@dataclass(frozen=True)
class Combined:
    corpus: Corpus
    has_shared: bool


@pytest.fixture(scope="session")
def combined(request: pytest.FixtureRequest, samples_corpus: Corpus) -> Combined:
    digests = list(samples_corpus.digests)
    has_shared = True
    try:
        digests.extend(request.getfixturevalue("shared_corpus").digests)
    except pytest.skip.Exception:
        has_shared = False
    digests.extend(hostile_corpus().digests)
    return Combined(Corpus(samples_corpus.site, tuple(digests)), has_shared)


def export(corpus: Corpus, **options: object) -> str:
    diagnostics = Diagnostics()
    out = BibtexExporter().export(corpus, BibtexExporter.Options(**options), diagnostics)
    assert isinstance(out, bytes)
    assert not diagnostics.failed(strict=True), [d.format() for d in diagnostics]
    return out.decode("utf-8")


@pytest.fixture(scope="session")
def bib_misc(combined: Combined) -> str:
    return export(combined.corpus, summary=True)


@pytest.fixture(scope="session")
def bib_online(combined: Combined) -> str:
    return export(combined.corpus, biblatex=True, summary=True)


def distinct(corpus: Corpus) -> int:
    return len({p.key for _, p in corpus.papers()})


# ----------------------------------------------------------------- Python parsers


@pytest.mark.parametrize("mode", ["misc", "online"])
def test_bibtexparser_reads_every_entry(mode: str, request: pytest.FixtureRequest) -> None:
    text = request.getfixturevalue(f"bib_{mode}")
    corpus = request.getfixturevalue("combined").corpus
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    keys = [e.key for e in library.entries]
    assert len(keys) == len({k.lower() for k in keys}) == distinct(corpus)
    assert all(e.entry_type == mode for e in library.entries)


@pytest.mark.parametrize("mode", ["misc", "online"])
def test_pybtex_strict_mode_parses(mode: str, request: pytest.FixtureRequest) -> None:
    text = request.getfixturevalue(f"bib_{mode}")
    pybtex.errors.set_strict_mode(True)
    try:
        data = pybtex.database.parse_string(text, "bibtex")
    finally:
        pybtex.errors.set_strict_mode(False)
    assert len(data.entries) == distinct(request.getfixturevalue("combined").corpus)


def test_shared_corpus_has_717_entries(shared_corpus: Corpus) -> None:
    text = export(shared_corpus)
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert len(library.entries) == 717


def test_titles_decode_back_to_the_model(bib_misc: str, combined: Combined) -> None:
    titles = {p.key: clean(p.title) for _, p in reversed(combined.corpus.papers())}
    library = bibtexparser.parse_string(bib_misc)
    dec = decoder()
    checked = 0
    for entry in library.entries:
        url = entry["url"]
        ident = parse_id(url.rsplit("/abs/", 1)[1]) if "/abs/" in url else None
        key = f"arxiv:{ident.id}" if ident else None
        if key is None or key not in titles or not titles[key]:
            continue
        assert dec.latex_to_text(entry["title"]) == titles[key], entry.key
        checked += 1
    assert checked >= len(HOSTILE["titles"])


# ----------------------------------------------------------------- TeX toolchain


def run(cmd: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        errors="replace",
    )


def blg_problems(blg: Path) -> list[str]:
    text = blg.read_text(encoding="utf-8", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.startswith(("Warning--", "WARN", "ERROR"))]
    if "error message" in text or "There were" in text:
        lines.append(text[-400:])
    return lines


def cjk_font() -> str:
    """A fontspec line for a Hangul font when one is installed, else nothing."""
    for base in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts")):
        for found in sorted(base.glob("**/NotoSerifCJK-Regular.ttc")):
            return f"\\setmainfont{{{found.name}}}[Path={found.parent}/,FontIndex=1]\n"
    return ""


@pytest.fixture(scope="session")
def texdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bibtex-tex")


@pytest.fixture(scope="session")
def classic(texdir: Path, bib_misc: str) -> Iterator[Path]:
    """bibtex with plain, unsrt and plainnat over the @misc bibliography."""
    (texdir / "refs.bib").write_text(bib_misc, encoding="utf-8")
    for style in ("plain", "unsrt", "plainnat"):
        (texdir / f"{style}.aux").write_text(
            f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n",
            encoding="utf-8",
        )
        run(["bibtex", style], texdir)
    return texdir


@needs_tex
@pytest.mark.slow
@pytest.mark.parametrize("style", ["plain", "unsrt", "plainnat"])
def test_bibtex_style_has_no_warning(classic: Path, style: str, combined: Combined) -> None:
    blg = classic / f"{style}.blg"
    assert blg.exists(), f"bibtex {style} did not run"
    assert blg_problems(blg) == []
    bbl = (classic / f"{style}.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem") == distinct(combined.corpus)
    bbl.encode("utf-8")  # bibtex's line wrapping never split a UTF-8 sequence


@needs_tex
@pytest.mark.slow
def test_lualatex_typesets_the_natbib_bibliography(classic: Path) -> None:
    (classic / "nat.tex").write_text(
        "\\documentclass{article}\n\\usepackage{fontspec}\n"
        + cjk_font()
        + "\\usepackage[numbers]{natbib}\n\\usepackage{url}\n\\begin{document}\n"
        "\\nocite{*}\n\\bibliographystyle{plainnat}\n\\input{plainnat.bbl}\n\\end{document}\n",
        encoding="utf-8",
    )
    result = run(["lualatex", "-interaction=nonstopmode", "-halt-on-error", "nat.tex"], classic)
    log = (classic / "nat.log").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, log[-3000:]
    assert "\n!" not in log
    assert (classic / "nat.pdf").stat().st_size > 10_000


@pytest.fixture(scope="session")
def biblatex_run(texdir: Path, bib_online: str) -> Path:
    """lualatex → biber --validate-datamodel → lualatex over the @online bibliography."""
    work = texdir / "biblatex"
    work.mkdir()
    (work / "online.bib").write_text(bib_online, encoding="utf-8")
    (work / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{fontspec}\n"
        + cjk_font()
        + "\\usepackage[backend=biber,style=numeric]{biblatex}\n"
        "\\addbibresource{online.bib}\n\\begin{document}\n\\nocite{*}\n"
        "\\printbibliography\n\\end{document}\n",
        encoding="utf-8",
    )
    latex = ["lualatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    run(latex, work)
    run(["biber", "--validate-datamodel", "doc"], work)
    run(latex, work)
    return work


@needs_tex
@pytest.mark.slow
def test_biber_validates_the_datamodel_without_warning(biblatex_run: Path) -> None:
    blg = biblatex_run / "doc.blg"
    assert blg.exists(), "biber did not run"
    text = blg.read_text(encoding="utf-8")
    assert "Found BibTeX data source" in text or "Found" in text
    assert blg_problems(blg) == []


@needs_tex
@pytest.mark.slow
def test_lualatex_typesets_the_biblatex_bibliography(
    biblatex_run: Path, combined: Combined
) -> None:
    log = (biblatex_run / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert "\n!" not in log, log[-3000:]
    assert "Emergency stop" not in log
    assert (biblatex_run / "doc.pdf").stat().st_size > 10_000
    bbl = (biblatex_run / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\entry{") == distinct(combined.corpus)


@needs_tex
@pytest.mark.slow
def test_biber_tool_mode_accepts_the_default_misc_entries(texdir: Path, bib_misc: str) -> None:
    work = texdir / "tool"
    work.mkdir()
    (work / "misc.bib").write_text(bib_misc, encoding="utf-8")
    result = run(["biber", "--tool", "--validate-datamodel", "misc.bib"], work)
    problems = [ln for ln in result.stdout.splitlines() if ln.startswith(("WARN", "ERROR"))]
    assert result.returncode == 0, result.stdout[-2000:]
    assert problems == []
