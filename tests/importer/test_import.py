"""`site-builder import`: raw aggregator text, a second copy, saved HTML and bad input."""
from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from site_builder.content.articles import parse_article
from site_builder.importer.plan import ImportReport, escape_markdown, import_paths
from site_builder.importer.text import is_headline, split_teasers
from tests.factories import Post, read_post

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "tests" / "fixtures" / "raw"
FIRST = RAW / "000_7281c503f6f4bb13.txt"
SECOND = RAW / "004_862e51eedb9d2bff.txt"
HTML = REPO / "tests" / "fixtures" / "html" / "harbour-pilots-strike.html"
DAY = datetime(2025, 6, 23)
MAIN_TITLE = "Iran's supreme leader asks Putin to do more after US strikes"
CLUTTER = ("Orange background", "Try Our AI Features", "Explore what Daily8 AI can do for you",
           "Comments", "No comments yet", "app-storeplay-store", "DOWNLOAD THE APP",
           "Get Started Now: Download the App", "Ready to dive into", "Related Articles",
           "time28 minutes ago", "time32 minutes ago", "timean hour ago", "• Express Tribune")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with the repository's registries and no articles."""
    (tmp_path / "content").mkdir()
    for name in ("entities.yaml", "sources.yaml"):
        shutil.copy(REPO / "content" / name, tmp_path / "content" / name)
    return tmp_path


def articles(site: Path) -> dict[str, Post]:
    """Every written article by slug."""
    return {p.stem: read_post(p) for p in sorted((site / "content" / "articles").glob("*.md"))}


def by_title(site: Path, title: str) -> tuple[str, Post]:
    return next((slug, post) for slug, post in articles(site).items() if post["title"] == title)


def paragraphs(post: Post) -> list[str]:
    return [p for p in post.content.split("\n\n") if p.strip()]


def first_import(site: Path) -> ImportReport:
    report = import_paths([FIRST], site, date=DAY)
    assert report.ok, report.lines()
    return report


# ----------------------------------------------------------------- the aggregator page

def test_aggregator_page_gives_the_story_and_three_related_articles(site: Path) -> None:
    report = first_import(site)
    assert len(report.written) == 4
    assert all(path.startswith("content/articles/") and (site / path).is_file() for path in report.written)
    titles = {post["title"] for post in articles(site).values()}
    assert titles == {MAIN_TITLE,
                      "Russian streamer Stepan Scoffy detained after desecrating flag for $12 donation",
                      "‘Extremely dangerous' if Iran closes Strait of Hormuz: EU",
                      "PM Shehbaz chairs NSC meeting amid Iran-US tensions"}


def test_no_page_clutter_in_any_file(site: Path) -> None:
    first_import(site)
    for slug, post in articles(site).items():
        text = (site / "content" / "articles" / f"{slug}.md").read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[1]
        for clutter in CLUTTER:
            assert clutter not in body, (slug, clutter)
        assert "logo" not in body.split("\n")
        assert post["title"] not in body                    # the repeated headline is gone


def test_story_paragraphs_are_the_original_lines(site: Path) -> None:
    first_import(site)
    _, post = by_title(site, MAIN_TITLE)
    original = FIRST.read_text(encoding="utf-8").split("\n")
    section = original[4: original.index("Orange background")]
    teaser = "Iran weighs retaliation against US for strikes on nuclear sites"
    expected = [line for line in section if line.strip() and line != teaser]
    assert paragraphs(post) == expected
    assert teaser not in post.content
    assert post["review"]["teasers"] == [teaser]


def test_story_metadata(site: Path) -> None:
    first_import(site)
    _, post = by_title(site, MAIN_TITLE)
    assert post["wire"] == "Reuters"
    assert post["dateline"] == "ISTANBUL/MOSCOW"
    assert post["source"] == "Daily8"
    assert paragraphs(post)[0].startswith("ISTANBUL/MOSCOW: Iran's supreme leader")
    assert {"Abbas Araqchi", "Vladimir Putin", "Ali Khamenei", "Donald Trump", "Iran", "Russia"} <= set(
        post["entities"])
    assert "Middle East" in post["review"]["candidate_entities"]


def test_related_articles_carry_source_date_and_links_both_ways(site: Path) -> None:
    first_import(site)
    main_slug, main = by_title(site, MAIN_TITLE)
    related = {slug: post for slug, post in articles(site).items() if slug != main_slug}
    assert sorted(main["related"]) == sorted(related)
    for post in related.values():
        assert post["related"] == [main_slug]
        assert str(post["date"]).startswith("2025-06-23")
    sources = {post["title"][:12]: post["source"] for post in related.values()}
    assert sources == {"Russian stre": "Express Tribune", "‘Extremely d": "Business Recorder",
                       "PM Shehbaz c": "Business Recorder"}


def test_inline_teasers_in_related_text_are_recorded_not_kept(site: Path) -> None:
    first_import(site)
    for title, teaser in (("‘Extremely dangerous' if Iran closes Strait of Hormuz: EU",
                           "Three tankers divert away from Strait of Hormuz amid rising tensions: shipping data"),
                          ("PM Shehbaz chairs NSC meeting amid Iran-US tensions",
                           "National Security Committee to meet today")):
        _, post = by_title(site, title)
        assert teaser not in post.content
        assert post["review"]["teasers"] == [teaser]
    _, hormuz = by_title(site, "‘Extremely dangerous' if Iran closes Strait of Hormuz: EU")
    assert "nuclear sites. 'Ministers are very much focused" in hormuz.content
    assert "US Secretary of State Marco Rubio has urged China" in hormuz.content
    assert hormuz["dateline"] == "BRUSSELS"
    assert hormuz.content.startswith("BRUSSELS: The EU's top diplomat")


def test_markdown_specials_are_escaped(site: Path) -> None:
    first_import(site)
    _, post = by_title(site, "Russian streamer Stepan Scoffy detained after desecrating flag for $12 donation")
    assert r"'F\*\*k this flag.'" in post.content
    assert escape_markdown("# not a heading [x](y) <b>") == r"\# not a heading \[x\](y) \<b\>"


def test_relative_times_resolve_against_a_page_time(site: Path) -> None:
    noon = datetime(2025, 6, 23, 12, 0, tzinfo=UTC)
    import_paths([FIRST], site, date=noon)
    _, streamer = by_title(site, "Russian streamer Stepan Scoffy detained after desecrating flag for $12 donation")
    _, nsc = by_title(site, "PM Shehbaz chairs NSC meeting amid Iran-US tensions")
    assert datetime.fromisoformat(streamer["date"]) == noon - timedelta(minutes=28)
    assert datetime.fromisoformat(nsc["date"]) == noon - timedelta(hours=1)


def test_every_written_file_parses_cleanly(site: Path) -> None:
    first_import(site)
    import_paths([SECOND, HTML], site, date=DAY)
    written = sorted((site / "content" / "articles").glob("*.md"))
    assert len(written) == 6
    found = set()
    for path in written:
        parsed = parse_article(path, path.relative_to(site).as_posix(), ZoneInfo("UTC"))
        assert parsed.problems == (), parsed.problems
        assert parsed.article is not None
        found |= set(parsed.article.entities)
    assert {"Abbas Araqchi", "Vladimir Putin", "Ali Khamenei"} <= found


# ----------------------------------------------------------------- second copy, re-import, safety

def test_second_copy_is_a_new_version_of_the_first(site: Path) -> None:
    first = first_import(site)
    report = import_paths([SECOND], site, date=DAY)
    assert len(report.written) == 1 and report.ok
    main_path = next(p for p in first.written if "supreme-leader" in p)
    assert [(v.path, v.of) for v in report.versions] == [(report.written[0], main_path)]
    assert f"new version of {main_path}" in "\n".join(report.lines())
    post = read_post(site / report.written[0])
    assert post["source"] == "Unknown source"
    assert any("names no outlet" in note for note in post["review"]["notes"])
    assert "## MEDIATION" in post.content
    assert post["dateline"] == "ISTANBUL/MOSCOW" and post["wire"] == "Reuters"
    assert post.content.splitlines()[-1].endswith('colleagues nothing," he said.')


def test_source_argument_names_the_outlet(site: Path) -> None:
    report = import_paths([SECOND], site, date=DAY, source="unidentified outlet")
    assert read_post(site / report.written[0])["source"] == "Unidentified outlet"


def test_importing_again_writes_nothing_and_says_why(site: Path) -> None:
    first_import(site)
    import_paths([SECOND], site, date=DAY)
    before = {p: p.read_bytes() for p in (site / "content" / "articles").glob("*.md")}
    report = import_paths([RAW], site, date=DAY)
    assert report.written == () and report.ok
    assert len(report.skipped) == 5
    assert all(s.reason.startswith("duplicate of content/articles/") for s in report.skipped)
    assert {p: p.read_bytes() for p in (site / "content" / "articles").glob("*.md")} == before


def test_same_url_is_a_duplicate(site: Path) -> None:
    import_paths([HTML], site)
    edited = site / "edited.html"
    edited.write_text(HTML.read_text(encoding="utf-8").replace("About 40 vessels", "About 45 vessels"),
                      encoding="utf-8")
    report = import_paths([edited], site)
    assert report.written == ()
    assert "duplicate of content/articles/harbour-pilots-strike-halts-rotterdam-shipping.md" in report.skipped[0].reason


def test_an_existing_file_of_that_name_is_never_overwritten(site: Path) -> None:
    folder = site / "content" / "articles"
    folder.mkdir()
    taken = folder / "khamenei-asks-putin-for-more-help-after-us-strikes-on-iran.md"
    taken.write_text("---\ntitle: Something else\ndate: 2024-01-01\nsource: X\n---\nOther text.\n",
                     encoding="utf-8")
    report = import_paths([SECOND], site, date=DAY)
    assert report.written == ("content/articles/khamenei-asks-putin-for-more-help-after-us-strikes-on-iran-2.md",)
    assert taken.read_text(encoding="utf-8").startswith("---\ntitle: Something else")


def test_dry_run_writes_nothing(site: Path) -> None:
    report = import_paths([FIRST, SECOND], site, date=DAY, dry_run=True)
    assert len(report.written) == 5 and len(report.versions) == 1
    assert report.summary().startswith("import: would write 5 file(s)")
    assert not (site / "content" / "articles").exists()


# ----------------------------------------------------------------- HTML

def test_saved_html_page_gives_text_and_metadata(site: Path) -> None:
    report = import_paths([HTML], site)
    assert report.ok and len(report.written) == 1
    post = read_post(site / report.written[0])
    assert post["title"] == "Harbour pilots strike halts Rotterdam shipping"
    assert post["date"] == "2025-06-24T08:15:00+02:00"
    assert post["source"] == "The Coastal Herald"
    assert post["url"] == "https://www.coastalherald.example/news/2025/06/24/harbour-pilots-strike-rotterdam"
    assert post["dateline"] == "ROTTERDAM"
    assert post["author"] == "Marieke de Vries" and "author" not in post["review"]
    text = paragraphs(post)
    assert len(text) == 5
    assert text[0].startswith("ROTTERDAM: Ship movements at Europe's largest port")
    assert text[-1].endswith("analysts at the Port Economics Institute said.")
    for clutter in ("cookies", "Share on", "sailor77", "Advertisement", "Most read", "Ferry fares",
                    "All rights reserved", "Google Play", "Subscribe", "Leave a comment"):
        assert clutter not in post.content


# ----------------------------------------------------------------- bad input

def test_empty_binary_and_missing_inputs_fail_clearly_and_the_rest_imports(site: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n\n")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    clutter_only = tmp_path / "clutter.txt"
    clutter_only.write_text("logo\n\nComments\n\nNo comments yet...\n", encoding="utf-8")
    index = tmp_path / "index.html"
    index.write_text("<html><head><title>Index</title></head><body><nav><a href=/a>News</a> "
                     "<a href=/b>Sport</a></nav><footer>(c) 2025</footer></body></html>", encoding="utf-8")
    report = import_paths([empty, binary, tmp_path / "missing.txt", clutter_only, index, HTML], site)
    messages = {Path(p.path).name: p.message for p in report.failures}
    assert messages == {"empty.txt": "file is empty", "photo.txt": "file looks binary, not text or HTML",
                        "missing.txt": "no such file or folder",
                        "clutter.txt": "no article text found in the page",
                        "index.html": "no article text found in the page"}
    assert len(report.written) == 1 and not report.ok
    assert all(str(p).startswith(str(p.path)) for p in report.failures)


def test_latin1_text_is_decoded(site: Path, tmp_path: Path) -> None:
    text = ("Café owners in São Paulo protest new tax\n\n"
            "SÃO PAULO: Owners of cafés and padarias across São Paulo closed their doors on Tuesday "
            "in protest at a municipal tax that they say will double the cost of opening a terrace.\n"
            "\"Não é justo,\" said José Conceição, who has run a café in Pinheiros for twenty years. "
            "The city council said the tax would pay for wider pavements and more trees.\n")
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    report = import_paths([path], site, date=DAY)
    assert report.ok and len(report.written) == 1
    post = read_post(site / report.written[0])
    assert post["title"] == "Café owners in São Paulo protest new tax"
    assert "José Conceição" in post.content
    assert any(note.startswith("decoded as ") for note in post["review"]["notes"])


def test_no_date_anywhere_uses_the_file_date_and_says_so(site: Path) -> None:
    report = import_paths([SECOND], site)
    post = read_post(site / report.written[0])
    assert any("modification date" in note for note in post["review"]["notes"])


def test_hostile_title_is_quoted_safely(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text("--- !!python/object:os.system 'echo hi' # <script>: *bold*\n\n"
                    "LONDON: A paragraph of text about something that happened on Monday in the city.\n",
                    encoding="utf-8")
    report = import_paths([path], site, date=DAY)
    post = read_post(site / report.written[0])
    assert post["title"] == "--- !!python/object:os.system 'echo hi' # <script>: *bold*"
    parsed = parse_article(site / report.written[0], report.written[0], ZoneInfo("UTC"))
    assert parsed.problems == ()


# ----------------------------------------------------------------- teaser rules

@pytest.mark.parametrize("line", ["Iran weighs retaliation against US for strikes on nuclear sites",
                                  "National Security Committee to meet today"])
def test_headlines(line: str) -> None:
    assert is_headline(line)


@pytest.mark.parametrize("line", ["The sources did not elaborate on what assistance Tehran wanted",
                                  "US Secretary of State", "Other key attendees include",
                                  "A senior source told Reuters"])
def test_not_headlines(line: str) -> None:
    assert not is_headline(line)


def test_split_teasers_leaves_ordinary_sentences() -> None:
    text = "Putin said that Israel had given Moscow assurances. The Kremlin said that Putin would receive Araqchi."
    assert split_teasers(text) == (text, ())


def test_names_the_text_mentions_are_written_as_entities_and_the_new_ones_marked(site: Path) -> None:
    raw = site / "mayor.txt"
    raw.write_text("Kelsham bridge reopens after two years\n\nMayor Ilse Vandorp opened the Vandorp Bridge on "
                   "Friday, and Orrin Structural said the repairs were finished. Officials in Tehran and the "
                   "Kremlin were not asked. The Iranian foreign minister Abbas Araghchi was in Moscow.\n",
                   encoding="utf-8")
    report = import_paths([raw], site, date=DAY, source="Kelsham Gazette")
    assert report.ok, report.lines()
    post = next(iter(articles(site).values()))
    assert "Abbas Araqchi" in post["entities"]           # the registry's alias, written as its canonical name
    assert {"Ilse Vandorp", "Orrin Structural"} <= set(post["entities"])
    assert {"Ilse Vandorp", "Orrin Structural"} <= set(post["review"]["new_entities"])
    assert "Abbas Araqchi" not in post["review"]["new_entities"] and "Friday" not in post["entities"]
