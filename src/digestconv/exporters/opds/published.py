"""Where a build's outputs are published, as the site's own ``_config.yml`` says.

The catalog must point at the books the same build writes, and the index page at every
output, at the addresses they will be served from.  Both read the names from the
``digestconv:`` section (an ``output:`` per format, ``epub: split:``) the way ``build``
does, falling back to ``build``'s default names.  The config is untrusted input: values of
the wrong type are ignored here (``build`` itself reports them).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from digestconv.model import Site

SECTION = "digestconv"


def format_config(site: Site, name: str) -> Mapping[str, Any]:
    """The first ``digestconv: NAME:`` entry (a mapping), or an empty one."""
    section = site.config.get(SECTION)
    raw = section.get(name) if isinstance(section, Mapping) else None
    if isinstance(raw, list | tuple) and raw:
        raw = raw[0]
    return raw if isinstance(raw, Mapping) else {}


def configured_str(site: Site, name: str, key: str) -> str | None:
    value = format_config(site, name).get(key)
    return value if isinstance(value, str) and value else None


def output_name(site: Site, name: str, default: str) -> str:
    """The file or folder ``build`` writes for a format, relative to the output folder."""
    value = configured_str(site, name, "output")
    return value.strip("/") if value and value.strip("/") else default


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
