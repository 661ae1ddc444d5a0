"""Names found in the text against the names an archive's files list, for the articles that list some.

    python benchmarks/names.py SITE [SITE …]

For each file that lists entities, the names `content.mentions.article_names` finds in its title
and body are compared with the listed ones (casefolded; a found name counts as right when it is
a listed name, one of its words' runs, or holds one: 'President Joe Biden' and 'Joe Biden'). On
Wikipedia's "Current events" items the listed names are the item's links, a partial truth: an
item links only some of the names it mentions, so precision against them is a lower bound.
Prints precision, recall and F1 averaged over files, and the time per file.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quality import load  # noqa: E402

from site_builder.content.mentions import article_names  # noqa: E402


def _matches(found: str, listed: set[str]) -> bool:
    found = found.casefold()
    return any(found == name or f" {found} " in f" {name} " or f" {name} " in f" {found} " for name in listed)


def measure(site: Path) -> str:
    articles = [a for a in load(site, 2)[0] if a.entities and not a.names_found]
    precision = recall = 0.0
    started = time.perf_counter()
    found_all = [article_names(a.title, a.body) for a in articles]
    seconds = time.perf_counter() - started
    for article, found in zip(articles, found_all):
        listed = {n.casefold() for n in article.entities}
        right = sum(_matches(n, listed) for n in found)
        precision += right / len(found) if found else 1.0
        recall += sum(_matches(n, {f.casefold() for f in found}) for n in listed) / len(listed)
    p, r = precision / len(articles), recall / len(articles)
    return (f"| {site.name} | {len(articles)} | {p:.3f} | {r:.3f} | {2 * p * r / (p + r):.3f} | "
            f"{1000 * seconds / len(articles):.2f} ms |")


def main() -> None:
    print("| set | files with names | precision | recall | F1 | time a file |")
    print("|---|---:|---:|---:|---:|---:|")
    for site in map(Path, sys.argv[1:]):
        print(measure(site), flush=True)


if __name__ == "__main__":
    main()
