"""Atomic writes, output confinement, and the shared safe renderer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from digestconv.model import Item
from digestconv.output import UnsafePathError, confine, write_atomic, write_tree
from digestconv.text.html import gate, item_html, items_html
from digestconv.text.markdown import markdown_to_html, markdown_to_text
from digestconv.text.urls import safe_url


def test_write_atomic_replaces_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    assert write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert not write_atomic(target, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


def test_failed_write_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.txt"
    target.write_bytes(b"old")

    def boom(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a/../../b", "", "C:/x", "a\x00b"])
def test_confine_refuses_escapes(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafePathError):
        confine(tmp_path, name)


def test_write_tree_checks_every_name_first(tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError):
        write_tree(tmp_path, {"ok.xml": b"1", "../evil.xml": b"2"})
    assert list(tmp_path.iterdir()) == []
    assert write_tree(tmp_path, {"by_tag/a.xml": b"1", "b.xml": b"2"}) == (2, 0)


def test_html_escapes_raw_html_and_unsafe_links() -> None:
    html = markdown_to_html(
        '<script>alert(1)</script> [x](javascript:alert(1)) [y](https://a.b "t")'
    )
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html
    assert '<a href="https://a.b" title="t">y</a>' in html
    assert markdown_to_html("a < b & c") == "a &lt; b &amp; c"
    assert "<img" not in markdown_to_html("![pic](https://a.b/x.png)")


def test_text_rendering() -> None:
    assert markdown_to_text("**굵게** 그리고 `code`\\\n다음 줄") == "굵게 그리고 code\n다음 줄"
    assert markdown_to_text("가\n- 중첩 항목") == "가\n- 중첩 항목"
    assert markdown_to_text("<think>literal</think>") == "<think>literal</think>"


def test_items_html_groups_bullets() -> None:
    items = [Item("a", "goal", "Goal"), Item("b"), Item("p", bullet=False)]
    assert (
        items_html(items) == "<ul>\n<li><strong>Goal:</strong> a</li>\n<li>b</li>\n</ul>\n<p>p</p>"
    )


def test_safe_url() -> None:
    assert safe_url(" https://x ") == "https://x"
    assert safe_url("mailto:a@b") == "mailto:a@b"
    assert safe_url("JavaScript:x") is None
    assert safe_url("data:text/html,x") is None


def test_stale_temporaries_of_killed_writers_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    stale = tmp_path / ".feed.xml.abc123.tmp"
    fresh = tmp_path / ".feed.xml.def456.tmp"
    other = tmp_path / ".refs.bib.xyz.tmp"
    for p in (stale, fresh, other):
        p.write_bytes(b"partial")
    os.utime(stale, (1, 1))
    os.utime(other, (1, 1))
    assert write_atomic(target, b"<feed/>")
    assert not stale.exists()
    assert fresh.exists()  # may belong to a writer still running
    assert other.exists()  # another target's business


# --------------------------------------------------------------------------- nh3 gate


def test_gate_keeps_the_renderers_bytes_when_nothing_is_unsafe() -> None:
    fragment = markdown_to_html(
        "line one  \nline two with **bold**, `code` and [a link](https://e.org/?a=1&b=2)"
    )
    assert "<br />" in fragment
    assert gate(fragment) == fragment
    assert gate("no\xa0break") == "no\xa0break"


def test_gate_removes_what_no_reader_may_run_and_stays_well_formed() -> None:
    hostile = (
        '<p onclick="x()">a<br>b</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">j</a><img src="https://t.example/p.gif"><hr>\xa0'
    )
    out = gate(hostile)
    assert "script" not in out and "onclick" not in out and "javascript" not in out
    assert "<img" not in out
    etree.fromstring(f"<div>{out}</div>".encode())  # XHTML-style void elements, no &nbsp;


def test_every_html_output_renders_items_through_the_gate() -> None:
    item = Item("**bold** <think>raw</think>")
    assert item_html(item) == gate(markdown_to_html(item.text))
