"""Body quality and speed of `import` on real saved article pages, beside plain trafilatura.

    python benchmarks/import_quality.py [PAGES] [--pages 1000] [--per-page]

PAGES (default ../shared/fixtures/real/article-pages-dev/ beside the repository) holds saved
HTML pages and `ground-truth.json` (page id → `articleBody`). The pages are read in place and
imported in one call into a temporary site; nothing is written beside them. For each page the
written body, as a reader sees it (Markdown's escapes taken out), is scored against the true body
with the set's metric: `\\w+` word tokens, counts
of 4-token shingles, TP / FP / FN each normalised by the page's total, precision and recall
averaged over pages, F1 of those two averages. A page that does not import scores zero recall.
Plain `trafilatura.extract(html)` is scored in the same run. Then `--pages` files (the pages
repeated, each copy given its own address and a mark in each paragraph) are imported in one
call and timed, with the CPU time of all its processes; every written file is checked for the
machine's paths.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.importer import import_paths  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = REPO.parent / "shared" / "fixtures" / "real" / "article-pages-dev"
SHINGLE = 4


@dataclass(frozen=True)
class Score:
    """Shares of the page's shingles: true positives, false positives, false negatives."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def shingle_counts(text: str) -> Counter[tuple[str, ...]]:
    words = re.findall(r"\w+", text)
    return Counter(tuple(words[i:i + SHINGLE]) for i in range(max(len(words) - SHINGLE + 1, 0)))


def score(truth: str, found: str) -> Score:
    """The page's score: shingle counts shared, extra and missing, normalised by their total."""
    want, got = shingle_counts(truth), shingle_counts(found)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = max(tp + fp + fn, 1)
    return Score(tp / total, fp / total, fn / total)


def f1(scores: list[Score]) -> tuple[float, float, float]:
    """(precision, recall, F1): the averages over pages, then F1 of the two averages."""
    p = sum(s.precision for s in scores) / len(scores)
    r = sum(s.recall for s in scores) / len(scores)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def empty_site(root: Path) -> Path:
    site = root / "site"
    (site / "content" / "articles").mkdir(parents=True)
    return site


def shown_text(markdown: str) -> str:
    """The body's text as a reader sees it: Markdown's backslash escapes taken out ('a\\_b' is 'a_b')."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def imported_bodies(site: Path) -> dict[str, str]:
    """Each written file's body text by the name of the page it was imported from."""
    bodies = {}
    for path in (site / "content" / "articles").glob("*.md"):
        post = frontmatter.load(path)
        review: dict[str, str] = post.metadata["review"]  # type: ignore[assignment]
        bodies[Path(review["imported_from"]).stem] = shown_text(post.content)
    return bodies


def machine_paths(site: Path, needles: tuple[str, ...]) -> list[str]:
    """Written files that mention any of the machine's absolute folders."""
    return [p.name for p in (site / "content" / "articles").glob("*.md")
            if any(n in p.read_text(encoding="utf-8") for n in needles)]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the import's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_import(pages: list[Path], root: Path) -> tuple[dict[str, str], float, list[str], int]:
    """(bodies by page, seconds, files naming machine paths, failures) of one import call."""
    site = empty_site(root)
    start, cpu = time.perf_counter(), cpu_seconds()
    report = import_paths(pages, site, date=None)
    seconds = time.perf_counter() - start
    print(f"  {len(pages)} files: {seconds:.1f} s, CPU {1000 * (cpu_seconds() - cpu) / len(pages):.1f} ms a page "
          f"(all processes); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for problem in report.failures:
        print(f"  not imported: {problem}")
    needles = (str(REPO), str(pages[0].parent), str(root), str(Path.home()))
    return imported_bodies(site), seconds, machine_paths(site, needles), len(report.failures)


def run_plain(pages: list[Path]) -> tuple[dict[str, str], float]:
    start = time.perf_counter()
    bodies = {p.stem: trafilatura.extract(p.read_text(encoding="utf-8", errors="replace")) or "" for p in pages}
    return bodies, time.perf_counter() - start


def distinct_copies(pages: list[Path], urls: Mapping[str, str], count: int, folder: Path) -> list[Path]:
    """`count` files cycling through the pages, each made a new article: its own address, a mark in each paragraph."""
    folder.mkdir()
    copies = []
    for n in range(count):
        page = pages[n % len(pages)]
        html = page.read_text(encoding="utf-8", errors="replace")
        if urls.get(page.stem):
            html = html.replace(urls[page.stem], f"{urls[page.stem]}?copy={n}")
        html = html.replace("</p>", f" c{n}</p>")
        target = folder / f"{n:04d}-{page.name}"
        target.write_text(html, encoding="utf-8")
        copies.append(target)
    return copies


def report_scores(name: str, truth: Mapping[str, str], bodies: Mapping[str, str], per_page: bool,
                  label: Callable[[str], str] = str) -> list[Score]:
    scores = {key: score(text, bodies.get(key, "")) for key, text in truth.items()}
    p, r, f = f1(list(scores.values()))
    print(f"{name:<22} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    if per_page:
        for key, s in sorted(scores.items(), key=lambda kv: kv[1].precision + kv[1].recall):
            print(f"    {label(key)[:16]}  P {s.precision:.2f}  R {s.recall:.2f}")
    return list(scores.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="?", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--pages", dest="count", type=int, default=1000, help="Files in the timed call.")
    parser.add_argument("--per-page", action="store_true", help="Each page's precision and recall.")
    args = parser.parse_args()
    labelled = json.loads((args.pages / "ground-truth.json").read_text(encoding="utf-8"))
    truth = {k: v["articleBody"] for k, v in labelled.items()}
    pages = sorted(p for p in args.pages.glob("*.html") if p.stem in truth)
    print(f"{len(pages)} pages in {args.pages.name}")
    root = Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        bodies, seconds, leaks, failures = run_import(pages, root / "quality")
        plain, plain_seconds = run_plain(pages)
        print(f"import: {len(bodies)} of {len(pages)} pages imported, {failures} failure(s), "
              f"{len(pages) / seconds:.1f} pages/s; files naming a machine path: {len(leaks)}")
        print(f"plain trafilatura: {len(pages) / plain_seconds:.1f} pages/s")
        report_scores("import", truth, bodies, args.per_page)
        report_scores("trafilatura.extract", truth, plain, args.per_page)
        if args.count:
            copies = distinct_copies(pages, {k: v.get("url", "") for k, v in labelled.items()}, args.count,
                                     root / "copies")
            timed, seconds, leaks, failures = run_import(copies, root / "timed")
            print(f"timed: {args.count} files in one call, {seconds:.1f} s, {args.count / seconds:.1f} pages/s, "
                  f"{failures} failure(s), {len(timed)} written, machine paths in {len(leaks)}")
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
