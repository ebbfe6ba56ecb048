"""Room for mistletoe's recursion on deeply nested Markdown.

mistletoe parses nested lists and block quotes recursively, and Python's
default limit of 1,000 frames is reached at about 100 list levels – depth a
generated post can reach.  The parse runs with a higher limit; anything deeper
still raises RecursionError, which callers turn into a diagnostic.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

MARKDOWN_RECURSION_LIMIT = 8000


@contextmanager
def room_to_recurse(limit: int = MARKDOWN_RECURSION_LIMIT) -> Iterator[None]:
    old = sys.getrecursionlimit()
    if old < limit:
        sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)
