"""The coverage chart: articles per day (or week) per source, as a standalone accessible SVG."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from .feeds import xml_text

MAX_BARS = 60
TOP_SOURCES = 8
OTHER = "Other sources"
# Okabe–Ito, distinguishable with the common colour-vision deficiencies; grey for "other".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
OTHER_COLOUR = "#8C8C8C"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class Layout:
    width: int
    plot_height: int
    left: int = 44
    right: int = 12
    top: int = 12
    bottom: int = 44
    legend_columns: int = 3
    legend_row: int = 20

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right


@dataclass(frozen=True)
class Bars:
    """Bucketed counts: one bar a bucket, one segment a series."""

    starts: tuple[date, ...]        # first day of each bucket
    weekly: bool
    series: tuple[str, ...]         # legend order: top sources, then OTHER
    values: tuple[tuple[int, ...], ...]  # values[bar][series]

    def total(self, bar: int) -> int:
        return sum(self.values[bar])


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year:04d}"


def short_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1][:3]}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _text(value: str) -> str:
    return escape(xml_text(value))


def _attr(value: str) -> str:
    return quoteattr(xml_text(value))


def _series(totals: Counter[str]) -> tuple[str, ...]:
    ranked = sorted(totals, key=lambda source: (-totals[source], source.casefold()))
    top = tuple(ranked[:TOP_SOURCES])
    return top + ((OTHER,) if len(ranked) > TOP_SOURCES else ())


def _bucket_starts(first: date, last: date) -> tuple[tuple[date, ...], bool]:
    days = (last - first).days + 1
    if days <= MAX_BARS:
        return tuple(first + timedelta(n) for n in range(days)), False
    monday = first - timedelta(first.weekday())
    weeks = (last - monday).days // 7 + 1
    return tuple(monday + timedelta(7 * n) for n in range(weeks)), True


def bucket_counts(counts: Mapping[tuple[date, str], int]) -> Bars:
    """Counts grouped into day (or, past MAX_BARS days, week) bars and top-source series."""
    positive = {key: n for key, n in counts.items() if n > 0}
    totals: Counter[str] = Counter()
    for (_, source), n in positive.items():
        totals[source] += n
    series = _series(totals)
    index = {name: i for i, name in enumerate(series)}
    days = [day for day, _ in positive]
    starts, weekly = _bucket_starts(min(days), max(days)) if days else ((), False)
    values = [[0] * len(series) for _ in starts]
    for (day, source), n in positive.items():
        bar = ((day - starts[0]).days // 7) if weekly else (day - starts[0]).days
        values[bar][index.get(source, len(series) - 1)] += n
    return Bars(starts, weekly, series, tuple(tuple(row) for row in values))


def summary_text(counts: Mapping[tuple[date, str], int]) -> str:
    """The text alternative: how many articles, from how many sources, over which days."""
    positive = {key: n for key, n in counts.items() if n > 0}
    if not positive:
        return "No articles."
    days = sorted({day for day, _ in positive})
    sources = {source for _, source in positive}
    by_day: Counter[date] = Counter()
    for (day, _), n in positive.items():
        by_day[day] += n
    busiest = max(days, key=lambda day: (by_day[day], -day.toordinal()))
    return (f"{plural(sum(positive.values()), 'article')} from {plural(len(sources), 'source')} "
            f"between {long_date(days[0])} and {long_date(days[-1])}. "
            f"Busiest day: {long_date(busiest)} with {plural(by_day[busiest], 'article')}.")


def nice_ticks(maximum: int, count: int = 4) -> tuple[int, ...]:
    """Round y-axis ticks (steps of 1, 2, 5, 10, 20, …) from 0 up to at least `maximum`."""
    maximum = max(maximum, 1)
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if maximum <= step * count:
                top = -(-maximum // step) * step
                return tuple(range(0, top + 1, step))
        magnitude *= 10


def _y_axis(ticks: Sequence[int], layout: Layout, small: bool) -> list[str]:
    top = ticks[-1] or 1
    parts = []
    for tick in ticks:
        y = layout.top + layout.plot_height * (1 - tick / top)
        parts.append(f'<line x1="{layout.left}" x2="{layout.width - layout.right}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#d9d9d9" stroke-width="1"/>')
        parts.append(f'<text x="{layout.left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    if not small:
        middle = layout.top + layout.plot_height / 2
        parts.append(f'<text x="12" y="{middle:.1f}" text-anchor="middle" '
                     f'transform="rotate(-90 12 {middle:.1f})">Articles</text>')
    return parts


def _bar(bar: int, bars: Bars, layout: Layout, top: int) -> list[str]:
    slot = layout.plot_width / len(bars.starts)
    x = layout.left + bar * slot + slot * 0.1
    label = ("Week of " if bars.weekly else "") + long_date(bars.starts[bar])
    y = float(layout.top + layout.plot_height)
    parts = []
    for position, value in enumerate(bars.values[bar]):
        if not value:
            continue
        height = layout.plot_height * value / top
        y -= height
        colour = OTHER_COLOUR if bars.series[position] == OTHER else PALETTE[position]
        tip = f"{label}, {bars.series[position]}: {plural(value, 'article')}"
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.8:.1f}" height="{height:.1f}" '
                     f'fill="{colour}" stroke="#fff" stroke-width="0.5"><title>{_text(tip)}</title></rect>')
    return parts


def _x_labels(bars: Bars, layout: Layout, small: bool) -> list[str]:
    slot = layout.plot_width / len(bars.starts)
    every = max(1, -(-len(bars.starts) // (3 if small else 8)))
    baseline = layout.top + layout.plot_height
    parts = [f'<line x1="{layout.left}" x2="{layout.width - layout.right}" y1="{baseline}" '
             f'y2="{baseline}" stroke="#595959" stroke-width="1"/>']
    for bar in range(0, len(bars.starts), every):
        x = layout.left + (bar + 0.5) * slot
        parts.append(f'<text x="{x:.1f}" y="{baseline + 16}" text-anchor="middle">'
                     f'{_text(short_date(bars.starts[bar]))}</text>')
    if not small:
        axis = "Week starting" if bars.weekly else "Day"
        parts.append(f'<text x="{layout.left + layout.plot_width / 2:.1f}" y="{baseline + 36}" '
                     f'text-anchor="middle">{axis}</text>')
    return parts


def _legend(bars: Bars, layout: Layout) -> list[str]:
    column = layout.plot_width / layout.legend_columns
    y0 = layout.top + layout.plot_height + layout.bottom
    parts = []
    for position, name in enumerate(bars.series):
        x = layout.left + (position % layout.legend_columns) * column
        y = y0 + (position // layout.legend_columns) * layout.legend_row
        colour = OTHER_COLOUR if name == OTHER else PALETTE[position]
        shown = name if len(name) <= 24 else name[:23] + "…"
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 18:.1f}" y="{y + 10}">{_text(shown)}</text>')
    return parts


def _layout(small: bool) -> Layout:
    if small:
        return Layout(width=320, plot_height=90, left=30, bottom=24)
    return Layout(width=640, plot_height=200)


def _height(bars: Bars, layout: Layout, small: bool) -> int:
    rows = 0 if small else -(-len(bars.series) // layout.legend_columns)
    return layout.top + layout.plot_height + layout.bottom + rows * layout.legend_row


def _svg(body: list[str], width: int, height: int, title: str, desc: str) -> str:
    ident = "chart-" + hashlib.sha1(f"{title}\n{desc}".encode()).hexdigest()[:10]
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{ident}-title {ident}-desc" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="11" '
        'fill="#222">',
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(desc)}</desc>',
        *body, "</svg>\n"])


def coverage_chart(counts: Mapping[tuple[date, str], int], *, title: str, small: bool = False) -> str:
    """A stacked bar chart of articles per day per source, with a text alternative."""
    bars = bucket_counts(counts)
    desc = summary_text(counts)
    layout = _layout(small)
    if not bars.starts:
        body = [f'<text x="{layout.width / 2}" y="{layout.top + 40}" text-anchor="middle">No articles</text>']
        return _svg(body, layout.width, layout.top + 80, title, desc)
    ticks = nice_ticks(max(bars.total(bar) for bar in range(len(bars.starts))))
    body = _y_axis(ticks, layout, small)
    for bar in range(len(bars.starts)):
        body.extend(_bar(bar, bars, layout, ticks[-1]))
    body.extend(_x_labels(bars, layout, small))
    if not small:
        body.extend(_legend(bars, layout))
    return _svg(body, layout.width, _height(bars, layout, small), title, desc)
