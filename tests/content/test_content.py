"""Bad input: every problem located at file:line with a fix, all reported at once, output untouched."""
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.core.errors import SiteError
from tests.conftest import write_article

GOOD = "---\ntitle: Fine\ndate: 2025-06-23\nsource: Daily8\n---\nBody.\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def failed_build(site: Path) -> list[str]:
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(search=False, jobs=1))
    return [str(p) for p in caught.value.problems]


CASES = {
    "missing-date.md": ("---\ntitle: No date\nsource: Daily8\n---\nText\n",
                        "content/articles/missing-date.md:1: missing required 'date' (add a line 'date: "
                        "2025-06-23' or 'date: 2025-06-23T10:30:00+03:00')"),
    "impossible-date.md": ("---\ntitle: Bad date\ndate: 2025-02-30\nsource: Daily8\n---\nText\n",
                           "content/articles/impossible-date.md:3: 'date' is not a real date: '2025-02-30' (day "
                           "is out of range for month) (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+HH:MM)"),
    "year-99999.md": ("---\ntitle: Far\ndate: 99999-01-01\nsource: Daily8\n---\nText\n",
                      "content/articles/year-99999.md:3: 'date' is not a real date: '99999-01-01' (Invalid "
                      "isoformat string: '99999-01-01') (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+HH:MM)"),
    "source-list.md": ("---\ntitle: Two sources\ndate: 2025-06-23\nsource: [A, B]\n---\nText\n",
                       "content/articles/source-list.md:4: 'source' must be text, not a list (write one value: "
                       "source: ...)"),
    "bad-yaml.md": ("---\ntitle: Broken\ndate: 2025-06-23\nsource: [Daily8\n---\nText\n",
                    "content/articles/bad-yaml.md:5: front matter YAML does not parse: while parsing a flow "
                    "sequence did not find expected ',' or ']' (check indentation, colons and quotes on that "
                    "line)"),
    "missing-title.md": ("---\ndate: 2025-06-23\nsource: X\n---\nText\n",
                         "content/articles/missing-title.md:1: missing required 'title' (add a line 'title: ...' "
                         "to the front matter)"),
    "duplicate-key.md": ("---\ntitle: A\ntitle: B\ndate: 2025-06-23\nsource: X\n---\nText\n",
                         "content/articles/duplicate-key.md:3: front matter YAML does not parse: duplicate key "
                         "'title' (first on line 2) (check indentation, colons and quotes on that line)"),
    "tab.md": ("---\ntitle: A\n\tdate: 2025-06-23\nsource: X\n---\nText\n",
               "content/articles/tab.md:3: front matter is indented with a tab (YAML allows spaces only; replace "
               "the tab with spaces)"),
    "empty.md": ("", "content/articles/empty.md:1: file is empty (add front matter with title, date and source)"),
    "no-front-matter.md": ("Just text\n", "content/articles/no-front-matter.md:1: no front matter found "
                                          "(start the file with '---', the title, date and source, then '---')"),
    "not-a-mapping.md": ("---\n- a\n- b\n---\nText\n",
                         "content/articles/not-a-mapping.md:2: front matter is not a mapping of keys to values "
                         "(write one 'key: value' per line)"),
    "source-typo.md": ("---\ntitle: A\ndate: 2025-06-23\nsorce: X\n---\nText\n",
                       "content/articles/source-typo.md:4: missing required 'source' (did you mean 'source'? rename "
                       "'sorce:' to 'source:')"),
    "unsafe-slug.md": ("---\ntitle: A\nslug: ../../x\ndate: 2025-06-23\nsource: X\n---\nText\n",
                       "content/articles/unsafe-slug.md:3: slug '../../x' is not safe in a URL (use lowercase "
                       "letters, digits and single hyphens, at most 80 characters)"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_located_and_previous_output_untouched(example_site: Path, name: str) -> None:
    build(example_site, BuildOptions(search=False, jobs=1))
    before = snapshot(example_site / "output")
    text, expected = CASES[name]
    write_article(example_site, name, text)
    messages = failed_build(example_site)
    assert messages == [expected]
    assert snapshot(example_site / "output") == before


def test_yaml_error_points_at_the_file_line(example_site: Path) -> None:
    write_article(example_site, "bad-yaml.md", "---\ntitle: Broken\ndate: 2025-06-23\nsource: [Daily8\n---\nText\n")
    assert failed_build(example_site) == [CASES["bad-yaml.md"][1]]


def test_non_utf8_file(example_site: Path) -> None:
    path = example_site / "content/articles/latin.md"
    path.write_bytes(GOOD.replace("Body.", "Caf\xe9").encode("latin-1"))
    assert failed_build(example_site) == [
        "content/articles/latin.md:6: file is not UTF-8 (byte 0xe9 at offset 55) (re-save the file as UTF-8)"]


def test_nul_byte(example_site: Path) -> None:
    (example_site / "content/articles/nul.md").write_bytes(GOOD.encode() + b"\x00")
    assert failed_build(example_site) == [
        "content/articles/nul.md:7: file contains a NUL byte (remove it; content files are plain text)"]


def test_duplicate_slug_names_both_files(example_site: Path) -> None:
    write_article(example_site, "one.md", GOOD.replace("title: Fine", "title: One\nslug: same"))
    write_article(example_site, "two.md", GOOD.replace("title: Fine", "title: Two\nslug: same"))
    assert failed_build(example_site) == [
        "content/articles/two.md:3: duplicate slug 'same', also used by content/articles/one.md "
        "(rename one of the files or give it a different 'slug:')"]


def test_all_problems_reported_at_once(example_site: Path) -> None:
    for name, (text, _) in CASES.items():
        write_article(example_site, name, text)
    messages = failed_build(example_site)
    assert sorted(messages) == sorted(expected for _, expected in CASES.values())


def test_bom_and_crlf_are_accepted(example_site: Path) -> None:
    path = example_site / "content/articles/windows.md"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert (result.output / "articles/2025/06/23/windows/index.html").exists()


def test_unknown_key_is_a_warning_not_an_error(example_site: Path) -> None:
    write_article(example_site, "extra.md", GOOD.replace("source: Daily8", "source: Daily8\nmood: calm"))
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert [str(w) for w in result.warnings if w.path != "site.toml"] == [
        "content/articles/extra.md:5: unknown front-matter key 'mood' (known keys: archived, archived_at, author, correction, "
        "date, dateline, draft, entities, image, image_caption, language, related, review, slug, source, story, summary, tags, "
        "title, updated, url, wire)"]


@pytest.mark.parametrize("key", ["content", "handler"])
def test_a_key_the_front_matter_library_holds_for_itself_is_an_unknown_key_like_any(example_site: Path,
                                                                                    key: str) -> None:
    """'content:' once stopped the build with a TypeError from the front-matter library (found by the fuzz test)."""
    write_article(example_site, "extra.md", GOOD.replace("source: Daily8", f"source: Daily8\n{key}: notes"))
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert [w.message for w in result.warnings if w.path != "site.toml"] == [f"unknown front-matter key '{key}'"]
    page = (result.output / "articles/2025/06/23/extra/index.html").read_text(encoding="utf-8")
    assert "Body." in page


def test_a_key_one_slip_from_a_known_one_says_which_it_means(example_site: Path) -> None:
    write_article(example_site, "typo.md", GOOD.replace("source: Daily8", "source: Daily8\nentitys: [Iran]"))
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert [str(w) for w in result.warnings if w.path != "site.toml"] == [
        "content/articles/typo.md:5: unknown front-matter key 'entitys' (did you mean 'entities'?)"]


def test_entities_written_as_one_string_with_commas_is_a_warning_that_shows_the_list(example_site: Path) -> None:
    write_article(example_site, "string.md", GOOD.replace("source: Daily8", "source: Daily8\nentities: Iran, Oman"))
    result = build(example_site, BuildOptions(search=False, jobs=1))
    assert [str(w) for w in result.warnings if w.path != "site.toml"] == [
        "content/articles/string.md:5: 'entities' is one name, 'Iran, Oman' (did you mean a list? write "
        "entities: [Iran, Oman]; to keep one name with a comma, quote it in a list: entities: [\"Iran, Oman\"])"]


def test_timezones_sort_correctly(example_site: Path) -> None:
    write_article(example_site, "early.md", GOOD.replace("title: Fine", "title: Early").replace(
        "2025-06-23", "2025-06-24T01:00:00+05:00"))     # 20:00 UTC on the 23rd
    write_article(example_site, "late.md", GOOD.replace("title: Fine", "title: Late").replace(
        "2025-06-23", "2025-06-23T21:00:00+00:00"))
    from site_builder.stories import story_listing
    dates = {v["slug"]: v["date"] for s in story_listing(example_site)["stories"] for e in s["events"]
             for v in e["versions"]}
    assert dates["early"] == "2025-06-24T01:00:00+05:00"
    build(example_site, BuildOptions(search=False, jobs=1))
    home = (example_site / "output/index.html").read_text()
    articles = home[home.index('id="latest-articles"'):]
    assert articles.index(">Late<") < articles.index(">Early<")
