"""The issue's acceptance test: every paper entry of the four shared corpora, in order.

Expected counts are the corpus README's totals; per-post counts, ids and titles are
derived here from the posts' text by simple line rules written for each corpus, so
they are independent of the reader under test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from digestconv.cli import cli
from digestconv.model import Corpus, Digest
from digestconv.reader import read_paths

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPUS = SHARED / "corpus"

TOTALS = {
    # folder: (files, entries, with arXiv id, distinct ids)
    "hahngt.github.io": (93, 787, 787, 717),
    "lim4349.github.io": (282, 2737, 2737, 2113),
    "AlirezaShamsoshoara.github.io": (146, 2820, 2816, 2542),
    "yeonjae11-daily-papers": (8, 21, 21, 21),
}


def _corpus(name: str) -> Path:
    root = CORPUS / name
    if not root.is_dir():
        pytest.skip(f"the shared corpora are not beside the repository ({CORPUS} is absent)")
    return root


_cache: dict[str, Corpus] = {}


def corpus(name: str) -> Corpus:
    if name not in _cache:
        result = read_paths([str(_corpus(name))])
        assert not result.diagnostics.failed(), [
            d.format() for d in result.diagnostics if d.severity == "error"
        ][:5]
        _cache[name] = result.corpus
    return _cache[name]


def by_file(c: Corpus) -> dict[str, Digest]:
    return {Path(d.source.path).name: d for d in c.digests}


def _body(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        end = text.find("\n---", 3)
        text = text[end + 4 :] if end >= 0 else text
    return text.split("\n")


# ------------------------------------------------------------ independent expectations


def _fenced(lines: list[str]) -> Iterator[tuple[str, bool]]:
    inside = False
    for ln in lines:
        if ln.lstrip().startswith(("```", "~~~")):
            inside = not inside
        yield ln, inside


def expected_heading_titles(path: Path, pattern: str) -> list[str]:
    rx = re.compile(pattern)
    out = []
    for ln, fenced in _fenced(_body(path)):
        m = None if fenced else rx.match(ln)
        if m:
            title = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", m.group("title"))
            out.append(" ".join(title.split()))
    return out


def expected_lim(path: Path) -> list[str]:
    """Items under the likes ranking: the bold text of `N. **Title` (wrapped lines joined)."""
    lines = _body(path)
    titles: list[str] = []
    inside = False
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.startswith("## "):
            inside = "좋아요 순위" in ln
        elif inside and re.match(r"\d+\. \*\*", ln):
            text = ln.split("**", 1)[1]
            while "**" not in text and i + 1 < len(lines):
                i += 1
                text += " " + lines[i].strip()
            title = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text.split("**", 1)[0])
            titles.append(" ".join(title.split()))
        i += 1
    return titles


def expected(name: str, path: Path) -> list[str]:
    if name == "hahngt.github.io":
        return expected_heading_titles(path, r"# \d+\. \[(?P<title>[^\]]+)\]")
    if name == "lim4349.github.io":
        return expected_lim(path)
    if name == "AlirezaShamsoshoara.github.io":
        return expected_heading_titles(path, r"#{2,3} (?:#\d+ — |\d+\. )(?P<title>.+)$")
    return expected_heading_titles(path, r"### \d+\. (?P<title>.+)$")


# ------------------------------------------------------------------------ the tests


@pytest.mark.parametrize("name", list(TOTALS))
def test_corpus_totals(name: str) -> None:
    files, entries, with_id, distinct = TOTALS[name]
    c = corpus(name)
    papers = [p for d in c.digests for p in d.papers]
    ids = [p.arxiv.id for p in papers if p.arxiv]
    assert len(c.digests) == files
    assert (len(papers), len(ids), len(set(ids))) == (entries, with_id, distinct)


@pytest.mark.parametrize("name", list(TOTALS))
def test_every_post_entries_in_order_with_titles_as_written(name: str) -> None:
    digests = by_file(corpus(name))
    root = _corpus(name)
    posts = sorted(root.rglob("*.md"))
    checked = 0
    for path in posts:
        if path.name not in digests:
            continue
        want = expected(name, path)
        got = [p.title for p in digests[path.name].papers]
        if name == "hahngt.github.io":
            # Titles wrapped onto the next line are joined by the reader; compare prefixes.
            assert len(got) == len(want), path.name
            assert all(g.startswith(w.strip()) for g, w in zip(got, want, strict=True)), path.name
        else:
            assert got == want, path.name
        checked += len(got)
    assert checked == TOTALS[name][1]


def test_alireza_has_20_per_digest_and_samples_have_none() -> None:
    for name, digest in by_file(corpus("AlirezaShamsoshoara.github.io")).items():
        assert len(digest.papers) == (20 if "daily-ai-papers" in name else 0), name


def test_lim4349_tech_notes_are_not_digests() -> None:
    digests = by_file(corpus("lim4349.github.io"))
    empty = sorted(n for n, d in digests.items() if not d.papers)
    assert len(empty) == 5 and "2025-11-03-supprots-sdqa.md" in empty


def test_spot_checks_lim4349() -> None:
    d = by_file(corpus("lim4349.github.io"))["2025-11-03-daily-papers-1762174155.md"]
    first, second = d.papers[0], d.papers[1]
    assert first.title == "Defeating the Training-Inference Mismatch via FP16"
    assert str(first.arxiv) == "2510.26788" and first.url == "https://arxiv.org/abs/2510.26788"
    assert first.affiliations == ("Sea AI Lab",)
    assert first.abstract is not None and first.abstract.startswith("Reinforcement learning (RL)")
    assert first.link("huggingface") is not None
    assert second.title == (
        "ThinkMorph: Emergent Properties in Multimodal Interleaved Chain-of-Thought Reasoning"
    )
    assert [p.rank for p in d.papers] == list(range(1, len(d.papers) + 1))
    # Jekyll's defaults: give every post the permalink /posts/:title/.
    assert d.path == "/posts/daily-papers-1762174155/"
    hf_only = by_file(corpus("lim4349.github.io"))["2026-03-16-daily-papers.md"].papers[4]
    assert hf_only.title == "OmniForcing: Unleashing Real-time Joint Audio-Visual Generation"
    assert str(hf_only.arxiv) == "2603.11647" and "huggingface.co/papers" in hf_only.url


def test_spot_checks_alireza() -> None:
    digests = by_file(corpus("AlirezaShamsoshoara.github.io"))
    p = digests["2026-04-04-daily-ai-papers.md"].papers[0]
    assert p.title == "DataFlex: A Unified Framework for Data-Centric Dynamic Training of LLMs"
    assert str(p.arxiv) == "2603.26164"
    assert p.authors[0] == "Hao Liang" and p.authors[-1] == "et al."
    assert p.section("summary") is not None and "Source" in p.fields
    assert digests["2026-04-04-daily-ai-papers.md"].papers[6].title == "Therefore I am. I Think"
    dashed = digests["2026-05-16-daily-ai-papers.md"].papers[0]
    assert dashed.title == "Long Context Pre-Training with Lighthouse Attention"
    assert str(dashed.arxiv) == "2605.06554" and dashed.fields["Upvotes"] == "18"
    no_id = digests["2026-04-05-daily-ai-papers.md"].papers[1]
    assert no_id.arxiv is None and no_id.url.startswith("https://transformer-circuits.pub/")
    openreview = digests["2026-05-04-daily-ai-papers.md"].papers[2]
    assert openreview.arxiv is None and "openreview.net" in openreview.url
    # Honorable mentions and methodology stay digest text.
    text = "\n".join(i.text for i in digests["2026-04-04-daily-ai-papers.md"].preamble)
    assert "Honorable Mentions" in text and "Methodology" in text


def test_spot_checks_yeonjae_plain_markdown() -> None:
    digests = by_file(corpus("yeonjae11-daily-papers"))
    d = digests["2026-03-24.md"]
    assert d.date.date().isoformat() == "2026-03-24"
    assert d.title == "📚 AI/LLM 논문 데일리 브리핑 - 2026-03-24"
    assert [str(p.arxiv) for p in d.papers] == ["2603.22117", "2603.21383", "2602.06038"]
    assert d.papers[0].sections[0].heading == "Problem Definition"
    assert d.papers[0].sections[0].kind == "introduction"


def test_spot_checks_home_blog() -> None:
    c = corpus("hahngt.github.io")
    d = by_file(c)["2025-10-02-daily-papers-20251002.md"]
    assert [str(p.arxiv) for p in d.papers][:2] == ["2509.22944", "2510.00536"]
    assert d.papers[0].title == (
        "SINQ: Sinkhorn-Normalized Quantization for Calibration-Free Low-Precision LLM Weights"
    )


@pytest.mark.parametrize("name", list(TOTALS))
@pytest.mark.parametrize("command", ["check", "json"])
def test_cli_exit_status_zero_without_keep_going(name: str, command: str) -> None:
    root = _corpus(name)
    # check shows notes (the reader's among them) without -v
    result = CliRunner().invoke(cli, [command, str(root)])
    assert result.exit_code == 0, result.output[-2000:]
    if command == "check":
        assert "[reader]" in result.stderr


@pytest.mark.parametrize("name", list(TOTALS))
def test_model_json_validates_and_round_trips(name: str) -> None:
    import json
    from importlib.resources import files

    import jsonschema

    from digestconv.model import from_json, to_json

    schema = json.loads(files("digestconv").joinpath("schema/digests.schema.json").read_text())
    c = corpus(name)
    text = to_json(c)
    jsonschema.validate(json.loads(text), schema)
    assert from_json(text) == c
