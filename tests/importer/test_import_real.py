"""`import` on real-world pages: nothing crashes, no page is lost, the body is the article's.

Each test reproduces a kind of failure seen on real saved pages with a small page of its own
(tests/fixtures/import-real/)."""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from importlib.metadata import packages_distributions
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.build.pipeline import BuildOptions, build
from site_builder.cli import main
from site_builder.content.articles import parse_article
from site_builder.importer import plan as importer
from site_builder.importer.html import parse_html
from site_builder.importer.plan import import_paths
from site_builder.importer.text import Block, has_prose
from tests.conftest import write_article
from tests.factories import Post, read_post

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "tests" / "fixtures" / "import-real"
HARBOUR = REPO / "tests" / "fixtures" / "html" / "harbour-pilots-strike.html"
DAY = datetime(2024, 5, 2, tzinfo=UTC)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    for name in ("entities.yaml", "sources.yaml"):
        shutil.copy(REPO / "content" / name, root / "content" / name)
    return root


def only_post(site: Path, report: importer.ImportReport) -> Post:
    assert report.ok and len(report.written) == 1, report.lines()
    return read_post(site / report.written[0])


def paragraphs(post: Post) -> list[str]:
    return [p for p in post.content.split("\n\n") if p.strip()]


# ----------------------------------------------------------------- no crash, no lost page

def test_structured_data_of_any_shape_is_read(site: Path) -> None:
    """JSON-LD whose @type is a list, with graphs, nested lists, wrong types and a broken script."""
    post = only_post(site, import_paths([PAGES / "jsonld-type-list.html"], site))
    assert post["date"] == "2024-03-05T09:00:00+01:00"
    assert post["title"] == "Ferry operator adds night crossings to the islands"
    assert len(paragraphs(post)) == 3


def test_a_page_that_crashed_the_import_does_not_stop_the_others(site: Path) -> None:
    report = import_paths([PAGES / "jsonld-type-list.html", PAGES / "japanese.html", HARBOUR], site)
    assert report.ok and len(report.written) == 3


def test_an_unforeseen_error_is_a_located_failure_of_that_file(site: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Headline\n\nA paragraph of text that would be imported if nothing went wrong.\n", encoding="utf-8")
    real = importer.parse_text

    def failing(text: str) -> importer.RawPage:
        if "nothing went wrong" in text:
            raise RuntimeError("unexpected shape")
        return real(text)

    monkeypatch.setattr(importer, "parse_text", failing)
    done = CliRunner().invoke(main, ["import", "--site", str(site), str(bad), str(PAGES / "german-lines.txt"),
                                     str(HARBOUR)])
    assert done.exit_code == 1, done.output
    assert f"{bad}: could not import this file: RuntimeError: unexpected shape" in done.output
    assert "import: wrote 2 file(s), 0 new version(s), skipped 0, 1 failure(s)" in done.output


TEXT = st.text(alphabet=st.sampled_from("abc xyz. 。東京は晴れ؟ هل مرحبا א ב ! <>&\"'{}[]"), max_size=80)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["@type", "@graph", "datePublished", "author", "name"]), inner, max_size=4),
                    max_leaves=10)
ARTICLE = ("<p>The council met on Monday and agreed to build a new bridge over the river by next year.</p>"
           "<p>東京都は本日、新しい条例を発表した。市民は歓迎している。</p><p>هل ستنجح الحكومة في تنفيذ الخطة؟</p>")


def test_many_files_are_read_in_parallel_and_written_in_order(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    count = importer.PARALLEL_FROM + 4
    for n in range(count):
        (folder / f"{n:02d}.txt").write_text(
            f"Bridge number {n} reopens\n\nThe bridge number {n} reopened on Monday after repairs that took "
            f"{n + 2} weeks, the city said, and traffic is back to normal.\n", encoding="utf-8")
    report = import_paths([folder], site, date=DAY, jobs=2)
    assert report.ok and len(report.written) == count
    titles = [read_post(site / path)["title"] for path in report.written]
    assert titles == [f"Bridge number {n} reopens" for n in range(count)]


def test_a_reading_worker_killed_leaves_the_rest_to_this_process(site: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    count = importer.PARALLEL_FROM + 4
    for n in range(count):
        (folder / f"{n:02d}.txt").write_text(f"Ferry number {n} sails again\n\nThe ferry number {n} sailed on "
                                             f"Monday after {n + 2} weeks in the yard, the port said.\n", encoding="utf-8")
    parent, real = os.getpid(), importer.prepared

    def killed_in_a_worker(given, options, imported_at):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(given, options, imported_at)
    monkeypatch.setattr(importer, "prepared", killed_in_a_worker)
    report = import_paths([folder], site, date=DAY, jobs=2)
    assert report.ok and [read_post(site / path)["title"] for path in report.written] == [
        f"Ferry number {n} sails again" for n in range(count)]


@given(types=st.one_of(TEXT, st.lists(TEXT, max_size=3), JSON), published=JSON, extra=JSON,
       body=st.sampled_from(["", ARTICLE, "<p>" + "word " * 30 + "</p>"]), words=TEXT,
       depth=st.integers(0, 300), closed=st.integers(0, 300), script=st.integers(0, 20_000))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_html_never_raises(types: object, published: object, extra: object, body: str, words: str,
                                  depth: int, closed: int, script: int) -> None:
    """Odd JSON-LD, no body, CJK and right-to-left text, huge scripts and deep nesting: a page or none."""
    ld = json.dumps([{"@type": types, "datePublished": published}, extra])
    html = (f"<!DOCTYPE html><html dir=rtl><head><title>{words}</title>"
            f"<script type='application/ld+json'>{ld}</script><script>{'var a=1;' * script}</script></head>"
            f"<body>{'<div>' * depth}<article><h1>{words}</h1>{body}<p>{words}</p></article>"
            f"{'</div>' * closed}</body></html>")
    page = parse_html(html)
    assert page.main is None or all(isinstance(d, str) for d in page.main.dates)


def test_json_ld_nested_past_any_limit_and_html_nested_deep_import(site: Path, tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    article = (PAGES / "jsonld-type-list.html").read_text(encoding="utf-8")
    deep = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    nested = '{"@type": "NewsArticle", "x": ' + "[" * 50 + "]" * 50 + ', "datePublished": "2024-03-06"}'
    page.write_text(article.replace("</head>", deep + f'<script type="application/ld+json">{nested}</script></head>')
                    .replace("<article>", "<div>" * 200 + "<article>"), encoding="utf-8")
    post = only_post(site, import_paths([page], site))
    assert post["date"] == "2024-03-05T09:00:00+01:00"
    deeper = tmp_path / "deeper.html"            # past the HTML parser's depth of 255, the article is cut off
    deeper.write_text(article.replace("<article>", "<div>" * 5000 + "<article>"), encoding="utf-8")
    report = import_paths([deeper], site)
    assert [str(p) for p in report.failures] == [f"{deeper}: no article text found in the page (save the article "
                                                 "page itself, not an index or an empty page)"]


# ----------------------------------------------------------------- every script

def test_a_japanese_page_imports(site: Path) -> None:
    post = only_post(site, import_paths([PAGES / "japanese.html"], site))
    assert post["title"] == "市立図書館、夜間の開館を延長へ"
    assert paragraphs(post)[0].startswith("市は十二日、市立図書館の開館時間を")
    assert len(paragraphs(post)) == 3


def test_a_page_without_title_gets_one_from_its_first_words(site: Path, tmp_path: Path) -> None:
    page = tmp_path / "untitled.html"
    page.write_text("<html><body><article><p>The council met on Monday and agreed to build a new bridge over "
                    "the river by next year, the mayor said after the vote.</p></article></body></html>",
                    encoding="utf-8")
    post = only_post(site, import_paths([page], site, date=DAY))
    assert post["title"] == "The council met on Monday and agreed to build a new bridge…"
    assert paragraphs(post) == ["The council met on Monday and agreed to build a new bridge over the river by next "
                                "year, the mayor said after the vote."]
    assert "no headline found; title made from the first words" in post["review"]["notes"]


def test_a_japanese_text_without_headline_gets_a_title_of_its_first_words(site: Path, tmp_path: Path) -> None:
    text = tmp_path / "library.txt"
    text.write_text("市は十二日、市立図書館の開館時間を七月から午後十時まで延長すると発表した。仕事帰りの利用者から"
                    "要望が多かったという。\n延長に合わせて、自習室の座席を五十席増やす。\n", encoding="utf-8")
    post = only_post(site, import_paths([text], site, date=DAY))
    assert post["title"] == "市は十二日、市立図書館の開…"
    assert paragraphs(post)[0].startswith("市は十二日、市立図書館の開館時間を七月から")


@pytest.mark.parametrize("text", [
    "東京都は本日、新しい条例を発表した。市民は歓迎している。",
    "هل ستنجح الحكومة في تنفيذ الخطة الجديدة التي أعلنت عنها اليوم أمام البرلمان والشعب؟",
    "حکومت نے آج پارلیمنٹ میں نیا بجٹ پیش کیا جس پر اپوزیشن نے سخت تنقید کی ہے اور احتجاج کیا۔",
    "सरकार ने आज संसद में नया बजट पेश किया और विपक्ष ने इसकी कड़ी आलोचना की और बहिष्कार किया।",
    "Правительство сегодня представило в парламенте новый бюджет, и оппозиция его резко раскритиковала.",
])
def test_a_sentence_in_any_script_is_prose(text: str) -> None:
    assert has_prose((Block(text),))


def test_fragments_of_non_english_prose_stay_in_the_body(site: Path) -> None:
    """Lines broken mid-paragraph look like headlines by English rules; in German they are the text."""
    post = only_post(site, import_paths([PAGES / "german-lines.txt"], site, date=DAY))
    assert "Viele Berufstätige hatten sich längere Öffnungszeiten gewünscht" in post.content
    assert "teasers" not in post["review"]
    assert len(paragraphs(post)) == 5


# ----------------------------------------------------------------- the body

def test_page_furniture_goes_and_tables_and_lists_stay(site: Path) -> None:
    post = only_post(site, import_paths([PAGES / "furniture.html"], site))
    text = post.content
    for furniture in ("READ MORE", "Winter training plans", "More from Harbour Sport", "Velodrome", "Cake for all",
                      "heated at last", "A new course record on a cold, windless morning", "newsletter", "Sunday morning",
                      "Thanks for signing up"):
        assert furniture not in text
    assert "| Place | Runner | Time |\n| --- | --- | --- |\n| 1 | Amos Kiprono | 2:06:12 |" in text
    assert "- a second water station on the bridge\n- an earlier start for wheelchair racers" in text
    assert "## Closures and changes\n\nRoad closures in the city centre" in text    # a link to itself
    assert paragraphs(post)[0].startswith("The city marathon had a new course record on Sunday")
    assert text.rstrip().endswith("before deciding on his spring races.")


def test_a_body_split_by_an_advertisement_is_whole_and_in_order(site: Path) -> None:
    """The extractor takes the first of two elements of the body's class; the second one continues it."""
    post = only_post(site, import_paths([PAGES / "split-body.html"], site))
    starts = [p[:20] for p in paragraphs(post)]
    assert starts == ["The tram depot on th", "Next autumn it will ", "Architects kept the ",
                      "Parents in the distr", "The building work co", "Not everyone is plea"]
    assert "market hall" not in post.content          # a teaser of that class elsewhere in the page


# ----------------------------------------------------------------- dates

def test_an_implausible_page_date_is_passed_over_and_said(site: Path) -> None:
    post = only_post(site, import_paths([PAGES / "placeholder-date.html"], site, date=DAY))
    assert post["date"] == DAY.isoformat()
    assert "the page's date 0001-01-01 is before 1900; passed over" in post["review"]["notes"]


def test_with_no_plausible_date_the_file_date_is_used_and_said(site: Path) -> None:
    post = only_post(site, import_paths([PAGES / "placeholder-date.html"], site))
    assert not str(post["date"]).startswith("0001")
    assert any("no plausible date in the page or arguments" in note for note in post["review"]["notes"])


def test_a_date_argument_later_than_tomorrow_is_passed_over(site: Path) -> None:
    later = datetime.now(UTC) + timedelta(days=400)
    post = only_post(site, import_paths([PAGES / "placeholder-date.html"], site, date=later))
    assert str(post["date"]) != later.isoformat()
    assert f"the date argument {later.isoformat()} is later than tomorrow; passed over" in post["review"]["notes"]


@pytest.mark.parametrize("written, why", [("0001-01-01", "is before 1900"), ("2999-06-01", "is later than tomorrow")])
def test_build_reports_an_implausible_date_in_content_as_a_located_warning(tmp_path: Path, written: str,
                                                                           why: str) -> None:
    site = tmp_path / "site"
    write_article(site, "placeholder.md", f"---\ntitle: Placeholder\ndate: {written}\nsource: Daily8\n---\nBody.\n")
    write_article(site, "fine.md", "---\ntitle: Fine\ndate: 2024-05-02\nsource: Daily8\n---\nBody.\n")
    result = build(site, BuildOptions(search=False, jobs=1))
    assert [str(w) for w in result.warnings if "date" in w.message] == [
        f"content/articles/placeholder.md:3: date {written} {why} "
        "(check it against the original; a site's placeholder is no date)"]


# ----------------------------------------------------------------- provenance

def test_provenance_is_the_file_name_its_sha256_and_the_import_time(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    (folder / "june").mkdir(parents=True)
    page = folder / "june" / "ferry.html"
    shutil.copy(PAGES / "jsonld-type-list.html", page)
    single = tmp_path / "japanese.html"
    shutil.copy(PAGES / "japanese.html", single)
    before = datetime.now(UTC).replace(microsecond=0)
    report = import_paths([folder, single], site)
    assert report.ok and len(report.written) == 2
    posts = [read_post(site / path) for path in report.written]
    assert [p["review"]["imported_from"] for p in posts] == ["saved/june/ferry.html", "japanese.html"]
    assert posts[0]["review"]["sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()
    assert datetime.fromisoformat(posts[1]["review"]["imported_at"]) >= before
    for path in report.written:
        written = (site / path).read_text(encoding="utf-8")
        assert str(tmp_path) not in written and str(Path.home()) not in written
        assert parse_article(site / path, path, ZoneInfo("UTC")).problems == ()


def test_a_page_inside_the_site_is_named_relative_to_the_site(site: Path) -> None:
    inside = site / "raw" / "ferry.html"
    inside.parent.mkdir()
    shutil.copy(PAGES / "jsonld-type-list.html", inside)
    post = only_post(site, import_paths([inside], site))
    assert post["review"]["imported_from"] == "raw/ferry.html"


# ----------------------------------------------------------------- dependencies

def test_a_missing_module_is_a_clear_error_and_text_still_imports(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    done = CliRunner().invoke(main, ["import", "--site", str(site), "--date", "2024-05-02",
                                     str(HARBOUR), str(PAGES / "german-lines.txt")])
    assert done.exit_code == 1 and isinstance(done.exception, SystemExit), done.output
    assert f"{HARBOUR}: cannot read HTML: " in done.output and "Traceback" not in done.output
    assert "wrote 1 file(s)" in done.output and "1 failure(s)" in done.output


def _imported_modules() -> set[str]:
    found = set()
    for path in (REPO / "site_builder").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"site_builder"}


def test_every_module_the_code_imports_is_a_declared_dependency() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["explore"]   # `explore` runs with its extra
    names = {re.split(r"[\[<>=!~; ]", d, maxsplit=1)[0].lower().replace("_", "-") for d in declared}
    distributions = packages_distributions()
    for module in sorted(_imported_modules()):
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        assert dists & names, f"{module} is imported but not declared in pyproject.toml"
    assert "lxml-html-clean" in names          # lxml.html.clean, needed by the extractor, is a package apart
