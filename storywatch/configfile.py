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

__all__ = ["ConfigError", "load_yaml_model", "parse_yaml_model"]


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Read ``path`` and validate it as ``model``; raise ConfigError on any problem."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    return parse_yaml_model(source, model, path=path)


def parse_yaml_model(source: str, model: type[M], *, path: Path | str = "<string>") -> M:
    """Validate YAML text as ``model``; ``path`` only names the source in errors."""
    path = Path(path)
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
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(part) for part in loc) or None
        reason = first["msg"]
        more = exc.error_count() - 1
        if more:
            reason += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ConfigError(path, field, reason, line=_line_of(node, loc)) from None


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
