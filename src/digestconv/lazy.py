"""A sequence of byte strings made one at a time, as a writer reads them.

Large outputs are written as pieces (``fragments.Chunks``, a zip's members): a
piece that exists only while it is written keeps the whole output from ever being
in memory at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import overload


class Lazy(Sequence[bytes]):
    """A sequence of byte strings each made only when it is read (``Chunks`` pieces
    decompressed as the file is written, a file's chunks read as they are compressed, a
    zip member's bytes copied out of a view), so that no more than one exists at a time."""

    def __init__(self, length: int, item: Callable[[int], bytes]) -> None:
        self._length = length
        self._item = item

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(self._length)[index]]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return self._item(index)
