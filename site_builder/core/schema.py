"""Versions of kept state and lists of watched fields, derived from the records themselves.

A store's version is a hash of the definitions of the records it keeps: every field's name and
type, through the records nested in them, and a format number set by hand only for a change of
meaning the fields do not show. A field added, removed, renamed or retyped gives every store
holding its record a new version, so what an earlier build kept is built again, never read. A
store of results the package computes (parsed files, the story intelligence's) is `made`: its
version also changes with the code that computes them (`code.code_digest`), so an algorithm that
fills the same fields differently never has its old results read.
"""
from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from . import code


@dataclass(frozen=True)
class Schema:
    """What one store keeps: its records (dataclasses or TypedDicts) and the format of their meaning."""

    records: tuple[Any, ...]          # record types, or aliases of generic types over them
    format: int = 1
    made: bool = False                # results of the package's code: the version changes with it

    @property
    def version(self) -> str:
        return self._version(self._described)

    def version_with(self, swapped: Mapping[type, type]) -> str:
        """The version this store would have were each record in `swapped` defined as its value."""
        return self._version(self._describe(swapped))

    @cached_property
    def _described(self) -> str:
        return self._describe({})

    def _describe(self, swapped: Mapping[type, type]) -> str:
        return f"{self.format}\0" + "\0".join(describe(record, swapped) for record in self.records)

    def _version(self, described: str) -> str:
        text = described + "\0" + code.code_digest() if self.made else described
        return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def schema(*records: Any, format: int = 1, made: bool = False) -> Schema:
    return Schema(records, format, made)


def describe(kind: Any, swapped: Mapping[type, type] | None = None) -> str:
    """A type as text: a record by its name and each field's name and type, recursively."""
    return _describe(kind, swapped or {}, set())


def _describe(kind: Any, swapped: Mapping[type, type], seen: set[type]) -> str:
    kind = swapped.get(kind, kind)
    if _is_record(kind):
        if kind in seen:                       # a record nested in itself: named, not unrolled again
            return kind.__qualname__
        inner = seen | {kind}
        return kind.__qualname__ + "(" + ", ".join(f"{name}: {_describe(hint, swapped, inner)}"
                                                   for name, hint in _hints(kind).items()) + ")"
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is not None:
        name = "Union" if origin is types.UnionType else getattr(origin, "__qualname__", repr(origin))
        return name + "[" + ", ".join(_describe(arg, swapped, seen) for arg in args) + "]"
    if kind is Ellipsis:
        return "..."
    if isinstance(kind, type):
        return f"{kind.__module__}.{kind.__qualname__}"
    return repr(kind)


def _is_record(kind: Any) -> bool:
    return isinstance(kind, type) and (dataclasses.is_dataclass(kind) or typing.is_typeddict(kind))


@cache
def _hints(record: type) -> dict[str, Any]:
    """A record's fields in their order, with their resolved types."""
    hints = typing.get_type_hints(record)
    if dataclasses.is_dataclass(record):
        return {f.name: hints[f.name] for f in dataclasses.fields(record)}
    return hints


def field_names(record: type, unwatched: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The names of a dataclass's fields in order, less those deliberately `unwatched`, each of
    which must be one of its fields (an exclusion never outlives the field it names)."""
    return _field_names(record, unwatched)


@cache
def _field_names(record: Any, unwatched: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(f.name for f in dataclasses.fields(record))
    unknown = sorted(set(unwatched) - set(names))
    if unknown:
        raise TypeError(f"{record.__qualname__} has no fields {unknown} to leave unwatched")
    return tuple(name for name in names if name not in unwatched)
