"""Incremental builds equal clean builds on a big archive, edit after edit.

    python benchmarks/verify.py [--size 10000] [--random 20 --seed 1]

Copies the generated archive, builds it, then for each kind of edit (body, title, entities,
tags, a deleted file) builds incrementally and compares every output file with a clean build;
then `--random` more edits of random kinds (also dates moved, `story:` keys, new articles) on
random articles, each compared the same way.
"""
from __future__ import annotations

import argparse
import filecmp
import random
import re
import shutil
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
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


def random_edit(rng: random.Random, folder: Path) -> tuple[str, Callable[[], None]]:
    """An edit of a random kind, of an article picked when it is made."""
    kind = rng.choice(["body", "title", "entities", "date", "story", "new article", "deleted file"])
    pick = rng.random()

    def edit() -> None:
        articles = sorted(folder.glob("*.md"))
        path = articles[int(pick * len(articles))]
        if kind == "body":
            rewrite(path, lambda t: t.rstrip("\n") + f"\n\nA later line {pick:.6f}.\n")
        elif kind == "title":
            rewrite(path, lambda t: t.replace('title: "', 'title: "Updated: ', 1))
        elif kind == "entities":
            rewrite(path, lambda t: re.sub(r"entities: \[([^,\]]+), ", "entities: [", t, count=1))
        elif kind == "date":
            rewrite(path, lambda t: re.sub(r"^date: (\S+)", lambda m: "date: " + (datetime.fromisoformat(m[1]) + timedelta(
                days=int(pick * 20) - 10, hours=3)).isoformat(), t, count=1, flags=re.M))
        elif kind == "story":
            rewrite(path, lambda t: t.replace("---\n", f"---\nstory: verify-{int(pick * 5)}\n", 1))
        elif kind == "new article":
            (folder / f"zz-verify-{pick:.6f}.md").write_text(path.read_text(encoding="utf-8").replace(
                'title: "', 'title: "Second look: ', 1) + "\n\nWritten again.\n", encoding="utf-8")
        else:
            path.unlink()

    return f"{kind} ({pick:.3f})", edit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--random", type=int, default=0, help="random edits after the fixed ones")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--site", type=Path, help="a generated archive to copy (default: generated for --size)")
    args = parser.parse_args()
    site = HERE / "work" / f"verify-{args.size}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(args.site or archive(args.size, 1), site, ignore=shutil.ignore_patterns("output", ".site-builder-cache"))
    build(site, BuildOptions(search=False))
    articles = sorted((site / "content" / "articles").glob("*.md"))
    edits: list[tuple[str, Callable[[], None]]] = [
        ("body", lambda: rewrite(articles[5], lambda t: t.rstrip("\n") + f"\n\nOne more line {time.time_ns()}.\n")),
        ("title", lambda: rewrite(articles[50], lambda t: t.replace("title: ", "title: Updated ", 1))),
        ("entities", lambda: rewrite(articles[500], lambda t: re.sub(r"entities: \[([^,\]]+), ", "entities: [", t, count=1))),
        ("tags", lambda: rewrite(articles[700], lambda t: t.replace("tags: [", "tags: [verified, ", 1))),
        ("deleted file", lambda: articles[900].unlink()),
    ]
    rng = random.Random(args.seed)
    edits += [random_edit(rng, site / "content" / "articles") for _ in range(args.random)]
    for name, edit in edits:
        edit()
        result = build(site, BuildOptions(search=False))
        clean = build(site, BuildOptions(search=False, clean=True, remember=False, output=site.with_name(site.name + "-clean")))
        ours, theirs = files(result.output), files(clean.output)
        _, differ, errors = filecmp.cmpfiles(result.output, clean.output, sorted(ours & theirs), shallow=False)
        print(f"{name:>20}: incremental {result.seconds:.2f} s, {result.written} written; {len(ours)} files, "
              f"{len(ours ^ theirs)} on one side only, {len(differ) + len(errors)} differing", flush=True)
        if ours != theirs or differ or errors:
            raise SystemExit(f"incremental build differs from a clean one after the {name} edit: "
                             + ", ".join(sorted(ours ^ theirs | set(differ) | set(errors))[:10]))


if __name__ == "__main__":
    main()
