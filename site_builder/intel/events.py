"""Events: every outlet's own report of one happening, grouped.

A report is one text with its copies (`versions`). Two reports tell the same happening when their
words agree: the TF-IDF cosine of their weighted terms (rare words and names weigh most, the title
and lede more than the rest), faded by the days between them (half at FADE_DAYS, nothing beyond
EVENT_DAYS), and held to a higher bar the shorter the texts are (a sentence shares few words, and
one rare word shared makes a high cosine). Reports are grouped by average linkage, most alike
first: an event joins another only when its reports are alike on average, so one shared word or
one shared day never joins two happenings, and two events of several reports each merge only when
they are nearly as alike between them as within the looser of the two (COHESION: two happenings of
one subject and day, each told by several outlets, stay two). The result depends on the texts
alone, never on file names or the order of files within a day. An event holds one report per outlet, and reports
with different `story:` keys are different happenings. Two reports filed from different places
(datelines that share no place) must be twice as alike.
"""
from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .similarity import idf
from .sparse import sp

EVENT_DAYS = 4.0       # reports of one happening further apart are different events
FADE_DAYS = 2.0        # at this many days apart, likeness counts half
SHORT_TERMS = 40.0     # a report with fewer distinct terms must be more alike, by (SHORT_TERMS / terms)**2
ELSEWHERE = 2.0        # ... and reports filed from different places, by this much
FAINT = 0.25           # pairs less alike than this share of the threshold count as nothing (linear memory)
BLOCK = 64             # reports compared at a time (with the reports up to EVENT_DAYS after them)
COHESION = 0.8         # two events of several reports merge only when as alike as this share of their own reports


@dataclass(frozen=True)
class Report:
    """One report as the grouping sees it: its day, outlets, story label and, when an earlier part
    of the archive grouped it, its event (`fixed`), which it keeps."""

    day: float
    outlets: frozenset[str]
    story: str | None = None       # the story key its event must be in (a `story:` key or a carried story)
    fixed: str | None = None


def report_terms(terms: sp.csr_matrix, rows: Sequence[int]) -> sp.csr_matrix:
    """The TF-IDF rows (unit length) of the reports whose texts are `rows` of `terms` (weighted
    term counts of every article around them, which give the words' rarity)."""
    rarity = idf(terms)
    picked = sp.csr_matrix(terms[np.asarray(rows, dtype=np.int64)], dtype=np.float64, copy=True)
    picked.data = (1.0 + np.log(np.maximum(picked.data, 1.0))) * rarity[picked.indices]
    norms = np.sqrt(np.asarray(picked.multiply(picked).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ picked)


def places(dateline: str | None) -> frozenset[str]:
    """The places a dateline names: 'ISTANBUL/MOSCOW' is Istanbul and Moscow."""
    return frozenset(p.strip().casefold() for p in re.split(r"[/,;&]| and ", dateline or "") if p.strip())


def likeness(vectors: sp.csr_matrix, days: np.ndarray, filed: Sequence[frozenset[str]],
             floor: float = 0.0) -> sp.coo_matrix:
    """Upper-triangle pairs of reports (sorted by day) within EVENT_DAYS, with how alike they are
    when at least `floor` (fainter pairs count as nothing); `filed` are the places of each
    report's dateline."""
    count = vectors.shape[0]
    sizes = np.diff(vectors.indptr).astype(np.float64)
    names = sorted({place for found in filed for place in found})
    column = {place: n for n, place in enumerate(names)}
    where = sp.csr_matrix((np.ones(sum(map(len, filed))), [column[p] for found in filed for p in sorted(found)],
                           np.concatenate(([0], np.cumsum([len(found) for found in filed])))), shape=(count, len(names)))
    dated = np.diff(where.indptr) > 0
    rows, cols, data = [], [], []
    for begin in range(0, count, BLOCK):
        end = min(count, begin + BLOCK)
        last = int(np.searchsorted(days, days[end - 1] + EVENT_DAYS, side="right"))
        block = (vectors[begin:end] @ vectors[begin:last].T).tocoo()
        row, col = block.row.astype(np.int64) + begin, block.col.astype(np.int64) + begin
        apart = np.abs(days[row] - days[col])
        keep = (col > row) & (apart <= EVENT_DAYS) & (block.data > 0)
        row, col, apart = row[keep], col[keep], apart[keep]
        short = np.maximum(1.0, SHORT_TERMS / np.maximum(np.minimum(sizes[row], sizes[col]), 1.0)) ** 2
        value = block.data[keep] / (1.0 + (apart / FADE_DAYS) ** 2) / short
        both = np.flatnonzero(dated[row] & dated[col])
        if len(both):
            shared = np.asarray(where[row[both]].multiply(where[col[both]]).sum(axis=1)).ravel()
            value[both[shared == 0]] /= ELSEWHERE
        strong = value >= floor
        rows.append(row[strong])
        cols.append(col[strong])
        data.append(value[strong])
    if not rows:
        return sp.coo_matrix((count, count))
    return sp.coo_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))), shape=(count, count))


def group_reports(reports: Sequence[Report], similar: sp.coo_matrix, threshold: float) -> list[list[int]]:
    """Reports (indices) grouped into events by average linkage over `similar` (pairs i < j), each
    event's reports in index order, events in order of their first report. Reports `fixed` to one
    event start together, and two fixed events never merge."""
    start: dict[str, int] = {}
    members: dict[int, list[int]] = {}
    for index, report in enumerate(reports):
        head = start.setdefault(report.fixed, index) if report.fixed is not None else index
        members.setdefault(head, []).append(index)
    head_of = {m: head for head, group in members.items() for m in group}
    outlets = {head: frozenset().union(*(reports[m].outlets for m in group)) for head, group in members.items()}
    story = {head: next((reports[m].story for m in group if reports[m].story), None) for head, group in members.items()}
    fixed = {head: reports[head].fixed is not None for head in members}
    sums: dict[int, dict[int, float]] = {head: {} for head in members}
    within = dict.fromkeys(members, 0.0)     # summed likeness of the pairs inside each event
    for a, b, score in zip(similar.row.tolist(), similar.col.tolist(), similar.data.tolist()):
        a, b = head_of[a], head_of[b]
        if a == b:
            within[a] += score
        else:
            sums[a][b] = sums[a].get(b, 0.0) + score
            sums[b][a] = sums[b].get(a, 0.0) + score

    def average(a: int, b: int) -> float:
        return sums[a][b] / (len(members[a]) * len(members[b]))

    # Only pairs alike enough on average are queued: the most alike pair below the threshold
    # would end the grouping, and a pair's average changes only when it is queued again.
    heap = [(-score, a, b) for a, others in sums.items() for b, value in others.items()
            if a < b and (score := value / (len(members[a]) * len(members[b]))) >= threshold]
    heapq.heapify(heap)
    while heap:
        score, a, b = heapq.heappop(heap)
        if a not in members or b not in members or b not in sums[a] or -score != average(a, b):
            continue
        if (fixed[a] and fixed[b]) or outlets[a] & outlets[b] or (story[a] and story[b] and story[a] != story[b]):
            continue
        if -score < COHESION * min(_cohesion(within[a], len(members[a])), _cohesion(within[b], len(members[b]))):
            continue
        if len(sums[a]) < len(sums[b]):
            a, b = b, a
        within[a] += within.pop(b) + sums[a][b]
        members[a] += members.pop(b)
        outlets[a] |= outlets.pop(b)
        merged_story, merged_fixed = story.pop(b), fixed.pop(b)
        story[a], fixed[a] = story[a] or merged_story, fixed[a] or merged_fixed
        for other, value in sums.pop(b).items():
            if other == a:
                continue
            del sums[other][b]
            sums[a][other] = sums[other][a] = sums[a].get(other, 0.0) + value
        del sums[a][b]
        for other in sums[a]:
            if (score := average(a, other)) >= threshold:
                heapq.heappush(heap, (-score, min(a, other), max(a, other)))
    return sorted((sorted(group) for group in members.values()), key=lambda group: group[0])


def _cohesion(within: float, size: int) -> float:
    """How alike an event's reports are on average (0 for one report: a report alone joins any
    event alike enough on average)."""
    return within / (size * (size - 1) / 2) if size > 1 else 0.0
