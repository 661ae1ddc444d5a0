"""JSON Schemas of the front matter and of site.toml, made from the tables the loaders check by.

Editors validate against them (YAML and TOML language servers); `site-builder schema` prints
them and `docs/schemas/` ships them. The front matter's come from `content.articles.FRONT_MATTER`,
site.toml's from the `Config` dataclasses, their defaults and `LIMITS`: a key the loader learns is
in the schema without another edit.
"""
from __future__ import annotations

import dataclasses
from typing import Any, get_type_hints

from ..content.articles import FRONT_MATTER, SITE_PATH, Key
from ..core.config import HTML_POLICIES, LIMITS, Config
from ..core.slugs import MAX_SLUG

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DATE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
TEXT: dict[str, Any] = {"type": ["string", "number"]}
_KINDS: dict[str, dict[str, Any]] = {
    "text": TEXT,
    "names": {"oneOf": [{"type": "string"}, {"type": "array", "items": TEXT}]},
    "date": {"type": "string", "pattern": DATE},
    "bool": {"type": "boolean"},
    "url": {"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"},
    "capture": {"type": "string", "pattern": f"^([Hh][Tt][Tt][Pp][Ss]?://|{SITE_PATH.pattern}$)"},
    "slug": {"type": "string", "pattern": SLUG, "maxLength": MAX_SLUG},
    "mapping": {"type": "object"},
}
_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def front_matter_schema() -> dict[str, Any]:
    """The schema of an article's front matter (its dates as YAML 1.2 reads them: strings)."""
    return {"$schema": DRAFT, "$id": "https://site-builder.invalid/schemas/front-matter.schema.json",
            "title": "site_builder article front matter", "type": "object",
            "properties": {name: _key(key) for name, key in FRONT_MATTER.items()},
            "required": [name for name, key in FRONT_MATTER.items() if key.required],
            "additionalProperties": False}


def _key(key: Key) -> dict[str, Any]:
    found = {"description": key.about, **_KINDS[key.kind]}
    if key.required and key.kind == "text":
        found["minLength"] = 1
    return found


def site_schema() -> dict[str, Any]:
    """The schema of site.toml."""
    return {"$schema": DRAFT, "$id": "https://site-builder.invalid/schemas/site.schema.json",
            "title": "site_builder site.toml", **_table(Config, "")}


def _table(cls: type, prefix: str) -> dict[str, Any]:
    hints = get_type_hints(cls)
    defaults = cls()
    properties: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        kind = hints[field.name]
        if dataclasses.is_dataclass(kind):
            properties[field.name] = _table(kind, f"{prefix}{field.name}.")     # type: ignore[arg-type]
            continue
        found: dict[str, Any] = {"type": _TYPES[kind],
                                 "default": getattr(defaults, field.name)}
        if f"{prefix}{field.name}" in LIMITS:
            found["minimum"], found["maximum"] = LIMITS[f"{prefix}{field.name}"]
        if field.name == "html_policy":
            found["enum"] = list(HTML_POLICIES)
        properties[field.name] = found
    return {"type": "object", "properties": properties, "additionalProperties": False}


SCHEMAS = {"front-matter": front_matter_schema, "site": site_schema}
