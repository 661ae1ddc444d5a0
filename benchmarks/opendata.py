"""Time and size of the open data files (output/data/) on seeded synthetic archives.

    python benchmarks/opendata.py --sizes 10000 100000

For each size: the archive is computed once (not timed here: see run.py), then the tables, the
stories listing, the files' digests and every file's bytes are timed as a build makes them, and
each file's size is given. Archives are generated once into benchmarks/work/ (git-ignored).
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from run import archive  # noqa: E402

from site_builder.site.formats.opendata import (  # noqa: E402
    archive_listing,
    archive_tables,
    data_files,
    file_digests,
    row_digests,
    write_whole_data_file,
)
from site_builder.stories import site_archive  # noqa: E402


def timed(make):
    start = time.perf_counter()
    value = make()
    return value, time.perf_counter() - start


def measure(size: int, seed: int) -> list[str]:
    site = archive(size, seed)
    loaded, load_seconds = timed(lambda: site_archive(site))
    tables, t_tables = timed(lambda: archive_tables(loaded))
    listing, t_listing = timed(lambda: archive_listing(loaded))
    _, t_digests = timed(lambda: file_digests({name: row_digests(rows) for name, rows in tables.items()}, listing))
    rows = [f"| {size:,} | tables, listing, digests | {t_tables + t_listing + t_digests:.2f} | | "
            f"{sum(map(len, tables.values())):,} rows |"]
    total, size_total = t_tables + t_listing + t_digests, 0
    with tempfile.TemporaryDirectory(dir=HERE / "work") as folder:
        for name in data_files():
            path = Path(folder) / name
            _, seconds = timed(partial(write_whole_data_file, name, tables, listing, path))
            total += seconds
            size_total += path.stat().st_size
            rows.append(f"| {size:,} | {name} | {seconds:.2f} | {path.stat().st_size / 1e6:,.1f} | |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(f"| {size:,} | **all data files** | **{total:.2f}** | **{size_total / 1e6:,.1f}** | "
                f"peak memory {peak:,.0f} MB; archive computed in {load_seconds:.1f} s |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print("| articles | file | seconds | MB | |")
    print("|---:|---|---:|---:|---|")
    for size in args.sizes:
        for line in measure(size, args.seed):
            print(line, flush=True)


if __name__ == "__main__":
    main()
