"""Long lists at size: the stories, entities and sources indexes are paged (every item on exactly one
page), entities and sources have an A–Z bar leading to the page where each letter starts, and the
pages around them say what a reader needs (story cards' counts, month days, a wire's own reports,
"and N more" as a link, no "Other" for an entity outside the registry)."""
from __future__ import annotations

import math
import random
import re
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from site_builder.site import letters
from site_builder.site.letters import alphabetical, letter_of
from tests.conftest import write_article

PER_PAGE = 7
STORIES, OUTLETS, NAMES = 45, 30, 80
LETTERS = "ABCDEFGHIKLMNOPRSTWZ"        # the names start with these (and a few with a digit or an accent)


def _names() -> list[str]:
    names = [f"{LETTERS[n % len(LETTERS)]}{'aeiou'[n % 5]}name Number{n}" for n in range(NAMES - 4)]
    return names + ["3M Group", "Éire Board", "ångström Lab", "The Hague"]


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site of 45 explicit stories, 80 entities and 30 outlets, 7 items a page; one outlet, 'Busy
    Daily', covers 30 stories (more than its page lists)."""
    rng = random.Random(3)
    site = tmp_path_factory.mktemp("lists") / "site"
    folder = site / "content" / "articles"
    folder.mkdir(parents=True)
    (site / "site.toml").write_text(f'title = "Lists"\nper_page = {PER_PAGE}\n', encoding="utf-8")
    stories = "\n".join(f"- id: story-{n:02d}\n  title: Story number {n}" for n in range(STORIES))
    (site / "content" / "stories.yaml").write_text(stories + "\n", encoding="utf-8")
    outlets = [f"{LETTERS[n % len(LETTERS)]}{n} Times" for n in range(OUTLETS - 2)] + ["The Zephyr Post", "Busy Daily"]
    names = _names()
    words = "harbour ferry wheat court ballot drone tanker summit quake vaccine tariff convoy budget".split()
    for n in range(120):
        source = "Busy Daily" if n < 30 else outlets[n % (OUTLETS - 1)]
        entities = ", ".join(f'"{name}"' for name in (names[n % NAMES], names[(n * 7 + 3) % NAMES]))
        body = " ".join(f"{rng.choice(words)}{rng.randrange(10**6)}" for _ in range(60))
        (folder / f"item-{n:03d}.md").write_text(
            f"---\ntitle: Item {n}\ndate: 2025-0{1 + n % 6}-{1 + n % 28:02d}\nsource: {source}\n"
            f"story: story-{n % STORIES:02d}\nentities: [{entities}]\n---\n{body}\n", encoding="utf-8")
    build(site, BuildOptions(search=False, jobs=2))
    return site / "output"


def page_file(output: Path, url: str) -> Path:
    return output / url.split("#")[0].strip("/") / "index.html"


def main_of(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return html[html.index('<main id="main">'):html.index("</main>")]


def walk_pages(output: Path, first: str) -> list[tuple[str, str]]:
    """Each page of a paged list from its first by the pager's 'next' link: (address, main), checking
    the pager's links and numbers on the way."""
    pages, url = [], first
    while url:
        main = main_of(page_file(output, url))
        pages.append((url, main))
        number = re.search(r"<span>Page (\d+) of (\d+)</span>", main)
        assert number and int(number[1]) == len(pages), url
        prev = re.search(r'<a rel="prev" href="([^"]+)"', main)
        assert (prev[1] if prev else None) == (pages[-2][0] if len(pages) > 1 else None), url
        following = re.search(r'<a rel="next" href="([^"]+)"', main)
        url = following[1] if following else ""
        assert url == ("" if number[1] == number[2] else f"{first}page/{len(pages) + 1}/"), url
    return pages


def listed_names(main: str) -> list[str]:
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a> <span class="count">', main)


@pytest.mark.parametrize("index, expected", [("/entities/", NAMES), ("/sources/", OUTLETS)])
def test_each_name_index_lists_every_name_on_exactly_one_page(big_site: Path, index: str, expected: int) -> None:
    pages = walk_pages(big_site, index)
    assert len(pages) == math.ceil(expected / PER_PAGE)
    names = [name for _, main in pages for name in listed_names(main)]
    assert len(names) == len(set(names)) == expected
    assert all(len(listed_names(main)) == PER_PAGE for _, main in pages[:-1])
    letters = [letter_of(name) for name in names]
    assert letters == sorted(letters, key=lambda letter: (letter != "#", letter))     # '#' first, then A–Z


@pytest.mark.parametrize("index, newer, older", [("/entities/", "← Previous", "Next →"), ("/sources/", "← Previous", "Next →"),
                                                  ("/stories/", "← Newer", "Older →")])
def test_a_list_s_pager_words_its_order(big_site: Path, index: str, newer: str, older: str) -> None:
    """An A–Z list goes on to the 'Next' page, one newest first to the 'Older' one."""
    _, second = walk_pages(big_site, index)[1]
    assert re.findall(r'<a rel="(?:prev|next)" href="[^"]+">([^<]+)</a>', second) == [newer, older]


@pytest.mark.parametrize("index, name, letter", [("/entities/", "The Hague", "H"), ("/sources/", "The Zephyr Post", "Z")])
def test_a_name_starting_with_the_is_filed_under_the_word_after_it(big_site: Path, index: str, name: str,
                                                                     letter: str) -> None:
    """As libraries file them: the outlet 'The Zephyr Post' under Z, among the names of Z."""
    for _, main in walk_pages(big_site, index):
        if f">{name}</a>" in main:
            groups = dict(re.findall(r'<h2 id="[^"]+" class="letter">([^<]+)</h2>(.*?)(?=<h2 |\Z)', main, re.S))
            under = listed_names(groups[letter])
            assert name in under and under == alphabetical(under, str)
            return
    raise AssertionError(f"{name} is not listed")


def test_the_stories_index_lists_every_story_on_exactly_one_page(big_site: Path) -> None:
    pages = walk_pages(big_site, "/stories/")
    assert len(pages) == math.ceil(STORIES / PER_PAGE)
    titles = [t for _, main in pages for t in re.findall(r'<h2><a href="/stories/[^"]+">([^<]+)</a></h2>', main)]
    assert sorted(titles) == sorted(f"Story number {n}" for n in range(STORIES))


@pytest.mark.parametrize("index", ["/entities/", "/sources/"])
def test_letter_bar_links_land_on_the_page_where_the_letter_starts(big_site: Path, index: str) -> None:
    names = [name for _, main in walk_pages(big_site, index) for name in listed_names(main)]
    first_of: dict[str, str] = {}
    for name in names:
        first_of.setdefault(letter_of(name), name)
    for _, main in walk_pages(big_site, index):     # every page has the same bar
        bar = main[main.index('<nav class="letter-bar"'):main.index("</nav>")]
        links = dict((letter, url) for url, letter in re.findall(r'<a href="([^"]+)">([^<]+)</a>', bar))
        assert set(links) == set(first_of)
        assert set(re.findall(r"<span>([^<]+)</span>", bar)) == set("#ABCDEFGHIJKLMNOPQRSTUVWXYZ") - set(first_of)
        for letter, url in links.items():
            target = main_of(page_file(big_site, url))
            anchor = url.split("#")[1]
            heading = target.index(f'<h2 id="{anchor}" class="letter">{letter}</h2>')
            assert listed_names(target[heading:])[0] == first_of[letter], (letter, url)
    assert first_of.get("#", "3M Group") == "3M Group" and letter_of("Éire Board") == "E"


def test_and_n_more_of_a_source_links_the_whole_list(big_site: Path) -> None:
    main = main_of(big_site / "sources/busy-daily/index.html")
    more = re.search(r'<p class="meta"><a href="([^"]+)">and (\d+) more</a></p>\s*$', main.split("<h2>Articles</h2>")[0])
    assert more and more[1] == "/sources/busy-daily/stories/" and int(more[2]) == 30 - 20
    listed = [t for _, page in walk_pages(big_site, more[1]) for t in re.findall(r'<li><a href="/stories/[^"]+">([^<]+)</a>', page)]
    assert sorted(listed) == sorted(f"Story number {n}" for n in range(30))
    small = main_of(big_site / "sources/a0-times/index.html")
    assert "more</a>" not in small and not (big_site / "sources/a0-times/stories").exists()


def test_no_html_page_of_the_lists_grows_with_the_archive(big_site: Path) -> None:
    sizes = {p.relative_to(big_site).as_posix(): p.stat().st_size for p in big_site.rglob("*.html")}
    assert max(sizes.values()) < 250_000
    assert max(size for path, size in sizes.items() if path.startswith(("entities/index", "entities/page"))) < 30_000


# -- a small site: the counts and wording of single pages --------------------------------------------
def _article(site: Path, name: str, title: str, when: str, source: str, extra: str = "") -> None:
    rng = random.Random(name)
    body = " ".join(f"word{rng.randrange(10**6)}" for _ in range(80))
    path = site / "content" / "articles" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: {when}\nsource: {source}\n{extra}---\n{body}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("small") / "site"
    _article(site, "leave", "The ferry leaves", "2025-06-01T08:00:00Z", "Harbour Gazette", "story: trip\n")
    _article(site, "storm", "A storm at sea", "2025-06-05T09:00:00Z", "Wire Desk", "story: trip\nwire: Wire Desk\n")
    _article(site, "arrive", "The ferry arrives", "2025-06-09T10:00:00Z", "Harbour Gazette",
             "story: trip\nentities: [Unlisted Person, Ada Lovelace]\n")
    _article(site, "same-day", "Another item of the first", "2025-06-01T18:00:00Z", "Other Post")
    (site / "content" / "stories.yaml").write_text("- id: trip\n  title: The long crossing\n", encoding="utf-8")
    (site / "content" / "sources.yaml").write_text("- name: Wire Desk\n  kind: wire\n", encoding="utf-8")
    (site / "content" / "entities.yaml").write_text("- name: Ada Lovelace\n  kind: person\n", encoding="utf-8")
    return build(site, BuildOptions(search=False, jobs=1)).output


def test_story_cards_count_events_outlets_and_days(small_site: Path) -> None:
    index = main_of(small_site / "stories/index.html")
    card = index[index.index(">The long crossing</a>"):]
    assert '<span class="card-counts">3 events · 2 outlets · 9 days</span>' in card.split("</article>")[0]


def test_month_pages_head_each_day(small_site: Path) -> None:
    main = main_of(small_site / "archive/2025/06/index.html")
    days = re.findall(r'<h2 id="day-([\d-]+)" class="day"><time datetime="[\d-]+">([^<]+)</time></h2>', main)
    assert days == [("2025-06-09", "9 June 2025"), ("2025-06-05", "5 June 2025"), ("2025-06-01", "1 June 2025")]
    first_day = main[main.index('id="day-2025-06-01"'):]
    assert {"Another item of the first", "The ferry leaves"} == set(re.findall(r'<h3 class="item-title"><a href="[^"]+">([^<]+)</a>', first_day))


def test_a_wire_source_page_counts_its_own_reports_not_copies(small_site: Path) -> None:
    wire = main_of(small_site / "sources/wire-desk/index.html")
    assert "Wire copies" not in wire
    assert "<dt>Own reports</dt><dd>1 of 1 article: a wire agency's reports are its own, not copies</dd>" in wire
    assert "<dt>Wire copies</dt>" in main_of(small_site / "sources/harbour-gazette/index.html")


def test_an_entity_outside_the_registry_is_not_called_other(small_site: Path) -> None:
    unlisted = main_of(small_site / "entities/unlisted-person/index.html")
    assert "Other ·" not in unlisted and '<span data-pagefind-ignore>Not in the registry · 1 article</span>' in unlisted
    assert '<span data-pagefind-ignore>Person · 1 article</span>' in main_of(small_site / "entities/ada-lovelace/index.html")


def test_the_site_has_an_icon_at_its_root_and_in_its_pages(small_site: Path) -> None:
    icon = (small_site / "favicon.ico").read_bytes()
    assert icon[:4] == b"\0\0\1\0" and b"\x89PNG" in icon
    assert (small_site / "assets/favicon.svg").read_text(encoding="utf-8").startswith("<svg")
    assert '<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">' in \
        (small_site / "index.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_the_home_page_asks_for_nothing_that_is_not_there(small_site: Path, browser: object,
                                                          static_server: object) -> None:
    """No 404 in a browser: the icon the pages name and /favicon.ico at the root are served."""
    base = static_server(small_site)       # type: ignore[operator]
    tab = browser.new_page()              # type: ignore[attr-defined]
    failed: list[str] = []
    icons: list[str] = []
    tab.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    tab.on("request", lambda r: icons.append(r.url) if "favicon" in r.url else None)
    tab.goto(base + "/")
    tab.wait_for_load_state("networkidle")
    assert tab.request.get(base + "/favicon.ico").status == 200
    assert failed == []
    assert tab.evaluate("document.querySelector('link[rel=icon]').href") == base + "/assets/favicon.svg"
    tab.close()


@pytest.mark.parametrize("name, letter", [("The Guardian", "G"), ("the  hill", "H"), ("THE ONION", "O"),
                                          ("The 9/11 Review", "#"), ("The", "T"), ("The ", "T"), ("Theology Today", "T"),
                                          ("Los Angeles", "L"), ("La Paz", "L"), ("Der Spiegel", "D")])
def test_only_a_leading_english_article_is_passed_over(name: str, letter: str) -> None:
    assert letter_of(name) == letter
    assert alphabetical(["The Guardian", "Gazette", "The Hill", "Reuters", "Theology Today"], str) == \
        ["Gazette", "The Guardian", "The Hill", "Reuters", "Theology Today"]


@pytest.mark.parametrize("name, letter", [("ßmall press", "S"), ("ß", "S"), ("Ǆemal", "D"), ("ﬁnance daily", "F"),
                                          ("ŉews", "#"), ("Élysée", "E"), ("3M", "#")])
def test_a_name_whose_first_letter_is_two_in_capitals_is_listed_under_the_first(name: str, letter: str) -> None:
    assert letter_of(name) == letter and letter in letters.LETTERS
    assert alphabetical([name, "Zeta"], str)[-1] == "Zeta"


def test_an_entity_page_shows_the_stories_most_of_its_articles_are_in_and_links_every_one(tmp_path: Path) -> None:
    """Fourteen stories name Kelsham (story n in n + 1 articles): its page shows the twelve that hold
    most of its articles, each with how many, and links the paged list of all fourteen; Brill, in
    two stories, gets no such list."""
    site = tmp_path / "site"
    for story in range(14):
        for n in range(story + 1):
            write_article(site, f"s{story:02d}-{n:02d}.md", f"---\ntitle: Report {story} {n}\n"
                          f"date: 2025-03-{1 + n:02d}\nsource: Outlet {n % 3}\nstory: story-{story:02d}\n"
                          f"entities: [Kelsham{', Brill' if story < 2 and n == 0 else ''}]\n---\nText {story} {n}.\n")
    output = build(site, BuildOptions(search=False, jobs=1)).output
    page = main_of(output / "entities/kelsham/index.html")
    assert "The 12 of 14 stories that hold most of its articles" in page
    assert re.findall(r'<p class="meta card-note">([^<]+)</p>', page) == \
        [f"All {n} articles name Kelsham" for n in range(14, 2, -1)]
    every = re.search(r'<a href="([^"]+)">every story</a>', page)
    assert every and every[1] == "/entities/kelsham/stories/"
    listed = main_of(output / "entities/kelsham/stories/index.html")
    assert "<h1>Stories that name Kelsham</h1>" in listed and "14 in all" in listed
    assert len(re.findall(r"<li><a href=\"/stories/story-\d\d/\">", listed)) == 14
    assert "— 1 of its 1 article</li>" in listed
    brill = main_of(output / "entities/brill/index.html")
    assert re.findall(r'<p class="meta card-note">([^<]+)</p>', brill) == \
        ["Its one article names Brill", "1 of its 2 articles names Brill"]     # as many: by id
    assert "every story" not in brill
    assert not (output / "entities/brill/stories").exists()
