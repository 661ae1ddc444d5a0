from pathlib import Path

from site_builder.check.links import BrokenLink, check_links, parse_page, srcset_urls

HOSTILE = '</script><script>alert(1)</script> "><img src=x onerror=alert(1)> {{ 7*7 }}'


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def site(root: Path, home: str) -> Path:
    return write(root, {
        "index.html": home,
        "stories/iran/index.html": '<h2 id="timeline">T</h2><a name="old">x</a>'
                                   '<a href="../../articles/a/#body">article</a><a href="#timeline">up</a>',
        "articles/a/index.html": '<main id="body"></main><a href="../../">home</a>',
        "style.css": "body{}",
        "feed.xml": "<feed/>",
        "404.html": '<a href="/">home</a>',
    })


def test_clean_site_has_no_broken_links(tmp_path: Path) -> None:
    home = ('<link rel="stylesheet" href="/style.css"><script src="style.css"></script>'
            '<a href="/stories/iran/">s</a><a href="stories/iran">s</a><a href="/stories/iran/#timeline">t</a>'
            '<a href="/stories/iran/#old">o</a><a href="stories/iran/index.html#top">x</a>'
            '<a href="/feed.xml">f</a><a href="#">top</a><a href="/">home</a><a href="?page=2">p</a>'
            '<a href="https://other.example/x">ext</a><a href="//cdn.example/x.js">cdn</a>'
            '<a href="mailto:a@b.c">m</a><img src="data:image/png;base64,AAAA">'
            '<a href="javascript:void(0)">j</a><a href="tel:+1">t</a><a>no href</a>'
            '<img srcset="/style.css 1x, style.css 2x" alt="">'
            '<a href="/stories/%69ran/">encoded</a>')
    assert check_links(site(tmp_path, home)) == []


def test_reports_missing_pages_files_and_anchors(tmp_path: Path) -> None:
    home = ('<a href="/stories/missing/">a</a><a href="/stories/iran/#nope">b</a>'
            '<img src="/img/x.png"><a href="#gone">c</a><script src="app.js"></script>'
            '<a href="../../../etc/passwd">d</a><a href="/stories/missing/">dup</a>')
    broken = check_links(site(tmp_path, home))
    assert broken == [
        BrokenLink("index.html", "/stories/missing/", "no such page or file"),
        BrokenLink("index.html", "/stories/iran/#nope", "no anchor #nope"),
        BrokenLink("index.html", "/img/x.png", "no such page or file"),
        BrokenLink("index.html", "#gone", "no anchor #gone"),
        BrokenLink("index.html", "app.js", "no such page or file"),
        BrokenLink("index.html", "../../../etc/passwd", "outside the site (base path /)"),
    ]


def test_base_path_sub_folder(tmp_path: Path) -> None:
    home = ('<a href="/archive/stories/iran/">ok</a><a href="/archive">root</a>'
            '<a href="/stories/iran/">forgot base</a>'
            '<a href="https://example.org/archive/stories/iran/#timeline">abs ok</a>'
            '<a href="https://example.org/archive/nope/">abs broken</a>')
    broken = check_links(site(tmp_path, home), "/archive/", site_url="https://example.org/archive/")
    assert [(b.page, b.url) for b in broken] == [
        ("404.html", "/"),
        ("index.html", "/stories/iran/"),
        ("index.html", "https://example.org/archive/nope/"),
    ]
    assert broken[1].reason == "outside the site (base path /archive/)"


def test_hostile_markup_is_only_parsed(tmp_path: Path) -> None:
    page = f'<p title="{HOSTILE.replace(chr(34), "&quot;")}">{HOSTILE}</p><a href="x<y">z</a><a href="http://[bad">q</a>'
    broken = check_links(write(tmp_path, {"index.html": page}))
    assert {b.url for b in broken} == {"x", "x<y", "http://[bad"}
    assert {b.reason for b in broken if b.url == "http://[bad"} == {"malformed URL"}


def test_parse_page_collects_links_and_anchors() -> None:
    parsed = parse_page('<a id="a" href="/x">x</a><a name="b"></a><div id="c"/><img src="i.png"/>'
                        '<A HREF="/Y?a=1&amp;b=2">y</A><p class="q" data-id="no">t</p><meta name="n">'
                        '<!-- <a href="/commented"> --><script src="s.js">var a = \'<a href="/js">\';</script>'
                        '<style>a[href="/css"]{}</style><span title=\'x &gt; y\' id=bare>s</span>')
    assert parsed.links == ("/x", "i.png", "/Y?a=1&b=2", "s.js")
    assert parsed.anchors == {"a", "b", "c", "bare"}
    assert srcset_urls(" a.png 1x , b.png 2x,") == ["a.png", "b.png"]


def write_linked_pages(root: Path, count: int) -> None:
    """`count` article pages of some text, each linking to the next ten and to an anchor of the next."""
    filler = "<p>" + "Words of an archived article body. " * 150 + "</p>"
    for n in range(count):
        folder = root / "articles" / str(n)
        folder.mkdir(parents=True)
        links = "".join(f'<a href="/articles/{(n + k) % count}/#top">r</a>' for k in range(1, 11))
        (folder / "index.html").write_text(
            f'<html><body><nav><a href="/">home</a></nav><main id="m">{filler}{links}'
            f'<a href="../{(n + 1) % count}/#m">next</a></main></body></html>')
    (root / "index.html").write_text("<a href='/articles/0/'>first</a>")


def test_many_pages_with_links_among_them_are_checked_and_one_broken_link_is_found(tmp_path: Path) -> None:
    """Speed is measured by benchmarks/linkcheck.py (20,000 pages), not here."""
    write_linked_pages(tmp_path, 2_000)
    assert check_links(tmp_path) == []
    page = tmp_path / "articles" / "1234" / "index.html"
    page.write_text(page.read_text().replace("#m", "#nowhere"))
    assert check_links(tmp_path) == [BrokenLink("articles/1234/index.html", "../1235/#nowhere", "no anchor #nowhere")]
