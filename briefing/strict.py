"""OpenAI's strict structured outputs accept a subset of JSON Schema; this module states that subset once, checks a
schema against it, and makes the strict variant of a schema the model fills.

The rules (OpenAI, Structured Outputs, "Supported schemas"): the root is an object, not ``anyOf``; every object has
``additionalProperties: false`` and lists every property in ``required`` (a field that may be absent is nullable
instead: ``anyOf`` with ``{"type": "null"}`` or a type list); ``$defs``/``$ref`` are allowed but a ``$ref`` takes no
sibling keywords; at most 10 levels of nesting, 5,000 properties and 1,000 enum values. Validation keywords are
where the documentation has moved and differs by model: string ``minLength``/``maxLength`` are not listed as
supported, ``pattern``/``format``, numeric bounds and ``minItems``/``maxItems`` are supported on base models but not
on fine-tuned ones, and ``default`` is not supported. The strict variant therefore keeps only the structural
keywords every strict model accepts (:data:`STRUCTURAL`) and drops the validation keywords; the pydantic models keep
them all, so an answer outside a bound is still rejected on our side and re-asked with the error.

Pure functions on plain dicts; imports nothing.
"""

from __future__ import annotations

import copy
from typing import Any, Iterator

#: Keywords a strict schema may carry, on every model that has strict structured outputs.
STRUCTURAL = frozenset({"type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf",
                        "$defs", "$ref", "description", "title"})
MAX_DEPTH = 10
MAX_PROPERTIES = 5000
MAX_ENUM_VALUES = 1000


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The strict variant of ``schema`` (a new dict): objects closed, every property required, a ``$ref`` with
    siblings inlined, keywords outside :data:`STRUCTURAL` dropped."""
    out = copy.deepcopy(schema)
    defs = out.get("$defs", {})

    def fix(node: dict[str, Any]) -> None:
        if "$ref" in node and len(node) > 1:  # {"$ref": …, "description": …}: inline the definition
            target = defs[node.pop("$ref").rsplit("/", 1)[-1]]
            node.update({**copy.deepcopy(target), **node})
        for key in [k for k in node if k not in STRUCTURAL]:
            del node[key]
        if node.get("type") == "object" or "properties" in node:
            node["additionalProperties"] = False
            node["required"] = list(node.get("properties", {}))
        for child in _children(node):
            fix(child)

    for d in defs.values():
        fix(d)
    fix(out)
    return out


def violations(schema: dict[str, Any]) -> list[str]:
    """Every way ``schema`` breaks the strict rules, as ``"<path>: <what>"`` lines (empty when it complies)."""
    found: list[str] = []
    if schema.get("type") != "object":
        found.append("$: the root must be an object")
    if "anyOf" in schema:
        found.append("$: the root must not be anyOf")
    defs = schema.get("$defs", {})
    counts = {"properties": 0, "enum": 0}

    def check(node: dict[str, Any], path: str) -> None:
        for key in sorted(set(node) - STRUCTURAL):
            found.append(f"{path}: unsupported keyword {key!r}")
        if "$ref" in node:
            if len(node) > 1:
                found.append(f"{path}: $ref with sibling keywords {sorted(set(node) - {'$ref'})}")
            name = str(node["$ref"]).rsplit("/", 1)[-1]
            if not str(node["$ref"]).startswith("#/$defs/") or name not in defs:
                found.append(f"{path}: $ref {node['$ref']!r} does not name a definition in $defs")
        if node.get("type") == "object" or "properties" in node:
            props = node.get("properties", {})
            counts["properties"] += len(props)
            if node.get("additionalProperties") is not False:
                found.append(f"{path}: object without additionalProperties: false")
            missing = [p for p in props if p not in node.get("required", [])]
            if missing:
                found.append(f"{path}: properties not in required: {', '.join(missing)}")
        counts["enum"] += len(node.get("enum", []))
        for sub, child in _named_children(node, path):
            check(child, sub)

    for name, d in defs.items():
        check(d, f"$defs.{name}")
    check(schema, "$")
    depth = _depth(schema, defs, ())
    if depth > MAX_DEPTH:
        found.append(f"$: objects nested {depth} levels deep (at most {MAX_DEPTH})")
    if counts["properties"] > MAX_PROPERTIES:
        found.append(f"$: {counts['properties']} properties (at most {MAX_PROPERTIES})")
    if counts["enum"] > MAX_ENUM_VALUES:
        found.append(f"$: {counts['enum']} enum values (at most {MAX_ENUM_VALUES})")
    return found


def _depth(node: dict[str, Any], defs: dict[str, Any], seen: tuple[str, ...]) -> int:
    """Levels of objects inside ``node``, following ``$ref`` (a recursive definition counts as too deep)."""
    if "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        if name in seen:
            return MAX_DEPTH + 1
        return _depth(defs.get(name, {}), defs, (*seen, name))
    own = 1 if node.get("type") == "object" or "properties" in node else 0
    return own + max((_depth(child, defs, seen) for child in _children(node)), default=0)


def _named_children(node: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, sub in (node.get("properties") or {}).items():
        if isinstance(sub, dict):
            yield f"{path}.{name}", sub
    if isinstance(node.get("items"), dict):
        yield f"{path}[]", node["items"]
    for i, sub in enumerate(node.get("anyOf") or []):
        if isinstance(sub, dict):
            yield f"{path}|{i}", sub


def _children(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (child for _, child in _named_children(node, ""))
