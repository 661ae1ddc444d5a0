"""Incremental builds equal clean builds on a big archive, edit after edit.

    python benchmarks/verify.py [--size 10000 | --site DIR] [--random 20 --seed 1]

Copies the generated archive (or the one of `--site`), builds it, then for each kind of edit
(body, title, entities, tags, a deleted file) builds incrementally and compares every output file
with a clean build; then `--random` more edits of random kinds (also dates moved, `story:` keys,
new articles) on random articles, each compared the same way. Files are compared byte for byte,
but for the open data's database (data/archive.sqlite), which an incremental build updates row by
row: it is compared by what it holds (its schema, every table ordered by its key) and its
full-text index is checked against the articles it indexes.
"""
from __future__ import annotations

import argparse
import filecmp
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from run import archive  # noqa: E402

from site_builder.build.pipeline import BuildOptions, build  # noqa: E402
from site_builder.site.formats.opendata import FTS_TABLE, SCHEMA  # noqa: E402


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
            rewrite(path, lambda t: re.sub(r"^story: .*\n", "", t, count=1, flags=re.M).replace(   # one key only
                "---\n", f"---\nstory: verify-{int(pick * 5)}\n", 1))
        elif kind == "new article":
            (folder / f"zz-verify-{pick:.6f}.md").write_text(path.read_text(encoding="utf-8").replace(
                'title: "', 'title: "Second look: ', 1) + "\n\nWritten again.\n", encoding="utf-8")
        else:
            path.unlink()

    return f"{kind} ({pick:.3f})", edit


def database_contents(path: Path) -> list[object]:
    """The schema and every table ordered by its key; fails when the full-text index does not
    match the articles (FTS5's integrity check against its content table, on a copy)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        db = sqlite3.connect(copy)
        try:
            db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
            contents: list[object] = [db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()]
            for table in SCHEMA:
                contents.append(db.execute(f"SELECT * FROM [{table.name}] ORDER BY {', '.join(table.pk)}").fetchall())
        finally:
            db.close()
    return contents


def differing(ours: Path, theirs: Path, names: list[str]) -> list[str]:
    """The files of `names` that differ between the two folders (databases by what they hold)."""
    databases = [name for name in names if name.endswith(".sqlite")]
    _, differ, errors = filecmp.cmpfiles(ours, theirs, [n for n in names if n not in databases], shallow=False)
    return [*differ, *errors, *(n for n in databases if database_contents(ours / n) != database_contents(theirs / n))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--random", type=int, default=0, help="random edits after the fixed ones")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--site", type=Path, help="a generated archive to copy (default: generated for --size)")
    args = parser.parse_args()
    site = HERE / "work" / f"verify-{args.size}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(args.site or archive(args.size, 1), site,
                    ignore=shutil.ignore_patterns("output*", ".site-builder-cache"))
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
        differ = differing(result.output, clean.output, sorted(ours & theirs))
        print(f"{name:>20}: incremental {result.seconds:.2f} s, {result.written} written; {len(ours)} files, "
              f"{len(ours ^ theirs)} on one side only, {len(differ)} differing; "
              f"commit {result.stages['commit']:.2f} s, data files {result.stages['data files']:.2f} s", flush=True)
        if ours != theirs or differ:
            raise SystemExit(f"incremental build differs from a clean one after the {name} edit: "
                             + ", ".join(sorted(ours ^ theirs | set(differ))[:10]))


if __name__ == "__main__":
    main()
