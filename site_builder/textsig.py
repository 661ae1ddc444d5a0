"""Text signatures shared by the story intelligence: tokens, shingles, MinHash, TF-IDF.

Pure functions over strings and numpy arrays; nothing here reads files or keeps state.
Every article is read once (`analyse_archive`): the words of many articles at a time are
hashed with vectorised numpy operations over their bytes, and what both stories and related
coverage need (body shingles, MinHash, weighted term counts, entities) comes out as arrays.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.pool
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from .model import Article

SHINGLE = 3                       # words per shingle: short enough for a copy edited in every sentence
LEDE_SHINGLES = 40                # shingles of a body's lede, signed apart: a copy cut short keeps its lede
BINS = 64                         # MinHash values per signature (one-permutation hashing)
BAND_ROWS = 2                     # values per LSH band: 32 bands of 2 find pairs down to Jaccard ~0.3
EMPTY = np.uint64(2**64 - 1)
_DROP = ".'\u2019"                    # 'U.S.' is 'us', "Iran's" is 'irans'
_PUNCT = str.maketrans({c: (None if c in _DROP else " ") for c in map(chr, range(0x2070)) if not c.isalnum()})
_MIX = np.uint64(0x9E3779B97F4A7C15)
STOPWORDS = frozenset("""a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our out over own same she should so some such than that the their them then there these they
this those through to too under until up very was we were what when where which while who whom why will with would
you your said says say told would could one two new year years last first week monday tuesday wednesday thursday
friday saturday sunday according since yet still however""".split())


# Newswire house style: a copy that writes 'million' for 'mln' is still the same text.
ABBREVIATIONS = {"mln": "million", "bln": "billion", "pct": "percent", "dlrs": "dollars", "dlr": "dollar",
                 "cts": "cents", "shr": "share", "shrs": "shares", "qtr": "quarter", "qtly": "quarterly",
                 "yr": "year", "mths": "months", "govt": "government", "intl": "international"}


def words(text: str) -> list[str]:
    """Lowercase word tokens; 'U.S.' is 'us', Markdown markup and punctuation are ignored."""
    return text.lower().translate(_PUNCT).split()


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Number of shared values of two sorted unique arrays."""
    return int(np.intersect1d(a, b, assume_unique=True).size)


# --- word hashes: a polynomial hash over bytes, vectorised with prefix sums (mod 2**64) ---

_BASE = 0x100000001B3                 # odd, so invertible modulo 2**64
_SPACE = 32


def _byte_table() -> bytes:
    """ASCII lowercased, punctuation to space (for `bytes.translate`); UTF-8 bytes of other letters kept."""
    table = bytearray(range(256))
    for code in range(128):
        char = chr(code)
        table[code] = ord(char.lower()) if char.isalnum() else _SPACE
    return bytes(table)


_TABLE = _byte_table()
_GONE_BYTES = _DROP[:2].encode()      # '.' and "'" (the curly quote is not ASCII: `_PUNCT` drops it)


class _Powers:
    """BASE**k and BASE**-k modulo 2**64 for k < size, grown on demand."""

    def __init__(self) -> None:
        self.up = self.down = np.ones(1, dtype=np.uint64)

    def ensure(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < size:
            size = max(size, 2 * len(self.up))
            self.up, self.down = _powers(_BASE, size), _powers(pow(_BASE, -1, 2**64), size)
        return self.up, self.down


def _powers(base: int, size: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.concatenate(([np.uint64(1)], np.cumprod(np.full(size - 1, base, dtype=np.uint64))))


_POWERS = _Powers()


def _finish(hashes: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        hashes ^= hashes >> np.uint64(29)
        hashes *= _MIX
        hashes ^= hashes >> np.uint64(32)
    return hashes


@dataclass(frozen=True)
class _Spans:
    """Words of normalised bytes: [begin, end) byte ranges and prefix sums for hashing any range."""

    text: np.ndarray
    begin: np.ndarray
    end: np.ndarray
    prefix: np.ndarray

    def hashes(self, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Hash of the bytes [begin, end) of each word: sum of byte * BASE**(end - 1 - position)."""
        up = _POWERS.ensure(len(self.text) + 1)[0]
        with np.errstate(over="ignore"):
            return _finish((self.prefix[end] - self.prefix[begin]) * up[end - 1])

    def count(self, flags: np.ndarray) -> np.ndarray:
        """How many flagged bytes each word has (spaces are never flagged)."""
        return np.add.reduceat(flags, self.begin, dtype=np.int32) if len(self.begin) else self.begin


def _spans(text: np.ndarray) -> _Spans:
    """`text` starts and ends with a space."""
    letter = text != _SPACE
    begin = np.flatnonzero(letter[1:] & ~letter[:-1]) + 1
    end = np.flatnonzero(letter[:-1] & ~letter[1:]) + 1
    down = _POWERS.ensure(len(text) + 1)[1]
    prefix = np.empty(len(text) + 1, dtype=np.uint64)
    prefix[0] = 0
    prefix[1:] = text
    with np.errstate(over="ignore"):
        prefix[1:] *= down[: len(text)]
        np.cumsum(prefix[1:], out=prefix[1:])
    return _Spans(text, begin, end, prefix)


@dataclass(frozen=True)
class Tokens:
    """Words of many fields laid end to end: hash, stemmed term hash, whether a topic term, field."""

    hashes: np.ndarray     # uint64, every word as written (lowercased)
    terms: np.ndarray      # uint64, the same with a plural 's' dropped
    topical: np.ndarray    # bool: not a stopword, number or one- or two-letter word
    field: np.ndarray      # int64, index into the fields given


def tokens(fields: Sequence[str]) -> Tokens:
    """Hash the words of every field at once; the same word gives the same hash in every process."""
    parts = [(f if f.isascii() else f.lower().translate(_PUNCT)).encode("utf-8").translate(_TABLE, _GONE_BYTES)
             for f in fields]
    field_starts = np.ones(len(parts), dtype=np.int64)
    np.cumsum([len(p) + 1 for p in parts[:-1]], out=field_starts[1:])
    field_starts[1:] += 1
    spans = _spans(np.frombuffer(b" " + b" ".join(parts) + b" ", dtype=np.uint8))
    hashes = _expanded(spans.hashes(spans.begin, spans.end))
    letters = spans.end - spans.begin
    if len(spans.text) and spans.text.max() >= 0x80:
        letters = letters - spans.count((spans.text & 0xC0) == 0x80)
    topical = (letters > 2) & ~_numbers(spans) & ~_stopwords(hashes)
    plural = _plural(spans.text, spans.end, letters)
    terms = hashes.copy()
    terms[plural] = spans.hashes(spans.begin[plural], spans.end[plural] - 1)
    return Tokens(hashes, terms, topical, np.searchsorted(field_starts, spans.begin, side="right") - 1)


def _plural(text: np.ndarray, end: np.ndarray, letters: np.ndarray) -> np.ndarray:
    """Words whose plural 's' is dropped: longer than four letters, ending in 's' but not 'ss'."""
    long = letters > 4
    last, before = text[np.where(long, end - 1, 0)], text[np.where(long, end - 2, 0)]
    return long & (last == ord("s")) & (before != ord("s"))


def _numbers(spans: _Spans) -> np.ndarray:
    """Words made of digits only."""
    digit = (spans.text >= ord("0")) & (spans.text <= ord("9"))
    numbers = digit[spans.begin]
    if numbers.any():
        numbers &= spans.count(~digit & (spans.text != _SPACE)) == 0
    return numbers


_STOP_TABLE: list[tuple[np.ndarray, np.ndarray, np.uint64]] = []
_ABBREVIATION_TABLE: list[tuple[np.ndarray, np.ndarray]] = []


def _word_hashes(text: str) -> np.ndarray:
    spans = _spans(np.frombuffer(b" " + text.encode() + b" ", dtype=np.uint8))
    return spans.hashes(spans.begin, spans.end)


def _expanded(hashes: np.ndarray) -> np.ndarray:
    """Hashes of abbreviations (`ABBREVIATIONS`) replaced by those of the words they stand for."""
    if not _ABBREVIATION_TABLE:
        short, full = _word_hashes(" ".join(ABBREVIATIONS)), _word_hashes(" ".join(ABBREVIATIONS.values()))
        order = np.argsort(short)
        _ABBREVIATION_TABLE.append((short[order], full[order]))
    short, full = _ABBREVIATION_TABLE[0]
    at = np.minimum(np.searchsorted(short, hashes), len(short) - 1)
    found = short[at] == hashes
    if found.any():
        hashes = hashes.copy()
        hashes[found] = full[at[found]]
    return hashes


def _stopwords(hashes: np.ndarray) -> np.ndarray:
    """Which hashes are stopwords: a direct table on the low bits, then the full hash compared."""
    if not _STOP_TABLE:
        spans = _spans(np.frombuffer(b" " + " ".join(sorted(STOPWORDS)).encode() + b" ", dtype=np.uint8))
        stop = np.concatenate(([np.uint64(0)], spans.hashes(spans.begin, spans.end)))
        bits = next(b for b in range(12, 40) if len(np.unique(stop[1:] & np.uint64(2**b - 1))) == len(stop) - 1)
        table = np.zeros(2**bits, dtype=np.int32)
        table[(stop[1:] & np.uint64(2**bits - 1)).astype(np.int64)] = np.arange(1, len(stop))
        _STOP_TABLE.append((table, stop, np.uint64(2**bits - 1)))
    table, stop, mask = _STOP_TABLE[0]
    found = table[(hashes & mask).astype(np.int64)]
    return (found > 0) & (stop[found] == hashes)


# --- per-article analysis: shingles, MinHash and weighted term counts, many articles at a time ---

@dataclass(frozen=True)
class Doc:
    """The text of one article as the analysis sees it."""

    title: str
    summary: str
    body: str


FIELDS = 5                        # title, summary, lede (first paragraph), second paragraph, the rest
STORY_WEIGHTS = np.array([3.0, 2.0, 2.0, 1.0, 1.0])     # the inverted pyramid: the top says what it is about
RELATED_WEIGHTS = np.array([3.0, 2.0, 2.0, 1.0, 0.0])   # related coverage reads the top two paragraphs only
CHUNK = 500                       # articles hashed together (fewer than 2**16)
ANALYSIS_VERSION = 2              # change when what a chunk's analysis holds or means changes
PARALLEL = 2000                   # from this many articles on, two processes share the work


@dataclass(frozen=True)
class Shingles:
    """Sorted unique shingle hashes (32 bits) of many documents: doc i is values[starts[i]:starts[i+1]]."""

    values: np.ndarray     # uint32
    starts: np.ndarray     # int64, len = documents + 1

    def of(self, index: int) -> np.ndarray:
        return self.values[self.starts[index]: self.starts[index + 1]]

    def size(self, index: int) -> int:
        return int(self.starts[index + 1] - self.starts[index])


@dataclass(frozen=True)
class Analysis:
    """Per document: body shingles, their MinHash signature, weighted term counts (docs x terms, CSR)."""

    shingles: Shingles
    signature: np.ndarray          # (docs, BINS) uint64
    lede: np.ndarray               # (docs, BINS) uint64, the signature of the first LEDE_SHINGLES shingles
    story_terms: sp.csr_matrix     # title, summary, lede weighted up, whole body
    related_terms: sp.csr_matrix   # the same over the top two paragraphs


@dataclass(frozen=True)
class ChunkAnalysis:
    """What one chunk of documents gives; term hashes are mapped to columns once all chunks are in."""

    shingles: np.ndarray
    lengths: np.ndarray
    signature: np.ndarray
    lede: np.ndarray
    vocabulary: np.ndarray   # uint64, sorted distinct term hashes of the chunk
    terms: np.ndarray        # int32 indices into `vocabulary`
    rows: np.ndarray
    story: np.ndarray
    related: np.ndarray


def _fields(doc: Doc) -> list[str]:
    paragraphs = doc.body.split("\n\n", 2)
    return [doc.title, doc.summary, *paragraphs, *[""] * (3 - len(paragraphs))]


def _analyse_chunk(docs: Sequence[Doc]) -> ChunkAnalysis:
    found = tokens([field for doc in docs for field in _fields(doc)])
    doc, kind = found.field // FIELDS, found.field % FIELDS
    body = kind >= 2
    values, owner = _shingle_hashes(found.hashes[body], doc[body], len(docs))
    lengths = np.bincount(owner, minlength=len(docs))
    signature = minhash(values, lengths)
    lede = np.arange(len(owner)) - np.searchsorted(owner, owner) < LEDE_SHINGLES    # owners are sorted
    lede_signature = minhash(values[lede], np.bincount(owner[lede], minlength=len(docs)))
    unique = _unique_per_doc((values >> np.uint64(32)).astype(np.uint32), owner)
    counts = _term_counts(found.terms[found.topical], doc[found.topical], kind[found.topical])
    return ChunkAnalysis(unique[0], np.bincount(unique[1], minlength=len(docs)), signature, lede_signature, *counts)


def _shingle_hashes(ids: np.ndarray, doc: np.ndarray, docs: int, size: int = SHINGLE) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of `size` consecutive words of one document (short ones: one shingle), owners."""
    count = max(len(ids) - size + 1, 0)
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            combined = (combined * _MIX) ^ ids[offset: offset + count]
    whole = doc[:count] == doc[size - 1:]
    values, owner = [combined[whole]], [doc[:count][whole]]
    words = np.bincount(doc, minlength=docs)
    for short in np.flatnonzero((words > 0) & (words < size)).tolist():
        first = int(np.searchsorted(doc, short))
        value = np.zeros(1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for word in ids[first: first + words[short]]:
                value = (value * _MIX) ^ word
        values.append(value)
        owner.append(np.array([short]))
    mixed, owner_all = np.concatenate(values), np.concatenate(owner)
    if len(values) > 1:
        order = np.argsort(owner_all, kind="stable")
        mixed, owner_all = mixed[order], owner_all[order]
    with np.errstate(over="ignore"):
        mixed ^= mixed >> np.uint64(29)
        mixed *= _MIX
    return mixed, owner_all


def _unique_per_doc(values: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct 32-bit values of each document, and their documents."""
    keys = _distinct((owner.astype(np.uint64) << np.uint64(32)) | values.astype(np.uint64))
    return (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32), (keys >> np.uint64(32)).astype(np.int64)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a plain sort: faster here than `np.unique`'s hashing)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _term_counts(terms: np.ndarray, doc: np.ndarray, kind: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The chunk's sorted distinct terms, and its distinct (doc, term) pairs sorted by doc then term
    (term as an index into the former, doc) with their story and related weights.

    Terms are named by the top 48 bits of their hash (doc numbers of a chunk fit in the rest).
    """
    keys = (doc.astype(np.uint64) << np.uint64(48)) | (terms >> np.uint64(16))
    order = np.argsort(keys)
    keys = keys[order]
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else order
    story = np.add.reduceat(STORY_WEIGHTS[kind[order]], first) if len(keys) else np.zeros(0)
    related = np.add.reduceat(RELATED_WEIGHTS[kind[order]], first) if len(keys) else np.zeros(0)
    terms = keys[first] & np.uint64(2**48 - 1)
    vocabulary = _distinct(terms)
    return vocabulary, np.searchsorted(vocabulary, terms).astype(np.int32), (keys[first] >> np.uint64(48)).astype(
        np.int32), story.astype(np.float32), related.astype(np.float32)


def minhash(values: np.ndarray, lengths: np.ndarray, bins: int = BINS) -> np.ndarray:
    """One-permutation MinHash: per document, the smallest mixed hash in each of `bins` buckets.

    `values` are the documents' shingle hashes one after the other, `lengths` how many each has.
    Returns a (documents, bins) uint64 array; EMPTY where a short document has no value in a bin.
    """
    docs = len(lengths)
    signature = np.full(docs * bins, EMPTY, dtype=np.uint64)
    if len(values):
        with np.errstate(over="ignore"):
            mixed = values * _MIX
            mixed ^= mixed >> np.uint64(31)
        slot = np.repeat(np.arange(docs, dtype=np.int64), lengths) * bins + (mixed % np.uint64(bins)).astype(np.int64)
        np.minimum.at(signature, slot, mixed // np.uint64(bins))
    return signature.reshape(docs, bins)


def analyse(docs: Sequence[Doc]) -> Analysis:
    """Shingle the bodies and count topic terms of every document; two processes for big archives."""
    return _assemble(list(_parts(docs)))


class ChunkStoreLike(Protocol):
    """Chunk analyses kept between runs, by a key of the chunk's texts."""

    def get(self, key: str) -> ChunkAnalysis | None: ...
    def put(self, key: str, part: ChunkAnalysis) -> None: ...


def chunk_key(docs: Sequence[Doc]) -> str:
    """A hash of the texts of a chunk and of the analysis' version: its name in a ChunkStoreLike."""
    digest = hashlib.blake2b(f"{ANALYSIS_VERSION}\0".encode(), digest_size=16)
    for doc in docs:
        for text in (doc.title, doc.summary, doc.body):
            digest.update(text.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
    return digest.hexdigest()


def _ranges(count: int) -> list[tuple[int, int]]:
    return [(begin, min(begin + CHUNK, count)) for begin in range(0, count, CHUNK)]


def _docs(ordered: Sequence[Article]) -> list[Doc]:
    return [Doc(a.title, a.summary, a.body) for a in ordered]


def chunk_keys(articles: Sequence[Article]) -> list[str]:
    """The key of every chunk `analyse_archive` cuts the articles into."""
    docs = _docs(date_order(articles))
    return [chunk_key(docs[begin:end]) for begin, end in _ranges(len(docs))]


def _parts(docs: Sequence[Doc], store: ChunkStoreLike | None = None,
           keys: list[str] | None = None) -> Iterator[ChunkAnalysis]:
    """The chunks' analyses in order, from `store` where it has them (under `keys`, computed when
    not given); with two processes, the work starts before the first is asked for."""
    ranges = _ranges(len(docs))
    if store is None:
        keys = []
    elif keys is None:
        keys = [chunk_key(docs[begin:end]) for begin, end in ranges]
    kept: list[ChunkAnalysis | None] = [store.get(k) for k in keys] if store is not None else [None] * len(ranges)
    todo = [bounds for bounds, part in zip(ranges, kept) if part is None]
    computed = _computed(docs, todo)
    return _merged(kept, computed, keys, store)


def _merged(kept: list[ChunkAnalysis | None], computed: Iterator[ChunkAnalysis], keys: list[str],
            store: ChunkStoreLike | None) -> Iterator[ChunkAnalysis]:
    for index, part in enumerate(kept):
        if part is None:
            part = next(computed)
            if store is not None:
                store.put(keys[index], part)
        yield part
    for _ in computed:      # nothing is left: this lets the pool close
        pass


def _computed(docs: Sequence[Doc], ranges: list[tuple[int, int]]) -> Iterator[ChunkAnalysis]:
    work = sum(end - begin for begin, end in ranges)
    if work < PARALLEL or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return (_analyse_chunk(docs[begin:end]) for begin, end in ranges)
    pool = multiprocessing.get_context("fork").Pool(2, initializer=_share, initargs=(docs,))
    return _collected(pool, pool.imap(_analyse_range, ranges))


def part_arrays(part: ChunkAnalysis) -> dict[str, np.ndarray]:
    return {name: getattr(part, name) for name in ChunkAnalysis.__dataclass_fields__}


def part_from_arrays(arrays: dict[str, np.ndarray]) -> ChunkAnalysis:
    return ChunkAnalysis(**{name: arrays[name] for name in ChunkAnalysis.__dataclass_fields__})


def _collected(pool: multiprocessing.pool.Pool, results: Iterator[ChunkAnalysis]) -> Iterator[ChunkAnalysis]:
    yield from results
    pool.close()
    pool.join()


_SHARED: list[Sequence[Doc]] = []


def _share(docs: Sequence[Doc]) -> None:
    """In a forked worker: the documents (inherited, never pickled)."""
    _SHARED.append(docs)


def _analyse_range(bounds: tuple[int, int]) -> ChunkAnalysis:
    return _analyse_chunk(_SHARED[0][bounds[0]: bounds[1]])


def _assemble(parts: list[ChunkAnalysis]) -> Analysis:
    """The chunks' analyses as one. `parts` is emptied on the way: each chunk is copied into the
    result and let go, so the chunks (700 MB at 100,000 articles) and the result are never both whole."""
    count = sum(len(p.lengths) for p in parts)
    vocabulary = _distinct(np.concatenate([p.vocabulary for p in parts])) if parts else np.zeros(0, np.uint64)
    values = np.empty(sum(len(p.shingles) for p in parts), dtype=np.uint32)
    signature = np.empty((count, BINS), dtype=np.uint64)
    lede = np.empty((count, BINS), dtype=np.uint64)
    lengths = np.empty(count, dtype=np.int64)
    story = _TermRows(count, sum(int(np.count_nonzero(p.story > 0)) for p in parts))
    related = _TermRows(count, sum(int(np.count_nonzero(p.related > 0)) for p in parts))
    doc = shingle = 0
    while parts:
        part = parts.pop(0)
        size = len(part.lengths)
        values[shingle: shingle + len(part.shingles)] = part.shingles
        signature[doc: doc + size] = part.signature
        lede[doc: doc + size] = part.lede
        lengths[doc: doc + size] = part.lengths
        column = np.searchsorted(vocabulary, part.vocabulary).astype(np.int32)[part.terms]
        story.add(doc, size, part.rows, column, part.story)
        related.add(doc, size, part.rows, column, part.related)
        doc, shingle = doc + size, shingle + len(part.shingles)
    starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    return Analysis(Shingles(values, starts), signature, lede, story.matrix(len(vocabulary)), related.matrix(len(vocabulary)))


class _TermRows:
    """Docs x terms filled chunk by chunk; columns ordered by term hash, so every run numbers them the same."""

    def __init__(self, docs: int, entries: int) -> None:
        self.sizes = np.zeros(docs, dtype=np.int64)
        self.columns = np.empty(entries, dtype=np.int32)
        self.data = np.empty(entries, dtype=np.float32)
        self.filled = 0

    def add(self, first: int, docs: int, rows: np.ndarray, columns: np.ndarray, weights: np.ndarray) -> None:
        keep = weights > 0
        end = self.filled + int(np.count_nonzero(keep))
        self.sizes[first: first + docs] = np.bincount(rows[keep], minlength=docs)
        self.columns[self.filled: end] = columns[keep]
        self.data[self.filled: end] = weights[keep]
        self.filled = end

    def matrix(self, width: int) -> sp.csr_matrix:
        indptr = np.concatenate(([0], np.cumsum(self.sizes))).astype(np.int64)
        return sp.csr_matrix((self.data, self.columns, indptr), shape=(len(self.sizes), width))


def densified(signature: np.ndarray) -> np.ndarray:
    """Empty bins of short documents filled from the next filled bin to their right (circularly),
    mixed with the distance, so every band of a short text can find its copies (Shrivastava and
    Li's densified one-permutation hashing). Documents with no value at all stay empty."""
    empty = signature == EMPTY
    rows = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
    if not len(rows):
        return signature
    filled = signature.copy()
    part, missing = signature[rows], empty[rows]
    result = part.copy()
    for distance in range(1, signature.shape[1]):
        if not missing.any():
            break
        source = np.roll(part, -distance, axis=1)
        take = missing & (source != EMPTY)
        with np.errstate(over="ignore"):
            result[take] = (source[take] + np.uint64(distance)) * _MIX
        missing &= ~take
    filled[rows] = result
    return filled


def lsh_pairs(signature: np.ndarray, rows: int = BAND_ROWS, max_bucket: int = 50) -> np.ndarray:
    """Candidate pairs (i < j) that agree on all values of at least one band; (n, 2) int64, unique."""
    signature = densified(signature)
    found: list[np.ndarray] = []
    for start in range(0, signature.shape[1] - rows + 1, rows):
        band = signature[:, start: start + rows]
        usable = np.flatnonzero((band != EMPTY).all(axis=1))
        with np.errstate(over="ignore"):
            key = band[usable, 0].copy()
            for column in range(1, rows):
                key = key * _MIX ^ band[usable, column]
        found.append(bucket_pairs(key, usable, max_bucket))
    pairs = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
    if not len(pairs):
        return pairs
    codes = _distinct(pairs[:, 0] * len(signature) + pairs[:, 1])
    return np.stack([codes // len(signature), codes % len(signature)], axis=1)


def bucket_pairs(keys: np.ndarray, members: np.ndarray, max_bucket: int) -> np.ndarray:
    """Pairs of members with equal keys: each with its bucket's first and with its predecessor.

    Enough to connect every bucket (a star and a chain); huge buckets (boilerplate) are skipped.
    """
    order = np.argsort(keys, kind="stable")
    keys, members = keys[order], members[order]
    if len(keys) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    starts = np.concatenate(([True], keys[1:] != keys[:-1]))
    first = np.maximum.accumulate(np.where(starts, np.arange(len(keys)), 0))
    sizes = np.bincount(np.cumsum(starts) - 1)[np.cumsum(starts) - 1]
    later = ~starts & (sizes <= max_bucket)
    index = np.flatnonzero(later)
    pairs = np.concatenate([np.stack([members[first[index]], members[index]], axis=1),
                            np.stack([members[index - 1], members[index]], axis=1)])
    return np.sort(pairs, axis=1)


# --- the whole archive, analysed once for stories and related coverage ---

@dataclass(frozen=True)
class ArchiveFeatures:
    """Articles in (date, slug) order with their text analysis, entities and days."""

    slugs: tuple[str, ...]
    analysis: Analysis
    entities: sp.csr_matrix        # articles x entity slugs, 0/1
    entity_slugs: tuple[str, ...]
    days: np.ndarray               # float64 days since the epoch
    titles: sp.csr_matrix          # articles x topic terms of their titles, 0/1

    def matches(self, ordered: Sequence[Article]) -> bool:
        return len(ordered) == len(self.slugs) and all(a.slug == s for a, s in zip(ordered, self.slugs))


def date_order(articles: Sequence[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.date, a.slug))


def analyse_archive(articles: Sequence[Article], canonical: Callable[[str], str],
                    store: ChunkStoreLike | None = None, keys: list[str] | None = None) -> ArchiveFeatures:
    """Everything the story intelligence reads from the articles, computed once (chunks that
    `store` has are not analysed again; `keys` are their `chunk_keys`, when already known)."""
    ordered = date_order(articles)
    parts = _parts(_docs(ordered), store, keys)
    entities, slugs = _entity_matrix(ordered, canonical)      # meanwhile, the texts are analysed
    analysis = _assemble(list(parts))
    days = np.array([a.date.timestamp() / SECONDS_PER_DAY for a in ordered], dtype=np.float64)
    return ArchiveFeatures(tuple(a.slug for a in ordered), analysis, entities, slugs, days, title_terms(ordered))


def title_terms(ordered: Sequence[Article]) -> sp.csr_matrix:
    """Articles x the topic terms of their titles (0/1; columns in order of term hash)."""
    found = tokens([a.title for a in ordered])
    keys = _distinct((found.field[found.topical].astype(np.uint64) << np.uint64(40))
                     | (found.terms[found.topical] >> np.uint64(24)))
    rows = (keys >> np.uint64(40)).astype(np.int64)
    terms, columns = np.unique(keys & np.uint64(2**40 - 1), return_inverse=True)
    return sp.csr_matrix((np.ones(len(keys)), (rows, columns.ravel())), shape=(len(ordered), len(terms)))


def _entity_matrix(ordered: Sequence[Article], canonical: Callable[[str], str]) -> tuple[sp.csr_matrix, tuple[str, ...]]:
    """Articles x canonical entity slugs (columns in order of first mention)."""
    slug_of: dict[str, str] = {}
    column: dict[str, int] = {}
    indptr, indices = [0], []
    for article in ordered:
        found = {slug_of[n] if n in slug_of else slug_of.setdefault(n, canonical(n)) for n in article.entities}
        indices += sorted(column.setdefault(slug, len(column)) for slug in sorted(found))
        indptr.append(len(indices))
    matrix = sp.csr_matrix((np.ones(len(indices)), np.array(indices, dtype=np.int32), np.array(indptr)),
                           shape=(len(ordered), len(column)))
    return matrix, tuple(column)


# --- similarity between events: shared rare entities, shared topic words, closeness in time ---

SECONDS_PER_DAY = 86400.0
TOP_TERMS = 40            # topic terms kept per event
POSTING_CAP = 100          # a feature shared by more events in one time bucket is too common to find pairs


@dataclass(frozen=True)
class EventFeatures:
    """Per event (rows): day number, rarity-weighted entity vector and TF-IDF term vector, L2-normalised."""

    days: np.ndarray       # float64, days since the epoch of the earliest version
    entities: sp.csr_matrix  # events x entity slugs
    terms: sp.csr_matrix     # events x terms
    entity_slugs: tuple[str, ...]
    titles: sp.csr_matrix    # events x title terms (of every version)
    length: np.ndarray       # log(1 + distinct shingles of the first version's body): how much text there is


def event_features(features: ArchiveFeatures, groups: Sequence[Sequence[int]] | None, which: str) -> EventFeatures:
    """Features of events, each a group of article rows in `features` (None: every article alone).

    `which` picks the term counts: "story" (the whole text) or "related" (the top of it).
    """
    analysis = features.analysis
    terms = analysis.story_terms if which == "story" else analysis.related_terms
    entities = features.entities
    titles = features.titles
    days = features.days
    length = np.diff(analysis.shingles.starts)
    if groups is not None:
        sizes = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
        rows = np.fromiter((i for g in groups for i in g), dtype=np.int64, count=int(sizes.sum()))
        indptr = np.concatenate(([0], np.cumsum(sizes)))
        pick = sp.csr_matrix((np.ones(len(rows)), rows, indptr), shape=(len(groups), terms.shape[0]))
        terms, entities, titles = pick @ terms, pick @ entities, pick @ titles
        days, length = days[rows[indptr[:-1]]], length[rows[indptr[:-1]]]
        entities.data[:] = 1.0
        titles.data[:] = 1.0
    terms = sp.csr_matrix(terms, dtype=np.float64, copy=True)
    terms.data = 1.0 + np.log(terms.data)
    return EventFeatures(days, tfidf(entities), tfidf(strongest(tfidf(terms), TOP_TERMS)), features.entity_slugs,
                         tfidf(titles), np.log1p(length))


STRONGEST_ROWS = 4096     # rows ranked at a time: the temporaries stay small at any archive size


def strongest(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Only the `keep` largest values of each row (the terms that say most about a document);
    equal values are kept by column order."""
    matrix = sp.csr_matrix(matrix)
    matrix.sort_indices()
    indptr, rows = matrix.indptr, matrix.shape[0]
    sizes = np.diff(indptr)
    scale = 2.0 * (float(np.abs(matrix.data).max()) if matrix.nnz else 1.0) + 1.0
    chosen = []
    for begin in range(0, rows, STRONGEST_ROWS):
        end = min(rows, begin + STRONGEST_ROWS)
        low, high = int(indptr[begin]), int(indptr[end])
        key = np.repeat(np.arange(end - begin) * scale, sizes[begin:end]) - matrix.data[low:high]
        order = np.argsort(key, kind="stable")       # by row, largest first; equal values by column
        rank = np.arange(high - low) - np.repeat(indptr[begin:end] - low, sizes[begin:end])
        chosen.append(np.sort(order[rank < keep]) + low)
    picked = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    counts = np.minimum(sizes, keep)
    return sp.csr_matrix((matrix.data[picked], matrix.indices[picked], np.concatenate(([0], np.cumsum(counts)))),
                         shape=matrix.shape)


def idf(matrix: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency of each column: rare features weigh more, none weighs zero."""
    rows = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    return np.log((rows + 1) / (df + 1)) + 1.0


def tfidf(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Columns weighted by `idf`, rows scaled to unit length (in place on one copy: at 100,000
    articles each copy of a term matrix is hundreds of megabytes)."""
    weighted = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    weighted.data *= idf(matrix)[weighted.indices]
    squares = sp.csr_matrix((weighted.data ** 2, weighted.indices, weighted.indptr), shape=weighted.shape)
    norms = np.sqrt(squares @ np.ones(weighted.shape[1]))
    del squares
    norms[norms == 0] = 1.0
    weighted.data *= np.repeat(1.0 / norms, np.diff(weighted.indptr))
    return weighted


def windowed_factors(matrix: sp.csr_matrix, days: np.ndarray, window: float, reach: int = 1) -> Part:
    """Rows times rows, restricted to rows within about `reach` `window`s of each other in time
    (every pair less than `reach` windows apart is in).

    Each feature is split per time bucket; the right factor also holds the `reach` buckets on each
    side, and features shared by more than POSTING_CAP rows in a bucket are dropped (too common).
    """
    coo = matrix.tocoo()
    bucket = np.floor((days - days.min()) / window).astype(np.int64) if len(days) else days.astype(np.int64)
    width = int(bucket.max()) + 1 + 2 * reach if len(days) else 1
    column = coo.col.astype(np.int64) * width + bucket[coo.row] + reach
    keys, inverse, counts = np.unique(column, return_inverse=True, return_counts=True)
    keep = counts[inverse] <= POSTING_CAP
    rows, cols, data = coo.row[keep], inverse[keep], coo.data[keep]
    left = sp.csr_matrix((data, (rows, cols)), shape=(matrix.shape[0], len(keys)))
    shifted_rows, shifted_cols, shifted_data = [], [], []
    column = column[keep]
    for shift in range(-reach, reach + 1):
        target = np.minimum(np.searchsorted(keys, column + shift), len(keys) - 1)
        hit = keys[target] == column + shift
        shifted_rows.append(rows[hit])
        shifted_cols.append(target[hit])
        shifted_data.append(data[hit])
    right = sp.csr_matrix((np.concatenate(shifted_data), (np.concatenate(shifted_rows), np.concatenate(shifted_cols))),
                          shape=left.shape).T.tocsr()
    return lambda begin, end: (left[begin:end] @ right).tocsr()


Part = Callable[[int, int], sp.csr_matrix]
Finish = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
BLOCK = 2000


def blockwise_scores(parts: Sequence[tuple[Part, float]], count: int, finish: Finish, keep: int) -> sp.csr_matrix:
    """Sum of weighted parts, block of rows by block, turned into scores by `finish(rows, cols, sums)`;
    only the `keep` best positive scores of each row survive, so memory stays linear."""
    rows, cols, data = [], [], []
    for begin in range(0, count, BLOCK):
        end = min(count, begin + BLOCK)
        total = sum((part(begin, end) * weight for part, weight in parts), sp.csr_matrix((end - begin, count)))
        block = total.tocoo()
        row = block.row.astype(np.int64) + begin
        score = finish(row, block.col.astype(np.int64), block.data)
        positive = score > 0
        best = strongest(sp.csr_matrix((score[positive], (block.row[positive], block.col[positive])),
                                       shape=(end - begin, count)), keep).tocoo()
        rows.append(best.row.astype(np.int64) + begin)
        cols.append(best.col.astype(np.int64))
        data.append(best.data)
    if not rows:
        return sp.csr_matrix((count, count))
    return sp.csr_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))), shape=(count, count))


NEIGHBOURS = 50           # candidate neighbours kept per event


@dataclass(frozen=True)
class PairEvidence:
    """Candidate pairs of events (row, col), each row's NEIGHBOURS most alike close in time, with
    what tells whether they belong to one story."""

    rows: np.ndarray       # int64
    cols: np.ndarray       # int64
    entities: np.ndarray   # cosine of their rarity-weighted entities
    text: np.ndarray       # cosine of their TF-IDF topic terms
    titles: np.ndarray     # cosine of their titles' TF-IDF topic terms
    apart: np.ndarray      # days between them
    evidence: np.ndarray   # the shorter one's `EventFeatures.length`: how much text the cosines rest on
    count: int             # events


def pair_evidence(features: EventFeatures, window: float) -> PairEvidence:
    """Each event's NEIGHBOURS candidates within about two `window`s, ranked by shared entities and
    terms times `closeness`; memory stays linear (rows are taken BLOCK at a time)."""
    days, count = features.days, len(features.days)
    parts = [windowed_factors(matrix, days, window, reach=2)
             for matrix in (features.entities, features.terms, features.titles)]
    found: list[tuple[np.ndarray, ...]] = []
    for begin in range(0, count, BLOCK):
        end = min(count, begin + BLOCK)
        entity, text, title = (part(begin, end) for part in parts)
        total = (entity + text + title).tocoo()
        rows, cols = total.row.astype(np.int64), total.col.astype(np.int64)
        score = total.data * closeness(np.abs(days[rows + begin] - days[cols]), window)
        keep = (score > 0) & (rows + begin != cols)
        best = strongest(sp.csr_matrix((score[keep], (rows[keep], cols[keep])), shape=(end - begin, count)),
                         NEIGHBOURS).tocoo()
        rows, cols = best.row.astype(np.int64), best.col.astype(np.int64)
        found.append((rows + begin, cols, *(np.clip(_values_at(m, rows, cols), 0.0, 1.0) for m in (entity, text, title))))
    if not found:
        none = np.zeros(0)
        return PairEvidence(none.astype(np.int64), none.astype(np.int64), none, none, none, none, none, count)
    rows, cols, entity_cos, text_cos, title_cos = (np.concatenate(columns) for columns in zip(*found))
    evidence = np.minimum(features.length[rows], features.length[cols])
    return PairEvidence(rows, cols, entity_cos, text_cos, title_cos, np.abs(days[rows] - days[cols]), evidence, count)


def _values_at(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """matrix[rows[k], cols[k]] for every k, zero where nothing is stored, without densifying."""
    matrix = sp.csr_matrix(matrix)
    matrix.sum_duplicates()
    width = np.int64(matrix.shape[1])
    keys = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr)) * width + matrix.indices
    wanted = rows * width + cols
    if not len(keys):
        return np.zeros(len(rows))
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, matrix.data[at], 0.0)


def closeness(apart: np.ndarray, window: float) -> np.ndarray:
    """1 within `window` days, falling linearly to 0 at twice the window."""
    return np.clip(2.0 - apart / window, 0.0, 1.0)
