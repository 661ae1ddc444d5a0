"""Property tests: any front matter and any Markdown body either builds with every field escaped
or fails with a located Problem; never a traceback. `make fuzz` runs many more examples."""
from __future__ import annotations

import tempfile
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.build.pipeline import BuildOptions, build
from site_builder.content.articles import parse_article
from site_builder.core.errors import Problem, SiteError
from site_builder.site.markdown import markdown_renderer

UTC = ZoneInfo("UTC")
REL = "content/articles/fuzz.md"
KEYS = ["title", "date", "source", "url", "wire", "dateline", "story", "entities", "tags", "related",
        "summary", "draft", "slug", "review"]
HOSTILE = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
           "data:text/html,<b>x</b>", "{{ 7*7 }}", "{% include 'x' %}", "---", ": ", "- ", "#", "&amp;", "\t",
           "\x01\x1b]0;X\x07\x1b[2J\x7f\ufffe"]

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40) | st.sampled_from(HOSTILE)
scalar = text | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none() | st.dates() | st.datetimes()
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=3),
                     max_leaves=8)
front = st.dictionaries(st.sampled_from(KEYS) | text, value, max_size=8)
body = st.lists(text | st.sampled_from(["# h", "* item", "> quote", "```", "[a](javascript:x)", "<div>", "|a|b|\n|-|-|"]),
                max_size=8).map("\n\n".join)


def _located(problem: Problem) -> bool:
    return problem.path == REL and (problem.line is None or problem.line >= 1) and bool(problem.message)


def _check(source: str) -> None:
    parsed = parse_article(Path(REL), REL, UTC, text=source)
    assert all(_located(p) for p in parsed.problems), parsed.problems
    if parsed.article is None:
        assert any(p.severity == "error" for p in parsed.problems)


def _as_file(meta: dict[object, object], markdown: str) -> str:
    try:
        dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        dumped = repr(meta)
    return f"---\n{dumped}---\n{markdown}\n"


@given(front, body)
def test_any_front_matter_parses_or_fails_located(meta: dict[object, object], markdown: str) -> None:
    _check(_as_file(meta, markdown))


@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=300))
def test_any_text_file_parses_or_fails_located(source: str) -> None:
    _check(source)
    _check("---\n" + source)
    _check("---\ntitle: T\ndate: 2025-06-23\nsource: S\n" + source + "\n---\nBody\n")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


ESCAPE, SANITISE = markdown_renderer("escape"), markdown_renderer("sanitize")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(body)
def test_any_body_renders_without_scripts(markdown: str) -> None:
    for render in (ESCAPE, SANITISE):
        parser = _Tags()
        parser.feed(render(markdown))
        for tag, attrs in parser.tags:
            assert tag not in ("script", "iframe", "div", "svg", "style"), (tag, markdown)
            assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
            for key in ("href", "src"):
                assert not (attrs.get(key) or "").strip().lower().startswith(("javascript:", "data:")), attrs


# -- fuzzed files through a whole build ---------------------------------------------------------
REGISTRIES = ["stories.yaml", "entities.yaml", "sources.yaml"]
GOOD = "---\ntitle: Steady\ndate: 2025-06-23\nsource: Daily8\nentities: [Iran]\n---\nA plain article.\n"
BUILDS = max(10, settings().max_examples // 2)      # each example is a whole build
registry = st.tuples(st.sampled_from(REGISTRIES), value | st.lists(st.dictionaries(
    st.sampled_from(["id", "name", "title", "kind", "aliases", "home", "description", "summary", "status"]) | text,
    value, max_size=5), max_size=3))


def _dump(data: object) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return repr(data)


def _page_is_safe(page: Path) -> None:
    parser = _Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    for tag, attrs in parser.tags:
        assert tag != "script" or attrs.get("type") == "application/ld+json", (page, tag, attrs)
        assert tag not in ("iframe", "svg", "style", "object", "embed", "form"), (page, tag)
        assert not [k for k in attrs if k.startswith("on")], (page, tag, attrs)
        for key in ("href", "src"):
            assert not (attrs.get(key) or "").strip().lower().startswith(("javascript:", "data:")), (page, attrs)


# Past the required fields and into the build: fuzzed text in the fields every page shows.
mostly_valid = st.builds(lambda title, source, summary, names, meta: {
    "title": title or "Fuzzed", "date": "2025-06-24", "source": source or "Daily8", "summary": summary,
    "entities": names, **meta}, text, text, text, st.lists(text, max_size=3), front)


@settings(max_examples=BUILDS, suppress_health_check=[HealthCheck.too_slow])
@given(mostly_valid | front, body, st.none() | registry)
def test_any_fuzzed_file_builds_or_fails_located(meta: dict[object, object], markdown: str,
                                                 extra: tuple[str, object] | None) -> None:
    """A fuzzed article (and registry) in a small site: the build succeeds with safe pages, or
    fails with `path:line: message (fix)` for the fuzzed file and leaves the previous output."""
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        (site / "content/articles").mkdir(parents=True)
        (site / "content/articles/steady.md").write_text(GOOD, encoding="utf-8")
        output = build(site, BuildOptions(search=False, jobs=1)).output
        before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
        fuzzed = {REL: _as_file(meta, markdown)}
        if extra is not None:
            fuzzed[f"content/{extra[0]}"] = _dump(extra[1])
        for rel, source in fuzzed.items():
            (site / rel).write_text(source, encoding="utf-8", errors="surrogatepass")
        try:
            build(site, BuildOptions(search=False, jobs=1))
        except SiteError as error:
            for problem in error.problems:
                assert problem.path in fuzzed and problem.message and problem.hint, str(problem)
                assert problem.line is None or problem.line >= 1, str(problem)
            assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
            return
        for page in output.rglob("*.html"):
            _page_is_safe(page)
