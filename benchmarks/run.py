"""Time site_builder on seeded synthetic archives and print a table.

    python benchmarks/run.py                  # 1,000 and 10,000 articles
    python benchmarks/run.py --sizes 10000 30000 100000 --runs 3

For each size: a cold build (no output, no cache), a build with nothing changed, a build after
editing one article, and a build after editing one template; wall time, CPU time
(this process's children), peak memory (largest single process) and pages written.
Medians of --runs runs. Archives are generated once into benchmarks/work/ (git-ignored).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
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
    return [sys.executable, "-m", "site_builder", "build", "--site", str(site), "--no-search", *extra]


def edit_article(site: Path, round_: int) -> None:
    first = sorted((site / "content" / "articles").glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.rstrip("\n").rsplit("\n<!-- edit", 1)[0] + f"\n<!-- edit {round_} -->\n", encoding="utf-8")


def edit_template(site: Path, round_: int) -> None:
    templates = site / "templates"
    templates.mkdir(exist_ok=True)
    package = HERE.parent / "site_builder" / "templates" / "article.html"
    (templates / "article.html").write_text(package.read_text(encoding="utf-8") + f"{{# edit {round_} #}}\n",
                                            encoding="utf-8")


def scenarios(site: Path, runs: int) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {"cold": [], "no change": [], "one article": [], "one template": []}
    for n in range(runs):
        (site / "templates" / "article.html").unlink(missing_ok=True)
        for folder in ("output", ".site-builder-cache"):      # cold: nothing built or cached before
            shutil.rmtree(site / folder, ignore_errors=True)
        results["cold"].append(measure(build_command(site)))
        results["no change"].append(measure(build_command(site)))
        edit_article(site, n)
        results["one article"].append(measure(build_command(site)))
        edit_template(site, n)
        results["one template"].append(measure(build_command(site)))
    (site / "templates" / "article.html").unlink(missing_ok=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{'articles':>9} {'scenario':>13} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'written':>8} {'art/s':>8}")
    for size in args.sizes:
        site = archive(size, args.seed)
        for name, runs in scenarios(site, args.runs).items():
            wall = statistics.median(r["wall"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            rss = max(r["rss_mb"] for r in runs)
            rate = f"{size / wall:8.0f}" if name == "cold" else f"{'':>8}"
            print(f"{size:>9} {name:>13} {wall:8.2f} {cpu:8.2f} {rss:8.0f} {runs[-1]['written']:>8} {rate}", flush=True)


if __name__ == "__main__":
    main()
