"""Shared fixtures: the sample site, the real corpus beside the repository, readers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = Path(os.environ.get("DIGESTCONV_SHARED", ROOT.parent / "shared"))
CORPUS_SITE = SHARED / "corpus" / "hahngt.github.io"
VALIDATORS = SHARED / "validators"

HANG_SECONDS = 60.0
"""The bound a hostile case's run is held to: one that only a hang, or cost growing
faster than the input, crosses on any machine (the heaviest case takes a few seconds on a
slow one).  It is not a speed requirement: speed, and that cost grows linearly with the
input, are measured in ``benchmarks/bench_pathological.py``."""


@pytest.fixture(scope="session")
def samples_site() -> Path:
    """The small Jekyll site shipped in samples/."""
    return SAMPLES


@pytest.fixture(scope="session")
def shared_site() -> Path:
    """The real 93-post site; tests that need it skip when it is not beside the repo."""
    if not (CORPUS_SITE / "_posts").is_dir():
        pytest.skip("the shared corpus is not present beside the repository")
    return CORPUS_SITE


@pytest.fixture(scope="session")
def validators_dir() -> Path:
    if not VALIDATORS.is_dir():
        pytest.skip("the shared validators are not present beside the repository")
    return VALIDATORS


@pytest.fixture(scope="session")
def samples_corpus(samples_site: Path):  # type: ignore[no-untyped-def]
    """The samples read once per session (a ``digestconv.model.Corpus``)."""
    from digestconv.reader import read_paths

    result = read_paths([str(samples_site)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
    return result.corpus


@pytest.fixture(scope="session")
def shared_corpus(shared_site: Path):  # type: ignore[no-untyped-def]
    """The real corpus read once per session; skips when absent."""
    from digestconv.reader import read_paths

    result = read_paths([str(shared_site)])
    assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
    return result.corpus


_SHARED_READ: dict[tuple[str, str | None], object] = {}


def read_shared_corpus(folder: str, site_url: str | None = None):  # type: ignore[no-untyped-def]
    """One of ``../shared/corpus``'s collections read once per session (a ``Corpus``);
    ``site_url`` stands in for the ``url`` a plain Markdown folder lacks.  Skips when the
    corpus is not beside the repository."""
    from dataclasses import replace

    from digestconv.reader import read_paths

    path = SHARED / "corpus" / folder
    if not path.is_dir():
        pytest.skip("the shared corpus is not present beside the repository")
    key = (folder, site_url)
    if key not in _SHARED_READ:
        result = read_paths([str(path)])
        assert not result.diagnostics.failed(), [d.format() for d in result.diagnostics]
        corpus = result.corpus
        if site_url:
            corpus = replace(corpus, site=replace(corpus.site, url=site_url))
        _SHARED_READ[key] = corpus
    return _SHARED_READ[key]


_LOOPBACK_PREFIXES = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole suite runs offline: any connection beyond loopback fails the test.

    digestconv touches the network only for ``bibtex --enrich``, and its tests
    serve recorded responses from a loopback server.
    """
    import socket

    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family == socket.AF_UNIX or str(host).startswith(_LOOPBACK_PREFIXES):
            real_connect(self, address)  # type: ignore[arg-type]
            return
        raise AssertionError(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output (review the diff!)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


WORK_GROUPS = (
    ("tests/test_epub_a11y.py::", "ace"),
    ("tests/conformance/test_conformance.py::test_client_accepts_the_output[epub-", "epubcheck"),
    ("tests/test_bibtex_clients.py::test_biber_validates_the_datamodel", "biblatex"),
    ("tests/test_bibtex_clients.py::test_lualatex_typesets_the_biblatex", "biblatex"),
    ("tests/conformance/test_conformance.py::test_client_accepts_the_output[bibtex-", "tex"),
    ("tests/test_bibtex_clients.py::", "bibtex-clients"),
    ("tests/conformance/test_conformance.py::", "conformance"),
    ("tests/test_epub_clients.py::", "epub-clients"),
)
"""Node id prefixes → the group of tests one pytest-xdist worker runs together, heaviest
first.  Every other test file is a group of its own.  A group shares its module's and its
session fixtures' set-up (a client run over every document of the session, a corpus read
and exported), which would otherwise run again on each worker that gets one of its tests.
The heaviest groups split off from their modules (EPUBCheck's JVM over every book, the
biblatex bibliography typeset by lualatex, bibtex and biber over every bibliography) need
only their own fixtures, so two workers run them side by side; handing out the heaviest
first lets the workers finish together instead of one waiting on a late heavy group."""


def work_group(nodeid: str) -> str:
    for prefix, group in WORK_GROUPS:
        if nodeid.startswith(prefix):
            return group
    return nodeid.split("::", maxsplit=1)[0]


def _rank(nodeid: str) -> int:
    group = work_group(nodeid)
    return next((n for n, (_, g) in enumerate(WORK_GROUPS) if g == group), len(WORK_GROUPS))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The heaviest groups first (a stable sort: each group keeps its order)."""
    items.sort(key=lambda item: _rank(item.nodeid))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """pytest-xdist hands out whole ``work_group`` groups, in collection order."""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_group(nodeid)

    config.option.loadscopereorder = False
    return GroupScheduling(config, log)
