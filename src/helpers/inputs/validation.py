"""Configuration files checked by their pydantic models, every problem listed at once.

The wave file and the codebook are described by pydantic models
(:mod:`helpers.inputs.waves`, :mod:`helpers.inputs.codebook`). Their JSON
Schema is what editors use to complete and check the files; the same schema
words the messages here: the key at fault, the value found and what was
expected (type, range or choices, and the key's description).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process

from helpers.errors import InputError

__all__ = ["Problem", "check", "json_schema", "problems_error", "read_yaml"]

M = TypeVar("M", bound=BaseModel)
Problem = tuple[str | None, str]
"""A key (``None`` for the whole file) and what is wrong with it."""

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
NEAR_KEY_SCORE = 60  # rapidfuzz ratio (0-100) from which a valid key is offered for an unknown one


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a configuration file described by ``model``."""
    return {"$schema": SCHEMA_DIALECT, **model.model_json_schema()}


def read_yaml(path: Path, what: str) -> Any:
    """Parse a YAML file, refusing a missing or malformed one with an :class:`InputError` naming ``what``."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(path, f"cannot read the {what}: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise InputError(path, f"not valid YAML: {error}") from error


def check(model: type[M], spec: Any, path: Path, *, context: dict[str, Any] | None = None,
          names: dict[tuple, str] | None = None) -> M:
    """Validate ``spec`` (a parsed YAML file) against ``model``.

    Parameters
    ----------
    model
        The file's pydantic model.
    spec
        The parsed file.
    path
        The file, for messages.
    context
        Passed to the model's validators.
    names
        Readable names of list items by location (``("questions", 3)`` -> ``"questions.savings"``).

    Raises
    ------
    InputError
        Listing every problem found: unknown keys (with the nearest valid key), missing keys, wrong types
        and values outside their range.
    """
    try:
        return model.model_validate(spec, context=context)
    except ValidationError as error:
        schema = model.model_json_schema()
        raise problems_error(path, [_describe(schema, item, names or {}) for item in error.errors()]) from None


def problems_error(path: Path, problems: Sequence[Problem]) -> InputError:
    """One :class:`InputError` listing every one of ``problems``, one a line; a single problem keeps its key as the
    error's column."""
    if len(problems) == 1:
        key, text = problems[0]
        return InputError(path, text, column=key)
    listed = "\n".join(f"  - {text}" for _, text in problems)
    return InputError(path, f"{len(problems)} problems:\n{listed}")


def _node(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its reference followed and an optional (``X | None``) reduced to ``X``."""
    while True:
        if "$ref" in node:
            # The referring property's own words (its description, default) win over the definition's.
            own = {key: value for key, value in node.items() if key != "$ref"}
            node = {**schema["$defs"][node["$ref"].rsplit("/", 1)[-1]], **own}
        elif "anyOf" in node:
            options = [option for option in node["anyOf"] if option.get("type") != "null"]
            if len(options) != 1:
                return node
            node = {**options[0], **{key: value for key, value in node.items() if key != "anyOf"}}
        else:
            return node


def _locate(schema: dict[str, Any], loc: tuple) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The schema nodes of the item at ``loc`` and of its parent (``None`` where the schema has no such key)."""
    parent, node = None, _node(schema, schema)
    for part in loc:
        parent = node
        if isinstance(part, int) and "items" in node:
            node = node["items"]
        elif part in node.get("properties", {}):
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None, parent
        node = _node(schema, node)
    return node, parent


def _key(loc: tuple, names: dict[tuple, str]) -> str:
    key = ""
    for depth, part in enumerate(loc):
        if (named := names.get(loc[:depth + 1])) is not None:
            key = named
        elif isinstance(part, int):
            key = f"{key}[{part}]"
        else:
            key = f"{key}.{part}" if key else str(part)
    return key


def _bound(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _expected(node: dict[str, Any]) -> str:
    """What a schema node accepts, in words: ``"an integer >= 100"``, ``"one of ['fr', 'en']"`` ..."""
    if "enum" in node:
        return f"one of {node['enum']}"
    if "const" in node:
        return repr(node["const"])
    kind = node.get("type")
    if kind == "array":
        size = node.get("minItems")
        count = (f"a list of {size}" if size is not None and size == node.get("maxItems") else
                 "a non-empty list of" if size == 1 else f"a list of at least {size}" if size else "a list of")
        distinct = " distinct" if node.get("uniqueItems") else ""
        return f"{count}{distinct} values, each {_expected(node.get('items', {}))}"
    if kind == "object" or "properties" in node:
        return "a mapping of keys to values"
    words = {"integer": "an integer", "number": "a number", "boolean": "true or false", "string": "a string"}
    text = "a date (YYYY-MM-DD)" if node.get("format") == "date" else words.get(kind, "a value")
    limits = [f"{sign} {_bound(node[name])}" for name, sign in (("minimum", ">="), ("exclusiveMinimum", ">"),
                                                                  ("maximum", "<="), ("exclusiveMaximum", "<"))
              if name in node]
    if "minLength" in node and kind == "string":
        limits.append("not empty")
    return f"{text} {' and '.join(limits)}".strip()


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _describe(schema: dict[str, Any], error: dict[str, Any], names: dict[tuple, str]) -> Problem:
    loc = tuple(error["loc"])
    node, parent = _locate(schema, loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        key = _key(loc, names)
        known = sorted((parent or {}).get("properties", {}))
        near = process.extractOne(str(loc[-1]), known, scorer=fuzz.ratio, score_cutoff=NEAR_KEY_SCORE)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        return key, f"unknown key {key!r}{hint}; expected one of {known}"
    if loc and isinstance(loc[-1], int) and node is not None and kind not in ("missing", "value_error"):
        # One item of a list is wrong: name the list and the item.
        key = _key(loc[:-1], names)
        return key, f"key {key!r} holds {_shown(error['input'])}; expected {_expected(node)}{_help(parent)}"
    key = _key(loc, names)
    where = f"key {key!r}" if key else "the file"
    if kind == "missing":
        return key, f"missing required key {key!r}{_help(node)}"
    if kind == "value_error":
        message = str(error["ctx"]["error"])
        if isinstance(error["input"], dict):  # a rule across the keys of a section
            return key or None, f"{where}: {message}"
        return key or None, f"{where} is {_shown(error['input'])}; {message}"
    return key or None, f"{where} is {_shown(error['input'])}; expected {_expected(node or {})}{_help(node)}"


def _help(node: dict[str, Any] | None) -> str:
    description = (node or {}).get("description")
    return f" — {description}" if description else ""
