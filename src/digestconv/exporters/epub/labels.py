"""The few words the book adds itself (contents, index, cover…), in the book's language.

The posts are Korean; a reader opening a Korean book should not meet English
navigation.  Any language other than Korean gets English.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labels:
    contents: str
    index: str
    cover: str
    title_page: str
    landmarks: str
    start: str
    papers: str
    """Format with ``n``: a count of papers."""
    digests: str
    """Format with ``n``: a count of digests."""
    no_papers: str
    original_post: str
    index_intro: str
    missing_info: str
    authors: str
    affiliations: str
    abstract: str
    accessibility_summary: str
    """What a reader of the accessibility metadata learns before opening the book."""

    def count_papers(self, n: int) -> str:
        return self.papers.format(n=n)

    def count_digests(self, n: int) -> str:
        return self.digests.format(n=n)


_KO = Labels(
    contents="목차",
    index="논문 찾아보기",
    cover="표지",
    title_page="속표지",
    landmarks="바로 가기",
    start="본문 시작",
    papers="논문 {n}편",
    digests="다이제스트 {n}개",
    no_papers="이 글에는 논문 항목이 없습니다.",
    original_post="원문",
    index_intro="제목 순으로 정리한 모든 논문과 소개된 날짜입니다.",
    missing_info="정보 없음",
    authors="저자",
    affiliations="소속",
    abstract="초록",
    accessibility_summary=(
        "모든 내용이 텍스트입니다. 목차(다이제스트 → 논문)와 논문 찾아보기, 제목 구조로 "
        "탐색할 수 있고, 표지 그림에는 대체 텍스트가 있습니다. 깜박임·소리·움직임이 없습니다."
    ),
)

_EN = Labels(
    contents="Contents",
    index="Index of papers",
    cover="Cover",
    title_page="Title page",
    landmarks="Landmarks",
    start="Start of content",
    papers="{n} papers",
    digests="{n} digests",
    no_papers="This post has no paper entries.",
    original_post="Original post",
    index_intro="Every paper by title, with the digests that present it.",
    missing_info="not stated",
    authors="Authors",
    affiliations="Affiliations",
    abstract="Abstract",
    accessibility_summary=(
        "All content is text. It can be navigated by a table of contents (digests, then "
        "papers), an index of papers and headings; the cover image has a text alternative. "
        "Nothing flashes, moves or plays sound."
    ),
)


def labels_for(lang: str) -> Labels:
    return _KO if lang.lower().split("-", 1)[0] == "ko" else _EN
