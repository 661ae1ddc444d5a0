"""Incremental builds equal clean builds on a big archive, edit after edit.

    python benchmarks/verify.py [--size 10000]

Copies the generated archive, builds it, then for each kind of edit (body, title, entities,
tags, a deleted file) builds incrementally and compares every output file with a clean build.
"""
from __future__ import annotations

import argparse
import filecmp
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from run import archive  # noqa: E402

from site_builder.build.pipeline import BuildOptions, build  # noqa: E402


def rewrite(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    args = parser.parse_args()
    site = HERE / "work" / f"verify-{args.size}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(archive(args.size, 1), site, ignore=shutil.ignore_patterns("output", ".site-builder-cache"))
    build(site, BuildOptions(search=False))
    articles = sorted((site / "content" / "articles").glob("*.md"))
    edits: list[tuple[str, Callable[[], None]]] = [
        ("body", lambda: rewrite(articles[5], lambda t: t.rstrip("\n") + f"\n\nOne more line {time.time_ns()}.\n")),
        ("title", lambda: rewrite(articles[50], lambda t: t.replace("title: ", "title: Updated ", 1))),
        ("entities", lambda: rewrite(articles[500], lambda t: re.sub(r"entities: \[([^,\]]+), ", "entities: [", t, count=1))),
        ("tags", lambda: rewrite(articles[700], lambda t: t.replace("tags: [", "tags: [verified, ", 1))),
        ("deleted file", lambda: articles[900].unlink()),
    ]
    for name, edit in edits:
        edit()
        result = build(site, BuildOptions(search=False))
        clean = build(site, BuildOptions(search=False, clean=True, remember=False, output=site.with_name(site.name + "-clean")))
        ours, theirs = files(result.output), files(clean.output)
        _, differ, errors = filecmp.cmpfiles(result.output, clean.output, sorted(ours & theirs), shallow=False)
        print(f"{name:>12}: incremental {result.seconds:.2f} s, {result.written} written; {len(ours)} files, "
              f"{len(ours ^ theirs)} on one side only, {len(differ) + len(errors)} differing", flush=True)
        if ours != theirs or differ or errors:
            raise SystemExit(f"incremental build differs from a clean one after the {name} edit")


if __name__ == "__main__":
    main()
