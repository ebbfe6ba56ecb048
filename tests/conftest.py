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
