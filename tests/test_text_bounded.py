"""Markdown that mistletoe would render in quadratic time is rendered linearly instead."""

from __future__ import annotations

import time

from tests.conftest import HANG_SECONDS

from digestconv.text import bounded
from digestconv.text.markdown import markdown_to_html, markdown_to_text


def _links(n: int) -> str:
    return " ".join(f"[l{i}](https://e.org/{i})" for i in range(n))


def test_ordinary_items_are_not_affected() -> None:
    text = "See [the paper](https://arxiv.org/abs/2509.26328) and `code` with **bold**."
    assert not bounded.too_costly(text)
    assert not bounded.too_costly(_links(100))
    assert markdown_to_html(text) == (
        'See <a href="https://arxiv.org/abs/2509.26328">the paper</a> and <code>code</code> '
        "with <strong>bold</strong>."
    )


def test_ten_thousand_links_render_in_linear_time_with_their_links() -> None:
    text = _links(10_000) + " <script>x</script> [bad](javascript:alert(1))"
    assert bounded.too_costly(text)
    started = time.process_time()
    out = markdown_to_html(text)
    plain = markdown_to_text(text)
    assert time.process_time() - started < HANG_SECONDS  # minutes through mistletoe
    assert out.count('<a href="https://e.org/') == 10_000
    assert "&lt;script&gt;" in out and "<script>" not in out
    assert "javascript:" not in out.replace("[bad](javascript:alert(1))", "")
    assert plain.startswith("l0 l1 l2")


def test_cost_is_per_paragraph() -> None:
    """Many short paragraphs are ordinary Markdown, however long the item."""
    text = "\n\n".join(_links(20) for _ in range(400))
    assert not bounded.too_costly(text)
