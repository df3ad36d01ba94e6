"""A small JSON Schema validator (the subset docs/bundle.schema.json uses), whose errors name
the JSON path ("$.records['talks.talk'][3].fields.talk_date: …"), so whoever hands over a bundle
can find what is wrong in it.

Supported keywords: $ref (local), type, const, enum, required, properties, additionalProperties (bool or
schema), items, minLength, pattern, minimum. The schema file stays a standard JSON Schema
(draft 2020-12) that other tools can use too.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parent / "bundle.schema.json"

TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


@cache
def bundle_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def path_join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else f"{path}[{key!r}]"


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


def validate(value: Any, schema: dict, path: str = "$", root: dict | None = None) -> list[str]:
    """Every error as "path: 中文说明"; an empty list when the value conforms."""
    root = root if root is not None else schema
    if "$ref" in schema:  # only local references: "#/$defs/name"
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return validate(value, target, path, root)
    errors: list[str] = []
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is_type(value, n) for n in names):
            return [f"{path}：应为{'或'.join(names)}类型"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}：应为 {json.dumps(schema['const'], ensure_ascii=False)}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}：取值不在允许范围内")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}：不能为空")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}：格式不正确")
    if _is_type(value, "number") and "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}：不能小于{schema['minimum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{path_join(path, key)}：缺少此项")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                errors += validate(item, props[key], path_join(path, key), root)
            elif extra is False:
                errors.append(f"{path_join(path, key)}：不应出现此项")
            elif isinstance(extra, dict):
                errors += validate(item, extra, path_join(path, key), root)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += validate(item, schema["items"], path_join(path, i), root)
    return errors
