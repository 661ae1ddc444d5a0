"""The hostile archive: nothing injected, nothing lost, nothing outside its folder.

`tests/fixtures/hostile/` holds one file per case (see its README). The injection site must
build with every payload shown as text; each broken file must fail with its located message;
path tricks must never leave `output/` nor collide silently.
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import xml.etree.ElementTree as ET
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.build.writer import commit, write_file
from site_builder.core.errors import SiteError
from tests.conftest import write_article

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
GOOD = "---\ntitle: Fine\ndate: 2025-06-23\nsource: Daily8\n---\nBody.\n"

# Every front-matter and registry payload of the injection site, as it must read on the page.
TITLES = {
    "title-script": "<script>alert('title')</script> Title {{ 7*7 }} payload",
    "attribute-breakout": "\"><img src=x onerror=alert('title2')>",
    "template-syntax": "Template {{ 7*7 }} and {% if true %}yes{% endif %} {# comment #}",
}
SHOWN_AS_TEXT = {   # page (output path) -> texts that must appear in its visible text
    "articles/2025/06/23/title-script/index.html": [
        TITLES["title-script"], "\"><img src=x onerror=alert('summary')>", "Outlet \"><svg onload=alert('source')>",
        "Evil <script>alert('entity')</script>", "<script>alert('tag')</script>"],
    "articles/2025/06/23/attribute-breakout/index.html": [
        TITLES["attribute-breakout"], "'><script>alert('source2')</script>", "\"><img src=x onerror=alert('dateline')>",
        "</script><script>alert('jsonld')</script>"],
    "articles/2025/06/24/template-syntax/index.html": [
        TITLES["template-syntax"], "{{ config }}", "{{ ''.__class__.__mro__ }}", "{% include 'base.html' %} {{ site.title }}",
        "{{ 7*7 }} entity", "{% raw %}"],
    "stories/hostile-story/index.html": [
        "Story <script>alert('story-title')</script> {{ 7*7 }}",
        "\"><img src=x onerror=alert('story-summary')> {% include 'base.html' %}"],
    "entities/evil-script-alert-entity-script/index.html": [
        "Evil <script>alert('entity')</script>", "<iframe src=javascript:alert('desc')></iframe> {{ 7*7 }}"],
    "index.html": ["Hostile <script>alert('site')</script> {{ 7*7 }}"],
}
BAD_TAGS = {"iframe", "svg", "form", "input", "object", "embed", "style", "base", "frame", "math", "textarea"}
BAD_SCHEMES = ("javascript", "data", "vbscript")


class _Page(HTMLParser):
    """Every start tag with its attributes, the text, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._in_script: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._in_script = attributes
            self.scripts.append((attributes, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        else:
            self.text.append(data)


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def scheme(url: str) -> str:
    cleaned = "".join(ch for ch in url if ch.isprintable() and not ch.isspace())
    return urlsplit(cleaned).scheme.lower() if ":" in cleaned else ""


def copy_site(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("output", ".site-builder-cache"))
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The injection site built under both HTML policies (the escape build with its search index)."""
    outputs = {}
    for policy in ("escape", "sanitize"):
        site = copy_site(HOSTILE / "injection", tmp_path_factory.mktemp(policy) / "site")
        with open(site / "site.toml", "a", encoding="utf-8") as config:
            config.write(f'html_policy = "{policy}"\n')
        outputs[policy] = build(site, BuildOptions(search=policy == "escape", jobs=1)).output
    return outputs


def html_pages(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.relative_to(output).parts)


@pytest.mark.parametrize("policy", ["escape", "sanitize"])
def test_no_element_or_attribute_comes_from_content(built: dict[str, Path], policy: str) -> None:
    pages = html_pages(built[policy])
    assert len(pages) > 20
    for path in pages:
        page = parse_page(path)
        where = path.relative_to(built[policy]).as_posix()
        for tag, attrs in page.tags:
            assert tag not in BAD_TAGS, (where, tag, attrs)
            if policy == "escape":       # `sanitize` keeps a harmless <img src="x">, its onerror removed
                assert not (tag == "img" and attrs.get("src") == "x"), (where, attrs)
            for name, value in attrs.items():
                assert not name.startswith("on"), (where, tag, name, value)
                if name in ("href", "src", "action", "formaction", "xlink:href", "poster", "srcset"):
                    assert scheme(value) not in BAD_SCHEMES, (where, tag, name, value)
        for attrs, text in page.scripts:
            if attrs == {"type": "application/ld+json"}:
                json.loads(text)              # data, and whole: no payload ended the element
            elif where == "search/index.html":
                assert "alert" not in text and (attrs.get("src", "").endswith("pagefind-ui.js") or not attrs)
            else:
                pytest.fail(f"unexpected <script> in {where}: {attrs} {text[:80]}")


@pytest.mark.parametrize("policy", ["escape", "sanitize"])
def test_every_payload_is_shown_as_text(built: dict[str, Path], policy: str) -> None:
    for relative, expected in SHOWN_AS_TEXT.items():
        text = " ".join("".join(parse_page(built[policy] / relative).text).split())
        for payload in expected:
            assert payload in text, (relative, payload)


def test_template_syntax_is_never_evaluated(built: dict[str, Path]) -> None:
    for path in built["escape"].rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".svg"):
            data = path.read_text(encoding="utf-8")
            assert "Template 49" not in data and "Title 49" not in data and "49 entity" not in data, path
            assert "<!DOCTYPE html>" not in data[20:], path   # no {% include 'base.html' %} inside a page
    page = (built["escape"] / "articles/2025/06/24/template-syntax/index.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in page


def test_raw_html_in_bodies_is_escaped(built: dict[str, Path]) -> None:
    page = parse_page(built["escape"] / "articles/2025/06/25/raw-html-body/index.html")
    text = "".join(page.text)
    for raw in ("<script>alert('body-script')</script>", "<img src=x onerror=\"alert('body-img')\">",
                "<iframe src=\"https://evil.example/\"></iframe>", "<svg onload=\"alert('svg')\">"):
        assert raw in text


def test_raw_html_in_bodies_is_sanitised(built: dict[str, Path]) -> None:
    path = built["sanitize"] / "articles/2025/06/25/raw-html-body/index.html"
    page = parse_page(path)
    text = "".join(page.text)
    assert "alert('body-script')" not in text and "evil.example" not in path.read_text(encoding="utf-8")
    links = [attrs for tag, attrs in page.tags if tag == "a" and attrs.get("href") == "https://example.org/"]
    assert links and all("noopener" in a.get("rel", "") for a in links)        # the safe link stays, hardened
    assert ("strong", {}) in page.tags and "a safe link" in text


def test_json_ld_holds_the_payload_as_data(built: dict[str, Path]) -> None:
    for slug, title in TITLES.items():
        path = next(built["escape"].glob(f"articles/*/*/*/{slug}/index.html"))
        [(_, text)] = parse_page(path).scripts
        assert "<" not in text and json.loads(text)["headline"] == title
    path = built["escape"] / "articles/2025/06/23/attribute-breakout/index.html"
    data = json.loads(parse_page(path).scripts[0][1])
    assert data["description"] == "</script><script>alert('jsonld')</script>"


def test_feeds_hold_the_payload_as_text(built: dict[str, Path]) -> None:
    feeds = sorted(built["escape"].rglob("feed.xml"))
    assert len(feeds) > 3
    atom = "{http://www.w3.org/2005/Atom}"
    for path in feeds:
        root = ET.parse(path).getroot()          # well-formed: no payload broke the XML
        assert not [e for e in root.iter() if not e.tag.startswith(atom)], path
    for path in feeds:     # a reader shows text constructs of type "html" or "xhtml" as markup
        constructs = [e for e in ET.parse(path).getroot().iter()
                      if e.tag in {atom + t for t in ("title", "subtitle", "summary", "content", "rights")}]
        assert constructs and {e.get("type", "text") for e in constructs} == {"text"}, path
    root = ET.parse(built["escape"] / "stories/hostile-story/feed.xml").getroot()
    assert set(TITLES.values()) <= {e.text for e in root.iter(atom + "title")}
    summaries = {e.text for e in root.iter(atom + "summary")}
    assert {"\"><img src=x onerror=alert('summary')>", "</script><script>alert('jsonld')</script>",
            "{% include 'base.html' %} {{ site.title }}"} <= summaries, summaries


def test_timelinejs_strings_are_escaped_html(built: dict[str, Path]) -> None:
    data = json.loads((built["escape"] / "stories/hostile-story/timeline.json").read_text(encoding="utf-8"))
    headlines = {event["text"]["headline"] for event in data["events"]}
    assert {escape(title) for title in TITLES.values()} <= headlines
    for event in [data["title"], *data["events"]]:
        fragment = _Page()
        fragment.feed(event["text"]["headline"] + event["text"]["text"] + event.get("group", ""))
        assert {tag for tag, _ in fragment.tags} <= {"p", "a"}, event
        assert all(scheme(attrs.get("href", "")) not in BAD_SCHEMES for _, attrs in fragment.tags)


def test_svg_charts_hold_the_payload_as_text(built: dict[str, Path]) -> None:
    charts = sorted(built["escape"].rglob("coverage.svg"))
    assert charts
    for path in charts:
        root = ET.parse(path).getroot()
        for element in root.iter():
            assert element.tag.rsplit("}", 1)[-1] not in ("script", "foreignObject", "a"), path
            assert not [k for k in element.attrib if k.rsplit("}", 1)[-1].startswith("on")], path
    texts = "".join(ET.parse(built["escape"] / "stories/hostile-story/coverage.svg").getroot().itertext())
    assert "Outlet \"><svg onload=alert('source')>" in texts


def test_search_index_holds_the_payload_as_text(built: dict[str, Path]) -> None:
    fragments = [json.loads(gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd"))
                 for p in (built["escape"] / "pagefind").glob("*/fragment/*")]
    titles = {f["meta"]["title"] for f in fragments}
    assert set(TITLES.values()) <= titles
    script = (built["escape"] / "pagefind/2025/pagefind.js").read_text(encoding="utf-8")
    assert '.replace(/</g,"&lt;")' in script     # Pagefind escapes the stored text before building excerpts


# -- broken files: each fails at its line; all of them in one run; output untouched ----------
DATE_FIX = " (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+HH:MM)"
YAML_FIX = " (check indentation, colons and quotes on that line)"
SLUG_FIX = " is not safe in a URL (use lowercase letters, digits and single hyphens, at most 80 characters)"
BROKEN = {   # file -> its whole message after the path, the fix in brackets included
    "alias-bomb.md": ":9: 'entities' must be a list of names (write entities: [First, Second])",
    "data-url.md": ":5: 'url' must start with http:// or https://, not 'data:text/html,<script>alert(1)</script>' "
                   "(give the full address)",
    "date-mapping.md": ":3: 'date' must be a date, not a dict" + DATE_FIX,
    "draft-text.md": ":5: 'draft' must be true or false (write draft: true or draft: false, without quotes)",
    "entities-nested.md": ":5: 'entities' must be a list of names (write entities: [First, Second])",
    "front-matter-empty.md": ":2: front matter is not a mapping of keys to values (write one 'key: value' per line)",
    "javascript-url.md": ":5: 'url' must start with http:// or https://, not 'javascript:alert(1)' (give the full address)",
    "list-key.md": ":3: front matter YAML does not parse: a key must be plain text" + YAML_FIX,
    "python-tag.md": ":2: front matter YAML does not parse: could not determine a constructor for the tag "
                     "'tag:yaml.org,2002:python/object/apply:os.system'" + YAML_FIX,
    "slug-300.md": f":5: slug '{'a' * 300}'" + SLUG_FIX,
    "slug-absolute.md": ":5: slug '/etc/passwd'" + SLUG_FIX,
    "slug-cyrillic.md": ":5: slug 'ir\u0430n-news'" + SLUG_FIX,
    "slug-device.md": ":5: slug 'con'" + SLUG_FIX,
    "slug-uppercase.md": ":5: slug 'Iran-News'" + SLUG_FIX,
    "story-traversal.md": ":5: story id '../../etc' is not safe in a URL (use lowercase letters, digits and single hyphens)",
    "tags-mapping.md": ":5: 'tags' must be a list of names (write tags: [First, Second])",
    "title-list.md": ":2: 'title' must be text, not a list (write one value: title: ...)",
    "truncated-yaml.md": ":1: no front matter found (the front matter must end with a line '---')",
    "unclosed-quote.md": ":2: front matter YAML does not parse: while scanning a quoted scalar found unexpected end "
                         "of stream" + YAML_FIX,
    "year-99999-datetime.md": ":3: 'date' is not a real date: '99999-06-23T10:00:00+00:00' (Invalid isoformat string: "
                              "'99999-06-23T10:00:00+00:00')" + DATE_FIX,
    "sources.yaml": ":1: 'home' must start with http:// or https://, not 'javascript:alert(1)' "
                    "(give the full address of the outlet's home page)",
    "sources.yaml#2": ":3: 'name' must be text (write one value: name: ...)",      # a second problem in the file
    "stories.yaml": ":4: YAML does not parse: while scanning a quoted scalar found unexpected end of stream" + YAML_FIX,
}
GENERATED = {   # binary or huge cases, made by the test: name -> (bytes, whole message after the path)
    "nul-in-front-matter.md": (b"---\ntitle: A\x00B\ndate: 2025-06-23\nsource: X\n---\n",
                               ":2: file contains a NUL byte (remove it; content files are plain text)"),
    "latin1-title.md": ("---\ntitle: Caf\xe9\ndate: 2025-06-23\nsource: X\n---\n".encode("latin-1"),
                        ":2: file is not UTF-8 (byte 0xe9 at offset 14) (re-save the file as UTF-8)"),
    "bom-crlf-error.md": (b"\xef\xbb\xbf---\r\ntitle: A\r\ndate: 2025-06-31\r\nsource: X\r\n---\r\nBody\r\n",
                          ":3: 'date' is not a real date: '2025-06-31' (day is out of range for month)" + DATE_FIX),
    "cr-only-error.md": (b"---\rtitle: A\rdate: 2025-06-23\rsource: [X, Y]\r---\rBody\r",
                         ":4: 'source' must be text, not a list (write one value: source: ...)"),
    "utf16.md": (GOOD.encode("utf-16"), ":1: file is not UTF-8 (byte 0xff at offset 0) (re-save the file as UTF-8)"),
}
HUGE = "huge-body.md"


def _place(site: Path, name: str) -> None:
    if "#" in name:
        return
    folder = site / "content" if name.endswith(".yaml") else site / "content/articles"
    shutil.copy(HOSTILE / "broken" / name, folder / name)


def _expected(name: str) -> str:
    file = name.split("#")[0]
    return ("content/" if file.endswith(".yaml") else "content/articles/") + file + BROKEN.get(name, "")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def failed_build(site: Path) -> list[str]:
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(search=False, jobs=1))
    return [str(p) for p in caught.value.problems if p.severity == "error"]


def test_fixture_lists_every_broken_file() -> None:
    assert sorted(p.name for p in (HOSTILE / "broken").iterdir()) == sorted(n for n in BROKEN if "#" not in n)


@pytest.mark.parametrize("name", sorted(n for n in BROKEN if "#" not in n))
def test_broken_file_fails_at_its_line(example_site: Path, name: str) -> None:
    _place(example_site, name)
    messages = failed_build(example_site)
    expected = [_expected(n) for n in BROKEN if n.split("#")[0] == name]
    assert messages == expected


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_binary_file_fails_at_its_line(example_site: Path, name: str) -> None:
    data, expected = GENERATED[name]
    (example_site / "content/articles" / name).write_bytes(data)
    messages = failed_build(example_site)
    assert messages == [f"content/articles/{name}{expected}"]


def test_front_matter_only_and_lone_cr_files_build(example_site: Path) -> None:
    write_article(example_site, "no-body.md", GOOD.replace("Body.\n", ""))
    (example_site / "content/articles/old-mac.md").write_bytes(GOOD.replace("Fine", "Mac").replace("\n", "\r").encode())
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    assert (output / "articles/2025/06/23/no-body/index.html").exists()
    assert ">Mac</h1>" in (output / "articles/2025/06/23/old-mac/index.html").read_text(encoding="utf-8")


def test_every_problem_in_one_run_and_nothing_half_written(example_site: Path) -> None:
    first = build(example_site, BuildOptions(search=False, jobs=1)).output
    before = snapshot(first)
    for name in BROKEN:
        _place(example_site, name)
    for name, (data, _) in GENERATED.items():
        (example_site / "content/articles" / name).write_bytes(data)
    with open(example_site / "content/articles" / HUGE, "wb") as huge:     # 50 MB body, sparse on disk
        huge.write(GOOD.encode())
        huge.truncate(50 * 2**20)
    messages = failed_build(example_site)
    expected = [_expected(n) for n in BROKEN] + [f"content/articles/{n}{e}" for n, (_, e) in GENERATED.items()]
    expected.append(f"content/articles/{HUGE}:1: file is 50 MB, over the 20 MB limit "
                    "(split it or remove embedded data)")
    assert sorted(messages) == sorted(expected)
    assert snapshot(first) == before
    assert sorted(p.name for p in first.parent.iterdir()) == [".site-builder-cache", "content", "output", "site.toml", "static"]


# -- paths: never outside output/, never a silent collision --------------------------------
def test_names_that_differ_only_by_case_or_look_alike_collide_loudly(example_site: Path) -> None:
    write_article(example_site, "Iran-News.md", GOOD.replace("Fine", "Upper"))
    write_article(example_site, "iran-news.md", GOOD.replace("Fine", "Lower"))
    write_article(example_site, "ir\u0430n-news.md", GOOD.replace("Fine", "Cyrillic"))   # Cyrillic а
    messages = failed_build(example_site)
    assert sorted(messages) == sorted([
        "content/articles/iran-news.md:1: duplicate slug 'iran-news', also used by content/articles/Iran-News.md "
        "(rename one of the files or give it a different 'slug:')",
        "content/articles/ir\u0430n-news.md:1: duplicate slug 'iran-news', also used by content/articles/Iran-News.md "
        "(rename one of the files or give it a different 'slug:')"])


def test_hostile_names_stay_inside_output(example_site: Path) -> None:
    long_name = "A" * 300
    write_article(example_site, "con.md", GOOD.replace("source: Daily8", "source: ../../etc/passwd").replace(
        "Body.", "Body.").replace("title: Fine", "title: Device\nstory: con-story\nrelated: [../../x, /etc/passwd]\n"
                                  f"entities: ['../../escape', '/etc/passwd', 'con', '{long_name}', 'C:\\\\windows']"))
    write_article(example_site, ("b" * 240) + ".md", GOOD.replace("Fine", "Long file name"))
    everything = example_site.parent          # the test's whole tmp tree, not only the site folder
    before = snapshot(everything)
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    cache = (example_site / ".site-builder-cache").resolve()
    after = snapshot(everything)
    assert {rel: after.get(rel) for rel in before} == before       # nothing the build did not write was touched
    new = [(everything / rel).resolve() for rel in set(after) - set(before)]
    assert [p for p in new if not (p.is_relative_to(output) or p.is_relative_to(cache))] == []
    for path in everything.rglob("*"):                             # no link leads out of where it stands
        assert path.resolve().is_relative_to(output if path.is_relative_to(output) else everything.resolve()), path
    assert sorted(p.name for p in everything.iterdir()) == ["site"]
    assert sorted(p.name for p in example_site.iterdir()) == [".site-builder-cache", "content", "output", "site.toml", "static"]
    assert (output / "articles/2025/06/23/con-x/index.html").exists()
    assert (output / "entities/con-x/index.html").exists() and (output / "entities/etc-passwd/index.html").exists()
    assert (output / "entities/escape/index.html").exists() and (output / "sources/etc-passwd/index.html").exists()
    assert (output / "entities" / ("a" * 80) / "index.html").exists()
    assert (output / "articles/2025/06/23" / ("b" * 80) / "index.html").exists()


@pytest.mark.parametrize("relative", ["../x", "/etc/passwd", "a/../../x", "", ".", "sub/../.."])
def test_writer_refuses_paths_outside_the_output(tmp_path: Path, relative: str) -> None:
    with pytest.raises(SiteError, match="output path leaves the output folder"):
        write_file(tmp_path / "out", relative, b"x")
    assert not (tmp_path / "x").exists()


def staging_of(tmp_path: Path, relative: str) -> Path:
    staging = tmp_path / "out.staging-2"
    write_file(staging, relative, b"new")
    return staging


def test_writer_refuses_a_link_inside_the_output_that_leads_out(tmp_path: Path) -> None:
    out, elsewhere, staging = tmp_path / "out", tmp_path / "elsewhere", tmp_path / "out.staging-1"
    out.mkdir()
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "articles")
    (out / "real").mkdir()
    os.symlink(out / "real", out / "inside")          # a link that stays inside is written through
    for relative in ("index.html", "inside/ok.html", "articles/x/index.html"):
        write_file(staging, relative, b"new")
    with pytest.raises(SiteError, match="leaves the output folder"):
        commit(staging, out, ["index.html", "inside/ok.html", "articles/x/index.html"], [])
    # nothing was written outside, and what was moved in before the refusal was taken back
    assert list(elsewhere.iterdir()) == [] and list((out / "real").iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["articles", "inside", "real"]
    commit(staging_of(tmp_path, "inside/ok.html"), out, ["inside/ok.html"], [])
    assert (out / "real" / "ok.html").read_bytes() == b"new"


def test_symlinks_leading_outside_the_site_are_refused(example_site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(GOOD.replace("Fine", "Secret"), encoding="utf-8")
    os.symlink(outside / "secret.md", example_site / "content/articles/secret.md")
    os.symlink(outside, example_site / "content/articles/linked")
    assert sorted(failed_build(example_site)) == [
        "content/articles/linked: symbolic link to a folder outside the site folder "
        "(copy the files into content/ instead of linking them)",
        "content/articles/secret.md: symbolic link points outside the site folder "
        "(copy the file into content/ instead of linking it)"]


def test_related_to_a_missing_or_hostile_target_builds(example_site: Path) -> None:
    write_article(example_site, "linker.md", GOOD.replace("title: Fine", "title: Linker\n"
                                                          "related: [../../x, missing, draft-one]"))
    write_article(example_site, "draft-one.md", GOOD.replace("title: Fine", "title: Draft\ndraft: true"))
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    page = (output / "articles/2025/06/23/linker/index.html").read_text(encoding="utf-8")
    assert "draft-one" not in page and "../../x" not in page
