"""The site a commit builds is byte for byte the site another builds: a refactoring changes no output.

    python benchmarks/identical.py [--before main] [--after HEAD] [--articles 2000]

Checks both commits out into temporary git worktrees, then builds the example archive (this
checkout's site.toml, content/ and static/) and a generated archive of --articles articles with each,
from the same input, and compares every output file. Exits 1 and names the files that differ.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def checkout(rev: str, folder: Path) -> Path:
    subprocess.run(["git", "worktree", "add", "--quiet", "--detach", str(folder), rev], cwd=REPO, check=True)
    return folder


def build(code: Path, site: Path, output: Path) -> None:
    """Build `site` into `output` with the site_builder of the checkout `code`."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, "-c", "import sys, site_builder.cli as c; "
               f"assert c.__file__.startswith({str(code)!r}), c.__file__; sys.argv[0] = 'site-builder'; c.main()",
               "build", "--site", str(site), "--output", str(output), "--no-search", "--clean"]
    subprocess.run(command, cwd=code, env=env, check=True, stdout=subprocess.DEVNULL)


def differences(left: Path, right: Path) -> list[str]:
    """Files only in one folder or whose bytes differ, relative to the folders."""
    names = {p.relative_to(left).as_posix() for p in left.rglob("*") if p.is_file()}
    others = {p.relative_to(right).as_posix() for p in right.rglob("*") if p.is_file()}
    changed = [n for n in sorted(names & others) if not filecmp.cmp(left / n, right / n, shallow=False)]
    return sorted(names ^ others) + changed


def example_site(into: Path) -> Path:
    into.mkdir()
    shutil.copy(REPO / "site.toml", into / "site.toml")
    for folder in ("content", "static"):
        shutil.copytree(REPO / folder, into / folder)
    return into


def generated_site(into: Path, articles: int) -> Path:
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(into), "--articles", str(articles), "--seed", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main")
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="site-builder-identical-") as tmp:
        work = Path(tmp)
        codes = {}
        try:
            for name, rev in (("before", args.before), ("after", args.after)):
                codes[name] = checkout(rev, work / name)
            sites = {"example": example_site(work / "example"),
                     f"generated {args.articles}": generated_site(work / "generated", args.articles)}
            failed = False
            for label, site in sites.items():
                outputs = {name: work / f"out-{site.name}-{name}" for name in codes}
                for name, code in codes.items():
                    build(code, site, outputs[name])
                diff = differences(outputs["before"], outputs["after"])
                count = sum(1 for p in outputs["after"].rglob("*") if p.is_file())
                print(f"{label}: {count} files, {'identical' if not diff else f'{len(diff)} differ'}")
                for name in diff[:20]:
                    print(f"  {name}")
                failed = failed or bool(diff)
        finally:
            for folder in codes.values():
                subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=REPO, check=False)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
