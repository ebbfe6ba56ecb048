"""digestconv reader plugin for bare arXiv id lists."""

from digestconv_idlist.reader import IdListReader

__all__ = ["IdListReader"]
