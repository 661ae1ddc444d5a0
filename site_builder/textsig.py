"""Text signatures shared by the story intelligence: tokens, shingles, MinHash, TF-IDF.

Pure functions over strings and numpy arrays; nothing here reads files or keeps state.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .model import Article

SHINGLE = 5                       # words per shingle
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


def words(text: str) -> list[str]:
    """Lowercase word tokens; 'U.S.' is 'us', Markdown markup and punctuation are ignored."""
    return text.lower().translate(_PUNCT).split()


def content_words(text: str) -> list[str]:
    """Tokens that carry topic: no stopwords, no numbers, no one- or two-letter words; plural 's' dropped."""
    return [_stem(w) for w in words(text) if len(w) > 2 and w not in STOPWORDS and not w.isdigit()]


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process (unlike `hash`)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class Shingles:
    """Sorted unique shingle hashes of many documents, concatenated: doc i is values[starts[i]:starts[i+1]]."""

    values: np.ndarray     # uint64
    starts: np.ndarray     # int64, len = documents + 1

    def of(self, index: int) -> np.ndarray:
        return self.values[self.starts[index]: self.starts[index + 1]]

    def unique(self, index: int) -> np.ndarray:
        return np.unique(self.of(index))

    def size(self, index: int) -> int:
        return int(self.starts[index + 1] - self.starts[index])


def word_shingles(texts: Iterable[str], size: int = SHINGLE) -> Shingles:
    """Hashes of every run of `size` consecutive words, per text (short texts give one shingle)."""
    cache: dict[str, int] = {}
    parts: list[np.ndarray] = []
    for text in texts:
        tokens = words(text)
        ids = np.fromiter((cache[w] if w in cache else cache.setdefault(w, stable_hash(w)) for w in tokens),
                          dtype=np.uint64, count=len(tokens))
        parts.append(np.unique(_shingle_hashes(ids, size)))
    starts = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=starts[1:])
    values = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    return Shingles(values, starts)


def _shingle_hashes(ids: np.ndarray, size: int) -> np.ndarray:
    if len(ids) == 0:
        return ids
    width = min(size, len(ids))
    count = len(ids) - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(width):
            combined = (combined * _MIX) ^ ids[offset: offset + count]
        combined ^= combined >> np.uint64(29)
        combined *= _MIX
    return combined


def minhash(shingles: Shingles, bins: int = BINS) -> np.ndarray:
    """One-permutation MinHash: per document, the smallest mixed hash in each of `bins` buckets.

    Returns a (documents, bins) uint64 array; EMPTY where a short document has no value in a bin.
    """
    docs = len(shingles.starts) - 1
    signature = np.full(docs * bins, EMPTY, dtype=np.uint64)
    if len(shingles.values):
        with np.errstate(over="ignore"):
            mixed = shingles.values * _MIX
            mixed ^= mixed >> np.uint64(31)
        owner = np.repeat(np.arange(docs, dtype=np.int64), np.diff(shingles.starts))
        slot = owner * bins + (mixed % np.uint64(bins)).astype(np.int64)
        np.minimum.at(signature, slot, mixed // np.uint64(bins))
    return signature.reshape(docs, bins)


def lsh_pairs(signature: np.ndarray, rows: int = BAND_ROWS, max_bucket: int = 50) -> np.ndarray:
    """Candidate pairs (i < j) that agree on all values of at least one band; (n, 2) int64, unique."""
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
    return np.unique(pairs, axis=0) if len(pairs) else pairs


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


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Number of shared values of two sorted unique arrays."""
    return int(np.intersect1d(a, b, assume_unique=True).size)


def union_find_groups(count: int, edges: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Connected components as sorted index lists, ordered by their smallest index."""
    parent = list(range(count))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for index in range(count):
        groups.setdefault(root(index), []).append(index)
    return list(groups.values())


@dataclass(frozen=True)
class Doc:
    """The text of one article as the analysis sees it."""

    title: str
    summary: str
    body: str


@dataclass(frozen=True)
class Analysis:
    """Body shingles and weighted term counts (a CSR matrix, docs x terms) of many documents."""

    shingles: Shingles
    terms: sp.csr_matrix   # float64 weighted term frequencies
    vocabulary: tuple[str, ...]


TITLE_WEIGHT, SUMMARY_WEIGHT, LEDE_WEIGHT = 3.0, 2.0, 2.0   # the inverted pyramid: the top says what it is about
_CHUNK = 4000


class _Lexicon:
    """Word -> (stable hash, term id or -1) for one analysis run; grows as words are met."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.hashes = np.zeros(1024, dtype=np.uint64)
        self.term = np.zeros(1024, dtype=np.int64)
        self.term_index: dict[str, int] = {}

    def ids(self, tokens: list[str]) -> np.ndarray:
        for word in set(tokens).difference(self.index):
            self._add(word)
        return np.fromiter(map(self.index.__getitem__, tokens), dtype=np.int64, count=len(tokens))

    def _add(self, word: str) -> int:
        number = len(self.index)
        if number == len(self.hashes):
            self.hashes = np.concatenate([self.hashes, np.zeros(number, dtype=np.uint64)])
            self.term = np.concatenate([self.term, np.zeros(number, dtype=np.int64)])
        self.index[word] = number
        self.hashes[number] = stable_hash(word)
        keep = len(word) > 2 and word not in STOPWORDS and not word.isdigit()
        self.term[number] = self.term_index.setdefault(_stem(word), len(self.term_index)) if keep else -1
        return number


def analyse(docs: Sequence[Doc], shingle: int = SHINGLE) -> Analysis:
    """Shingle the bodies and count topic terms (title, summary and lede weighted up) in one pass.

    Shingle arrays are not deduplicated (MinHash does not need it); see `Shingles.unique`.
    """
    lexicon = _Lexicon()
    parts: list[np.ndarray] = []
    blocks = []
    for begin in range(0, len(docs), _CHUNK):
        ids, lengths = [], []
        for doc in docs[begin: begin + _CHUNK]:
            title, summary, body = words(doc.title), words(doc.summary), words(doc.body)
            lede = min(len(body), len(words(doc.body.split("\n\n", 1)[0])))
            every = lexicon.ids(title + summary + body)
            parts.append(_shingle_hashes(lexicon.hashes[every[len(title) + len(summary):]], shingle))
            ids.append(every)
            lengths.append((len(title), len(summary), lede, len(body) - lede))
        blocks.append(_term_block(lexicon.term[np.concatenate(ids)], np.array(lengths, dtype=np.int64)))
    vocabulary = tuple(sorted(lexicon.term_index, key=lexicon.term_index.__getitem__))
    starts = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=starts[1:])
    values = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    return Analysis(Shingles(values, starts), _stack(blocks, len(vocabulary)), vocabulary)


def _term_block(terms: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, term, weight) triples, summed, for one chunk: lengths are (title, summary, lede, rest) per doc."""
    weights = np.repeat(np.tile([TITLE_WEIGHT, SUMMARY_WEIGHT, LEDE_WEIGHT, 1.0], len(lengths)), lengths.ravel())
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths.sum(axis=1))
    keep = terms >= 0
    keys, inverse = np.unique((rows[keep] << 32) | terms[keep], return_inverse=True)
    return keys >> 32, keys & 0xFFFFFFFF, np.bincount(inverse, weights=weights[keep], minlength=len(keys))


def _stack(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], width: int) -> sp.csr_matrix:
    rows, cols, data = [], [], []
    for number, (row, col, weight) in enumerate(blocks):
        rows.append(row + number * _CHUNK)
        cols.append(col)
        data.append(weight)
    if not rows:
        return sp.csr_matrix((0, width))
    row = np.concatenate(rows)
    count = int(row[-1]) + 1 if len(row) else 0
    indptr = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=count), out=indptr[1:])
    return sp.csr_matrix((np.concatenate(data), np.concatenate(cols), indptr), shape=(count, width))


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


def event_features(members: Sequence[Sequence[Article]], canonical: Callable[[str], str],
                   analysis: Analysis, rows: Sequence[Sequence[int]]) -> EventFeatures:
    """Features of events; `members[e]` are its Articles, `rows[e]` their rows in `analysis`."""
    slugs: dict[str, int] = {}
    entity_rows, entity_cols = [], []
    for event, articles in enumerate(members):
        found = {canonical(name) for a in articles for name in a.entities}
        for slug in sorted(found):
            entity_rows.append(event)
            entity_cols.append(slugs.setdefault(slug, len(slugs)))
    count = len(members)
    entities = sp.csr_matrix((np.ones(len(entity_rows)), (entity_rows, entity_cols)), shape=(count, len(slugs)))
    pick = sp.csr_matrix((np.ones(sum(map(len, rows))), ([e for e, r in enumerate(rows) for _ in r],
                                                         [i for r in rows for i in r])),
                         shape=(count, analysis.terms.shape[0]))
    terms = (pick @ analysis.terms).tocsr()
    terms.data = 1.0 + np.log(terms.data)
    days = np.array([a[0].date.timestamp() / SECONDS_PER_DAY for a in members])
    return EventFeatures(days, tfidf(entities), tfidf(strongest(tfidf(terms), TOP_TERMS)),
                         tuple(sorted(slugs, key=slugs.__getitem__)))


def strongest(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Only the `keep` largest values of each row (the terms that say most about a document)."""
    coo = matrix.tocoo()
    scale = 2.0 * (float(coo.data.max()) if coo.nnz else 1.0)
    order = np.argsort(coo.row * scale - coo.data, kind="stable")
    rows = coo.row[order]
    first = np.searchsorted(rows, rows, side="left")
    chosen = order[np.arange(len(order)) - first < keep]
    return sp.csr_matrix((coo.data[chosen], (coo.row[chosen], coo.col[chosen])), shape=coo.shape)


def idf(matrix: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency of each column: rare features weigh more, none weighs zero."""
    rows = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    return np.log((rows + 1) / (df + 1)) + 1.0


def tfidf(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Columns weighted by `idf`, rows scaled to unit length."""
    weighted = matrix.multiply(idf(matrix)).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.diags(1.0 / norms) @ weighted


def windowed_factors(matrix: sp.csr_matrix, days: np.ndarray, window: float) -> Part:
    """Rows times rows, restricted to rows within about one `window` of each other in time.

    Each feature is split per time bucket; the right factor also holds the neighbouring buckets,
    and features shared by more than POSTING_CAP rows in a bucket are dropped (too common).
    """
    coo = matrix.tocoo()
    bucket = np.floor((days - days.min()) / window).astype(np.int64) if len(days) else days.astype(np.int64)
    width = int(bucket.max()) + 3 if len(days) else 1
    column = coo.col.astype(np.int64) * width + bucket[coo.row] + 1
    keys, inverse, counts = np.unique(column, return_inverse=True, return_counts=True)
    keep = counts[inverse] <= POSTING_CAP
    rows, cols, data = coo.row[keep], inverse[keep], coo.data[keep]
    left = sp.csr_matrix((data, (rows, cols)), shape=(matrix.shape[0], len(keys)))
    shifted_rows, shifted_cols, shifted_data = [], [], []
    for shift in (-1, 0, 1):
        target = np.searchsorted(keys, column[keep] + shift)
        hit = (target < len(keys)) & (keys[np.minimum(target, len(keys) - 1)] == column[keep] + shift)
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


def pair_similarity(features: EventFeatures, entity_weight: float, text_weight: float, window: float,
                    floor: float = 0.05) -> sp.csr_matrix:
    """Sparse events x events similarity in [0, 1], times `closeness`; zero far apart in time.

    Evidence adds up: sqrt(entity_weight x entity cosine + text_weight x text cosine), at most 1.
    Each row keeps its NEIGHBOURS best.
    """
    days = features.days

    def finish(rows: np.ndarray, cols: np.ndarray, sums: np.ndarray) -> np.ndarray:
        score = np.sqrt(np.clip(sums, 0.0, 1.0)) * closeness(np.abs(days[rows] - days[cols]), window)
        return np.where((score >= floor) & (rows != cols), score, 0.0)

    parts = [(windowed_factors(features.entities, days, window), entity_weight),
             (windowed_factors(features.terms, days, window), text_weight)]
    return blockwise_scores(parts, len(days), finish, NEIGHBOURS)


def closeness(apart: np.ndarray, window: float) -> np.ndarray:
    """1 within `window` days, falling linearly to 0 at twice the window."""
    return np.clip(2.0 - apart / window, 0.0, 1.0)
