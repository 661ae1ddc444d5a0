"""Careless and hostile input: located messages instead of tracebacks, terminals never driven by
content, names never merged in silence, years before 1000, piped output never wrapped."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.core.errors import SiteError
from tests.conftest import write_article
from tests.factories import article_text, run

ESCAPES = "\x1b]0;X\x1b\\\x1b[2J\x07\x9b\u202e"   # set the window title, clear the screen, bell, CSI, RTL
SHOWN_ESCAPES = "\\x1b]0;X\\x1b\\\\x1b[2J\\x07\\x9b\\u202e"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small site: two articles and the address it is published at."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    write_article(root, "first.md", article_text("First", extra="entities: [Iran]\n"))
    write_article(root, "second.md", article_text("Second", date="2025-06-24", extra="entities: [Iran, Russia]\n"))
    return root


def build_site(site: Path) -> Path:
    return build(site, BuildOptions(search=False, jobs=1)).output


def problems_of(site: Path) -> list[str]:
    with pytest.raises(SiteError) as caught:
        build_site(site)
    return [str(p) for p in caught.value.problems]


# -- console markup and terminal escapes in content ------------------------------------------
def test_console_markup_in_a_url_is_a_located_error_not_a_traceback(site: Path) -> None:
    write_article(site, "bad-url.md", article_text(extra='url: "[/]x"\n'))
    expected = ("error: content/articles/bad-url.md:5: 'url' must start with http:// or https://, not '[/]x' "
                "(give the full address)")
    for command in ("build", "check"):
        done = run(command, "--site", str(site))
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert expected in done.stderr.splitlines(), done.stderr


def test_console_markup_in_titles_is_printed_as_text(site: Path) -> None:
    write_article(site, "markup.md", article_text("A [/] title [bold]not bold[/bold] [red]", extra="entities: [x]\n"))
    done = run("stories", "--site", str(site))
    assert done.returncode == 0, done.stderr
    assert "A [/] title [bold]not bold[/bold] [red]" in done.stdout
    assert run("build", "--site", str(site), "--no-search").returncode == 0
    assert run("check", "--site", str(site)).returncode == 0


def test_control_characters_are_shown_escaped_in_everything_printed(site: Path) -> None:
    write_article(site, "escapes.md", article_text(f"Title {ESCAPES} end", source=f"Outlet {ESCAPES}",
                                              extra=f"entities: [{json.dumps('C++')}, {json.dumps('C#')}]\n"))
    listing = run("stories", "--site", str(site))
    built = run("build", "--site", str(site), "--no-search")     # warns that C# shares the page of C++
    checked = run("check", "--site", str(site))
    as_json = run("stories", "--site", str(site), "--json")
    for done in (listing, built, checked, as_json):
        assert done.returncode == 0, done.stderr
        printed = done.stdout + done.stderr
        assert not any(ch in printed for ch in "\x1b\x07\x9b\u202e"), repr(printed)
    assert f"Title {SHOWN_ESCAPES} end" in listing.stdout
    assert f"unknown source 'Outlet {SHOWN_ESCAPES}'" in checked.stderr
    titles = [v["title"] for s in json.loads(as_json.stdout)["stories"] for e in s["events"] for v in e["versions"]]
    assert f"Title {ESCAPES} end" in titles          # JSON escapes them and reads back the same text


def test_piped_output_is_never_wrapped(site: Path) -> None:
    long_name = "russian-streamer-detained-" + "x" * 90 + "-for-12-donation.md"
    write_article(site, long_name, article_text("A title " + "long " * 40, extra="entities: [Iran]\nfoo: bar\n"))
    for command in ("build", "stories", "check"):
        done = run(command, "--site", str(site), env={"COLUMNS": "80"})
        assert done.returncode == 0, done.stderr
        lines = (done.stdout + done.stderr).splitlines()
        if command != "stories":
            assert any(line.startswith("warning: content/articles/" + long_name + ":6: unknown front-matter key")
                       for line in lines), lines
        if command == "stories":
            assert any(line.endswith("A title " + "long " * 39 + "long  Daily8") for line in lines), lines
        if command == "build":
            assert any(line.startswith("built ") and line.endswith("→ " + str((site / "output").resolve()))
                       for line in lines), lines


# -- dates before the year 1000 ----------------------------------------------------------------
@pytest.mark.parametrize("date", ["0999-06-01", "0001-01-01", "0001-01-01T00:30:00+03:00"])
def test_years_before_1000_have_four_digits_in_urls_and_pages(site: Path, date: str) -> None:
    write_article(site, "old.md", article_text("Old", date=date, extra="entities: [Iran]\n"))
    output = build_site(site)
    year, month, day = date[:4], date[5:7], date[8:10]
    page = output / f"articles/{year}/{month}/{day}/old/index.html"
    assert page.exists()
    month_name = {"06": "June", "01": "January"}[month]
    assert f"{int(day)} {month_name} {year}" in page.read_text(encoding="utf-8")
    assert f"{month_name} {year}" in (output / f"archive/{year}/{month}/index.html").read_text(encoding="utf-8")
    assert f'href="/archive/{year}/{month}/"' in (output / "archive/index.html").read_text(encoding="utf-8")


# -- file names that are not UTF-8 -------------------------------------------------------------
def test_a_file_name_that_is_not_utf8_is_a_located_error(site: Path) -> None:
    folder = os.fsencode(site / "content/articles")
    with open(folder + b"/caf\xe9.md", "wb") as handle:
        handle.write(article_text().encode())
    assert problems_of(site) == ["content/articles/caf\\xe9.md: file name is not UTF-8 "
                                 "(rename it in UTF-8, e.g. convmv -f latin1 -t utf8 --notest FILE)"]
    done = run("build", "--site", str(site), "--no-search")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr


def test_static_and_template_files_with_names_that_are_not_utf8_build(site: Path) -> None:
    for folder in ("static", "templates"):
        (site / folder).mkdir()
        with open(os.fsencode(site / folder) + b"/caf\xe9.txt", "wb") as handle:
            handle.write(b"x")
    output = build_site(site)
    assert (os.fsencode(output / "assets") + b"/caf\xe9.txt") in [os.fsencode(p) for p in (output / "assets").iterdir()]
    assert build(site, BuildOptions(search=False, jobs=1)).written == 0      # and the next build has nothing to do


# -- names that make one address -----------------------------------------------------------------
def warnings_of(site: Path) -> list[str]:
    return [str(p) for p in build(site, BuildOptions(search=False, jobs=1)).warnings]


def test_names_that_make_one_address_are_a_warning_of_build_naming_both(site: Path) -> None:
    write_article(site, "cpp.md", article_text("Cpp", extra='entities: ["C++", "!!!", Sao Paulo]\n'))
    write_article(site, "csharp.md", article_text("Csharp", date="2025-06-22",
                                             extra='entities: ["C#", untitled, São Paulo]\n'))
    assert sorted(w for w in warnings_of(site) if "shares the page" in w) == [
        "content/articles/csharp.md:5: entity 'C#' shares the page of 'C++' (entities/c/), written in "
        "content/articles/cpp.md:5 (write the name the same way everywhere; if they differ, list both in entities.yaml)",
        "content/articles/csharp.md:5: entity 'São Paulo' shares the page of 'Sao Paulo' (entities/sao-paulo/), "
        "written in content/articles/cpp.md:5 (write the name the same way everywhere; if they differ, list both "
        "in entities.yaml)",
        "content/articles/csharp.md:5: entity 'untitled' shares the page of '!!!' (entities/untitled/), written in "
        "content/articles/cpp.md:5 (write the name the same way everywhere; if they differ, list both in "
        "entities.yaml)"]
    done = run("build", "--site", str(site), "--no-search")       # shown on the command line too, and counted
    assert done.returncode == 0 and "warning: content/articles/csharp.md:5: entity 'C#' shares" in done.stderr
    assert " 3 warnings" in done.stdout
    again = run("build", "--site", str(site), "--no-search")       # a build with nothing to do repeats them
    assert again.stderr == done.stderr and "(0 written, 0 removed)" in again.stdout


def test_registry_entries_that_make_one_address_each_keep_their_page(site: Path) -> None:
    (site / "content/entities.yaml").write_text(
        "- name: Sao Paulo\n  kind: place\n  description: The first description.\n"
        "- name: São Paulo\n  kind: place\n  description: The second description.\n"
        "- name: C++\n  description: A language.\n"
        "- name: C#\n  description: Another language.\n", encoding="utf-8")
    write_article(site, "cities.md", article_text("Cities", extra='entities: [Sao Paulo, São Paulo, "C++", "C#"]\n'))
    warnings = warnings_of(site)
    assert ("content/entities.yaml:4: entity 'São Paulo' would have the address entities/sao-paulo/ of 'Sao Paulo' "
            "(content/entities.yaml:1); it is at entities/sao-paulo-2/ (rename one of them, or merge them into one "
            "entry with the other name among its aliases)") in warnings
    assert any(w.startswith("content/entities.yaml:9: entity 'C#' would have the address entities/c/ of 'C++' "
                            "(content/entities.yaml:7); it is at entities/c-2/") for w in warnings), warnings
    output = site / "output"
    for page, description in (("sao-paulo", "The first"), ("sao-paulo-2", "The second"), ("c", "A language"),
                              ("c-2", "Another language")):
        assert description in (output / "entities" / page / "index.html").read_text(encoding="utf-8"), page


def test_an_alias_that_names_another_entry_is_reported(site: Path) -> None:
    (site / "content/entities.yaml").write_text(
        "- name: Iran\n  description: The country.\n"
        "- name: Islamic Republic\n  aliases: [IRAN]\n  description: The state.\n", encoding="utf-8")
    assert ("content/entities.yaml:3: 'IRAN' of entity 'Islamic Republic' already names 'Iran' "
            "(content/entities.yaml:1), whose page it stays on (list each name and alias once)") in warnings_of(site)


def test_names_that_differ_only_by_case_are_one_entity_in_silence(site: Path) -> None:
    write_article(site, "upper.md", article_text("Upper", extra="entities: [IRAN, iran]\n"))
    assert warnings_of(site) == []
    assert sorted(p.name for p in (site / "output/entities").iterdir()) == ["index.html", "iran", "russia"]


@pytest.mark.parametrize("registry", [False, True])
def test_look_alike_letters_of_another_script_are_an_error_naming_both_files(site: Path, registry: bool) -> None:
    """'Irаn' with a Cyrillic а makes the address of 'Iran': never one page in silence."""
    if registry:
        (site / "content/entities.yaml").write_text("- name: Iran\n  kind: place\n", encoding="utf-8")
    write_article(site, "spoof.md", article_text("Spoof", date="2025-06-25", extra="entities: [Ir\u0430n]\n"))
    where = "content/entities.yaml:1" if registry else "content/articles/second.md:5"
    assert problems_of(site) == [
        f"content/articles/spoof.md:5: entity 'Ir\u0430n' looks like 'Iran' ({where}): it mixes letters "
        "of Cyrillic and Latin (retype the name in one alphabet)"]
    assert run("check", "--site", str(site)).returncode == 1
    assert run("stories", "--site", str(site)).returncode == 1


def test_a_name_wholly_in_another_script_shares_the_page_with_a_warning(site: Path) -> None:
    write_article(site, "cyrillic.md", article_text("Cyrillic", extra="entities: [Иран]\n"))
    assert any(w.startswith("content/articles/cyrillic.md:5: entity 'Иран' shares the page of 'Iran' (entities/iran/)")
               for w in warnings_of(site))


def test_sources_that_make_one_address_are_reported(site: Path) -> None:
    (site / "content/sources.yaml").write_text("- name: Daily 8\n  home: https://a.example/\n"
                                               "- name: Daily-8\n  home: https://b.example/\n", encoding="utf-8")
    write_article(site, "other.md", article_text("Other", source="Daily-8"))
    write_article(site, "shout.md", article_text("Shout", source="DAILY 8!"))
    warnings = warnings_of(site)
    assert any(w.startswith("content/sources.yaml:3: source 'Daily-8' would have the address sources/daily-8/ of "
                            "'Daily 8' (content/sources.yaml:1); it is at sources/daily-8-2/") for w in warnings)
    assert any(w.startswith("content/articles/shout.md:4: source 'DAILY 8!' shares the page of 'Daily 8' "
                            "(sources/daily-8/), written in content/sources.yaml:1") for w in warnings), warnings
    assert "https://b.example/" in (site / "output/sources/daily-8-2/index.html").read_text(encoding="utf-8")


# -- one article with thousands of entities ------------------------------------------------------
def output_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_one_article_with_many_entities_builds_in_linear_size(tmp_path: Path) -> None:
    """Every entity's feed holds the article: with all its entities as categories, N feeds of N
    categories (and feedgen copying the list on each of them, N³ steps). Four times the entities
    give four times the output, and the lists are cut with a count of the rest."""
    sizes = {}
    for count in (250, 1000):
        site = tmp_path / str(count)
        names = ", ".join(f"Entity Number {i}" for i in range(count))
        write_article(site, "big.md", article_text("Big", extra=f"entities: [{names}]\n"))
        sizes[count] = output_bytes(build_site(site))
    assert sizes[1000] < 5 * sizes[250], sizes
    output = tmp_path / "1000/output"
    page = (output / "articles/2025/06/23/big/index.html").read_text(encoding="utf-8")
    assert page.count('data-pagefind-filter="entity"') == 100 and '<li data-pagefind-ignore><a href="/articles/2025/06/23/big/entities/">and 900 more</a></li>' in page
    listed = output / "articles/2025/06/23/big/entities"
    assert (listed / "index.html").is_file() and (listed / "page/20/index.html").is_file()    # 1,000 names, 50 a page
    assert not (listed / "page/21").exists()
    feed = (output / "entities/entity-number-999/feed.xml").read_text(encoding="utf-8")
    assert feed.count("<category ") == 10 and 'term="Entity Number 9"' in feed
    assert "Appears most with" in (output / "entities/entity-number-99/index.html").read_text(encoding="utf-8")
    assert "Appears most with" not in (output / "entities/entity-number-100/index.html").read_text(encoding="utf-8")


# -- feed ids ------------------------------------------------------------------------------------
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_ids(output: Path) -> dict[str, list[str]]:
    import xml.etree.ElementTree as ET
    ids = {}
    for feed in sorted(output.rglob("feed.xml")):
        root = ET.parse(feed).getroot()
        ids[feed.relative_to(output).as_posix()] = [e.text or "" for e in root.iter(ATOM + "id")]
    return ids


def test_feed_ids_are_absolute_and_the_same_whatever_the_base_url(site: Path) -> None:
    (site / "site.toml").write_text('title = "Gulf coverage"\n', encoding="utf-8")
    by_path = feed_ids(build_site(site))
    by_host = feed_ids(build(site, BuildOptions(search=False, jobs=1, base_url="https://example.org/archive/")).output)
    assert by_path == by_host
    assert by_path["feed.xml"] == ["tag:gulf-coverage,2000:feed.xml",
                                   "tag:gulf-coverage,2000:articles/2025/06/24/second/",
                                   "tag:gulf-coverage,2000:articles/2025/06/23/first/"]
    assert by_path["entities/russia/feed.xml"] == ["tag:gulf-coverage,2000:entities/russia/feed.xml",
                                                   "tag:gulf-coverage,2000:articles/2025/06/24/second/"]
    assert all(i.startswith("tag:gulf-coverage,2000:") for ids in by_path.values() for i in ids)


def test_a_base_url_without_host_is_one_warning(site: Path) -> None:
    (site / "site.toml").write_text('title = "T"\nbase_url = "/archive/"\n', encoding="utf-8")
    assert warnings_of(site) == [
        'site.toml:2: base_url "/archive/" has no host: feeds, sitemap.xml and canonical links give paths instead '
        'of full addresses (give the address the site is published at, e.g. base_url = '
        '"https://example.org/archive/" or build --base-url https://example.org/archive/)']
    assert [str(w) for w in build(site, BuildOptions(search=False, jobs=1, clean=True,
                                                     base_url="https://example.org/")).warnings] == []


# -- templates, configuration, sanitised footnotes -----------------------------------------------
def test_an_include_marked_ignore_missing_builds_and_follows_the_template_once_added(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}{% include "extra.html" ignore missing %}'
        '{% include ["missing.html", "also-missing.html"] ignore missing %}<p>Gone</p>{% endblock %}',
        encoding="utf-8")
    assert "<p>Gone</p>" in (build_site(site) / "404.html").read_text(encoding="utf-8")
    (site / "templates/extra.html").write_text("<p>Extra</p>", encoding="utf-8")
    assert "<p>Extra</p><p>Gone</p>" in (build_site(site) / "404.html").read_text(encoding="utf-8")


def test_an_include_of_a_missing_template_is_still_an_error(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text('{% extends "base.html" %}{% block content %}{% include "extra.html" %}'
                                             "{% endblock %}", encoding="utf-8")
    assert problems_of(site) == ["extra.html: template not found (check the name in extends/include/import)"]


@pytest.mark.parametrize("setting, message", [
    ("feed_entries = -1", "site.toml:2: 'feed_entries' must be at least 1, not -1 (for example: feed_entries = 20)"),
    ("feed_entries = 0", "site.toml:2: 'feed_entries' must be at least 1, not 0 (for example: feed_entries = 20)"),
    ("per_page = -3", "site.toml:2: 'per_page' must be at least 1, not -3 (for example: per_page = 50)"),
    ("[related]\ncount = -1", "site.toml:3: 'related.count' must be 0 or more, not -1 (for example: count = 5)"),
])
def test_counts_below_their_minimum_are_located_config_errors(site: Path, setting: str, message: str) -> None:
    (site / "site.toml").write_text(f'base_url = "https://example.org/"\n{setting}\n', encoding="utf-8")
    assert problems_of(site) == [message]


def test_feed_entries_keeps_the_newest_entries(site: Path) -> None:
    (site / "site.toml").write_text('base_url = "https://example.org/"\nfeed_entries = 1\n', encoding="utf-8")
    ids = feed_ids(build_site(site))["feed.xml"]
    assert ids[1:] == ["tag:news-archive,2000:articles/2025/06/24/second/"]


def test_sanitised_bodies_keep_their_footnote_links(site: Path) -> None:
    (site / "site.toml").write_text('base_url = "https://example.org/"\nhtml_policy = "sanitize"\n', encoding="utf-8")
    write_article(site, "notes.md", article_text("Notes", body='Claim[^1] and <sup id="main">x</sup>.\n\n'
                                                          "[^1]: The source of the claim."))
    page = (build_site(site) / "articles/2025/06/23/notes/index.html").read_text(encoding="utf-8")
    assert '<sup class="footnote-ref" id="fnref-1"><a href="#fn-1"' in page
    assert '<li id="fn-1"><p>The source of the claim.<a href="#fnref-1" class="footnote"' in page
    assert "<sup>x</sup>" in page         # no other id: a body's could take one the page uses
    from site_builder.check.links import check_links
    assert check_links(site / "output", "/", site_url="https://example.org/") == []


def test_a_story_id_listed_twice_is_an_error_naming_both_lines(site: Path) -> None:
    (site / "content/stories.yaml").write_text("- id: talks\n  title: Talks\n  summary: First.\n"
                                               "- id: talks\n  title: Talks again\n  summary: Second.\n",
                                               encoding="utf-8")
    assert problems_of(site) == ["content/stories.yaml:4: duplicate story id 'talks', also at line 1 "
                                 "(give each story its own id, or merge the two)"]


# -- folders nested without end and special files ------------------------------------------------
@pytest.fixture
def deadline():
    """Opening a FIFO waits for a writer: a build that does fails the test instead of hanging it."""
    import signal

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the build waited on a special file")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def nested(site: Path):
    """An empty folder nested 1,000 deep under content/articles, made and removed a folder at a
    time (the whole path is longer than the system takes; shutil.rmtree would recurse too deep)."""
    fds = [os.open(site / "content/articles", os.O_RDONLY)]
    for _ in range(1000):
        os.mkdir("d", dir_fd=fds[-1])
        fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
    yield
    os.close(fds.pop())
    while len(fds) > 0:
        os.rmdir("d", dir_fd=fds[-1])
        os.close(fds.pop())


def test_a_folder_nested_1000_deep_is_a_located_error_of_build_and_check(site: Path, nested: None) -> None:
    problems = problems_of(site)
    beyond = "content/articles/" + "/".join(["d"] * 32)
    assert problems == [f"{beyond}: folder nested more than 32 deep below content/: not read "
                        "(move its files into a folder nearer the top)"]
    checked = run("check", "--site", str(site))
    assert checked.returncode == 1 and "Traceback" not in checked.stderr + checked.stdout
    assert "folder nested more than 32 deep" in checked.stdout + checked.stderr


def test_special_files_are_refused_without_being_opened(site: Path, deadline: None) -> None:
    import socket
    for folder in ("templates", "static"):
        (site / folder).mkdir()
    os.mkfifo(site / "content/stories.yaml")
    os.mkfifo(site / "content/articles/pipe.md")
    os.mkfifo(site / "templates/base.html")
    os.mkfifo(site / "pipe")
    os.symlink("../../pipe", site / "content/articles/linked-pipe.md")
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(site / "static/sock"))
        problems = problems_of(site)
    special = "not a regular file but {}: not read (remove it; the site's folders hold plain files and folders)"
    assert problems == [f"content/articles/linked-pipe.md: {special.format('a FIFO (named pipe)')}",
                        f"content/articles/pipe.md: {special.format('a FIFO (named pipe)')}",
                        f"content/stories.yaml: {special.format('a FIFO (named pipe)')}",
                        f"templates/base.html: {special.format('a FIFO (named pipe)')}",
                        f"static/sock: {special.format('a socket')}"]
