"""Publishing: the composite action, the example workflows, the Jekyll include, the
index page and the pre-commit hook, each run by the real tool where it can run here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
import yaml
from lxml import etree

from test_publish_tools import require, tool

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
EXAMPLES = ROOT / "docs" / "examples"
WORKFLOWS = [EXAMPLES / "jekyll-pages.yml", EXAMPLES / "markdown-pages.yml"]
INCLUDE = ROOT / "jekyll" / "_includes" / "digestconv-head.html"
SITE_URL = "https://dailypapers.example.org/"
EXPR = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def load(path: Path) -> dict:  # type: ignore[type-arg]
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def digestconv() -> str:
    return tool("digestconv")


# --------------------------------------------------------------------------- static checks


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_complete(path: Path) -> None:
    wf = load(path)
    on = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as true
    assert on["schedule"] and "push" in on and "workflow_dispatch" in on
    assert wf["permissions"] == {"contents": "read"}
    assert wf["concurrency"]["group"] == "pages"
    deploy = wf["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [s.get("uses", "") for job in wf["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert any(u.startswith("digestconv/digestconv@v1") for u in uses)


def test_actionlint_reports_nothing() -> None:
    run = subprocess.run(
        [tool("actionlint"), "-no-color", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_zizmor_reports_nothing() -> None:
    run = subprocess.run(
        [
            tool("zizmor"),
            "--offline",
            "--no-progress",
            "--config",
            str(EXAMPLES / "zizmor.yml"),
            str(ACTION),
            *map(str, WORKFLOWS),
        ],
        capture_output=True,
        check=False,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings" in run.stdout + run.stderr


@pytest.mark.parametrize(
    ("schema", "paths"),
    [("vendor.github-actions", [ACTION]), ("vendor.github-workflows", WORKFLOWS)],
)
def test_check_jsonschema_builtin_schemas(schema: str, paths: list[Path]) -> None:
    run = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        check=False,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


# --------------------------------------------------------------------------- the action, run


def run_action(site: Path, tmp: Path, inputs: dict[str, str]) -> dict[str, str]:
    """The action's shell steps in order, as the runner would run them: ``${{ }}`` in
    ``env`` replaced by inputs and earlier steps' outputs, GITHUB_OUTPUT read back.  The
    PyPI install step is replaced by the digestconv under test (the suite is offline)."""
    action = load(ACTION)
    values = {f"inputs.{k}": str(v.get("default", "")) for k, v in action["inputs"].items()}
    values.update({f"inputs.{k}": v for k, v in inputs.items()})
    values["steps.install.outputs.bin"] = digestconv()
    outputs: dict[str, str] = {}
    for step in action["runs"]["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        out_file = tmp / f"output-{step['id']}"
        out_file.write_text("")
        env = {
            k: EXPR.sub(lambda m: values.get(m.group(1), ""), str(v))
            for k, v in step.get("env", {}).items()
        }
        env.update(
            PATH=os.environ["PATH"],
            HOME=os.environ.get("HOME", str(tmp)),
            GITHUB_OUTPUT=str(out_file),
            GITHUB_WORKSPACE=str(site),
            RUNNER_TEMP=str(tmp),
            RUNNER_OS="Linux",
            CI="true",
        )
        run = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=site,
            env=env,
            capture_output=True,
            check=False,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, f"step {step['id']}:\n{run.stdout}\n{run.stderr}"
        parsed = parse_output(out_file.read_text())
        values.update({f"steps.{step['id']}.outputs.{k}": v for k, v in parsed.items()})
        if step["id"] == "build":
            outputs = parsed
    return outputs


def parse_output(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line:
            key, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            out[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            out[key] = value
    return out


@pytest.fixture
def site(tmp_path: Path, samples_site: Path) -> Path:
    dest = tmp_path / "site"
    shutil.copytree(samples_site, dest)
    return dest


def test_action_steps_build_the_samples(site: Path, tmp_path: Path) -> None:
    outputs = run_action(site, tmp_path, {"output": "_site"})
    assert outputs["output"] == "_site"
    files = set(outputs["files"].splitlines())
    assert {
        "feed.xml",
        "opds/catalog.xml",
        "opds/catalog.json",
        "digests.epub",
        "refs.bib",
    } <= files
    assert {"cards.apkg", "cards.csv", "opds/covers/digests.png"} <= files
    assert all((site / "_site" / f).is_file() for f in files)
    # A second run with nothing changed writes nothing.
    again = run_action(site, tmp_path, {"output": "_site"})
    assert again["files"] == ""


def test_action_fails_on_a_broken_post(site: Path, tmp_path: Path) -> None:
    (site / "_posts" / "2025-12-31-broken.md").write_text("---\ntitle: [unclosed\n---\n")
    with pytest.raises(AssertionError, match="step check"):
        run_action(site, tmp_path, {"output": "_site"})


# --------------------------------------------------------------------------- index.html


def build(site: Path, out: Path, formats: str, *extra: str) -> None:
    run = subprocess.run(
        [digestconv(), "build", str(site), "-o", str(out), "--no-cache", "--only", formats, *extra],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr


def test_index_page_is_valid_html5_and_every_link_resolves(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(site, out, "index,feed,opds,epub,bibtex,anki,json")
    data = (out / "index.html").read_bytes()
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    doc = parser.parse(data)  # raises on any parse error
    assert doc.find("head/title").text == "Daily Papers"
    assert not doc.findall(".//script")
    hrefs = [a.get("href") for a in doc.iter("a")] + [ln.get("href") for ln in doc.iter("link")]
    local = [h for h in hrefs if h and not urlsplit(h).scheme]
    assert local
    for href in local:
        assert (out / href).is_file(), href
    alternates = {ln.get("type") for ln in doc.iter("link") if ln.get("rel") == "alternate"}
    assert alternates == {
        "application/atom+xml",
        "application/atom+xml;profile=opds-catalog;kind=acquisition",
        "application/opds+json",
    }


def test_index_page_lists_split_books_and_honours_formats(site: Path, tmp_path: Path) -> None:
    cfg = site / "_config.yml"
    cfg.write_text(
        cfg.read_text()
        + "digestconv:\n  formats: [index, epub, opds]\n  epub:\n    split: month\n"
        + "    output: books\n"
    )
    out = tmp_path / "public"
    build(site, out, "index,epub,opds")
    doc = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(
        (out / "index.html").read_bytes()
    )
    hrefs = [a.get("href") for a in doc.iter("a") if a.get("href", "").endswith(".epub")]
    assert hrefs and all((out / h).is_file() for h in hrefs)
    assert not any(a.get("href") == "refs.bib" for a in doc.iter("a"))


def test_index_escapes_hostile_titles(site: Path, tmp_path: Path) -> None:
    cfg = site / "_config.yml"
    cfg.write_text(
        cfg.read_text().replace("title: Daily Papers", 'title: "<script>x</script> & co"')
    )
    out = tmp_path / "public"
    build(site, out, "index")
    data = (out / "index.html").read_bytes()
    assert b"<script>" not in data
    html5lib.HTMLParser(strict=True).parse(data)


# --------------------------------------------------------------------------- Jekyll include


@pytest.fixture
def jekyll() -> str:
    found = shutil.which("jekyll")
    require(found is not None, "jekyll")
    assert found is not None
    return found


def test_jekyll_include_links_resolve_in_the_built_site(
    site: Path, tmp_path: Path, jekyll: str
) -> None:
    (site / "_includes").mkdir()
    shutil.copy(INCLUDE, site / "_includes" / INCLUDE.name)
    (site / "_layouts").mkdir()
    (site / "_layouts" / "default.html").write_text(
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{{ page.title }}</title>\n'
        "{% include digestconv-head.html %}\n</head><body>{{ content }}</body></html>\n"
    )
    (site / "index.html").write_text("---\nlayout: default\ntitle: Home\n---\n<p>home</p>\n")
    dest = site / "_site"
    run = subprocess.run(
        [jekyll, "build", "-q", "-s", str(site), "-d", str(dest)],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    build(site, dest, "feed,opds,epub,bibtex,anki")
    page = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(
        (dest / "index.html").read_bytes()
    )
    links = [ln for ln in page.iter("link") if ln.get("rel") == "alternate"]
    assert len(links) == 3
    for link in links:
        url = link.get("href")
        assert url.startswith(SITE_URL)
        served = dest / url[len(SITE_URL) :]
        assert served.is_file(), url
    catalog = dest / "opds" / "catalog.xml"
    for el in etree.parse(str(catalog)).iter("{http://www.w3.org/2005/Atom}link"):
        if el.get("rel") == "http://opds-spec.org/acquisition":
            assert (catalog.parent / el.get("href")).resolve().is_file()
        if el.get("rel") == "self":
            assert el.get("href") == SITE_URL + "opds/catalog.xml"


# --------------------------------------------------------------------------- pre-commit


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_pre_commit_try_repo_runs_the_hook(site: Path, tmp_path: Path) -> None:
    """``language: system`` runs offline (``language: python`` would pip-install digestconv
    into a new environment from PyPI first, which needs the network)."""
    pre_commit = tool("pre-commit")
    repo = tmp_path / "posts"
    shutil.copytree(site / "_posts", repo / "_posts")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    env = {
        **os.environ,
        "PATH": f"{Path(digestconv()).parent}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }
    cmd = [pre_commit, "try-repo", str(ROOT), "digestconv-check-system", "--all-files"]
    good = subprocess.run(
        cmd, check=False, cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )
    assert good.returncode == 0, good.stdout + good.stderr
    assert "digestconv check" in good.stdout and "Passed" in good.stdout
    (repo / "_posts" / "2025-12-31-broken.md").write_text("---\ntitle: [unclosed\n---\n")
    git(repo, "add", ".")
    bad = subprocess.run(
        cmd, check=False, cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "yaml-syntax" in bad.stdout


def test_hook_manifest_declares_both_hooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"]: h["language"] for h in hooks} == {
        "digestconv-check": "python",
        "digestconv-check-system": "system",
    }
    assert sys.version_info >= (3, 10)
