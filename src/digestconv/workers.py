"""Process pools whose workers never outlive the command.

A pipeline that waits on digestconv's standard output must see it end: a worker left
behind after its parent was killed keeps the pipe open forever.  Workers therefore ask
the kernel to kill them when the parent dies (Linux's parent-death signal), ignore
Ctrl-C (the parent decides what an interrupt means, and a traceback from each worker is
noise), and are terminated by the pool's owner on any interruption.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import InvalidStateError, ProcessPoolExecutor
from typing import Any

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Worker initializer: SIGKILL when the parent goes, whatever killed it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


@contextlib.contextmanager
def pool(
    max_workers: int, *, fork: bool = False, initializer: Callable[[], Any] | None = None
) -> Iterator[ProcessPoolExecutor]:
    """A process pool that is torn down at once, workers killed, if its user is interrupted."""
    parent = os.getpid()

    def init() -> None:
        _die_with_parent(parent)
        if initializer is not None:
            initializer()

    context = multiprocessing.get_context("fork") if fork else None
    executor = ProcessPoolExecutor(max_workers=max_workers, mp_context=context, initializer=init)
    try:
        yield executor
    except BaseException:
        _kill(executor)
        raise
    executor.shutdown(wait=True)


def _kill(executor: ProcessPoolExecutor) -> None:
    """Kill every child process (the pool's workers are this process's only children)."""
    # The pool's manager thread closes its wake-up pipe once it sees the dead workers; if
    # the interpreter exits first, CPython's exit hook can write to that pipe while it is
    # being closed and print an "Exception ignored" traceback (a race in 3.11's
    # concurrent.futures).  So the thread is waited for, briefly; shutdown() forgets it.
    manager = getattr(executor, "_executor_manager_thread", None)
    if manager is not None:
        _quiet(manager)
    children = multiprocessing.active_children()
    for child in children:
        with contextlib.suppress(Exception):
            child.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for child in children:
        with contextlib.suppress(Exception):
            child.join(timeout=2)
    if manager is not None:
        with contextlib.suppress(Exception):
            manager.join(timeout=5)


def _quiet(manager: threading.Thread) -> None:
    """Keep the pool's manager thread from printing a traceback as the pool is torn down.

    When the workers die under it, the thread marks every pending future as failed, and
    in 3.11 it does so without looking: a future the shutdown has just cancelled raises
    ``InvalidStateError`` in the thread, which ``threading`` prints as an uncaught
    exception after "interrupted" (a race the interrupt tests see now and then).
    """
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.thread is manager and args.exc_type is InvalidStateError:
            return
        previous(args)

    threading.excepthook = hook
