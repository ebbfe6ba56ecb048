"""Labelled values of an entry (``**Authors:** …``, ``- 기관: …``, ``| **来源** | … |``).

Digests in every language write the same few facts about a paper; the label
vocabulary below maps the words they use to one role each.  A bold label of any
wording is a field (kept in ``Paper.fields``); a plain ``Label: value`` line is
one only for a known label, so running text with a colon stays text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from digestconv.model import LinkKind
from digestconv.readers.digest.symbols import symbol

ROLES: dict[str, str] = {}
WORDS: dict[str, list[str]] = {}


def _add(role: str, *words: str) -> None:
    for word in words:
        ROLES[norm(word)] = role
        WORDS.setdefault(role, []).append(word)


def norm(label: str) -> str:
    """A label reduced to its letters: case, emoji, punctuation and spaces dropped."""
    out = []
    for ch in unicodedata.normalize("NFKC", label).casefold():
        if ch.isalnum():
            out.append(ch)
        elif symbol(ch):
            continue
    return "".join(out)


_add(
    "authors",
    "authors",
    "author",
    "author(s)",
    "作者",
    "作者们",
    "autores",
    "autor",
    "autoras",
    "저자",
    "저자들",
    "著者",
    "auteurs",
    "auteur",
    "autori",
    "authors & affiliations",
    "authors and affiliations",
    "authored by",
    "by",
    "作者团队",
    "저자 및 소속",
    "researchers",
)
_add(
    "affiliations",
    "기관",
    "소속",
    "affiliation",
    "affiliations",
    "organization",
    "organisation",
    "organizations",
    "institution",
    "institutions",
    "机构",
    "单位",
    "作者单位",
    "institución",
    "instituciones",
    "afiliación",
    "afiliaciones",
    "所属",
)
_add(
    "abstract",
    "abstract",
    "摘要",
    "초록",
    "论文摘要",
    "resumen del artículo",
    "要旨",
    "概要原文",
    "アブストラクト",
)
_add(
    "summary",
    "summary",
    "tl;dr",
    "tldr",
    "요약",
    "한줄요약",
    "한 줄 요약",
    "总结",
    "概要",
    "概述",
    "简介",
    "resumen",
    "síntesis",
    "核心内容",
    "한줄 요약",
    "one-line summary",
    "key idea",
    "要約",
    "まとめ",
)
_add(
    "original_title",
    "original title",
    "title",
    "paper title",
    "english title",
    "论文标题",
    "标题",
    "题目",
    "제목",
    "논문 제목",
    "영어 제목",
    "título",
    "titulo",
    "原文标题",
    "原标题",
    "英文标题",
    "英文题目",
    "原始标题",
    "원제",
    "원제목",
    "원문 제목",
    "영문 제목",
    "título original",
    "titulo original",
    "原題",
)
_add(
    "link",
    "link",
    "links",
    "url",
    "paper",
    "paper link",
    "arxiv",
    "arxiv link",
    "arxiv id",
    "论文链接",
    "论文地址",
    "链接",
    "原文链接",
    "论文",
    "来源",
    "地址",
    "링크",
    "논문 링크",
    "논문",
    "논문링크",
    "enlace",
    "enlaces",
    "ver paper",
    "artículo",
    "paper url",
    "source link",
    "openreview",
    "acl anthology",
    "doi",
    "semantic scholar",
    "リンク",
    "論文リンク",
    "論文",
    "enlace al paper",
    "enlace al artículo",
    "link al paper",
    "url del paper",
    "artículo original",
    "link to paper",
    "link to the paper",
    "read",
    "read the paper",
    "source",
    "abs",
    "arxiv page",
    "arxiv url",
    "paper page",
    "paper (arxiv)",
    "原文地址",
    "论文网址",
    "논문 주소",
    "원문",
    "원문 링크",
    "arxiv 링크",
)
_add("pdf", "pdf", "pdf link", "pdf 링크", "pdf链接")
_add(
    "code",
    "code",
    "github",
    "repo",
    "repository",
    "github repo",
    "code & data",
    "代码",
    "代码链接",
    "代码地址",
    "코드",
    "코드 링크",
    "código",
    "código fuente",
    "repositorio",
    "コード",
)
_add(
    "project",
    "project",
    "project page",
    "homepage",
    "website",
    "项目",
    "项目主页",
    "项目地址",
    "主页",
    "프로젝트",
    "프로젝트 페이지",
    "proyecto",
    "página del proyecto",
    "demo",
)
_add(
    "huggingface",
    "hf",
    "hugging face",
    "huggingface",
    "hf page",
    "hf 페이지",
    "hf link",
    "hugging face page",
    "hf papers",
    "hf论文",
    "hf 링크",
)

_add(
    "score",
    "score",
    "scores",
    "upvotes",
    "likes",
    "stars",
    "rating",
    "votes",
    "hf upvotes",
    "좋아요",
    "추천",
    "점수",
    "点赞",
    "评分",
    "得分",
    "votos",
    "puntuación",
    "me gusta",
)
_add(
    "tags",
    "tags",
    "tag",
    "keywords",
    "categories",
    "category",
    "track",
    "topics",
    "标签",
    "关键词",
    "分类",
    "태그",
    "키워드",
    "트랙",
    "분야",
    "etiquetas",
    "palabras clave",
    "categoría",
)

# The labels of French, German, Portuguese and Italian digests, and more Chinese ones.
_add("authors", "autoren", "verfasser", "autores del artículo")
_add("affiliations", "afiliação", "instituições", "institut")
_add("affiliations", "organización", "établissement", "établissements", "istituzione")
_add("summary", "résumé", "resume", "resumo", "riassunto", "sommario", "zusammenfassung")
_add("summary", "kurzfassung", "一句话总结", "一句话概括", "概括", "résumé en une phrase")
_add("link", "lien", "lien vers l'article", "lien de l'article", "ligação", "collegamento")

_add("link", "paper id", "id", "논문 id", "论文id", "论文编号")

_add("original_title", "논문명", "논문 이름", "영문명", "영문 논문명")
_add("summary", "핵심 아이디어", "주요 아이디어", "한줄평", "핵심 요약", "세 줄 요약", "3줄 요약")

# Russian, Japanese and Vietnamese digests' labels.
_add("authors", "авторы", "автор", "著者名", "筆者", "tác giả", "nhóm tác giả")
_add("affiliations", "организация", "организации", "учреждение", "所属機関", "đơn vị", "tổ chức")
_add("abstract", "аннотация", "абстракт", "tóm tắt bài báo")
_add("summary", "кратко", "резюме", "суть", "краткое содержание", "一言で", "一言まとめ", "tóm tắt")
_add("original_title", "название", "タイトル", "論文タイトル", "tiêu đề")
_add("link", "ссылка", "ссылки", "статья", "ссылка на статью", "論文url", "liên kết", "bài báo")
_add("code", "код", "репозиторий", "mã nguồn")
_add("tags", "теги", "ключевые слова", "キーワード", "タグ", "từ khóa")

# arXiv's own listing lines ("Comments: 12 pages", "Journal-ref: …"), copied with a paper:
# facts kept as the paper's fields, not text of the line above them.
_add(
    "other",
    "comments",
    "comment",
    "journal-ref",
    "report-no",
    "msc-class",
    "acm-class",
)
_add("tags", "subjects", "subject", "primary subject")

_FACTS = ("authors", "affiliations", "abstract", "original_title", "summary", "link")
FACT_LINE = re.compile(
    r"(?im)^[ \t>*+\-|]{0,8}(?:[^\x00-\x7f\w\s]{1,4}[ \t]{0,3})?(?:\*\*|__|【)?[ \t]{0,4}(?:"
    + "|".join(sorted((re.escape(w) for r in _FACTS for w in WORDS[r]), key=len, reverse=True))
    + r")[ \t]{0,4}(?:\*\*|__)?[ \t]{0,4}[:：|】]"
)
"""A line that starts with a known field label (``**Authors:**``, ``- 기관:``, ``| 来源 |``,
``👥 Authors:``): one scan of a whole body tells a post with entry fields from one without."""

LINK_ROLES: dict[str, LinkKind] = {
    "link": "other",
    "pdf": "pdf",
    "code": "code",
    "project": "project",
    "huggingface": "huggingface",
}

# "**Label:** value", "**Label**: value", "__Label__：value", "- Label: value" (one line).
_BOLD_FIELD = re.compile(
    r"(?:\*\*|__)\s*(?P<label>[^*_\n:：|]{1,40}?)\s*(?:[:：]\s*(?:\*\*|__)|(?:\*\*|__)\s*[:：])\s*"
)
_BRACKET_FIELD = re.compile(r"【(?P<label>[^】\n]{1,30})】[ \t]*")
_PLAIN_FIELD = re.compile(r"(?P<label>[^\W\d_][^\n:：|*\[\]]{0,30}?)\s*(?::\s+|：\s*)")
"""``Label: value``; after a full-width colon, as CJK text writes it, no space is needed."""
_SEGMENT = re.compile(
    r"[ \t]{1,8}[|·•][ \t]{1,8}"
    r"(?=(?:\*\*|__)[^*_\n]{1,40}?(?:[:：]\s*(?:\*\*|__)|(?:\*\*|__)\s*[:：]))"
)


@dataclass(frozen=True)
class Field:
    label: str
    role: str
    """A role of ``ROLES``, or ``other``."""
    value: str
    """The value's Markdown as written."""


def parse_field(
    line: str, extra: Mapping[str, str] | None = None, *, item: bool = False
) -> list[Field] | None:
    """The field(s) of one line, or None when the line is not ``Label: value``.

    ``**Upvotes:** 18 | **Sources:** HF`` holds two fields; ``extra`` maps more
    (normalised) labels to roles, from the site's declarative reader settings.  In a list
    ``item``, a pictograph before a label marks it as bold would (``- 💡 Key idea: …``).
    """
    roles = {**ROLES, **extra} if extra else ROLES
    text = _after_pictographs(line.strip())
    if not text:
        return None
    if len(text) > 2 and text[0] in "*_" and text[1] != text[0] and text[-1] == text[0]:
        text = text[1:-1].strip()  # "*Authors: A, B*": a field line set in italics
    m = _BRACKET_FIELD.match(text)
    if m is not None:  # "【标题】…", as Chinese digests set their labels
        label = m.group("label").strip()
        return [Field(label, roles.get(norm(label), "other"), text[m.end() :])]
    m = _BOLD_FIELD.match(text)
    if m is not None:
        parts = _SEGMENT.split(text)
        out: list[Field] = []
        for part in parts:
            pm = _BOLD_FIELD.match(part.strip())
            if pm is None:
                if out:
                    out[-1] = Field(out[-1].label, out[-1].role, out[-1].value + " | " + part)
                continue
            label = pm.group("label").strip()
            out.append(Field(label, roles.get(norm(label), "other"), part.strip()[pm.end() :]))
        return out or None
    m = _PLAIN_FIELD.match(text)
    if m is not None:
        label = m.group("label").strip()
        role = roles.get(norm(label))
        if role is None and item and text is not line.strip() and len(label.split()) <= 4:
            role = "other"  # "- 💡 핵심 아이디어: …"
        if role is not None:
            return [Field(label, role, text[m.end() :])]
    return None


def title_field(line: str) -> str | None:
    """The value of a ``**Title**: …`` line (any wording of the title label), else None:
    a list item that opens with one is an entry with that title."""
    fields = parse_field(line)
    if fields and fields[0].role == "original_title" and fields[0].value.strip():
        return fields[0].value.strip()
    return None


def _after_pictographs(text: str) -> str:
    """``text`` without the emoji a digest puts before a label (``👥 Authors: …``); only
    pictographs beyond ASCII count, so a line that starts with a backtick keeps it."""
    lead = 0
    while lead < len(text) and ord(text[lead]) > 0x7F and symbol(text[lead]):
        lead += 1
    return text[lead:].lstrip() if lead else text


_CALLOUT = re.compile(r"\[!(?P<type>[A-Za-z][\w-]{0,30})\][+-]?[ \t]*(?P<title>[^\n]*)")
_CALLOUT_FACTS = frozenset({"abstract", "summary", "authors", "affiliations", "original_title"})


def callout(inner: str) -> Field | None:
    """An Obsidian or GitHub callout (``> [!abstract]``, ``> [!info] Authors``) that holds
    one of a paper's facts, as a field: its title names the fact, else its type does.
    A callout of anything else (a note, a tip) is None: it stays the entry's text."""
    m = _CALLOUT.match(inner)
    if m is None:
        return None
    title = m.group("title").strip().strip("*_ ").rstrip(":：").strip()
    label = title or m.group("type")
    role = ROLES.get(norm(label)) or ROLES.get(norm(m.group("type")))
    if role not in _CALLOUT_FACTS:
        return None
    return Field(label, role, inner[m.end() :].strip())


TITLE_NAMES = frozenset(
    {
        "title",
        "paper",
        "papers",
        "name",
        "제목",
        "논문",
        "논문명",
        "标题",
        "论文",
        "论文标题",
        "título",
        "titulo",
        "artículo",
        "題名",
        "タイトル",
    }
)
"""Names of a title column or key (a table's header, a front-matter mapping's key)."""


def table_field(cells: list[str]) -> Field | None:
    """A two-column table row ``| **来源** | arXiv:… |`` as a field."""
    if len(cells) != 2:
        return None
    label = cells[0].strip().strip("*_ ").strip().rstrip(":：").strip()
    if not label or len(label) > 40:
        return None
    return Field(label, ROLES.get(norm(label), "other"), cells[1].strip())


_REPOSITORY_HOST = (
    r"https?://(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co/(?!papers/)[^/\s)>]+)/"
)
_REPOSITORY = re.compile(_REPOSITORY_HOST, re.IGNORECASE)
_LINKED_REPOSITORY = re.compile(rf"\]\(<?{_REPOSITORY_HOST}", re.IGNORECASE)


def links_repository(text: str) -> bool:
    """Whether a heading's text links to a repository (``[org/repo](https://github…)``)."""
    return _LINKED_REPOSITORY.search(text) is not None


_WORK = re.compile(
    r"https?://(?:www\.|dx\.)?(?:doi\.org/10\.\d{4,9}/|openreview\.net/(?:forum|pdf)\?id="
    r"|aclanthology\.org/\w|proceedings\.neurips\.cc/paper|papers\.nips\.cc/paper"
    r"|proceedings\.mlr\.press/v\d|openaccess\.thecvf\.com/content|dl\.acm\.org/doi/"
    r"|ieeexplore\.ieee\.org/document/|(?:bio|med)rxiv\.org/content/"
    r"|semanticscholar\.org/paper/|link\.springer\.com/(?:article|chapter)/"
    r"|nature\.com/articles/|science\.org/doi/|sciencedirect\.com/science/article/"
    r"|pubmed\.ncbi\.nlm\.nih\.gov/\d|ojs\.aaai\.org/index\.php/|ijcai\.org/proceedings/"
    r"|jmlr\.org/papers/|papers\.ssrn\.com/|paperswithcode\.com/paper/)",
    re.IGNORECASE,
)


def cites_work(text: str) -> bool:
    """Whether ``text`` links a paper's page on a publisher, a proceedings or a preprint
    site other than arXiv's (a DOI, OpenReview, the ACL Anthology…)."""
    return "://" in text and _WORK.search(text) is not None


def is_repository(url: str) -> bool:
    """Whether a link leads to a code repository, or a model, dataset or space on Hugging
    Face: no paper's page (a PDF kept in a repository is one)."""
    return _REPOSITORY.match(url.strip()) is not None and not url.lower().endswith(".pdf")


def link_kind(url: str, label: str) -> LinkKind:
    """What a link of an entry is, from its host first and its label second."""
    low = url.lower()
    if "alphaxiv.org" in low:
        return "alphaxiv"
    if "huggingface.co/papers" in low or "hf.co/papers" in low:
        return "huggingface"
    if "arxiv.org/pdf" in low:
        return "pdf"
    if "arxiv.org/" in low:
        return "arxiv"
    if "github.com/" in low or "gitlab.com/" in low:
        return "code"
    role = ROLES.get(norm(label))
    if role in LINK_ROLES and role != "link":
        return LINK_ROLES[role]
    if low.endswith(".pdf"):
        return "pdf"
    return "other"


_AND = re.compile(r"\s+(?:and|&|y|e|und|et|и|và|및|和|与|以及)\s+")


_OTHERS = re.compile(
    r"(?:,?\s*(?:et al\.?|et\.? al\.?|and others|외\s*\d*\s*명?|等(?:人)?"
    r"|и\s?др\.?|ほか|(?<=\s)他))"
    r"\s*(?:[(（](?P<note>[^()（）]*)[)）]\s*)?$"
)
"""``et al.`` at the end of a list, and what a digest adds after it in parentheses:
"…, et al. (27 authors, MCG-NJU / Nanjing University)"."""

_COUNT = re.compile(r"\d+\s*(?:authors?|명|人|autores)|\d{4}[a-z]?", re.IGNORECASE)
"""Pieces of that note that are not affiliations: the number of authors, a year."""


def split_authors(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """An author list as written, and the affiliations its ``et al. (…)`` note names.

    Digests that shorten a long list often say who the others are in a parenthesis
    after ``et al.``; taken as a name it would become an author called "al. (27
    authors, …)" (``et`` is also French for "and").
    """
    text = re.sub(r"\s+", " ", value).strip()
    m = _OTHERS.search(text)
    note = m.group("note") if m is not None else None
    if m is None or note is None:
        return split_people(value), ()
    affiliations = tuple(
        piece for piece in split_people(note) if not _COUNT.fullmatch(piece) and piece != "et al."
    )
    return split_people(text[: m.start()] + " et al."), affiliations


def split_people(value: str) -> tuple[str, ...]:
    """An author or affiliation list as written, one name per element.

    ``et al.`` (and ``외``, ``等``) become their own last element, so an exporter can
    say "and others" without guessing.
    """
    text = re.sub(r"\s+", " ", value).strip().strip("·").strip()
    if not text:
        return ()
    tail = None
    m = _OTHERS.search(text)
    if m is not None and m.group("note") is None:
        tail = "et al."
        text = text[: m.start()].rstrip(" ,")
    depth = 0
    parts: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch in "([（":
            depth += 1
        elif ch in ")]）" and depth:
            depth -= 1
        if depth == 0 and ch in ",;，；、":
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    names: list[str] = []
    for index, part in enumerate(parts):
        # "A, B and C": only the last part joins two names with a conjunction
        pieces = _AND.split(part.strip()) if index == len(parts) - 1 else [part]
        names.extend(piece.strip() for piece in pieces if piece.strip())
    if tail:
        names.append(tail)
    return tuple(names)
