"""Section headings and labels inside an entry (``## Method``, ``📋 Problem Definition``)."""

from __future__ import annotations

import re

from digestconv.body import _SECTION_WORDS
from digestconv.model import SectionKind
from digestconv.readers.digest.fields import norm
from digestconv.readers.digest.symbols import symbol
from digestconv.readers.digest.titles import plain

_MORE: dict[str, SectionKind] = {
    "problem definition": "introduction",
    "problem": "introduction",
    "motivation": "introduction",
    "background": "introduction",
    "문제 정의": "introduction",
    "问题定义": "introduction",
    "研究背景": "introduction",
    "背景": "introduction",
    "main methodology": "method",
    "method overview": "method",
    "核心方法": "method",
    "方法": "method",
    "主要方法": "method",
    "핵심 방법": "method",
    "metodología": "method",
    "método": "method",
    "evaluation": "results",
    "experimental results": "results",
    "key results": "results",
    "实验结果": "results",
    "结果": "results",
    "주요 결과": "results",
    "resultados": "results",
    "limitaciones": "limitations",
    "局限性": "limitations",
    "局限": "limitations",
    "conclusión": "conclusion",
    "conclusiones": "conclusion",
    "结论": "conclusion",
    "summary": "summary",
    "tl;dr": "summary",
    "요약": "summary",
    "总结": "summary",
    "摘要总结": "summary",
    "resumen": "summary",
    "key takeaways": "summary",
    # Japanese, Russian, Vietnamese, and French, German, Portuguese, Italian section names
    "手法": "method",
    "提案手法": "method",
    "結果": "results",
    "実験結果": "results",
    "課題": "introduction",
    "限界": "limitations",
    "結論": "conclusion",
    "まとめ": "summary",
    "введение": "introduction",
    "мотивация": "introduction",
    "метод": "method",
    "методы": "method",
    "результаты": "results",
    "ограничения": "limitations",
    "выводы": "conclusion",
    "заключение": "conclusion",
    "phương pháp": "method",
    "kết quả": "results",
    "hạn chế": "limitations",
    "kết luận": "conclusion",
    "méthode": "method",
    "méthodologie": "method",
    "résultats": "results",
    "limites": "limitations",
    "methode": "method",
    "ergebnisse": "results",
    "einschränkungen": "limitations",
    "fazit": "conclusion",
    "métodos": "method",
    "limitações": "limitations",
    "conclusão": "conclusion",
    "metodo": "method",
    "risultati": "results",
    "limitazioni": "limitations",
    "conclusioni": "conclusion",
}
KINDS: dict[str, SectionKind] = {norm(k): v for k, v in {**_SECTION_WORDS, **_MORE}.items()}
_TERMINAL = re.compile(r"[.!?。！？]$")


def section_kind(heading: str) -> SectionKind:
    return KINDS.get(norm(heading), "other")


def label_line(text: str) -> str | None:
    """A paragraph that only names a section: ``📋 Problem Definition``, ``**Method**``."""
    if "\n" in text or len(text) > 80 or not text.strip():
        return None
    stripped = text.strip()
    bold = stripped.startswith(("**", "__")) and stripped.endswith(("**", "__"))
    emoji = symbol(stripped[0])
    if not (bold or emoji):
        return None
    shown = plain(stripped).lstrip("".join(c for c in stripped[:3] if symbol(c))).strip()
    shown = "".join(c for c in shown if not symbol(c)).strip()
    if not shown or _TERMINAL.search(shown) or shown.endswith((":", "：")):
        return None
    if not bold and len(shown.split()) > 6:
        return None
    return shown
