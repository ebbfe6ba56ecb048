"""The BibTeX export as real clients read it: bibtexparser, pybtex, bibtex, biber, pdflatex,
lualatex, pandoc and citation-js.

One combined bibliography (the samples, the four shared corpora when present, and a
catalogue of hostile titles) is exported once per mode, and each TeX tool runs once per
style over it, so the heavy programs start as few times as possible.  In CI (``CI`` set)
every client is installed, so a missing one fails there instead of skipping.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import bibtexparser
import pybtex.database
import pybtex.errors
import pytest
from tests.conftest import SHARED

from digestconv.arxiv import parse_id
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import BibtexExporter
from digestconv.exporters.bibtex.escape import clean, decoder
from digestconv.model import Corpus, Digest, Item, Paper, Section, Site, SourceSpan
from test_publish_tools import require

FIXTURES = Path(__file__).parent / "fixtures" / "bibtex"
HOSTILE = json.loads((FIXTURES / "hostile.json").read_text(encoding="utf-8"))
NODE_DIR = Path(__file__).parent / "node-citation"
# The four shared corpora and their distinct papers (../shared/corpus/README.md: distinct
# arXiv ids, plus the papers without one, one entry per URL).
CORPORA = {
    "hahngt.github.io": 717,
    "lim4349.github.io": 2113,
    "AlirezaShamsoshoara.github.io": 2545,
    "yeonjae11-daily-papers": 21,
}


def need(*tools: str) -> None:
    """Skip without the programs on a developer's machine; fail in CI."""
    for name in tools:
        require(shutil.which(name) is not None, name)


def read_corpus(name: str) -> Corpus:
    from digestconv.reader import read_paths

    folder = SHARED / "corpus" / name
    if not folder.is_dir():
        pytest.skip(f"the shared corpus {name} is not present beside the repository")
    result = read_paths([str(folder)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics][:5]
    return result.corpus


@pytest.fixture(scope="session")
def corpora() -> dict[str, Corpus]:
    """The shared corpora that are present, read once."""
    found = {}
    for name in CORPORA:
        try:
            found[name] = read_corpus(name)
        except pytest.skip.Exception:
            continue
    return found


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
def combined(corpora: dict[str, Corpus], samples_corpus: Corpus) -> Combined:
    digests = list(samples_corpus.digests)
    for corpus in corpora.values():
        digests.extend(corpus.digests)
    digests.extend(hostile_corpus().digests)
    return Combined(Corpus(samples_corpus.site, tuple(digests)), bool(corpora))


@pytest.fixture(scope="session")
def real(corpora: dict[str, Corpus], samples_corpus: Corpus) -> Corpus:
    """The samples and the shared corpora: real digests, which pdflatex must typeset."""
    digests = list(samples_corpus.digests)
    for corpus in corpora.values():
        digests.extend(corpus.digests)
    return Corpus(samples_corpus.site, tuple(digests))


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
    types = {"misc": {"misc", "article"}, "online": {"online"}}[mode]
    assert {e.entry_type for e in library.entries} <= types


@pytest.mark.parametrize("mode", ["misc", "online"])
def test_pybtex_strict_mode_parses(mode: str, request: pytest.FixtureRequest) -> None:
    text = request.getfixturevalue(f"bib_{mode}")
    pybtex.errors.set_strict_mode(True)
    try:
        data = pybtex.database.parse_string(text, "bibtex")
    finally:
        pybtex.errors.set_strict_mode(False)
    assert len(data.entries) == distinct(request.getfixturevalue("combined").corpus)


@pytest.mark.parametrize(("name", "count"), CORPORA.items(), ids=list(CORPORA))
def test_every_shared_corpus_gives_one_entry_per_distinct_paper(name: str, count: int) -> None:
    corpus = read_corpus(name)
    for options in ({}, {"biblatex": True}):
        library = bibtexparser.parse_string(export(corpus, **options))
        assert not library.failed_blocks
        assert len(library.entries) == count == distinct(corpus)


def names_someone(authors: tuple[str, ...]) -> bool:
    """Whether a digest's author list names a person or group (not only a remark)."""
    return any(
        not re.match(r"^\(|^anonymous\b|^(et )?al\.", a.strip(), re.IGNORECASE) for a in authors
    )


def test_alireza_entries_have_the_authors_their_digests_name() -> None:
    corpus = read_corpus("AlirezaShamsoshoara.github.io")
    named = {p.url for _, p in corpus.papers() if names_someone(p.authors)}
    library = bibtexparser.parse_string(export(corpus))
    with_author = 0
    for entry in library.entries:
        f = {x.key: x.value for x in entry.fields}
        paper_url = next(p.url for _, p in corpus.papers() if p.key == url_key(f["url"]))
        if "author" in f:
            with_author += 1
            assert "et al" not in f["author"] and not f["author"].startswith("and ")
        else:
            assert paper_url not in named, entry.key
            assert "key" in f  # sorted and labelled by its short title instead
    # 2,545 distinct papers; 29 are listed only as "anonymous" or with a remark such as
    # "(see arxiv)", which names nobody.
    assert with_author == 2516
    assert len(library.entries) - with_author == 29


def url_key(url: str) -> str:
    """``Paper.key`` of an entry's ``url``."""
    if "arxiv.org/abs/" in url:
        return f"arxiv:{url.rsplit('/abs/', 1)[1]}"
    return f"url:{url}"


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


STYLES = ("plain", "unsrt", "plainnat")
NATBIB_SLICE = 150
"""plainnat letters equal author-year labels a, b, … with ``int.to.chr$`` and breaks past
the 31st ("Chen et al. (2026{)", "isn't valid ASCII"): a limit of the style that no
document citing fewer than 32 "Chen et al. (2026)" works reaches, but \\nocite{*} over
2,500 papers of one year does.  plainnat therefore cites every entry in slices."""


def entry_keys(bib: str) -> list[str]:
    return re.findall(r"^@(?!preamble)\w+\{([^,\s]+),$", bib, flags=re.MULTILINE)


def bibtex_all(folder: Path, bib: str) -> Path:
    """bibtex with every classic style over ``bib``: plain and unsrt cite every entry at
    once, plainnat cites them in slices (``plainnat-N``)."""
    folder.mkdir(exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    keys = entry_keys(bib)
    jobs = [(style, "*") for style in STYLES if style != "plainnat"]
    jobs += [
        (f"plainnat-{n}", ",".join(keys[start : start + NATBIB_SLICE]))
        for n, start in enumerate(range(0, len(keys), NATBIB_SLICE))
    ]
    for job, cited in jobs:
        style = job.split("-")[0]
        (folder / f"{job}.aux").write_text(
            f"\\relax\n\\citation{{{cited}}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n",
            encoding="utf-8",
        )
        run(["bibtex", job], folder)
    return folder


def logs(folder: Path, style: str) -> list[Path]:
    """The .blg files of one style (plainnat's slices in order)."""
    if style != "plainnat":
        return [folder / f"{style}.blg"]
    return sorted(folder.glob("plainnat-*.blg"), key=lambda p: int(p.stem.split("-")[1]))


def bbl_input(folder: Path, style: str) -> str:
    return "".join(f"\\input{{{blg.with_suffix('.bbl').name}}}\n" for blg in logs(folder, style))


@pytest.fixture(scope="session")
def classic(texdir: Path, bib_misc: str) -> Path:
    """bibtex with plain, unsrt and plainnat over the @misc bibliography."""
    need("bibtex")
    return bibtex_all(texdir, bib_misc)


@pytest.fixture(scope="session")
def classic_real(texdir: Path, real: Corpus) -> Path:
    """The same over the real digests only (no hostile titles): what pdflatex must take."""
    need("bibtex")
    return bibtex_all(texdir / "real", export(real))


@pytest.mark.slow
@pytest.mark.parametrize("style", STYLES)
def test_bibtex_style_has_no_warning(classic: Path, style: str, combined: Combined) -> None:
    blgs = logs(classic, style)
    assert blgs and all(b.exists() for b in blgs), f"bibtex {style} did not run"
    assert [p for b in blgs for p in blg_problems(b)] == []
    bbl = "".join(b.with_suffix(".bbl").read_text(encoding="utf-8") for b in blgs)
    assert bbl.count("\\bibitem") == distinct(combined.corpus)
    bbl.encode("utf-8")  # bibtex's line wrapping never split a UTF-8 sequence


def typeset(folder: Path, name: str, body: str, engine: str) -> str:
    """``engine`` over a document; its log, after asserting it ran without an error."""
    (folder / f"{name}.tex").write_text(body, encoding="utf-8")
    result = run([engine, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"], folder)
    log = (folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, log[-3000:]
    assert "\n!" not in log
    return log


@pytest.mark.slow
def test_lualatex_typesets_the_natbib_bibliography(classic: Path) -> None:
    need("lualatex")
    typeset(
        classic,
        "nat",
        "\\documentclass{article}\n\\usepackage{fontspec}\n"
        + cjk_font()
        + "\\usepackage[numbers]{natbib}\n\\usepackage{url}\n\\begin{document}\n"
        "\\nocite{*}\n\\bibliographystyle{plainnat}\n"
        + bbl_input(classic, "plainnat")
        + "\\end{document}\n",
        "lualatex",
    )
    assert (classic / "nat.pdf").stat().st_size > 10_000


@pytest.mark.slow
@pytest.mark.parametrize("style", ["plain", "plainnat"])
def test_pdflatex_typesets_every_shared_corpus_without_url_or_hyperref(
    classic_real: Path, style: str, corpora: dict[str, Corpus], real: Corpus
) -> None:
    """An article with T1 fonts (as templates have) and neither url nor hyperref: Greek
    and symbols must be commands, \\url must come from the bibliography's @preamble."""
    need("pdflatex")
    blgs = logs(classic_real, style)
    assert [p for b in blgs for p in blg_problems(b)] == []
    bbl = "".join(b.with_suffix(".bbl").read_text(encoding="utf-8") for b in blgs)
    assert bbl.count("\\bibitem") == distinct(real)
    if set(corpora) != set(CORPORA):
        pytest.skip("the four shared corpora are not all present beside the repository")
    natbib = "\\usepackage[round]{natbib}\n" if style == "plainnat" else ""
    log = typeset(
        classic_real,
        f"pdf-{style}",
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n"
        + natbib
        + "\\begin{document}\n\\nocite{*}\n"
        + bbl_input(classic_real, style)
        + "\\end{document}\n",
        "pdflatex",
    )
    assert "Unicode character" not in log
    assert (classic_real / f"pdf-{style}.pdf").stat().st_size > 10_000


# ----------------------------------------------------------------- author-year citations


def pdf_text(pdf: Path) -> str:
    """The text of a PDF as MuPDF extracts it (what a reader sees), whitespace collapsed."""
    need("mutool")
    done = run(["mutool", "draw", "-F", "txt", "-o", "-", str(pdf)], pdf.parent)
    assert done.returncode == 0, done.stderr
    # NFKC: the CJK font's digits come out as full-width forms.
    return " ".join(unicodedata.normalize("NFKC", done.stdout).split())


def cited_keys(bib: str) -> dict[str, str]:
    """One key of each kind: with authors, without (title label), not on arXiv."""
    library = bibtexparser.parse_string(bib)
    kinds: dict[str, str] = {}
    for entry in library.entries:
        f = {x.key: x.value for x in entry.fields}
        kind = "web" if "eprint" not in f else "named" if "author" in f else "anonymous"
        kinds.setdefault(kind, entry.key)
    return kinds


def cite_lines(keys: dict[str, str], commands: tuple[str, ...]) -> str:
    return "\n".join(
        f"[{kind}-{cmd}] \\{cmd}{{{key}}} [end]\\par"
        for kind, key in sorted(keys.items())
        for cmd in commands
    )


def citation_texts(text: str) -> dict[str, str]:
    return dict(re.findall(r"\[(\w+-\w+)\] (.*?) \[end\]", text))


def assert_year_and_no_identifier(cites: dict[str, str], keys: dict[str, str]) -> None:
    assert set(cites) == {f"{k}-{c}" for k in keys for c in ("citet", "citep", "citeyear")}
    for label, text in cites.items():
        assert re.search(r"\b(19|20)\d\d\b", text), (label, text)
        assert "arXiv" not in text and "?" not in text, (label, text)
        assert "()" not in text, (label, text)
        if label.endswith("citeyear"):
            assert re.fullmatch(r"(19|20)\d\d[a-z]?", text), (label, text)


@pytest.mark.slow
def test_natbib_author_year_citations_show_a_year_and_no_identifier(
    texdir: Path, combined: Combined, real: Corpus
) -> None:
    bib_misc = export(real)
    need("bibtex", "pdflatex")
    work = texdir / "natbib-cite"
    work.mkdir()
    keys = cited_keys(bib_misc)
    assert set(keys) == {"named", "anonymous", "web"} or not combined.has_shared
    (work / "refs.bib").write_text(bib_misc, encoding="utf-8")
    body = (
        "\\documentclass{article}\n\\usepackage[round]{natbib}\n\\begin{document}\n"
        + cite_lines(keys, ("citet", "citep", "citeyear"))
        + "\n\\bibliographystyle{plainnat}\n\\bibliography{refs}\n\\end{document}\n"
    )
    (work / "cite.tex").write_text(body, encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "cite.tex"]
    run(latex, work)
    run(["bibtex", "cite"], work)
    run(latex, work)
    run(latex, work)
    log = (work / "cite.log").read_text(encoding="utf-8", errors="replace")
    assert "\n!" not in log, log[-2000:]
    assert "undefined" not in log.lower(), log[-2000:]
    text = pdf_text(work / "cite.pdf")
    cites = citation_texts(text)
    assert_year_and_no_identifier(cites, keys)
    assert (
        re.fullmatch(
            r"\w[\w'-]* et al\. \(\d{4}\)|\w[\w'-]* (and \w[\w'-]* )?\(\d{4}\)",
            cites["named-citet"],
        )
        or not combined.has_shared
    ), cites
    bbl = (work / "cite.bbl").read_text(encoding="utf-8")
    assert "\\bibitem[arXiv" not in bbl


@pytest.mark.slow
def test_biblatex_authoryear_citations_show_a_year_and_no_identifier(
    texdir: Path, real: Corpus
) -> None:
    bib_online = export(real, biblatex=True)
    need("biber", "lualatex")
    work = texdir / "biblatex-cite"
    work.mkdir()
    keys = cited_keys(bib_online)
    (work / "online.bib").write_text(bib_online, encoding="utf-8")
    body = (
        "\\documentclass{article}\n\\usepackage{fontspec}\n"
        + cjk_font()
        + "\\usepackage[backend=biber,style=authoryear]{biblatex}\n"
        "\\addbibresource{online.bib}\n\\newcommand{\\citet}{\\textcite}"
        "\\newcommand{\\citep}{\\parencite}\n\\begin{document}\n"
        + cite_lines(keys, ("citet", "citep", "citeyear"))
        + "\n\\printbibliography\n\\end{document}\n"
    )
    (work / "cite.tex").write_text(body, encoding="utf-8")
    latex = ["lualatex", "-interaction=nonstopmode", "cite.tex"]
    run(latex, work)
    run(["biber", "cite"], work)
    run(latex, work)
    log = (work / "cite.log").read_text(encoding="utf-8", errors="replace")
    assert "\n!" not in log, log[-2000:]
    assert blg_problems(work / "cite.blg") == []
    assert_year_and_no_identifier(citation_texts(pdf_text(work / "cite.pdf")), keys)


@pytest.fixture(scope="session")
def biblatex_run(texdir: Path, bib_online: str) -> Path:
    """lualatex → biber --validate-datamodel → lualatex over the @online bibliography."""
    need("biber", "lualatex")
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
    # ~5,400 entries with their abstracts: minutes of lualatex on a shared machine.
    run(latex, work, timeout=1200)
    run(["biber", "--validate-datamodel", "doc"], work, timeout=1200)
    run(latex, work, timeout=1200)
    return work


@pytest.mark.slow
def test_biber_validates_the_datamodel_without_warning(biblatex_run: Path) -> None:
    blg = biblatex_run / "doc.blg"
    assert blg.exists(), "biber did not run"
    text = blg.read_text(encoding="utf-8")
    assert "Found BibTeX data source" in text or "Found" in text
    assert blg_problems(blg) == []


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


@pytest.mark.slow
def test_biber_tool_mode_accepts_the_default_misc_entries(
    texdir: Path, samples_corpus: Corpus
) -> None:
    """With summaries, over the samples and the hostile posts: the conformance suite runs
    biber over every input's default @misc bibliography, and the biblatex run over every
    corpus's summaries, so only this pairing is left to prove here."""
    need("biber")
    work = texdir / "tool"
    work.mkdir()
    both = Corpus(samples_corpus.site, (*samples_corpus.digests, *hostile_corpus().digests))
    (work / "misc.bib").write_text(export(both, summary=True), encoding="utf-8")
    result = run(["biber", "--tool", "--validate-datamodel", "misc.bib"], work)
    problems = [ln for ln in result.stdout.splitlines() if ln.startswith(("WARN", "ERROR"))]
    assert result.returncode == 0, result.stdout[-2000:]
    assert problems == []


# ----------------------------------------------------------------- importers: pandoc, citation-js


@dataclass(frozen=True)
class Expected:
    """What an importer must keep of one entry of ours."""

    arxiv: str | None
    named: bool
    url: str


def expectations(bib: str) -> dict[str, Expected]:
    out = {}
    for entry in bibtexparser.parse_string(bib).entries:
        f = {x.key: x.value for x in entry.fields}
        ident = f["eprint"].split("v")[0] if "eprint" in f and "/" not in f["eprint"] else None
        if "eprint" in f and "/" in f["eprint"]:
            ident = re.sub(r"v\d+$", "", f["eprint"])
        out[entry.key] = Expected(ident, "author" in f, f["url"])
    return out


def assert_preprints(
    items: list[dict[str, object]], expected: dict[str, Expected], article: str, generic: str
) -> None:
    """Each arXiv entry: a scholarly article whose venue names its arXiv id (or, without
    authors, a document published as that venue), with the abstract page as URL."""
    by_id = {str(item["id"]): item for item in items}
    assert set(by_id) == set(expected)
    for key, want in expected.items():
        item = by_id[key]
        assert item.get("URL") == want.url, key
        if want.arxiv is None:
            continue
        venue = f"arXiv preprint arXiv:{want.arxiv}"
        if want.named:
            assert item["type"] == article, (key, item["type"])
            assert item.get("container-title") == venue, key
            assert item.get("author"), key
        else:
            assert item["type"] == generic, (key, item["type"])
            assert item.get("publisher") == venue, key
        assert "arxiv" not in json.dumps(item.get("author", "")).lower(), key


@pytest.mark.slow
def test_pandoc_reads_every_arxiv_entry_as_a_preprint_with_its_id(
    texdir: Path, bib_misc: str
) -> None:
    need("pandoc")
    path = texdir / "pandoc.bib"
    path.write_text(bib_misc, encoding="utf-8")
    done = run(["pandoc", str(path), "-f", "bibtex", "-t", "csljson"], texdir, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert_preprints(json.loads(done.stdout), expectations(bib_misc), "article-journal", "")


@pytest.mark.slow
def test_citation_js_reads_every_arxiv_entry_as_a_preprint_with_its_id(
    texdir: Path, bib_misc: str
) -> None:
    node = shutil.which("node")
    require(node is not None, "node")
    require(
        (NODE_DIR / "node_modules" / "@citation-js" / "core").is_dir(),
        "citation-js (npm ci in tests/node-citation)",
    )
    assert node is not None
    path = texdir / "citation-js.bib"
    path.write_text(bib_misc, encoding="utf-8")
    done = run([node, str(NODE_DIR / "bib2csl.js"), str(path)], texdir, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    items = json.loads(done.stdout)
    assert_preprints(items, expectations(bib_misc), "article-journal", "document")
