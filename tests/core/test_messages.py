"""Every message the program can give says how to fix it: `path:line: message (fix)`."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from site_builder.core.config import load_config
from site_builder.core.errors import SiteError

PACKAGE = Path(__file__).resolve().parents[2] / "site_builder"
MAKERS = {"Problem": 3, "fail": 3, "problem": 2}     # callable -> position of its `hint` argument
# Functions whose Problem only says where a setting was chosen; the message shown is made from it
# by writer.output_refused, with a fix.
CARRIERS = {("pipeline.py", "_output_setting")}


def problems_made(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) in MAKERS]


def hint_of(call: ast.Call) -> ast.expr | None:
    name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
    keyword = next((k.value for k in call.keywords if k.arg == "hint"), None)
    if keyword is not None:
        return keyword
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return ast.Constant("given by the caller")          # Problem(**stored): made from a saved one
    position = MAKERS[str(name)]
    return call.args[position] if len(call.args) > position else None


def shown_problems(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    carried = {id(call) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
               and (path.name, node.name) in CARRIERS for call in problems_made(node)}
    return [call for call in problems_made(tree) if id(call) not in carried]


def test_every_problem_in_the_code_carries_a_fix() -> None:
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in shown_problems(path):
            hint = hint_of(call)
            if hint is None or (isinstance(hint, ast.Constant) and not hint.value):
                missing.append(f"{path.relative_to(PACKAGE.parent)}:{call.lineno}: {ast.unparse(call)[:90]}")
    assert missing == []


def test_the_scan_sees_the_makers_it_checks() -> None:
    calls = [c for p in PACKAGE.rglob("*.py") for c in problems_made(ast.parse(p.read_text(encoding="utf-8")))]
    assert len(calls) > 50
    bare = ast.parse("Problem('a', 1, 'message')\nfields.problem('draft', 'message')").body
    assert [hint_of(problems_made(statement)[0]) for statement in bare] == [None, None]


@pytest.mark.parametrize("toml, message", [
    ("per_page = 0\n", "site.toml:1: 'per_page' must be at least 1, not 0 (for example: per_page = 50)"),
    ('html_policy = "keep"\n', "site.toml:1: 'html_policy' must be \"escape\" or \"sanitize\" "
                               "(\"escape\" shows raw HTML in bodies as text, \"sanitize\" keeps a safe subset)"),
    ('timezone = "Mars/Base"\n', "site.toml:1: unknown time zone 'Mars/Base' "
                                 "(use an IANA name such as \"UTC\" or \"Europe/Berlin\")"),
    ('title = "x"\ntitel = "y"\n', "site.toml:2: unknown key 'titel' (known keys: base_url, description, "
                                   "feed_entries, html_policy, language, paths, per_page, related, search, stories, "
                                   "timezone, title)"),
    ('per_page = "ten"\n', "site.toml:1: 'per_page' must be int, not str (for example: per_page = 50)"),
])
def test_config_messages_are_whole(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == message
