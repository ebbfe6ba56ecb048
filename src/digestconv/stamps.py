"""File stamps: knowing that a file is unchanged from its inode, without reading it.

A rebuild after one edit used to read and hash every post (38 MB at 2,000 posts)
and every output it had written (150 MB) only to learn that they were as
before: a third of a rebuild's time in the parent.  A stamp is what git's index
keeps for the same purpose: device, inode, size, and the modification and
change times in nanoseconds.  Rewriting a file changes its change time, which
no user program can set back, so a file whose stamp is the same holds the same
bytes.

One exception, git's "racily clean" file: a write in the same clock tick as
the stamp was taken leaves the times as they were.  A stamp therefore records
when it was taken, and is trusted only when the file's times were already
``SETTLED_NS`` old by then; a fresher one makes the caller read the file, and
the stamp it takes then will be trusted next time.
"""

from __future__ import annotations

import os
import time

SETTLED_NS = 2_000_000_000
"""How old a file's times must be when its stamp is taken for the stamp to be trusted."""


def take(path: str | os.PathLike[str]) -> str | None:
    """The stamp of ``path`` now (None when it cannot be stat'ed)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (
        f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{time.time_ns()}"
    )


def unchanged(path: str | os.PathLike[str], stamp: str | None) -> bool:
    """Whether ``path`` still is the file ``stamp`` was taken of, settled at the time."""
    if not stamp:
        return False
    facts, _, taken = stamp.rpartition(":")
    now = take(path)
    if now is None or now.rpartition(":")[0] != facts:
        return False
    try:
        mtime, ctime = (int(t) for t in facts.split(":")[3:5])
        return int(taken) - max(mtime, ctime) > SETTLED_NS
    except ValueError:  # a damaged record reads as "changed"
        return False
