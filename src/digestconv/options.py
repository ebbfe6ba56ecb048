"""Typed option declarations: one frozen dataclass per plugin, read by CLI and ``_config.yml``.

A plugin declares each option once, as a field of its ``Options`` dataclass made with
:func:`option`.  From that declaration the core derives the click parameters of the
plugin's subcommand, the validation of the plugin's section of ``_config.yml`` (keys are
the long option names, with ``-`` or ``_``), the defaults, and the value handed to the
plugin.  Values are checked here, once, so a plugin receives a typed, valid object and
never re-checks it.

Supported field types: ``bool``, ``int``, ``float``, ``str``, ``Path``, ``Literal[...]``
of strings, ``tuple[str, ...]`` (repeatable on the command line, a list in YAML), and any
of these ``| None``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import click

T = TypeVar("T")

_META = "digestconv.option"


@dataclass(frozen=True)
class OptionSpec:
    """What the CLI and the config validation need to know about one option."""

    help: str
    metavar: str | None = None
    short: str | None = None
    """A one-letter alias (``-f``) on the command line."""
    min: float | None = None
    max: float | None = None
    hidden: bool = False
    """Shown in neither ``--help`` nor the docs (test hooks such as a local API URL)."""
    config: bool = True
    """Whether ``_config.yml`` may set it (``False`` for options that only make sense once)."""
    site_path: bool = False
    """A file the option reads: from ``_config.yml`` it is resolved against the site and
    must stay inside it (a site's config is untrusted); from the command line it is taken
    as given."""


def option(
    default: Any,
    help: str,
    *,
    metavar: str | None = None,
    short: str | None = None,
    min: float | None = None,
    max: float | None = None,
    hidden: bool = False,
    config: bool = True,
    site_path: bool = False,
) -> Any:
    """A field of an ``Options`` dataclass, with what its CLI option and config key need."""
    spec = OptionSpec(help, metavar, short, min, max, hidden, config, site_path)
    return dataclasses.field(default=default, metadata={_META: spec})


class OptionError(ValueError):
    """A value that does not fit its declaration, worded for the place it came from."""


@dataclass(frozen=True)
class Field:
    """One declared option, with its type taken apart for checking and for click."""

    name: str
    """The Python name (``key_template``); the CLI's is ``--key-template``."""
    kind: type | None
    """``bool``, ``int``, ``float``, ``str``, ``Path`` or ``tuple`` (of ``str``)."""
    choices: tuple[str, ...]
    optional: bool
    default: Any
    spec: OptionSpec

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def config_key(self) -> str:
        return self.name.replace("_", "-")


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def fields_of(cls: type) -> tuple[Field, ...]:
    """The declared options of an ``Options`` dataclass, in declaration order."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__qualname__} is not a dataclass")
    hints = typing.get_type_hints(cls)
    out: list[Field] = []
    for f in dataclasses.fields(cls):
        spec = f.metadata.get(_META) or OptionSpec(help="")
        annotation, optional = _unwrap(hints[f.name])
        choices: tuple[str, ...] = ()
        kind: type | None
        if get_origin(annotation) is Literal:
            choices = tuple(str(a) for a in get_args(annotation))
            kind = str
        elif get_origin(annotation) is tuple:
            kind = tuple
        elif annotation in (bool, int, float, str, Path):
            kind = annotation
        else:
            raise TypeError(f"{cls.__qualname__}.{f.name}: unsupported option type {annotation}")
        default = f.default if f.default is not dataclasses.MISSING else None
        out.append(Field(f.name, kind, choices, optional, default, spec))
    return tuple(out)


# --------------------------------------------------------------------------- the CLI


def click_params(cls: type) -> list[click.Parameter]:
    """The click options of a plugin's subcommand, one per declared field."""
    params: list[click.Parameter] = []
    for f in fields_of(cls):
        decls = [f.flag, f.name] + ([f"-{f.spec.short}"] if f.spec.short else [])
        common: dict[str, Any] = {
            "help": f.spec.help,
            "hidden": f.spec.hidden,
            "metavar": f.spec.metavar,
            "show_default": f.default not in (None, False, ()),
            "default": f.default,
        }
        if f.kind is bool:
            decls[0] = f"{f.flag}/--no-{f.flag[2:]}" if f.default else f.flag
            params.append(click.Option(decls, is_flag=True, **common))
        elif f.kind is tuple:
            common["default"] = f.default or ()
            params.append(click.Option(decls, multiple=True, **common))
        else:
            params.append(click.Option(decls, type=_click_type(f), **common))
    return params


def _click_type(f: Field) -> click.ParamType[Any]:
    if f.choices:
        return click.Choice(f.choices)
    if f.kind is int:
        return click.IntRange(
            None if f.spec.min is None else int(f.spec.min),
            None if f.spec.max is None else int(f.spec.max),
        )
    if f.kind is float:
        return click.FloatRange(f.spec.min, f.spec.max)
    if f.kind is Path:
        return click.Path(path_type=Path)
    return click.STRING


def given_on_command_line(cls: type, ctx: click.Context) -> dict[str, Any]:
    """The options the user typed (not click's defaults): they win over ``_config.yml``."""
    given: dict[str, Any] = {}
    for f in fields_of(cls):
        if ctx.get_parameter_source(f.name) in (
            click.core.ParameterSource.COMMANDLINE,
            click.core.ParameterSource.ENVIRONMENT,
        ):
            value = ctx.params[f.name]
            given[f.name] = tuple(value) if f.kind is tuple else value
    return given


# --------------------------------------------------------------------------- _config.yml


def from_config(
    cls: type, raw: Mapping[str, Any], where: str, *, site_root: Path | None = None
) -> dict[str, Any]:
    """The values a ``_config.yml`` mapping sets, checked against the declaration.

    ``where`` names the mapping (``digestconv.feed``) in messages.  Keys that are not
    options of ``cls`` raise, listing the known ones; so does any wrong-typed value.
    """
    known = {f.name: f for f in fields_of(cls) if f.spec.config and not f.spec.hidden}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        f = known.get(name)
        if f is None:
            names = ", ".join(sorted(k.config_key for k in known.values())) or "none"
            raise OptionError(f"{where}: unknown option {key!r} (known: {names})")
        values[name] = check_value(f, value, f"{where}.{f.config_key}", site_root=site_root)
    return values


def check_value(f: Field, value: Any, where: str, *, site_root: Path | None = None) -> Any:
    """``value`` from YAML as the declared type, or :class:`OptionError`."""
    if value is None and f.optional:
        return None
    if f.kind is bool:
        if not isinstance(value, bool):
            raise OptionError(f"{where}: expected true or false, got {value!r}")
        return value
    if f.kind is tuple:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise OptionError(f"{where}: expected a list of strings, got {value!r}")
        return tuple(items)
    if f.kind is int or f.kind is float:
        ok = isinstance(value, int) if f.kind is int else isinstance(value, int | float)
        if isinstance(value, bool) or not ok:
            raise OptionError(f"{where}: expected a number, got {value!r}")
        if f.spec.min is not None and value < f.spec.min:
            raise OptionError(f"{where}: must be at least {f.spec.min:g}, got {value!r}")
        if f.spec.max is not None and value > f.spec.max:
            raise OptionError(f"{where}: must be at most {f.spec.max:g}, got {value!r}")
        return value
    if isinstance(value, date) and not f.choices:  # YAML reads 2025-01-02 as a date
        value = value.isoformat()
    if not isinstance(value, str):
        raise OptionError(f"{where}: expected a string, got {value!r}")
    if f.choices and value not in f.choices:
        raise OptionError(f"{where}: expected one of {', '.join(f.choices)}, got {value!r}")
    if f.kind is Path:
        return confined_path(value, where, site_root)
    return value


def confined_path(value: str, where: str, site_root: Path | None) -> Path:
    """A file named in ``_config.yml``, resolved against the site and kept inside it."""
    if not value or "\0" in value:
        raise OptionError(f"{where}: expected a file name, got {value!r}")
    if site_root is None:
        return Path(value)
    root = site_root.resolve()
    path = (root / value).resolve()
    if path != root and root not in path.parents:
        raise OptionError(f"{where}: {value!r} is outside the site; name a file inside it")
    return path


# --------------------------------------------------------------------------- resolution


def resolve(cls: type[T], *layers: Mapping[str, Any]) -> T:
    """An ``Options`` instance: later layers win (defaults < ``_config.yml`` < command line)."""
    values: dict[str, Any] = {}
    for layer in layers:
        values.update(layer)
    return cls(**values)


@dataclass(frozen=True)
class NoOptions:
    """For plugins without options of their own."""
