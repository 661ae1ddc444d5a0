"""How long `check --links` takes on 20,000 generated pages (each ~5 KB, eleven links).

    python benchmarks/linkcheck.py [--pages 20000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.check.links import check_links  # noqa: E402
from tests.check.test_linkcheck import write_linked_pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        write_linked_pages(Path(folder), args.pages)
        started = time.perf_counter()
        problems = check_links(Path(folder))
        seconds = time.perf_counter() - started
    print(f"{args.pages:,} pages checked in {seconds:.2f} s, {len(problems)} broken links")


if __name__ == "__main__":
    main()
