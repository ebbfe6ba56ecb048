"""--enrich against a loopback arXiv API serving Atom responses of our own making.

No test touches the real network: every request goes to a local HTTP server
whose answers have the shape of arXiv's (see tests/fixtures/bibtex/arxiv/).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import bibtexparser
import pytest

from digestconv.arxiv import parse_id
from digestconv.diagnostics import Diagnostics
from digestconv.exporters.bibtex import BibtexExporter
from digestconv.exporters.bibtex import enrich as bib_enrich
from digestconv.exporters.bibtex.enrich import EnrichSettings, bibtex_name, fetch
from digestconv.model import Corpus, Digest, Paper, Site, SourceSpan

ARXIV = Path(__file__).parent / "fixtures" / "bibtex" / "arxiv"
KNOWN = ("2509.26328", "2510.06208")
UNKNOWN = "2511.99999"


@dataclass
class Api:
    """The loopback server's state: what it answers and what it was asked."""

    mode: str = "ok"  # ok | 400 | slow
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    url: str = ""


def feed(ids: list[str], start: int) -> bytes:
    entries = [
        (ARXIV / f"{i}.xml").read_text(encoding="utf-8")
        for i in ids
        if (ARXIV / f"{i}.xml").exists()
    ]
    head = (ARXIV / "feed_head.xml").read_text(encoding="utf-8")
    head = head.format(ids=",".join(ids), total=len(entries), start=start, per_page=len(entries))
    return (head + "".join(entries) + "</feed>\n").encode("utf-8")


@pytest.fixture
def api() -> Iterator[Api]:
    state = Api()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
            state.requests.append(query)
            state.times.append(time.monotonic())
            if state.mode == "slow":
                time.sleep(1.0)
            if state.mode == "400":
                body = b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>Error</title></entry></feed>"
                self.send_response(400)
            else:
                ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
                body = feed(ids, int(query.get("start", ["0"])[0]))
                self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/api/query?{{}}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def corpus(*ids: str) -> Corpus:
    papers = tuple(
        Paper(
            rank=n,
            title=f"Paper {i}",
            url=f"https://arxiv.org/abs/{i}",
            arxiv=parse_id(i),
            anchor="",
        )
        for n, i in enumerate(ids, 1)
    )
    digest = Digest(
        source=SourceSpan("post.md", 1, 1),
        title="Daily Papers",
        date=datetime(2025, 10, 8, 8, 15, tzinfo=timezone(timedelta(hours=9))),
        slug="daily-papers",
        path="/2025/10/08/daily-papers/",
        url="https://example.org/2025/10/08/daily-papers/",
        post_id="/2025/10/08/daily-papers",
        tags=("papers",),
        papers=papers,
    )
    return Corpus(Site(), (digest,))


def run(api: Api, cache: Path, *ids: str, **extra: object) -> tuple[str, Diagnostics]:
    diagnostics = Diagnostics()
    options: dict[str, object] = {
        "enrich": True,
        "cache_dir": cache,
        "arxiv_api_url": api.url,
        "arxiv_delay": 0.0,
        "enrich_timeout": 5.0,
    }
    options.update(extra)
    out = BibtexExporter().export(corpus(*ids), BibtexExporter.Options(**options), diagnostics)
    assert isinstance(out, bytes)
    return out.decode("utf-8"), diagnostics


def entries(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return {e["eprint"]: {f.key: f.value for f in e.fields} for e in library.entries}


def test_enrich_adds_authors_category_date_doi_and_journal(api: Api, tmp_path: Path) -> None:
    text, diagnostics = run(api, tmp_path, *KNOWN)
    assert list(diagnostics) == []
    got = entries(text)
    first = got["2509.26328"]
    assert first["author"] == (
        "Wu, Chengyue and Zhang, Hao and van der Berg, Jr., Ludwig and Xie, Enze"
    )
    assert first["primaryClass"] == "cs.CL"
    assert first["year"] == "2025"
    assert first["doi"] == "10.48550/arXiv.2509.26328"
    assert first["note"] == r"Proc. Example Conf. 2026, pp. 1-{}-12 \& more"
    second = got["2510.06208"]
    assert (
        second["author"]
        == "Yenphraphai, Jiraphon and Mirzaei, Ashkan and {The Example Collaboration}"
    )
    assert second["primaryClass"] == "cs.CV"
    # One batched id_list request for both papers.
    assert len(api.requests) == 1
    assert api.requests[0]["id_list"] == [",".join(KNOWN)]


def test_biblatex_gets_the_v1_date_and_eprintclass(api: Api, tmp_path: Path) -> None:
    text, _ = run(api, tmp_path, *KNOWN, biblatex=True)
    got = entries(text)
    assert got["2509.26328"]["date"] == "2025-09-30"
    assert got["2509.26328"]["eprintclass"] == "cs.CL"


def test_second_run_is_served_from_the_cache(api: Api, tmp_path: Path) -> None:
    first, _ = run(api, tmp_path, *KNOWN, UNKNOWN)
    asked = len(api.requests)
    second, diagnostics = run(api, tmp_path, *KNOWN, UNKNOWN)
    assert len(api.requests) == asked == 1
    assert first == second
    assert list(diagnostics) == []


def test_unknown_id_is_a_warning_and_the_entry_is_still_written(api: Api, tmp_path: Path) -> None:
    text, diagnostics = run(api, tmp_path, KNOWN[0], UNKNOWN)
    messages = [d.message for d in diagnostics if d.severity == "warning"]
    assert len(messages) == 1 and UNKNOWN in messages[0]
    got = entries(text)
    assert "author" not in got[UNKNOWN]
    assert got[UNKNOWN]["title"] == "Paper 2511.99999"
    assert "author" in got[KNOWN[0]]


def test_http_400_is_a_warning_and_nothing_is_cached(api: Api, tmp_path: Path) -> None:
    api.mode = "400"
    text, diagnostics = run(api, tmp_path, *KNOWN)
    warnings = [d.message for d in diagnostics if d.severity == "warning"]
    assert len(warnings) == 1 and "HTTP 400" in warnings[0]
    assert all("author" not in e for e in entries(text).values())
    assert len(api.requests) == 1 + bib_enrich.RETRIES
    assert not list(tmp_path.glob("*.json"))
    api.mode = "ok"
    text, diagnostics = run(api, tmp_path, *KNOWN)
    assert all("author" in e for e in entries(text).values())


def test_timeout_is_a_warning(api: Api, tmp_path: Path) -> None:
    api.mode = "slow"
    start = time.monotonic()
    text, diagnostics = run(api, tmp_path, *KNOWN, enrich_timeout=0.2)
    assert time.monotonic() - start < 1.0 * (bib_enrich.RETRIES + 1) + 2
    warnings = [d.message for d in diagnostics if d.severity == "warning"]
    assert len(warnings) == 1 and "timed out" in warnings[0]
    assert len(entries(text)) == 2


def test_no_network_is_a_warning(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = Api(url=f"http://127.0.0.1:{port}/api/query?{{}}")
    text, diagnostics = run(dead, tmp_path, *KNOWN)
    warnings = [d.message for d in diagnostics if d.severity == "warning"]
    assert len(warnings) == 1 and "could not be fetched" in warnings[0]
    assert len(entries(text)) == 2


def test_batches_and_rate_limit(api: Api, tmp_path: Path) -> None:
    settings = EnrichSettings(cache_dir=tmp_path, api_url=api.url, delay=0.3, batch=1)
    found = fetch([*KNOWN, UNKNOWN], settings, Diagnostics())
    assert sorted(found) == sorted(KNOWN)
    assert [q["id_list"] for q in api.requests] == [[i] for i in sorted([*KNOWN, UNKNOWN])]
    gaps = [b - a for a, b in zip(api.times, api.times[1:], strict=False)]
    assert all(g >= 0.29 for g in gaps), gaps


def test_without_enrich_no_request_is_made(api: Api, tmp_path: Path) -> None:
    out = BibtexExporter().export(
        corpus(*KNOWN),
        BibtexExporter.Options(cache_dir=tmp_path, arxiv_api_url=api.url),
        Diagnostics(),
    )
    assert isinstance(out, bytes) and b"author" not in out
    assert api.requests == []


def test_author_key_template(api: Api, tmp_path: Path) -> None:
    text, _ = run(api, tmp_path, *KNOWN, key_template="{author}{year}{word}")
    keys = sorted(e.key for e in bibtexparser.parse_string(text).entries)
    assert keys == ["wu2025paper", "yenphraphai2025paper"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Chengyue Wu", "Wu, Chengyue"),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("Martin Luther King Jr.", "King, Jr., Martin Luther"),
        ("Plato", "Plato"),
        ("ATLAS Collaboration", "{ATLAS Collaboration}"),
        ("Research and Development", "{Research and Development}"),
        ("Łukasz  Kaiser", "Kaiser, Łukasz"),
        ("Jean-Pierre {Serre}", "Serre, Jean-Pierre"),
    ],
)
def test_bibtex_name(name: str, expected: str) -> None:
    assert bibtex_name(name) == expected
