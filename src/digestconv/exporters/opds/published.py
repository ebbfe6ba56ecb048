"""Where the run's outputs are published, from the core's plan of the run.

The catalog must point at the books the same build writes, and the index page at every
output, at the addresses they will be served from.  The names and options come from
``Corpus.outputs`` — the plan the core made from ``_config.yml`` and the plugins'
defaults, the same one ``build`` writes by — so no exporter reads the configuration.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urljoin, urlsplit

from digestconv.model import Corpus, Site


def option_of(corpus: Corpus, fmt: str, key: str) -> str | None:
    """A string option of the run's first ``fmt`` output (e.g. epub's ``split``)."""
    pub = corpus.publication(fmt)
    value = pub.options.get(key) if pub is not None else None
    return value if isinstance(value, str) and value else None


def output_name(corpus: Corpus, fmt: str, default: str) -> str:
    """The file or folder the run writes for a format, relative to the output folder."""
    pub = corpus.publication(fmt)
    return pub.path if pub is not None and pub.path else default


def root(site: Site) -> str:
    """The published address of the build output: the site root, or ``/`` when the site
    has no ``url`` (links then stay path-absolute and relative ones still resolve)."""
    return site.root_url or "/"


def folder_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.netloc)


def href(target: str, base_folder: str, *, relative: bool) -> str:
    """``target`` as written in a document published at ``base_folder``.

    Relative when asked and possible (same scheme and host): a catalog copied to another
    host with its books keeps working.  Otherwise the target as given.
    """
    if not relative:
        return target
    t, b = urlsplit(target), urlsplit(base_folder)
    if (t.scheme, t.netloc) != (b.scheme, b.netloc) or not t.path.startswith("/"):
        return target
    rel = posixpath.relpath(t.path, b.path if b.path.endswith("/") else posixpath.dirname(b.path))
    if t.path.endswith("/") and rel != ".":
        rel += "/"
    if rel == ".":
        rel = "./"
    return rel + (f"?{t.query}" if t.query else "") + (f"#{t.fragment}" if t.fragment else "")


def resolve(base: str, ref: str) -> str:
    return urljoin(base, ref)
