"""Words as the story intelligence reads them, and their hashes: vectorised over the bytes of many texts."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_DROP = ".'\u2019"                    # 'U.S.' is 'us', "Iran's" is 'irans'
_PUNCT = str.maketrans({c: (None if c in _DROP else " ") for c in map(chr, range(0x2070)) if not c.isalnum()})
MIX = np.uint64(0x9E3779B97F4A7C15)
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
        hashes *= MIX
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
