"""What each page's context read from the archive, so the next build rebuilds only what could differ.

While a context is built, the archive and its index are seen through `Watched` views that note
every key read ("article x", "story of x", "the list of entity y"); iterating over a whole
collection notes the collection. After the build the reads of each page are stored with the
collections they were read from. The next build compares those collections with its own (whole
dicts first, which is fast when equal): a page none of whose reads changed value has the context
it had, so its signature and file stand without building it again. Anything outside the archive
(configuration, templates) is in `world`: when that changes, every context is built again.
"""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import orjson

from ..core.collector import no_collection
from ..core.model import Archive, Relation
from ..core.schema import field_names
from .lookup import SiteIndex
from .wording import reasons

WHOLE = "\x1e*"      # the key of a read of a whole collection
SIZE = "\x1e#"       # ... and of its length alone
SEP = "\x1f"
# What of the archive no page reads: the build's warnings. Every other field of the archive and
# of its index, one added later too, is seen through a view that records its reads.
UNWATCHED = {"problems": "the build's warnings, printed, never on a page"}
# An article is two reads: its text, and every other field. A page that lists it by its title
# reads the second alone, and an edit of its text makes again only the pages that show the text.
ARTICLES = "articles"
TEXTS = "texts"                                  # not a field of the archive: a collection of its own
TEXT_FIELDS = frozenset({"body", "digest"})      # the digest is of the file's bytes: it changes with them


def archive_fields(archive: Archive) -> tuple[str, ...]:
    """The archive's collections a context can read, by field name."""
    return field_names(type(archive), tuple(UNWATCHED))


def collections(archive: Archive) -> tuple[str, ...]:
    """The names of every collection a context can read from the archive: its fields, and TEXTS."""
    return (*archive_fields(archive), TEXTS)


def index_fields(index: SiteIndex) -> tuple[str, ...]:
    return field_names(type(index))


class Recorder:
    """The keys read since `current` was last emptied."""

    def __init__(self) -> None:
        self.current: set[str] = set()

    def note(self, name: str, key: str) -> None:
        self.current.add(name + SEP + key)

    @contextmanager
    def apart(self) -> Iterator[set[str]]:
        """Collect reads into a set of their own (for a memo), then add them to the outer ones."""
        outer, self.current = self.current, set()
        try:
            yield self.current
        finally:
            outer |= self.current
            self.current = outer

    def take(self) -> set[str]:
        reads, self.current = self.current, set()
        return reads


class Watched(Mapping[str, Any]):
    """A read-only view of a dict that notes what is read from it."""

    __slots__ = ("name", "data", "recorder", "prefix")

    def __init__(self, name: str, data: Mapping[str, Any], recorder: Recorder) -> None:
        self.name, self.data, self.recorder, self.prefix = name, data, recorder, name + SEP

    def __getitem__(self, key: str) -> Any:
        self.recorder.current.add(self.prefix + key)
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        self.recorder.current.add(self.prefix + key)
        return self.data.get(key, default)

    def __contains__(self, key: object) -> bool:
        self.recorder.current.add(self.prefix + str(key))
        return key in self.data

    def __iter__(self) -> Iterator[str]:
        self.recorder.note(self.name, WHOLE)
        return iter(self.data)

    def __len__(self) -> int:
        self.recorder.note(self.name, SIZE)
        return len(self.data)

    def keys(self) -> Any:
        self.recorder.note(self.name, WHOLE)
        return self.data.keys()

    def values(self) -> Any:
        self.recorder.note(self.name, WHOLE)
        return self.data.values()

    def items(self) -> Any:
        self.recorder.note(self.name, WHOLE)
        return self.data.items()


class WatchedList(Sequence[Any]):
    """A read-only view of a list or tuple; any read of it is a read of all of it."""

    __slots__ = ("name", "data", "recorder")

    def __init__(self, name: str, data: Sequence[Any], recorder: Recorder) -> None:
        self.name, self.data, self.recorder = name, data, recorder

    def __getitem__(self, index: Any) -> Any:
        self.recorder.note(self.name, WHOLE)
        return self.data[index]

    def __iter__(self) -> Iterator[Any]:
        self.recorder.note(self.name, WHOLE)
        return iter(self.data)

    def __len__(self) -> int:
        self.recorder.note(self.name, WHOLE)
        return len(self.data)


class WatchedArticles(Watched):
    """The articles, each seen as a `WatchedArticle`: a page that shows an article's title but not
    its text is not made again when only its text changes. A pass over all of them is a read of
    every field of every one."""

    __slots__ = ("seen",)

    def __init__(self, data: Mapping[str, Any], recorder: Recorder) -> None:
        super().__init__(ARTICLES, data, recorder)
        self.seen: dict[str, WatchedArticle] = {}

    def __getitem__(self, key: str) -> Any:
        self.recorder.current.add(self.prefix + key)
        view = self.seen.get(key)
        if view is None:
            view = self.seen[key] = WatchedArticle(self.data[key], self.recorder, key)
        return view

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self.data else Watched.get(self, key, default)

    def values(self) -> Any:
        self.recorder.note(TEXTS, WHOLE)
        return super().values()

    def items(self) -> Any:
        self.recorder.note(TEXTS, WHOLE)
        return super().items()


class WatchedArticle:
    """One article while reads are recorded: its text (`TEXT_FIELDS`) is a read of TEXTS, every
    other field a read of ARTICLES (noted when the article is looked up)."""

    __slots__ = ("_article", "_recorder", "_text")

    def __init__(self, article: Any, recorder: Recorder, slug: str) -> None:
        self._article, self._recorder, self._text = article, recorder, TEXTS + SEP + slug

    def __getattr__(self, name: str) -> Any:
        if name in TEXT_FIELDS:
            self._recorder.current.add(self._text)
        return getattr(self._article, name)


def watched(archive: Archive, index: SiteIndex, recorder: Recorder) -> tuple[Archive, SiteIndex]:
    """The archive and index as contexts see them while their reads are recorded."""
    views = {name: _view(name, getattr(archive, name), recorder) for name in archive_fields(archive)}
    seen = {name: _view("i." + name, getattr(index, name), recorder) for name in index_fields(index)}
    return replace(archive, **views), replace(index, **seen)


def _view(name: str, data: Any, recorder: Recorder) -> Any:
    if name == ARTICLES:
        return WatchedArticles(data, recorder)
    return Watched(name, data, recorder) if isinstance(data, Mapping) else WatchedList(name, data, recorder)


class Collections(Mapping[str, bytes]):
    """Each collection's JSON by its name (as `values` gives them), with a hash of each, made once
    when first asked: two builds' collections are compared by their hashes, and a kept record
    reads back only the collections whose hash differs (`build.depends_file`)."""

    def __init__(self, data: Mapping[str, bytes], digests: Mapping[str, str] | None = None) -> None:
        self.data = data
        self.digests: dict[str, str] = dict(digests or {})

    def __getitem__(self, name: str) -> bytes:
        return self.data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def digest(self, name: str) -> str:
        if name not in self.digests:
            self.digests[name] = value_digest(self[name])
        return self.digests[name]


def value_digest(value: bytes) -> str:
    return hashlib.blake2b(value, digest_size=16).hexdigest()


def values(archive: Archive, index: SiteIndex) -> Collections:
    """Every collection a context can read, by its name in the recorded reads, as plain values.

    An article's text (`TEXTS`) stands for its file: the same path and bytes parse to the same
    article under the same configuration (which is in `world`), and comparing its text would read
    every body again; its other fields are hashed, small as they are. Each collection is returned
    as its JSON (records as objects of all their fields): the form it is kept in between builds,
    and bytes compare at once; only a collection whose bytes differ is read back to tell which of
    its keys changed (and related coverage compared in words, `SHOWN`).
    """
    found: dict[str, Any] = {name: getattr(archive, name) for name in archive_fields(archive)}
    articles = archive.articles.items()
    fields = {kind: field_names(kind, tuple(sorted(TEXT_FIELDS))) for kind in {type(a) for _, a in articles}}
    found[ARTICLES] = {slug: value_digest(orjson.dumps([getattr(a, name) for name in fields[type(a)]]))
                       for slug, a in articles}
    found[TEXTS] = {slug: f"{a.path}\x01{a.digest}" if a.digest else a.body for slug, a in articles}
    found |= {"i." + name: getattr(index, name) for name in index_fields(index)}
    return Collections({name: orjson.dumps(value) for name, value in found.items()})


def _worded(links: list[dict[str, Any]]) -> list[Any]:
    """Related coverage (as `values` keeps it: facts) as the pages word it."""
    return [(link["slug"], link["score"], reasons(Relation(**link["why"]))) for link in links]


# Collections kept as facts and compared as the pages show them, so that facts which give the
# same words change no page; only the keys whose facts differ are worded.
SHOWN: dict[str, Callable[[Any], Any]] = {"related": _worded}


def changed_reads(before: Mapping[str, Any], now: Mapping[str, Any]) -> set[str] | None:
    """The reads whose value differs between two `values`; None when they cannot be compared."""
    if set(before) != set(now):
        return None
    changed: set[str] = set()
    for name in now:
        if not _same_collection(before, now, name):
            changed |= _changed_keys(name, _plain(before[name]), _plain(now[name]))
    return changed


def _same_collection(before: Mapping[str, Any], now: Mapping[str, Any], name: str) -> bool:
    """Compared by hashes where both sides keep them (`Collections`), else by value."""
    if isinstance(before, Collections) and isinstance(now, Collections):
        return before.digest(name) == now.digest(name)
    return bool(before[name] == now[name])


def _changed_keys(name: str, old: Any, new: Any) -> set[str]:
    """The reads of one collection whose value differs (its bytes do)."""
    if not (isinstance(new, Mapping) and isinstance(old, Mapping)):
        return {name + SEP + WHOLE}
    shown = SHOWN.get(name)
    keys = {name + SEP + key for key in old.keys() | new.keys() if not _same(old.get(key, _MISSING),
                                                                            new.get(key, _MISSING), shown)}
    if shown is None or keys or list(old) != list(new):
        keys.add(name + SEP + WHOLE)
    if len(old) != len(new):
        keys.add(name + SEP + SIZE)
    return keys


def _same(old: Any, new: Any, shown: Callable[[Any], Any] | None) -> bool:
    """Two values of a key equal, or (`shown`, a collection's `SHOWN`) shown alike."""
    if old == new:
        return True
    return shown is not None and old is not _MISSING and new is not _MISSING and shown(old) == shown(new)


_MISSING = object()


def _plain(value: Any) -> Any:
    """A collection from its JSON (as `values` gives it), or as it is."""
    return orjson.loads(value) if isinstance(value, bytes) else value


def read_id(read: str) -> int:
    """32 bits of a read: two reads that share one only cost an extra rebuild, never a missed one."""
    return zlib.crc32(read.encode("utf-8", "surrogatepass"))


def read_ids(reads: set[str], ids: dict[str, int]) -> np.ndarray:
    """The recorded reads of one page as sorted ids (`ids` memoises read -> id)."""
    for read in reads:
        if read not in ids:
            ids[read] = read_id(read)
    out = np.fromiter(map(ids.__getitem__, reads), dtype=np.uint32, count=len(reads))
    out.sort()
    return out


@dataclass(frozen=True)
class Depends:
    """Per output path, the ids of the reads its context was built from (output n's are
    ids[bounds[n]:bounds[n + 1]]), and the values that were read from. `inputs` is the manifest's
    fingerprint of the same build: a record that does not match its manifest is not used."""

    inputs: str = ""
    world: str = ""
    outputs: tuple[str, ...] = ()
    bounds: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))
    values: Collections = field(default_factory=lambda: Collections({}))

    def of(self, n: int) -> np.ndarray:
        return self.ids[self.bounds[n]:self.bounds[n + 1]]

    def changed(self, world: str, values: Mapping[str, Any]) -> set[str] | None:
        """The reads whose value changed since this record's build (to `values`); None when that is
        not known or anything outside the archive changed."""
        try:
            with no_collection():
                return changed_reads(self.values, values) if world == self.world and self.outputs else None
        except ValueError:        # a damaged record: build every context again
            return None

    def clean(self, changed: set[str] | None) -> dict[str, int]:
        """The outputs none of whose reads are `changed` (so their context is as recorded), with
        their position; none when what changed is not known."""
        if changed is None:
            return {}
        stale = np.array(sorted({read_id(read) for read in changed}), dtype=np.uint32)
        clean = np.ones(len(self.outputs), dtype=bool)
        clean[np.searchsorted(self.bounds, _positions(self.ids, stale), side="right") - 1] = False
        return {self.outputs[n]: n for n in np.flatnonzero(clean).tolist()}


_LOW_BITS = np.uint32((1 << 20) - 1)


def _positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where `ids` holds any of `wanted`: first by their low bits, looked up in a table (one pass
    over the ids whatever the number wanted; `np.isin` makes one per id wanted), then exactly."""
    table = np.zeros(int(_LOW_BITS) + 1, dtype=bool)
    table[wanted & _LOW_BITS] = True
    maybe = np.flatnonzero(table[ids & _LOW_BITS])
    return maybe[np.isin(ids[maybe], wanted)]


def merge(old: Depends, inputs: str, world: str, kept: dict[str, int], built: dict[str, np.ndarray],
          values: Mapping[str, bytes], order: list[str]) -> Depends:
    """This build's record, for the outputs in `order`: the kept ones' reads from the last build,
    the built ones' new reads. The kept outputs that follow each other in the last build's order
    are copied as one run: the cost is in the outputs built, not in those kept."""
    where = np.fromiter((-1 if o in built else kept[o] for o in order), dtype=np.int64, count=len(order))
    was = where >= 0
    lengths = np.zeros(len(order), dtype=np.int64)
    lengths[was] = (old.bounds[1:] - old.bounds[:-1])[where[was]]
    new = np.flatnonzero(~was)
    lengths[new] = [len(built[order[n]]) for n in new.tolist()]
    bounds = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    # a run starts at every output built, after one, and where the last build's order breaks
    starts = np.flatnonzero(np.concatenate(([True], ~was[1:] | ~was[:-1] | (where[1:] != where[:-1] + 1))))
    ends = np.append(starts[1:], len(order))
    arrays = [old.ids[old.bounds[where[s]]:old.bounds[where[e - 1] + 1]] if was[s] else built[order[s]]
              for s, e in zip(starts.tolist(), ends.tolist())]
    ids = np.concatenate(arrays).astype(np.uint32, copy=False) if arrays else np.zeros(0, dtype=np.uint32)
    kept_values = values if isinstance(values, Collections) else Collections(values)
    return Depends(inputs, world, tuple(order), bounds, ids, kept_values)
