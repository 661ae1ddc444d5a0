"""Updates and corrections: `updated` and `correction` on the article page, in JSON-LD, the feeds,
the open data and the site-wide list at /corrections/."""
import csv
import re
from pathlib import Path

import feedparser

from site_builder.build.pipeline import BuildOptions, build
from tests.conftest import write_article
from tests.factories import jsonld_of, run

FIXED = ("---\ntitle: Port strike ends\ndate: 2025-06-24T09:00:00+02:00\nsource: Daily8\n"
         "updated: 2025-06-24T15:30:00+02:00\n"
         "correction: An earlier version gave the wrong number of ships.\n---\nThe strike ended.\n")
PAGE = "articles/2025/06/24/fixed/index.html"


def corrected(n: int) -> str:
    return (f"---\ntitle: Corrected {n}\ndate: 2025-06-{n:02d}\nsource: Daily8\n"
            f"updated: 2025-07-{n:02d}\ncorrection: Note {n}.\n---\nText {n}.\n")


def test_update_and_correction_on_the_page_in_json_ld_feed_and_data(example_site: Path) -> None:
    write_article(example_site, "fixed.md", FIXED)
    done = run("build", "--site", str(example_site), "--no-search")
    assert done.returncode == 0, done.stderr
    output = example_site / "output"
    page = (output / PAGE).read_text(encoding="utf-8")
    assert ('Updated <time datetime="2025-06-24T15:30:00+02:00">24 June 2025, 15:30 UTC+02:00</time>: '
            '<span class="correction">Correction: An earlier version gave the wrong number of ships.</span>') in page
    data = jsonld_of(page)
    assert (data["datePublished"], data["dateModified"]) == ("2025-06-24T09:00:00+02:00", "2025-06-24T15:30:00+02:00")
    entry = next(e for e in feedparser.parse((output / "feed.xml").read_bytes()).entries if e.title == "Port strike ends")
    assert entry.updated == "2025-06-24T15:30:00+02:00" and entry.published == "2025-06-24T09:00:00+02:00"
    with (output / "data/articles.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["slug"] == "fixed")
    assert (row["updated"], row["correction"]) == ("2025-06-24T15:30:00+02:00",
                                                   "An earlier version gave the wrong number of ships.")
    corrections = (output / "corrections/index.html").read_text(encoding="utf-8")
    assert "Port strike ends" in corrections and "An earlier version gave the wrong number of ships." in corrections


def test_an_article_never_updated_says_nothing_of_it(built_example: Path) -> None:
    page = (built_example / "output/articles/2025/06/23/pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions"
            "/index.html").read_text(encoding="utf-8")
    assert 'class="updated"' not in page
    data = jsonld_of(page)
    assert data["dateModified"] == data["datePublished"]
    assert "No article has a correction." in (built_example / "output/corrections/index.html").read_text("utf-8")


def test_corrections_list_newest_first_and_paged(example_site: Path) -> None:
    toml = example_site / "site.toml"
    toml.write_text(toml.read_text().replace("per_page = 50", "per_page = 2"))
    for n in (1, 3, 2):
        write_article(example_site, f"c{n}.md", corrected(n))
    write_article(example_site, "plain.md", corrected(4).replace("correction: Note 4.\n", ""))
    build(example_site, BuildOptions(search=False, jobs=1))
    first = (example_site / "output/corrections/index.html").read_text(encoding="utf-8")
    second = (example_site / "output/corrections/page/2/index.html").read_text(encoding="utf-8")
    titles = re.findall(r">(Corrected \d)</a>", first) + re.findall(r">(Corrected \d)</a>", second)
    assert titles == ["Corrected 3", "Corrected 2", "Corrected 1"]
    assert "Corrected 4" not in first + second
    assert not (example_site / "output/corrections/page/3").exists()


def test_a_bad_update_is_located_and_an_early_one_warned(example_site: Path) -> None:
    write_article(example_site, "bad.md", FIXED.replace("updated: 2025-06-24T15:30:00+02:00", "updated: 2025-02-30"))
    done = run("build", "--site", str(example_site), "--no-search")
    assert done.returncode == 1
    assert "content/articles/bad.md:5: 'updated' is not a real date: '2025-02-30'" in done.stderr
    write_article(example_site, "bad.md", FIXED.replace("updated: 2025-06-24T15:30:00+02:00", "updated: 2025-06-23"))
    done = run("build", "--site", str(example_site), "--no-search")
    assert done.returncode == 0, done.stderr
    assert "content/articles/bad.md:5: updated 2025-06-23 is before the date it was published" in done.stderr
