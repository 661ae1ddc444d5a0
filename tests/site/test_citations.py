"""Citation files (CSL-JSON, BibTeX, RIS) read back with real parsers: the fields round-trip and a
hostile title stays text in every format; the article page's Cite block and citation meta tags."""
from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import pytest
import rispy
from citeproc import Citation as CiteprocCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from site_builder.build.pipeline import BuildOptions, build
from site_builder.site.formats.citations import Citation, bibtex, bibtex_text, csl_json, ris
from tests.factories import article_text

HOSTILE = 'Strike </script><script>alert(1)</script> {ends} "quoted" 100% & #1 \\ $x_y^z~'
FULL = Citation(key="daily8-2025-harbour-strike", title="Harbour pilots strike halts shipping", outlet="Daily8",
                published=date(2025, 6, 24), url="https://daily8.example/a?b=1%20c", page="https://arch.example/a/",
                archived="https://web.archive.org/web/20250624093012/https://daily8.example/a",
                archived_at=date(2025, 6, 24), accessed=date(2025, 7, 1), authors=("Marieke de Vries", "Reuters Staff"))
BARE = Citation(key="wire-2024-b", title="Second", outlet="Wire", published=date(2024, 1, 2),
                url="https://arch.example/b/", page="https://arch.example/b/")
HOSTILE_CITE = Citation(key="daily8-2025-hostile", title=HOSTILE, outlet="Daily8 {&} Co", published=date(2025, 6, 24),
                        url="https://daily8.example/x", page="https://arch.example/x/")


def _bib(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return {entry.key: {f.key: f.value for f in entry.fields} for entry in library.entries}


def test_bibtex_entries_parse_with_every_field() -> None:
    entries = _bib(bibtex([FULL, BARE]))
    assert list(entries) == [FULL.key, BARE.key]
    full = entries[FULL.key]
    assert full["title"] == FULL.title and full["journal"] == "Daily8" and full["author"] == "{Marieke de Vries} and {Reuters Staff}"
    assert (full["year"], full["month"], full["date"]) == ("2025", "6", "2025-06-24")
    assert full["url"] == FULL.url and full["urldate"] == "2025-07-01"
    assert FULL.archived and FULL.archived in full["note"] and "2025-06-24" in full["note"]
    assert set(entries[BARE.key]) == {"title", "journal", "year", "month", "date", "url"}


def test_bibtex_escapes_braces_and_special_characters_exactly() -> None:
    entries = _bib(bibtex([HOSTILE_CITE, BARE]))
    assert list(entries) == [HOSTILE_CITE.key, BARE.key]        # nothing of the title leaked into another field
    assert entries[HOSTILE_CITE.key]["title"] == bibtex_text(HOSTILE)
    assert entries[HOSTILE_CITE.key]["journal"] == r"Daily8 \{\&\} Co"
    assert bibtex_text("a{b}c%d&e#f$g_h^i~j\\k") == r"a\{b\}c\%d\&e\#f\$g\_h\^{}i\~{}j\textbackslash{}k"


def test_ris_records_parse_one_tag_a_line() -> None:
    records = rispy.loads(ris([FULL, BARE]))
    assert len(records) == 2
    full = records[0]
    assert full["type_of_reference"] == "NEWS" and full["id"] == FULL.key
    assert full["title"] == FULL.title and full["secondary_title"] == "Daily8"
    assert full["authors"] == ["Marieke de Vries", "Reuters Staff"]
    assert full["year"] == "2025" and full["date"] == "2025/06/24" and full["access_date"] == "2025/07/01"
    assert full["urls"] == [FULL.url, FULL.archived]
    assert "urls" in records[1] and "access_date" not in records[1]


def test_ris_keeps_a_hostile_title_on_its_line() -> None:
    title = HOSTILE + "\nER  - \r\nTY  - JOUR\u2028end"
    records = rispy.loads(ris([Citation(**{**HOSTILE_CITE.__dict__, "title": title}), BARE]))
    assert len(records) == 2
    assert records[0]["title"] == " ".join(title.replace("\u2028", " ").split())
    assert records[0]["type_of_reference"] == "NEWS"


def _rendered(text: str, key: str) -> str:
    source = CiteProcJSON(json.loads(text))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(CiteprocCitation([CitationItem(key)]))
    return str(bibliography.bibliography()[0])


def test_csl_json_renders_with_a_csl_style() -> None:
    text = csl_json([FULL, BARE])
    items = json.loads(text)
    assert [i["id"] for i in items] == [FULL.key, BARE.key]
    assert items[0]["container-title"] == "Daily8" and items[0]["issued"] == {"date-parts": [[2025, 6, 24]]}
    assert items[0]["accessed"] == {"date-parts": [[2025, 7, 1]]} and "accessed" not in items[1]
    rendered = _rendered(text, FULL.key)
    for part in ("Harbour pilots strike halts shipping", "Daily8", "2025", FULL.url):
        assert part in rendered, rendered


def test_csl_json_names_every_author_in_order() -> None:
    (item,) = json.loads(csl_json([FULL]))
    assert item["author"] == [{"literal": "Marieke de Vries"}, {"literal": "Reuters Staff"}]


def test_csl_json_keeps_a_hostile_title_as_text() -> None:
    text = csl_json([HOSTILE_CITE])
    assert json.loads(text)[0]["title"] == HOSTILE
    assert "Strike </script><script>alert(1)</script>" in _rendered(text, HOSTILE_CITE.key)


# ----------------------------------------------------------------- in a built site

class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("name"):
            self.meta[found["name"] or ""] = found.get("content") or ""
        self.scripts += tag == "script"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("cite") / "site"
    folder = site / "content/articles"
    folder.mkdir(parents=True)
    (site / "site.toml").write_text('title = "Archive"\nbase_url = "https://arch.example/"\n', encoding="utf-8")
    (folder / "hostile.md").write_text(article_text(
        HOSTILE, "2025-06-24T08:15:00+02:00", "Daily8",
        "url: https://daily8.example/x\nstory: harbour\n"
        "archived: https://web.archive.org/web/20250624093012/https://daily8.example/x\n"
        "archived_at: 2025-06-24T09:30:12Z\nreview:\n  imported_at: 2025-07-01T10:00:00+00:00\n",
        "Ship movements stopped at the port."), encoding="utf-8")
    (folder / "plain.md").write_text(article_text("Port reopens", "2025-06-25", "Wire", "story: harbour\n",
                                                  "The port reopened."), encoding="utf-8")
    return build(site, BuildOptions(search=False, jobs=1)).output


def test_each_article_and_story_offers_its_citation_files(built: Path) -> None:
    article = built / "articles/2025/06/24/hostile"
    entries = _bib((article / "cite.bib").read_text(encoding="utf-8"))
    assert list(entries) == ["daily8-2025-hostile"] and entries["daily8-2025-hostile"]["urldate"] == "2025-07-01"
    assert json.loads((article / "cite.json").read_text(encoding="utf-8"))[0]["title"] == HOSTILE
    assert rispy.loads((article / "cite.ris").read_text(encoding="utf-8"))[0]["title"] == HOSTILE
    story = built / "stories/harbour"
    assert set(_bib((story / "cite.bib").read_text(encoding="utf-8"))) == {"daily8-2025-hostile", "wire-2025-plain"}
    assert len(rispy.loads((story / "cite.ris").read_text(encoding="utf-8"))) == 2
    assert len(json.loads((story / "cite.json").read_text(encoding="utf-8"))) == 2
    assert 'href="/stories/harbour/cite.bib"' in (story / "index.html").read_text(encoding="utf-8")


def test_the_article_page_has_a_cite_block_and_citation_meta_tags(built: Path) -> None:
    html = (built / "articles/2025/06/24/hostile/index.html").read_text(encoding="utf-8")
    parser = _Meta()
    parser.feed(html)
    assert parser.meta["citation_title"] == HOSTILE == parser.meta["DC.title"]
    assert parser.meta["citation_publication_date"] == "2025/06/24"
    assert parser.meta["citation_journal_title"] == "Daily8" == parser.meta["DC.publisher"]
    assert parser.meta["citation_public_url"] == "https://arch.example/articles/2025/06/24/hostile/"
    assert parser.meta["DC.date"] == "2025-06-24" and parser.meta["DC.identifier"] == "https://daily8.example/x"
    assert parser.scripts == html.count("<script")       # the title made no element
    block = html[html.index('<section aria-labelledby="cite"'):]
    block = block[: block.index("</section>")]
    assert "Accessed 1 July 2025" in block and "web.archive.org/web/20250624093012" in block
    assert [m for m in re.findall(r'href="([^"]+)" download', block)] == [
        "/articles/2025/06/24/hostile/cite.bib", "/articles/2025/06/24/hostile/cite.ris",
        "/articles/2025/06/24/hostile/cite.json"]
    plain = (built / "articles/2025/06/25/plain/index.html").read_text(encoding="utf-8")
    assert "Accessed" not in plain[plain.index('aria-labelledby="cite"'):]


def test_the_open_data_has_a_citations_table(built: Path) -> None:
    rows = (built / "data/citations.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].split(",")[:2] == ["article_slug", "bibtex_key"]
    assert any(r.startswith("hostile,daily8-2025-hostile,") and "2025-07-01" in r for r in rows[1:])


@pytest.mark.browser
def test_the_cite_block_shows_in_chromium_with_the_title_as_text(built: Path, static_server: object,
                                                                  browser: object) -> None:
    base = static_server(built)  # type: ignore[operator]
    context = browser.new_context(viewport={"width": 390, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())  # type: ignore[func-returns-value]
    page.goto(base + "/articles/2025/06/24/hostile/")
    block = page.locator("section.cite")
    assert block.is_visible()
    assert HOSTILE in block.inner_text()
    assert block.get_by_role("link", name="BibTeX").get_attribute("href") == "/articles/2025/06/24/hostile/cite.bib"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not dialogs
    context.close()


@pytest.mark.browser
def test_the_example_shows_a_byline_an_archived_copy_that_opens_and_a_citation(built_example: Path,
                                                                              static_server: object,
                                                                              browser: object) -> None:
    base = static_server(built_example / "output")  # type: ignore[operator]
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base + "/articles/2025/06/23/pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions/")
    assert page.locator("p.byline").inner_text() == "By Recorder Report"
    page.goto(base + "/articles/2025/06/23/khamenei-asks-putin-for-more-help-after-us-strikes-on-iran/")
    assert "Khamenei asks Putin for more help" in page.locator("section.cite").inner_text()
    page.locator("p.archived a").click()
    page.wait_for_load_state()
    assert page.url.endswith("/assets/captures/saved-copy-khamenei-asks-putin-for-more-help.html")
    assert "Russia's UN Ambassador Vassily Nebenzia" in page.locator("pre").inner_text()
    page.close()
