"""Incremental builds: only what changed is re-rendered, and the result equals a clean build byte for byte."""
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build
from tests.conftest import database_contents, write_article
from tests.factories import spy

ARTICLES = "content/articles"
HORMUZ = f"{ARTICLES}/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz.md"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file's bytes; a database's by what it holds (an incremental build updates it in place)."""
    return {p.relative_to(folder).as_posix(): database_contents(p) if p.suffix == ".sqlite" else p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_as_clean(site: Path, tmp: Path) -> None:
    clean = build(site, BuildOptions(search=False, jobs=1, clean=True, output=tmp / "clean", remember=False))
    assert tree(site / "output") == tree(clean.output)


def edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_incremental_equals_clean_after_edits_additions_deletions_renames(example_site: Path, tmp_path: Path) -> None:
    build(example_site, BuildOptions(search=False, jobs=1))
    steps = [
        lambda s: edit(s, HORMUZ, "extremely dangerous' should Iran", "extremely dangerous' if Iran"),
        lambda s: edit(s, HORMUZ, "title: \"'Extremely dangerous'", "title: \"'Very dangerous'"),
        lambda s: write_article(s, "new-one.md", "---\ntitle: A new article\ndate: 2025-06-24T08:00:00+02:00\n"
                                "source: Business Recorder\nentities: [Iran, Kaja Kallas]\n---\nNew text.\n"),
        lambda s: (s / f"{ARTICLES}/new-one.md").rename(s / f"{ARTICLES}/renamed-one.md"),
        lambda s: (s / f"{ARTICLES}/russian-streamer-stepan-scoffy-detained-after-desecrating-flag.md").unlink(),
        lambda s: edit(s, "content/entities.yaml", "aliases: [Kallas]", "aliases: [Kallas, Kaja]"),
        lambda s: edit(s, HORMUZ, "entities: [Kaja Kallas, ", "entities: ["),
        lambda s: edit(s, HORMUZ, "story: iran-us-strikes-2025\n", ""),
        lambda s: edit(s, HORMUZ, "source: Business Recorder", "source: Dawn"),
        lambda s: edit(s, HORMUZ, "date: 2025-06-23", "date: 2025-07-02"),
        lambda s: edit(s, HORMUZ, "related: [iran-supreme-leader-asks-putin-to-do-more-after-us-strikes]\n", ""),
        lambda s: edit(s, HORMUZ, "summary: The EU's top diplomat", "summary: The EU's chief diplomat"),
        lambda s: edit(s, "site.toml", "per_page = 50", "per_page = 2"),
        lambda s: (s / f"{ARTICLES}/renamed-one.md").unlink(),
    ]
    for step in steps:
        step(example_site)
        build(example_site, BuildOptions(search=False, jobs=1))
        assert_same_as_clean(example_site, tmp_path)


def test_the_build_stamps_every_article_file_it_reads(example_site: Path) -> None:
    """The loader reads the content folder as the fingerprint walked it: an article in a folder
    the fingerprint passes over elsewhere (Python's __pycache__) is read and stamped alike."""
    folder = example_site / ARTICLES / "__pycache__"
    folder.mkdir()
    write_article(example_site, "__pycache__/hidden.md", "---\ntitle: A hidden article\n"
                  "date: 2025-06-24T08:00:00+02:00\nsource: Business Recorder\n---\nFirst text.\n")
    build(example_site, BuildOptions(search=False, jobs=1))
    page = next((example_site / "output").glob("articles/*/*/*/hidden/index.html"))
    assert "First text." in page.read_text(encoding="utf-8")
    edit(example_site, f"{ARTICLES}/__pycache__/hidden.md", "First text.", "Second text.")
    assert build(example_site, BuildOptions(search=False, jobs=1)).written
    assert "Second text." in page.read_text(encoding="utf-8")


def test_one_edit_rewrites_only_affected_pages(example_site: Path) -> None:
    first = build(example_site, BuildOptions(search=False, jobs=1))
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    built: list[int] = []
    second = build(example_site, BuildOptions(search=False, jobs=1, progress=lambda done, total: built.append(total)))
    assert 0 < second.written < first.pages // 4
    assert second.removed == 0
    # only the pages that read the edited article had their context built again
    assert 0 < max(built) < first.pages // 2


def test_a_text_edit_makes_again_only_the_pages_that_show_the_text(example_site: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The article's page and its story's versions show its text: made again. Its source's and its
    entities' pages list it by title: kept, until the title changes."""
    from site_builder.site.pages import Pages
    build(example_site, BuildOptions(search=False, jobs=1))
    made: list[str] = []
    monkeypatch.setattr(Pages, "context", spy(Pages.context, lambda self, ctx, route: made.append(route.output)))
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    build(example_site, BuildOptions(search=False, jobs=1))
    page = "articles/2025/06/23/eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz/index.html"
    assert page in made and "had been urging" in (example_site / "output" / page).read_text(encoding="utf-8")
    assert not any(p.startswith(("sources/", "entities/")) for p in made), made
    assert_same_as_clean(example_site, tmp_path)
    made.clear()
    edit(example_site, HORMUZ, "closes Strait of Hormuz: EU", "closes the Strait of Hormuz: EU")
    build(example_site, BuildOptions(search=False, jobs=1))
    assert any(p.startswith("sources/") for p in made) and any(p.startswith("entities/") for p in made)
    assert_same_as_clean(example_site, tmp_path)


def test_the_site_named_another_way_is_still_up_to_date(example_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`build --site .`, a relative or an absolute path: the same inputs, nothing to do."""
    from site_builder.build import spine
    build(example_site, BuildOptions(search=False, jobs=1))
    monkeypatch.chdir(example_site.parent)
    monkeypatch.setattr(spine, "build_site", lambda *args, **kwargs: pytest.fail("built again"))
    for named in (Path(example_site.name), Path(example_site.name) / "content" / "..", example_site.resolve()):
        assert build(named, BuildOptions(search=False, jobs=1)).written == 0
    monkeypatch.chdir(example_site)
    assert build(Path("."), BuildOptions(search=False, jobs=1)).written == 0


def test_template_edit_rewrites_only_pages_using_it(example_site: Path) -> None:
    first = build(example_site, BuildOptions(search=False, jobs=1))
    (example_site / "templates").mkdir()
    package = Path(__file__).resolve().parents[2] / "site_builder/site/templates/source.html"
    (example_site / "templates/source.html").write_text(package.read_text() + "<!-- edited -->\n")
    second = build(example_site, BuildOptions(search=False, jobs=1))
    sources = len(list((example_site / "output/sources").glob("*/index.html")))
    assert second.written == sources < first.pages


def test_bytecode_written_during_a_build_is_not_an_input_change(tmp_path: Path) -> None:
    from site_builder.build.fingerprint import input_fingerprint
    folder = tmp_path / "templates"
    (folder / "__pycache__").mkdir(parents=True)
    (folder / "page.html").write_text("x")
    before = input_fingerprint(tmp_path, [folder], "")
    (folder / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"\0")
    assert input_fingerprint(tmp_path, [folder], "") == before
    (folder / "page.html").write_text("y!")
    assert input_fingerprint(tmp_path, [folder], "") != before


def test_stories_and_related_are_kept_while_what_they_read_is_unchanged(example_site: Path, tmp_path: Path,
                                                                         monkeypatch) -> None:
    from site_builder.intel import segments
    computed: list[int] = []
    real = segments.part_stories
    monkeypatch.setattr(segments, "part_stories", spy(real, lambda *a, **k: computed.append(1)))
    build(example_site, BuildOptions(search=False, jobs=1))
    edit(example_site, HORMUZ, "tags: [diplomacy, shipping]", "tags: [diplomacy, shipping, oil]")
    build(example_site, BuildOptions(search=False, jobs=1))
    assert len(computed) == 1                  # a tag is not read by the story intelligence
    assert_same_as_clean(example_site, tmp_path)
    edit(example_site, HORMUZ, "The European Union has been urging", "The European Union had been urging")
    build(example_site, BuildOptions(search=False, jobs=1))
    assert len(computed) == 3                  # the text is (and the clean build computed them too)
    assert_same_as_clean(example_site, tmp_path)
    chunks = list((example_site / ".site-builder-cache" / "analysis").glob("*.npz"))
    edit(example_site, HORMUZ, "tags: [diplomacy, shipping, oil]", "tags: [diplomacy]")
    build(example_site, BuildOptions(search=False, jobs=1))
    assert list((example_site / ".site-builder-cache" / "analysis").glob("*.npz")) == chunks


def test_what_tied_an_event_to_its_story_is_part_of_the_story(example_site: Path) -> None:
    """A story page shows each event's tie: a tie that changes alone makes the page stale."""
    from dataclasses import replace

    from site_builder.core.config import load_config
    from site_builder.core.model import Tie
    from site_builder.intel.archive import load_site
    from site_builder.site.depends import values
    from site_builder.site.lookup import site_index
    archive = load_site(example_site, load_config(example_site, {})).checked()
    story = archive.stories[0]
    tied = replace(story, events=(replace(story.events[0], tie=Tie("other-event", 0.9, ("iran",), ("strikes",))),
                                  *story.events[1:]))
    other = replace(archive, stories=(tied, *archive.stories[1:]))
    before, after = values(archive, site_index(archive)), values(other, site_index(other))
    assert before["stories"] != after["stories"] and before["i.stories"] != after["i.stories"]


def test_incremental_equals_clean_after_bylines_updates_pictures_and_languages(example_site: Path,
                                                                              tmp_path: Path) -> None:
    build(example_site, BuildOptions(search=False, jobs=1))
    steps = [
        lambda s: edit(s, HORMUZ, "dateline: BRUSSELS\n", "dateline: BRUSSELS\nauthor: [A Writer, B Writer]\n"),
        lambda s: edit(s, HORMUZ, "dateline: BRUSSELS\n", "dateline: BRUSSELS\nupdated: 2025-06-24\n"
                       "correction: A name was misspelt.\n"),
        lambda s: edit(s, HORMUZ, "correction: A name was misspelt.\n", "correction: A date was wrong.\n"),
        lambda s: edit(s, HORMUZ, "dateline: BRUSSELS\n", "dateline: BRUSSELS\nimage: https://img.example/x.jpg\n"
                       "image_caption: The strait\n"),
        lambda s: edit(s, HORMUZ, "dateline: BRUSSELS\n", "dateline: BRUSSELS\nlanguage: ar\n"),
        lambda s: edit(s, HORMUZ, "author: [A Writer, B Writer]\n", ""),
        lambda s: edit(s, HORMUZ, "correction: A date was wrong.\n", ""),
    ]
    for step in steps:
        step(example_site)
        build(example_site, BuildOptions(search=False, jobs=1))
        assert_same_as_clean(example_site, tmp_path)
