"""Text signatures of every article: shingles, MinHash, weighted term counts and LSH, in chunks.

Pure functions over strings and numpy arrays; nothing here reads files or keeps state (the
processes that share a big archive's work are `core.pool`'s).
Every article is read once, a chunk of articles at a time (`segments.Texts` keeps the chunks'
analyses between builds): the words are hashed with vectorised numpy operations over their bytes,
and what both stories and related coverage need (body shingles, MinHash, weighted term counts,
entities) comes out as arrays.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..core.model import Article
from ..core.pool import can_fork, forked_map
from ..core.schema import field_names, schema
from .sparse import sp
from .tokens import MIX, tokens

SHINGLE = 3                       # words per shingle: short enough for a copy edited in every sentence
LEDE_SHINGLES = 40                # shingles of a body's lede, signed apart: a copy cut short keeps its lede
BINS = 64                         # MinHash values per signature (one-permutation hashing)
BAND_ROWS = 2                     # values per LSH band: 32 bands of 2 find pairs down to Jaccard ~0.3
EMPTY = np.uint64(2**64 - 1)


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
CHUNK = 100                       # articles hashed together (fewer than 2**16): an edit analyses its chunk again
PARALLEL = 2000                   # from this many articles on, the build's --jobs processes share the work


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


# a chunk's analysis, kept by a hash of its documents (the format: how the analysis is computed)
ANALYSIS = schema(Doc, ChunkAnalysis, format=2, made=True)


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
            combined = (combined * MIX) ^ ids[offset: offset + count]
    whole = doc[:count] == doc[size - 1:]
    values, owner = [combined[whole]], [doc[:count][whole]]
    words = np.bincount(doc, minlength=docs)
    for short in np.flatnonzero((words > 0) & (words < size)).tolist():
        first = int(np.searchsorted(doc, short))
        value = np.zeros(1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for word in ids[first: first + words[short]]:
                value = (value * MIX) ^ word
        values.append(value)
        owner.append(np.array([short]))
    mixed, owner_all = np.concatenate(values), np.concatenate(owner)
    if len(values) > 1:
        order = np.argsort(owner_all, kind="stable")
        mixed, owner_all = mixed[order], owner_all[order]
    with np.errstate(over="ignore"):
        mixed ^= mixed >> np.uint64(29)
        mixed *= MIX
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
            mixed = values * MIX
            mixed ^= mixed >> np.uint64(31)
        slot = np.repeat(np.arange(docs, dtype=np.int64), lengths) * bins + (mixed % np.uint64(bins)).astype(np.int64)
        np.minimum.at(signature, slot, mixed // np.uint64(bins))
    return signature.reshape(docs, bins)


def analyse(docs: Sequence[Doc], jobs: int = 1) -> Analysis:
    """Shingle the bodies and count topic terms of every document; `jobs` processes for big archives."""
    return assemble(list(analysed(docs, chunk_ranges(0, len(docs)), jobs)))


def chunk_key(docs: Sequence[Doc]) -> str:
    """A hash of the texts of a chunk and of the analysis' version: its name in a ChunkStoreLike."""
    return chunk_key_of([text_hash(doc) for doc in docs])


def text_hash(doc: Doc | Article) -> bytes:
    """A hash of one document's texts (an article's: those of its `Doc`), each followed by a NUL
    (joined before they are hashed: one call per document, not six)."""
    return hashlib.blake2b(("\0".join(map(doc.__getattribute__, field_names(Doc))) + "\0").encode(
        "utf-8", "surrogatepass"), digest_size=16).digest()


def chunk_key_of(hashes: Sequence[bytes]) -> str:
    """`chunk_key` of the documents whose `text_hash`es these are (of a fixed size: no two
    splits of texts into documents give one key)."""
    digest = hashlib.blake2b(f"{ANALYSIS.version}\0".encode(), digest_size=16)
    digest.update(b"".join(hashes))
    return digest.hexdigest()


def chunk_ranges(begin: int, end: int) -> list[tuple[int, int]]:
    """Documents `begin` to `end` cut into chunks of at most CHUNK."""
    return [(first, min(first + CHUNK, end)) for first in range(begin, end, CHUNK)]


def docs_of(ordered: Sequence[Article]) -> list[Doc]:
    return [Doc(a.title, a.summary, a.body) for a in ordered]


def analysed(docs: Sequence[Doc], ranges: list[tuple[int, int]], jobs: int = 1) -> Iterator[ChunkAnalysis]:
    """The analyses of the chunks `ranges` of `docs`, in order; `jobs` processes when there is much to do."""
    work = sum(end - begin for begin, end in ranges)
    return forked_map(_analyse_range, ranges, jobs if work >= PARALLEL and can_fork() else 1, docs)


def part_arrays(part: ChunkAnalysis) -> dict[str, np.ndarray]:
    return {name: getattr(part, name) for name in ChunkAnalysis.__dataclass_fields__}


def part_from_arrays(arrays: dict[str, np.ndarray]) -> ChunkAnalysis:
    return ChunkAnalysis(**{name: arrays[name] for name in ChunkAnalysis.__dataclass_fields__})


def _analyse_range(docs: Sequence[Doc], bounds: tuple[int, int]) -> ChunkAnalysis:
    return _analyse_chunk(docs[bounds[0]: bounds[1]])


def assemble(parts: list[ChunkAnalysis]) -> Analysis:
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


def analysis_rows(analysis: Analysis, begin: int, end: int) -> Analysis:
    """The analysis of documents `begin` to `end` only."""
    starts = analysis.shingles.starts[begin: end + 1]
    shingles = Shingles(analysis.shingles.values[starts[0]: starts[-1]], starts - starts[0])
    return Analysis(shingles, analysis.signature[begin:end], analysis.lede[begin:end],
                    analysis.story_terms[begin:end], analysis.related_terms[begin:end])


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
            result[take] = (source[take] + np.uint64(distance)) * MIX
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
                key = key * MIX ^ band[usable, column]
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


def date_order(articles: Sequence[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.date, a.slug))


def analyse_archive(articles: Sequence[Article], canonical: Callable[[str], str]) -> ArchiveFeatures:
    """Everything the story intelligence reads from the articles, computed once."""
    ordered = date_order(articles)
    docs = docs_of(ordered)
    return archive_features(ordered, assemble(list(analysed(docs, chunk_ranges(0, len(docs))))), canonical)


def archive_features(ordered: Sequence[Article], analysis: Analysis, canonical: Callable[[str], str]) -> ArchiveFeatures:
    """The articles' text `analysis` (in the same order) with their entities, days and titles."""
    entities, slugs = _entity_matrix(ordered, canonical)
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
