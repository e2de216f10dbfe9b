"""Load a user YAML file into a pydantic model, failing with file, line, field and reason.

Every YAML file of the project goes through :func:`load_yaml_model`, so users see
one kind of error whatever they got wrong::

    config/topics.yaml, line 12, field 'topics.1.rules.0.pattern': invalid regular
    expression: missing ), unterminated subpattern at position 3
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from storywatch.parsers.errors import ConfigError

M = TypeVar("M", bound=BaseModel)

__all__ = ["ConfigError", "load_yaml_items", "load_yaml_model", "parse_yaml_model"]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read file: {exc.strerror or exc}") from None


def _compose(source: str, path: Path) -> tuple[Any, Any]:
    """The YAML node tree (for line numbers) and the plain data of ``source``."""
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        reason = f"invalid YAML: {exc.problem or exc}"
        raise ConfigError(path, None, reason, line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, None, f"invalid YAML: {exc}") from None
    return node, data


def _validation_error(
    path: Path, node: Any, exc: ValidationError, prefix: tuple[Any, ...] = ()
) -> ConfigError:
    first = exc.errors()[0]
    loc = (*prefix, *first["loc"])
    field = ".".join(str(part) for part in loc) or None
    reason = first["msg"]
    more = exc.error_count() - 1
    if more:
        reason += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ConfigError(path, field, reason, line=_line_of(node, loc))


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Read ``path`` and validate it as ``model``; raise ConfigError on any problem."""
    path = Path(path)
    return parse_yaml_model(_read(path), model, path=path)


def parse_yaml_model(source: str, model: type[M], *, path: Path | str = "<string>") -> M:
    """Validate YAML text as ``model``; ``path`` only names the source in errors."""
    path = Path(path)
    node, data = _compose(source, path)
    try:
        return model.model_validate({} if data is None else data)
    except ValidationError as exc:
        raise _validation_error(path, node, exc) from None


def load_yaml_items(
    path: Path, key: str, model: type[M], *, id_field: str = "id"
) -> tuple[list[M], list[ConfigError]]:
    """Validate each item of the list ``key`` on its own: good items, and one error per bad one.

    One broken feed or storyline must not stop the others, so an invalid item is
    reported (file, line, field, reason) and skipped. A file that is not YAML, or
    whose ``key`` is not a list, is unusable as a whole and raises ConfigError. An
    item repeating an earlier item's ``id_field`` is an error too.
    """
    path = Path(path)
    node, data = _compose(_read(path), path)
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ConfigError(path, None, f"expected a mapping with a '{key}' list")
    unknown = sorted(set(data) - {key})
    if unknown:
        raise ConfigError(path, unknown[0], f"unknown top-level key (expected only '{key}')")
    raw = data.get(key) or []
    if not isinstance(raw, list):
        raise ConfigError(path, key, "should be a list", line=_line_of(node, (key,)))
    items: list[M] = []
    errors: list[ConfigError] = []
    seen: set[Any] = set()
    for position, value in enumerate(raw):
        try:
            item = model.model_validate(value)
        except ValidationError as exc:
            errors.append(_validation_error(path, node, exc, (key, position)))
            continue
        ident = getattr(item, id_field, None)
        if ident in seen:
            loc = (key, position, id_field)
            errors.append(
                ConfigError(
                    path,
                    ".".join(map(str, loc)),
                    f"duplicate {id_field} {ident!r}",
                    line=_line_of(node, loc),
                )
            )
            continue
        seen.add(ident)
        items.append(item)
    return items, errors


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """Follow ``loc`` through the composed YAML tree to the 1-based line of that field."""
    line: int | None = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                # pydantic reports missing keys at the parent: its line is the best guess.
                return line
            key_node = next(k for k, v in node.value if v is match)
            node, line = match, key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
