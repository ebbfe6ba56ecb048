"""One declaration per plugin option: the CLI and ``_config.yml`` are derived from it and agree."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import click
import pytest
from click.testing import CliRunner

from digestconv.cli import cli
from digestconv.options import (
    OptionError,
    click_params,
    fields_of,
    from_config,
    given_on_command_line,
    option,
    resolve,
)
from digestconv.plugins import discover


def _exporters() -> list[tuple[str, type]]:
    return [(name, info.load()) for name, info in discover().items()]


def _sample(f: Any, site: Path) -> tuple[Any, list[str]]:
    """A value unlike the default, as YAML gives it and as command-line words."""
    if f.kind is bool:
        return (not f.default), ([f.flag] if not f.default else [f"--no-{f.flag[2:]}"])
    if f.choices:
        value = next(c for c in reversed(f.choices) if c != f.default)
        return value, [f.flag, value]
    if f.kind is int:
        value = int(f.spec.min or 0) + 3
        return value, [f.flag, str(value)]
    if f.kind is float:
        value = (f.spec.min or 0) + 2.5
        return value, [f.flag, str(value)]
    if f.kind is tuple:
        return ["a", "b"], [f.flag, "a", f.flag, "b"]
    if f.kind is Path:
        (site / "input.bin").write_bytes(b"")
        return "input.bin", [f.flag, str((site / "input.bin").resolve())]
    return "x{id}", [f.flag, "x{id}"]


@pytest.mark.parametrize(("name", "cls"), _exporters(), ids=[n for n, _ in _exporters()])
def test_every_option_means_the_same_on_the_command_line_and_in_config(
    name: str, cls: type, tmp_path: Path
) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    flags = {opt for p in command.params for opt in getattr(p, "opts", ())}
    declared = [f for f in fields_of(cls.Options) if not f.spec.hidden and f.spec.config]
    for f in declared:
        assert f.flag in flags, f"{name}: {f.name} has no {f.flag} option"
        value, words = _sample(f, tmp_path)
        for key in (f.config_key, f.name):
            from_yaml = from_config(
                cls.Options, {key: value}, f"digestconv.{name}", site_root=tmp_path
            )
            ctx = command.make_context(name, [*words, str(tmp_path)])
            from_cli = given_on_command_line(cls.Options, ctx)
            assert resolve(cls.Options, from_yaml) == resolve(cls.Options, from_cli), (name, key)


def test_config_only_names_options_that_exist() -> None:
    for name, cls in _exporters():
        with pytest.raises(OptionError, match="unknown option 'no-such-option'"):
            from_config(cls.Options, {"no-such-option": 1}, f"digestconv.{name}")


@dataclass(frozen=True)
class Sample:
    level: int = option(1, "A level.", min=0, max=9)
    mode: Literal["a", "b"] = option("a", "A mode.")
    names: tuple[str, ...] = option((), "Names.")
    flag: bool = option(False, "A flag.")
    file: Path | None = option(None, "A file.", site_path=True)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"level": [1, 2]}, "expected a number"),
        ({"level": True}, "expected a number"),
        ({"level": 10}, "at most 9"),
        ({"level": -1}, "at least 0"),
        ({"mode": "c"}, "expected one of a, b"),
        ({"names": [1]}, "expected a list of strings"),
        ({"flag": "yes"}, "expected true or false"),
        ({"file": "../outside"}, "outside the site"),
        ({"file": "/etc/passwd"}, "outside the site"),
    ],
)
def test_wrong_values_are_config_errors(raw: dict[str, Any], message: str, tmp_path: Path) -> None:
    with pytest.raises(OptionError, match=message):
        from_config(Sample, raw, "digestconv.sample", site_root=tmp_path)


def test_declaration_gives_click_types() -> None:
    params = {p.name: p for p in click_params(Sample)}
    assert isinstance(params["level"].type, click.IntRange)
    assert isinstance(params["mode"].type, click.Choice)
    assert getattr(params["names"], "multiple", False)
    assert getattr(params["flag"], "is_flag", False)


# --------------------------------------------------------------------------- end to end


@pytest.fixture
def site(samples_site: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "site"
    shutil.copytree(samples_site, dest)
    return dest


def _configure(site: Path, text: str) -> None:
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_feed_format_rss_from_config_in_build_and_in_the_format_command(
    site: Path, tmp_path: Path
) -> None:
    _configure(site, "digestconv:\n  feed:\n    format: rss\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", str(site), "-o", str(out), "--only", "feed", "--no-cache"]
    )
    assert result.exit_code == 0, result.stderr
    assert b"<rss" in (out / "feed.xml").read_bytes()[:200]
    direct = CliRunner().invoke(cli, ["feed", str(site)])
    assert direct.exit_code == 0, direct.stderr
    assert "<rss" in direct.stdout[:200]
    # the command line wins over _config.yml
    atom = CliRunner().invoke(cli, ["feed", str(site), "--format", "atom"])
    assert "<feed" in atom.stdout[:200]


def test_by_category_categories_from_config_in_build(site: Path, tmp_path: Path) -> None:
    _configure(
        site,
        "digestconv:\n  feed:\n    by-category: true\n    categories: [papers]\n    output: feeds\n",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", str(site), "-o", str(out), "--only", "feed", "--no-cache"]
    )
    assert result.exit_code == 0, result.stderr
    assert (out / "feeds" / "feed.xml").is_file()
    assert (out / "feeds" / "by_category" / "papers.xml").is_file()


@pytest.mark.parametrize(
    "setting",
    [
        "feed:\n    limit: [1, 2]",
        "feed:\n    archive: -1",
        "output: 5",
        "output: /abs/path",
        "output: ../..",
        "bibtex:\n    update: ../../etc/passwd",
        "bibtex:\n    enrich: true",
        "epub:\n    cover: /dev/zero",
        "feed:\n    format: html",
    ],
)
def test_unusable_settings_are_config_errors_and_write_nothing(
    site: Path, tmp_path: Path, setting: str
) -> None:
    _configure(site, f"digestconv:\n  {setting}\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(site), "-o", str(out), "--no-cache"])
    assert result.exit_code == 1
    assert "[config]" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
