"""Pictures: `image` and `image_caption` on the article page, in Open Graph, JSON-LD and the open data;
`import` keeps a page's og:image address and never the file."""
import csv
import re
import shutil
from pathlib import Path

from site_builder.importer.html import picture
from site_builder.importer.plan import import_paths
from tests.conftest import write_article
from tests.factories import jsonld_of, read_post, run

REPO = Path(__file__).resolve().parents[2]
HTML = REPO / "tests" / "fixtures" / "html" / "harbour-pilots-strike.html"
ADDRESS = "https://img.example.org/pilots.jpg"
SHOWN = ("---\ntitle: Pilots strike\ndate: 2025-06-24\nsource: Daily8\n"
         f"image: {ADDRESS}\nimage_caption: Pilots on the quay at Rotterdam\n---\nShips wait.\n")
PAGE = "articles/2025/06/24/shown/index.html"


def test_the_picture_is_shown_lazily_with_its_caption_and_described(example_site: Path) -> None:
    write_article(example_site, "shown.md", SHOWN)
    done = run("build", "--site", str(example_site), "--no-search")
    assert done.returncode == 0, done.stderr
    output = example_site / "output"
    page = (output / PAGE).read_text(encoding="utf-8")
    assert f'<meta property="og:image" content="{ADDRESS}">' in page
    assert '<meta property="og:image:alt" content="Pilots on the quay at Rotterdam">' in page
    img = re.search(r"<img [^>]*>", page)
    assert img and f'src="{ADDRESS}"' in img.group(0) and 'loading="lazy"' in img.group(0)
    assert 'alt="Pilots on the quay at Rotterdam"' in img.group(0)
    assert "<figcaption>Pilots on the quay at Rotterdam</figcaption>" in page
    assert jsonld_of(page)["image"] == {"@type": "ImageObject", "url": ADDRESS,
                                      "caption": "Pilots on the quay at Rotterdam"}
    with (output / "data/articles.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["slug"] == "shown")
    assert (row["image"], row["image_caption"]) == (ADDRESS, "Pilots on the quay at Rotterdam")
    assert not [p for p in output.rglob("*.jpg")]           # linked, never fetched


def test_no_picture_no_figure(built_example: Path) -> None:
    page = (built_example / "output/articles/2025/06/23/pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions"
            "/index.html").read_text(encoding="utf-8")
    assert "<figure" not in page and "og:image" not in page and '"image"' not in page


def test_an_image_that_is_not_a_web_address_is_an_error(example_site: Path) -> None:
    write_article(example_site, "bad.md", SHOWN.replace(ADDRESS, "file:///etc/passwd"))
    done = run("build", "--site", str(example_site), "--no-search")
    assert done.returncode == 1
    assert "content/articles/bad.md:5: 'image' must start with http:// or https://" in done.stderr


def test_import_keeps_the_og_image_address(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    for name in ("entities.yaml", "sources.yaml"):
        shutil.copy(REPO / "content" / name, site / "content" / name)
    saved = tmp_path / "page.html"
    saved.write_text(HTML.read_text(encoding="utf-8").replace(
        '<meta property="og:type" content="article">',
        '<meta property="og:type" content="article"><meta property="og:image" content="/img/pilots.jpg">'),
        encoding="utf-8")
    report = import_paths([saved], site)
    assert report.ok and len(report.written) == 1
    post = read_post(site / report.written[0])
    assert post["image"] == "https://www.coastalherald.example/img/pilots.jpg"
    assert sorted(p.name for p in (site / "content" / "articles").iterdir()) == [Path(report.written[0]).name]


def test_picture_addresses() -> None:
    assert picture(None, "https://a.example/x") is None
    assert picture("//cdn.example/p.jpg", "https://a.example/x") == "https://cdn.example/p.jpg"
    assert picture("data:image/png;base64,AAAA", "https://a.example/x") is None
    assert picture("p.jpg", None) is None
