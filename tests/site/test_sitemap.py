import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone

from site_builder.site.formats import sitemap
from site_builder.site.formats.sitemap import robots_txt, sitemap_files, sitemap_xml

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ZONE = timezone(timedelta(hours=3))


def test_sitemap_parses_with_dates_and_escaped_urls() -> None:
    hostile = 'https://example.org/a/?x=1&y="2"<script>\x00'
    data = sitemap_xml([("https://example.org/", datetime(2025, 6, 23, 10, 30, tzinfo=ZONE)),
                        (hostile, None), ("https://example.org/b/", datetime(2025, 6, 23))])
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(data)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    urls = root.findall("s:url", NS)
    assert [u.findtext("s:loc", namespaces=NS) for u in urls] == [
        "https://example.org/", 'https://example.org/a/?x=1&y="2"<script>', "https://example.org/b/"]
    assert [u.findtext("s:lastmod", namespaces=NS) for u in urls] == [
        "2025-06-23T10:30:00+03:00", None, "2025-06-23T00:00:00+00:00"]


def test_small_site_gets_one_file() -> None:
    files = sitemap_files([("https://example.org/", None)], "https://example.org/")
    assert list(files) == ["sitemap.xml"]


def test_large_site_gets_an_index(monkeypatch) -> None:
    monkeypatch.setattr(sitemap, "MAX_URLS", 2)
    entries = [(f"https://example.org/{n}/", datetime(2025, 6, n, tzinfo=UTC))
               for n in range(1, 6)]
    files = sitemap_files(entries, "https://example.org/archive")
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag.endswith("sitemapindex")
    parts = index.findall("s:sitemap", NS)
    assert [p.findtext("s:loc", namespaces=NS) for p in parts] == [
        f"https://example.org/archive/sitemap-{n}.xml" for n in (1, 2, 3)]
    assert parts[0].findtext("s:lastmod", namespaces=NS) == "2025-06-02T00:00:00+00:00"
    assert len(ET.fromstring(files["sitemap-3.xml"]).findall("s:url", NS)) == 1


def test_robots_txt() -> None:
    assert robots_txt("https://example.org/sitemap.xml") == (
        "User-agent: *\nAllow: /\nSitemap: https://example.org/sitemap.xml\n")
    injected = robots_txt("https://x.org/s.xml\nDisallow: /")
    assert [line.split(":")[0] for line in injected.splitlines()] == ["User-agent", "Allow", "Sitemap"]
    assert robots_txt("") == "User-agent: *\nAllow: /\n"
