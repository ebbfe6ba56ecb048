"""Safe, bounded YAML loading for front matter and ``_config.yml``.

Front matter is untrusted text: ``!!python/object`` tags must never construct
objects, and an alias bomb (a few lines that expand to billions of nodes when
walked) or a self-referencing anchor must not hang the converter when the
data is later copied into the model or dumped as JSON.  The fast C loader is
used whenever the text cannot contain aliases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

_FastLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)

MAX_ALIASES = 64
MAX_NODES = 100_000
MAX_DEPTH = 64


@dataclass
class YamlError(Exception):
    """Why a YAML document was refused, with its diagnostic code and 1-based position."""

    code: str
    message: str
    line: int = 0
    col: int = 0


def _position(exc: yaml.YAMLError) -> tuple[int, int]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return 0, 0
    return mark.line + 1, mark.column + 1


def _count_aliases(text: str) -> tuple[int, int, int]:
    """How many aliases the text uses, and the 1-based position of the first one too many."""
    count, line, col = 0, 0, 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.AliasToken):
            count += 1
            if count == MAX_ALIASES + 1:
                line, col = token.start_mark.line + 1, token.start_mark.column + 1
    return count, line, col


def _bad_value_position(text: str) -> tuple[int, int]:
    """Where the scalar that failed to construct is (e.g. ``date: 2025-13-45``).

    The fast loader reports such values without a position, so the document is
    composed again and each scalar constructed alone until one fails.  Nodes are
    visited once, so aliases cannot multiply the walk.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return 0, 0
    constructor = yaml.constructor.SafeConstructor()
    stack: list[yaml.Node] = [root] if root is not None else []
    seen: set[int] = set()
    while stack and len(seen) < MAX_NODES:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node)
            except (ValueError, OverflowError, yaml.YAMLError):
                return node.start_mark.line + 1, node.start_mark.column + 1
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))
    return 0, 0


def _check_shape(value: Any) -> None:
    """Refuse cycles, and structures too large or deep to copy safely."""
    budget = MAX_NODES
    stack: list[tuple[Any, int, frozenset[int]]] = [(value, 0, frozenset())]
    while stack:
        node, depth, ancestors = stack.pop()
        budget -= 1
        if budget < 0:
            raise YamlError("yaml-aliases", f"YAML data has more than {MAX_NODES} nodes")
        if depth > MAX_DEPTH:
            raise YamlError("yaml-syntax", f"YAML data is nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict | list):
            if id(node) in ancestors:
                raise YamlError("yaml-aliases", "YAML data refers to itself through an alias")
            inner = ancestors | {id(node)}
            children = list(node.values()) + list(node.keys()) if isinstance(node, dict) else node
            stack.extend((c, depth + 1, inner) for c in children)


def load_yaml(text: str) -> Any:
    """Plain data from YAML text, or a YamlError saying precisely why not."""
    try:
        if "*" in text and "&" in text:
            aliases, line, col = _count_aliases(text)
            if aliases > MAX_ALIASES:
                raise YamlError(
                    "yaml-aliases",
                    f"YAML uses {aliases} aliases (at most {MAX_ALIASES} are accepted)",
                    line,
                    col,
                )
        value = yaml.load(text, Loader=_FastLoader)
    except yaml.constructor.ConstructorError as exc:
        line, col = _position(exc)
        tag = getattr(exc, "problem", "") or "an unknown tag"
        raise YamlError("yaml-unsafe", f"YAML tag refused: {tag.strip()}", line, col) from exc
    except yaml.YAMLError as exc:
        line, col = _position(exc)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YamlError("yaml-syntax", f"invalid YAML: {problem}", line, col) from exc
    except RecursionError as exc:
        raise YamlError("yaml-syntax", "YAML is nested too deeply") from exc
    except (ValueError, OverflowError) as exc:
        # e.g. a timestamp such as 2025-13-45 that matches YAML's pattern but no calendar
        line, col = _bad_value_position(text)
        raise YamlError("yaml-syntax", f"invalid YAML value: {exc}", line, col) from exc
    _check_shape(value)
    return value
