"""`import` of web archives: the HTML pages captured in WARC and WACZ files (made here with warcio),
each with its provenance; captures of one address are revisions of one report, with a diff page."""
from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from site_builder.build.pipeline import BuildOptions, build
from site_builder.importer.plan import import_paths
from site_builder.importer.warc import archive_captures
from tests.factories import Post, read_post

PARAGRAPHS = [
    "Negotiators from both countries met in Geneva on Monday to resume talks on the disputed border, officials "
    "said, after weeks of rising tension along the frontier.",
    "The foreign ministers shook hands before the cameras and then withdrew to a closed session that lasted more "
    "than six hours, according to a spokesman for the host government.",
    "Both delegations described the atmosphere as constructive, though neither side offered details about the "
    "proposals on the table or a date for the next round.",
    "Analysts said the meeting was the most serious attempt at a settlement since the ceasefire collapsed last "
    "spring, and that much would depend on the military commanders.",
]
ADDED = "Late on Monday the two sides agreed to meet again in two weeks, the spokesman said in a statement."
URL = "https://news.example/world/border-talks"


def page(title: str, paragraphs: list[str]) -> bytes:
    return ("<!doctype html><html><head><title>" + title + " | Daily Test</title>"
            "<meta property='og:site_name' content='Daily Test'><meta property='og:title' content='" + title + "'>"
            "<meta property='article:published_time' content='2025-06-23T08:00:00Z'></head><body>"
            "<nav>Home World Business</nav><article><h1>" + title + "</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article><footer>Daily Test</footer></body></html>"
            ).encode()


CAPTURES = [  # address, capture time, content type, body
    (URL, "2025-06-23T10:00:00Z", "text/html; charset=utf-8", page("Border talks resume in Geneva", PARAGRAPHS)),
    ("https://news.example/style.css", "2025-06-23T10:00:01Z", "text/css", b"body { color: black }"),
    (URL, "2025-06-24T09:30:00Z", "text/html; charset=utf-8",
     page("Border talks resume in Geneva, next round set", PARAGRAPHS[:3] + [ADDED] + PARAGRAPHS[3:])),
    (URL, "2025-06-25T09:30:00Z", "text/html; charset=utf-8",      # the same text again: nothing new
     page("Border talks resume in Geneva, next round set", PARAGRAPHS[:3] + [ADDED] + PARAGRAPHS[3:])),
]


def write_warc(path: Path, captures: list[tuple[str, str, str, bytes]] = CAPTURES) -> Path:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        for url, when, kind, body in captures:
            http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                               http_headers=http, warc_headers_dict={"WARC-Date": when})
            writer.write_record(record)
    return path


def imported(site: Path) -> list[Post]:
    """The imported articles, the first capture's first."""
    return sorted((read_post(p) for p in (site / "content/articles").glob("border-*.md")),
                  key=lambda post: len(post["title"]))


@pytest.mark.parametrize("name", ["capture.warc", "capture.warc.gz"])
def test_each_captured_page_is_imported_with_its_provenance(example_site: Path, tmp_path: Path, name: str) -> None:
    archive = write_warc(tmp_path / name)
    report = import_paths([archive], example_site)
    assert report.ok and len(report.written) == 2, report.lines()
    assert [s.reason for s in report.skipped] == ["duplicate of content/articles/border-talks-resume-in-geneva-"
                                                  "next-round-set.md"]        # the third capture of the page
    first, revision = imported(example_site)
    records = [c.record_id for c in archive_captures(archive).captures]
    assert first["url"] == revision["url"] == URL and first["source"] == "Daily Test"
    import hashlib
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert first["review"]["web_archive"] == name and first["review"]["web_archive_sha256"] == digest
    assert first["review"]["captured"] == "2025-06-23T10:00:00Z" and first["review"]["warc_record"] == records[0]
    assert revision["review"]["warc_record"] == records[1]
    assert str(first["date"]).startswith("2025-06-23T08:00") and str(revision["date"]).startswith("2025-06-24T09:30")
    assert any("new version of content/articles/border-talks-resume-in-geneva.md" in n
               for n in revision["review"]["notes"])


def test_a_revision_of_a_captured_page_is_a_copy_of_its_report_with_what_changed(example_site: Path,
                                                                                 tmp_path: Path) -> None:
    assert import_paths([write_warc(tmp_path / "capture.warc.gz")], example_site).ok
    output = build(example_site, BuildOptions(search=False, jobs=1)).output
    changes = output / "articles/2025/06/24/border-talks-resume-in-geneva-next-round-set/changes/index.html"
    html = changes.read_text(encoding="utf-8")
    assert "agreed to meet again in two weeks" in html and "diff-block added" in html


def test_a_wacz_is_imported_through_its_pages_list(example_site: Path, tmp_path: Path) -> None:
    other = "https://news.example/unlisted"
    warc = write_warc(tmp_path / "data.warc.gz", [CAPTURES[0], (other, "2025-06-23T11:00:00Z", "text/html",
                                                                page("Unlisted page", PARAGRAPHS))])
    wacz = tmp_path / "collection.wacz"
    with zipfile.ZipFile(wacz, "w") as archive:
        archive.write(warc, "archive/data.warc.gz", compress_type=zipfile.ZIP_STORED)
        archive.writestr("pages/pages.jsonl", '{"format": "json-pages-1.0", "id": "pages"}\n'
                         + json.dumps({"url": URL, "ts": "2025-06-23T10:00:00Z", "title": "Border talks"}) + "\n")
        archive.writestr("datapackage.json", json.dumps({"profile": "data-package", "resources": []}))
    report = import_paths([wacz], example_site)
    assert report.ok and len(report.written) == 1, report.lines()
    (post,) = imported(example_site)
    assert post["url"] == URL and post["review"]["web_archive"] == "collection.wacz"


def test_a_broken_record_is_a_located_failure_and_the_captures_before_it_are_imported(example_site: Path,
                                                                                     tmp_path: Path) -> None:
    whole = write_warc(tmp_path / "whole.warc.gz", CAPTURES[:1]).read_bytes()
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(whole + gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\ncut")[:40])
    report = import_paths([broken], example_site)
    assert len(report.written) == 1
    (failure,) = report.failures
    assert failure.path == str(broken) and "cannot be read past a record" in failure.message
