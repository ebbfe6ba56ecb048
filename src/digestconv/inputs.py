"""Which files to read: post files, folders of posts, Jekyll site roots, standard input.

A site owner points digestconv at whatever they have at hand – the site, its
``_posts`` folder, one post – and expects the site's ``_config.yml`` to apply
in every case, as it would for Jekyll.  Folders are walked with symlinks
followed but loops detected, and unreadable folders are reported, not skipped
silently.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from digestconv.diagnostics import Diagnostics
from digestconv.model import Site

POST_SUFFIXES = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd")
"""Jekyll's default ``markdown_ext``: the names a Markdown post may end with."""
STDIN = "-"


@dataclass
class Inputs:
    """The post files to read (in a stable order) and the site config that applies."""

    files: list[str] = field(default_factory=list)
    config: Path | None = None


def _site_config_for(path: Path) -> Path | None:
    """The ``_config.yml`` of the site a path belongs to: the site root itself, or the
    folder above the ``_posts`` folder the path lies in."""
    if path.is_dir() and (path / "_config.yml").is_file():
        return path / "_config.yml"
    for folder in [path, *path.parents]:
        if folder.name == "_posts":
            cfg = folder.parent / "_config.yml"
            return cfg if cfg.is_file() else None
    return None


def _walk(root: Path, diagnostics: Diagnostics, top: Path | None = None) -> list[tuple[str, str]]:
    """Every post file under ``root``, with its real path (what tells two names of one
    file apart): a regular file's is its real folder's path and its name, so only
    symbolic links are resolved one by one (2,000 ``realpath`` calls were a fifth of a
    rebuild's reading)."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()

    def onerror(exc: OSError) -> None:
        diagnostics.error(
            "io-error", f"cannot read folder: {exc.strerror}", str(exc.filename or root)
        )

    # Like Jekyll, follow symlinked folders only while they stay inside the site:
    # a link to / or to a network mount would otherwise make the walk unbounded.
    site = os.path.realpath(top or (root.parent if root.name == "_posts" else root))

    def _inside(folder: str, name: str) -> bool:
        path = os.path.join(folder, name)
        return not os.path.islink(path) or _within(path, site, diagnostics)

    for folder, dirs, files in os.walk(root, onerror=onerror, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            diagnostics.warning(
                "symlink-loop", f"not following {folder}: it leads back to {real}", folder
            )
            dirs[:] = []
            continue
        seen.add(real)
        # Jekyll ignores dot-files and _-folders inside _posts except the posts themselves.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and _inside(folder, d))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(POST_SUFFIXES):
                continue
            path = os.path.join(folder, name)
            try:
                plain = stat.S_ISREG(os.lstat(path).st_mode)
            except OSError:
                plain = False
            problem = None if plain else _not_a_post_file(path)
            if problem:
                diagnostics.error("io-error", problem, path)
                continue
            found.append((path, os.path.join(real, name) if plain else os.path.realpath(path)))
    return found


def _within(path: str, site: str, diagnostics: Diagnostics) -> bool:
    """Whether ``path`` resolves inside the real folder ``site``; a warning when not."""
    target = os.path.realpath(path)
    if target == site or target.startswith(site.rstrip(os.sep) + os.sep):
        return True
    diagnostics.warning(
        "symlink-outside", f"not following {path}: it links outside the site, to {target}", path
    )
    return False


def _not_a_post_file(path: str) -> str | None:
    """Why a walked name cannot be read as a post, or None when it is a regular file.

    Opening a FIFO found in a folder would block for ever, and a device could
    stream without end, so only regular files (through symlinks) are read;
    files named on the command line are trusted, which keeps ``<(cmd)`` working.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "broken symbolic link" if os.path.islink(path) else "file vanished while reading"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"not a regular file ({kind}); not read"


# Jekyll's DATE_FILENAME_MATCHER: a post's file name is YYYY-MM-DD-slug.ext.
_JEKYLL_POST_NAME = re.compile(r"\d{2,4}-\d{1,2}-\d{1,2}-[^/]*\.[^.]+")


def _jekyll_posts(files: list[tuple[str, str]], diagnostics: Diagnostics) -> list[tuple[str, str]]:
    """Files of a ``_posts`` folder that Jekyll publishes; the others are skipped with a note,
    as Jekyll skips them (a plain folder of ``YYYY-MM-DD.md`` digests is not filtered)."""
    kept = []
    for f, real in files:
        if "_posts" in f.split(os.sep) and not _JEKYLL_POST_NAME.fullmatch(os.path.basename(f)):
            diagnostics.note(
                "not-a-post",
                "not read: Jekyll only publishes _posts files named YYYY-MM-DD-slug.md",
                f,
            )
            continue
        kept.append((f, real))
    return kept


def find_config(paths: list[str]) -> Path | None:
    """The ``_config.yml`` of the site the first existing path belongs to."""
    for raw in paths:
        path = Path(raw)
        if raw != STDIN and path.exists():
            return _site_config_for(path.absolute())
    return None


def _site_folders(root: Path, site: Site, diagnostics: Diagnostics) -> list[tuple[str, str]]:
    """A site root's posts and its collections' documents, as Jekyll finds them: in
    ``collections_dir`` when the config names one."""
    base = root / site.collections_dir if site.collections_dir else root
    folders = [base / f for f in ["_posts", *(c.folder for c in site.collections)]]
    top = os.path.realpath(root)
    files = []
    for folder in [f for f in folders if f.is_dir()] or [root]:
        # the config names the folders, and the config is not trusted
        if folder == root or _within(str(folder), top, diagnostics):
            files.extend(_walk(folder, diagnostics, root))
    return _jekyll_posts(files, diagnostics)


def collect(paths: list[str], diagnostics: Diagnostics, site: Site | None = None) -> Inputs:
    """Resolve the command line's PATH arguments into post files and a site config.

    ``site`` is the site the config describes: a site root's collections are read with
    its posts."""
    inputs = Inputs(config=find_config(paths))
    seen: set[str] = set()
    for raw in paths:
        if raw == STDIN:
            if STDIN not in seen:
                inputs.files.append(STDIN)
                seen.add(STDIN)
            continue
        path = Path(raw)
        if not path.exists():
            if path.is_symlink():
                diagnostics.error("io-error", "broken symbolic link", raw)
            else:
                diagnostics.error("not-found", "no such file or folder", raw)
            continue
        if path.is_dir():
            if site is not None and (path / "_config.yml").is_file():
                files = _site_folders(path, site, diagnostics)
            else:
                root = path / "_posts" if (path / "_posts").is_dir() else path
                files = _jekyll_posts(_walk(root, diagnostics), diagnostics)
            if not files:
                diagnostics.warning("no-posts", "no Markdown posts (.md, .markdown…) found", raw)
        else:
            files = [(raw, os.path.realpath(raw))]
        for f, key in files:
            if key not in seen:
                seen.add(key)
                inputs.files.append(f)
    return inputs
