"""Text signatures shared by the story intelligence: tokens, shingles, MinHash, TF-IDF.

Pure functions over strings and numpy arrays; nothing here reads files or keeps state.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE = 5                       # words per shingle
BINS = 64                         # MinHash values per signature (one-permutation hashing)
BAND_ROWS = 2                     # values per LSH band: 32 bands of 2 find pairs down to Jaccard ~0.3
EMPTY = np.uint64(2**64 - 1)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_ACRONYM_DOT = re.compile(r"(?<=\b[a-z])\.(?=[a-z]\b)|(?<=\b[a-z]\.[a-z])\.")
_MARKUP = re.compile(r"^#{1,6}\s+|[*_`>\[\]()]", re.M)
_MIX = np.uint64(0x9E3779B97F4A7C15)
STOPWORDS = frozenset("""a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our out over own same she should so some such than that the their them then there these they
this those through to too under until up very was we were what when where which while who whom why will with would
you your said says say told would could one two new year years last first week monday tuesday wednesday thursday
friday saturday sunday according since yet still however""".split())


def words(text: str) -> list[str]:
    """Lowercase word tokens; 'U.S.' is 'us', Markdown markup is ignored."""
    lowered = _MARKUP.sub(" ", text.lower())
    return _WORD.findall(_ACRONYM_DOT.sub("", lowered))


def content_words(text: str) -> list[str]:
    """Tokens that carry topic: no stopwords, no numbers, no one- or two-letter words; plural 's' dropped."""
    return [_stem(w) for w in words(text) if len(w) > 2 and w not in STOPWORDS and not w.isdigit()]


def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
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
        parts.append(_shingle_hashes(ids, size))
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
    return np.unique(combined)


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
    """Pairs of members with equal keys: all pairs in small buckets, a chain in big ones."""
    order = np.argsort(keys, kind="stable")
    keys, members = keys[order], members[order]
    same = np.flatnonzero(keys[1:] == keys[:-1])
    if not len(same):
        return np.zeros((0, 2), dtype=np.int64)
    boundaries = np.flatnonzero(np.diff(np.concatenate(([0], (keys[1:] == keys[:-1]).astype(np.int8), [0]))))
    pairs = [np.stack([members[same], members[same + 1]], axis=1)]
    for begin, end in zip(boundaries[::2], boundaries[1::2] + 1):
        if 2 < end - begin <= max_bucket:
            group = members[begin:end]
            i, j = np.triu_indices(len(group), k=2)
            pairs.append(np.stack([group[i], group[j]], axis=1))
    result = np.concatenate(pairs)
    return np.sort(result, axis=1)


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
    terms: object          # scipy.sparse.csr_matrix of float64 weighted term frequencies
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
        index = self.index
        return np.fromiter((index[w] if w in index else self._add(w) for w in tokens), dtype=np.int64,
                           count=len(tokens))

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
    """Shingle the bodies and count topic terms (title, summary and lede weighted up) in one pass."""
    import scipy.sparse as sp

    lexicon = _Lexicon()
    parts: list[np.ndarray] = []
    blocks = []
    for begin in range(0, len(docs), _CHUNK):
        rows, cols, weights = [], [], []
        for offset, doc in enumerate(docs[begin: begin + _CHUNK]):
            body = lexicon.ids(words(doc.body))
            parts.append(_shingle_hashes(lexicon.hashes[body], shingle))
            lede = len(words(doc.body.split("\n\n", 1)[0]))
            for ids, weight in ((lexicon.ids(words(doc.title)), TITLE_WEIGHT),
                                (lexicon.ids(words(doc.summary)), SUMMARY_WEIGHT),
                                (body[:lede], LEDE_WEIGHT), (body[lede:], 1.0)):
                terms = lexicon.term[ids]
                terms = terms[terms >= 0]
                cols.append(terms)
                rows.append(np.full(len(terms), offset, dtype=np.int64))
                weights.append(np.full(len(terms), weight))
        size = min(_CHUNK, len(docs) - begin)
        blocks.append((np.concatenate(weights), np.concatenate(rows), np.concatenate(cols), size))
    vocabulary = tuple(sorted(lexicon.term_index, key=lexicon.term_index.__getitem__))
    matrices = [sp.csr_matrix((w, (r, c)), shape=(size, len(vocabulary))) for w, r, c, size in blocks]
    terms = sp.vstack(matrices, format="csr") if matrices else sp.csr_matrix((0, len(vocabulary)))
    starts = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=starts[1:])
    values = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    return Analysis(Shingles(values, starts), terms, vocabulary)
