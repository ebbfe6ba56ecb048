"""Optional arXiv metadata (authors, category, v1 date, DOI, journal reference).

Only ``--enrich`` touches the network.  Requests go through the ``arxiv``
package in batched ``id_list`` queries, at most one every ``delay`` seconds as
arXiv's terms ask, with retries and a per-request timeout; every answer is
cached on disk, one JSON file per identifier, so a second run asks nothing.
Whatever goes wrong (an id arXiv does not know, HTTP 400, a timeout, no network)
becomes a warning and the entry is written without the missing fields.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:  # the HTTP stack loads only when --enrich really fetches
    import arxiv

from digestconv.diagnostics import Diagnostics

API_URL = "https://export.arxiv.org/api/query?{}"
BATCH = 100
DELAY = 3.0
RETRIES = 3
TIMEOUT = 30.0
MISSING_TTL = 7 * 24 * 3600
"""Seconds an "arXiv does not know this id" answer is trusted before asking again."""
_CACHE_VERSION = 1


@dataclass(frozen=True)
class ArxivMeta:
    """The fields an entry gains from arXiv, as arXiv writes them (names ``First Last``)."""

    authors: tuple[str, ...] = ()
    primary_class: str | None = None
    published: str | None = None
    """Date of version 1, ``YYYY-MM-DD``."""
    doi: str | None = None
    journal_ref: str | None = None


@dataclass(frozen=True)
class EnrichSettings:
    cache_dir: Path
    api_url: str = API_URL
    delay: float = DELAY
    retries: int = RETRIES
    timeout: float = TIMEOUT
    batch: int = BATCH


_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "ter",
        "ten",
        "zu",
        "af",
        "av",
        "bin",
        "ibn",
    ]
)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Words that make a name an organisation's, braced whole so BibTeX never splits it
# into "Last, First" (whole words: "Labib" is a person, "Lab" is not).
_GROUP = re.compile(
    r"\b(?:collaboration|consortium|team|group|project|et al|research|lab|labs|laboratory"
    r"|institute|university|inc|ltd|corporation|foundation|authors|contributors)\b",
    re.IGNORECASE,
)


def bibtex_name(name: str) -> str:
    """arXiv's ``First Middle Last`` as BibTeX's unambiguous ``von Last, Jr, First``, escaped.

    Collaborations and names BibTeX would misread (a comma, a lone "and") are
    braced whole so BibTeX does not split them.
    """
    name = " ".join(name.replace("{", "").replace("}", "").split())
    if not name:
        return name
    from digestconv.exporters.bibtex.escape import escape  # pylatexenc: only when writing

    words = [escape(w) for w in name.split(" ")]
    lowered = name.lower()
    if _GROUP.search(name) or " and " in f" {lowered} " or "," in name or ":" in name:
        return "{" + " ".join(words) + "}"
    if len(words) == 1:
        return words[0]
    suffix = ""
    if len(words) > 2 and words[-1].lower().rstrip(",") in _SUFFIXES:
        suffix = words.pop()
    # The family name starts at the first lowercase particle, else it is the last word.
    start = len(words) - 1
    for i in range(1, len(words) - 1):
        if words[i].lower() in _PARTICLES and words[i][:1].islower():
            start = i
            break
    first, last = " ".join(words[:start]), " ".join(words[start:])
    return f"{last}, {suffix}, {first}" if suffix else f"{last}, {first}"


def meta_from_result(result: Any) -> ArxivMeta:
    published = getattr(result, "published", None)
    return ArxivMeta(
        authors=tuple(" ".join(str(a.name).split()) for a in result.authors if str(a.name).strip()),
        primary_class=(result.primary_category or None),
        published=published.date().isoformat() if published is not None else None,
        doi=(result.doi or None),
        journal_ref=(" ".join(result.journal_ref.split()) if result.journal_ref else None),
    )


class Cache:
    """One small JSON file per identifier: safe to share between runs and processes."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, arxiv_id: str) -> Path:
        return self.root / f"{quote(arxiv_id, safe='')}.json"

    def get(self, arxiv_id: str) -> ArxivMeta | bool | None:
        """The cached meta, ``False`` for a fresh "not found", ``None`` when unknown."""
        path = self._path(arxiv_id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != _CACHE_VERSION:
                return None
            if data.get("missing"):
                fresh = time.time() - path.stat().st_mtime < MISSING_TTL
                return False if fresh else None
            fields = data["meta"]
            return ArxivMeta(
                authors=tuple(fields.get("authors", ())),
                primary_class=fields.get("primary_class"),
                published=fields.get("published"),
                doi=fields.get("doi"),
                journal_ref=fields.get("journal_ref"),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, arxiv_id: str, meta: ArxivMeta | None) -> None:
        data: dict[str, Any] = {"version": _CACHE_VERSION, "id": arxiv_id}
        if meta is None:
            data["missing"] = True
        else:
            data["meta"] = asdict(meta)
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, sort_keys=True)
            os.replace(tmp, self._path(arxiv_id))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _timeout_adapter(timeout: float) -> Any:
    """An HTTP adapter giving every request a timeout; a read timeout counts as a
    connection failure.

    The ``arxiv`` client sets no timeout and retries only connection errors, so a
    hung server would hang us; raising ConnectionError makes it retry, then give up.
    """
    import requests
    from requests.adapters import HTTPAdapter

    class TimeoutAdapter(HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            kwargs["timeout"] = timeout
            try:
                return super().send(request, *args, **kwargs)
            except requests.exceptions.Timeout as err:
                raise requests.exceptions.ConnectionError(f"timed out after {timeout:g} s") from err

    return TimeoutAdapter(max_retries=0)


def _client(settings: EnrichSettings, size: int) -> arxiv.Client:
    import arxiv
    import requests

    client = arxiv.Client(
        page_size=size, delay_seconds=settings.delay, num_retries=settings.retries
    )
    client.query_url_format = settings.api_url
    adapter = _timeout_adapter(settings.timeout)
    session = getattr(client, "_session", None)
    if isinstance(session, requests.Session):
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    return client


def _short_id(result: Any) -> str:
    """The version-less identifier of a result (``…/abs/2509.26328v2`` → ``2509.26328``)."""
    short = str(result.get_short_id())
    head, sep, tail = short.rpartition("v")
    return head if sep and tail.isdigit() and head else short


def fetch(
    ids: Iterable[str], settings: EnrichSettings, diagnostics: Diagnostics
) -> Mapping[str, ArxivMeta]:
    """Metadata for the version-less ``ids`` that arXiv (or the cache) knows."""
    cache = Cache(settings.cache_dir)
    found: dict[str, ArxivMeta] = {}
    todo: list[str] = []
    for arxiv_id in sorted(set(ids)):
        cached = cache.get(arxiv_id)
        if isinstance(cached, ArxivMeta):
            found[arxiv_id] = cached
        elif cached is None:
            todo.append(arxiv_id)
    if not todo:
        return found
    import arxiv
    import requests

    client = _client(settings, min(settings.batch, len(todo)))
    cache_failed = False
    for start in range(0, len(todo), settings.batch):
        chunk = todo[start : start + settings.batch]
        search = arxiv.Search(id_list=chunk, max_results=len(chunk))
        results: list[Any] = []
        try:
            results.extend(client.results(search))
        except arxiv.UnexpectedEmptyPageError:
            # The feed counted more results than it sent (ids it does not know):
            # what arrived is the answer; the rest is reported as missing below.
            if not results:
                _batch_failed(diagnostics, chunk, "empty answer")
                continue
        except (arxiv.ArxivError, requests.exceptions.RequestException) as err:
            _batch_failed(diagnostics, chunk, _reason(err))
            continue
        answered: dict[str, ArxivMeta] = {}
        for result in results:
            answered[_short_id(result)] = meta_from_result(result)
        for arxiv_id in chunk:
            meta = answered.get(arxiv_id)
            if meta is None:
                diagnostics.warning(
                    "export", f"arXiv returned no record for {arxiv_id}; entry written without it"
                )
            else:
                found[arxiv_id] = meta
            try:
                cache.put(arxiv_id, meta)
            except OSError as err:
                if not cache_failed:
                    diagnostics.warning(
                        "export", f"cannot write the arXiv cache in {settings.cache_dir}: {err}"
                    )
                    cache_failed = True
    return found


def _batch_failed(diagnostics: Diagnostics, chunk: list[str], reason: str) -> None:
    diagnostics.warning(
        "export",
        f"arXiv metadata for {len(chunk)} paper(s) ({chunk[0]} …) could not be fetched"
        f" ({reason}); their entries are written without it",
    )


def _reason(err: Exception) -> str:
    import arxiv

    if isinstance(err, arxiv.HTTPError):
        return f"HTTP {err.status}"
    if isinstance(err, arxiv.UnexpectedEmptyPageError):
        return "empty answer"
    text = str(err).strip() or type(err).__name__
    return text if len(text) < 160 else text[:157] + "…"
