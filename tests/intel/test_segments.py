"""The story intelligence part by part: an edit recomputes only the parts it can affect, and the
result is always a clean computation's."""
from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from site_builder.core.config import Config
from site_builder.core.model import Article
from site_builder.core.slugs import slugify
from site_builder.intel import segments, textsig
from site_builder.intel.cache import ChunkStore
from tests.factories import spy

START = datetime(2024, 1, 1, tzinfo=UTC)
OUTLETS = ["Daily", "Wire", "Post", "Herald"]


def archive(seed: int = 1, days: int = 200) -> list[Article]:
    """Stories of daily events (each a report and a copy by another outlet) over `days`, with
    their own names and words, and unrelated one-off articles between them."""
    rng = random.Random(seed)
    articles = []
    for story in range(days // 8):
        names = [f"Person {story} {n}" for n in range(3)] + [f"Place {story}"]
        words = [f"topic{story}x{n}" for n in range(30)]
        begin = rng.uniform(0, days - 20)
        for event in range(rng.randint(3, 8)):
            when = START + timedelta(days=begin + event * rng.uniform(0.5, 3))
            body = "\n\n".join(" ".join(rng.choice(words) for _ in range(40)) + f" figure {rng.randint(0, 9999)}."
                               for _ in range(4))
            title = f"{names[0]} and {names[3]}: {' '.join(rng.sample(words, 4))}"
            outlets = rng.sample(OUTLETS, 2)
            for copy, outlet in enumerate(outlets[: rng.randint(1, 2)]):
                slug = f"s{story}-e{event}-c{copy}"
                text = body if not copy else body.replace(" figure", " the figure", 1) + "\n\nWith reporting."
                articles.append(Article(f"{slug}.md", slug, title, when + timedelta(hours=3 * copy), outlet, text,
                                        entities=tuple(rng.sample(names, 3))))
    for other in range(days // 2):
        slug = f"other-{other}"
        text = " ".join(f"w{rng.randint(0, 5000)}" for _ in range(120))
        articles.append(Article(f"{slug}.md", slug, f"Other {other}", START + timedelta(days=rng.uniform(0, days)),
                                rng.choice(OUTLETS), text, entities=(f"Someone {other}",)))
    return articles


def intelligence(articles: list[Article], store: ChunkStore | None, jobs: int = 1) -> segments.StoryResults:
    return segments.story_intelligence(articles, (), slugify, Config(), {}, store, jobs)


def edited(rng: random.Random, articles: list[Article]) -> list[Article]:
    """`articles` after one edit of a random kind."""
    articles = list(articles)
    index = rng.randrange(len(articles))
    a = articles[index]
    kind = rng.choice(["body", "entities", "date", "story", "delete", "add"])
    if kind == "body":
        articles[index] = dataclasses.replace(a, body=a.body + f"\n\nA later line {rng.random()}.")
    elif kind == "entities":
        articles[index] = dataclasses.replace(a, entities=a.entities[1:])
    elif kind == "date":
        articles[index] = dataclasses.replace(a, date=a.date + timedelta(days=rng.uniform(-15, 15)))
    elif kind == "story":
        articles[index] = dataclasses.replace(a, story=f"labelled-{rng.randint(0, 2)}")
    elif kind == "delete":
        del articles[index]
    else:
        articles.append(dataclasses.replace(a, slug=a.slug + "-again", path=a.slug + "-again.md",
                                            date=a.date + timedelta(hours=5), source="Other outlet"))
    return articles


@pytest.fixture
def short_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segments, "SEGMENT_DAYS", 20.0)


def test_after_every_edit_the_kept_parts_give_a_clean_computation(short_parts, tmp_path: Path) -> None:
    articles = archive()
    assert len(segments.parts_of(segments.ArchiveParts(articles, slugify, None).days)) >= 8
    intelligence(articles, ChunkStore(tmp_path / "kept"))
    rng = random.Random(7)
    for _ in range(12):
        articles = edited(rng, articles)
        kept = intelligence(articles, ChunkStore(tmp_path / "kept"))
        assert kept == intelligence(articles, ChunkStore(tmp_path / "clean", trusted=False))


def test_an_edit_recomputes_only_the_parts_around_it(short_parts, tmp_path: Path, monkeypatch) -> None:
    articles = archive()
    parts = segments.parts_of(segments.ArchiveParts(articles, slugify, None).days)
    intelligence(articles, ChunkStore(tmp_path / "kept"))
    computed: list[str] = []
    real_stories = segments.part_stories
    monkeypatch.setattr(segments, "part_stories", spy(real_stories, lambda *a, **k: computed.append("part_stories")))
    real_related = segments.related_module.part_related
    monkeypatch.setattr(segments.related_module, "part_related",
                        spy(real_related, lambda *a, **k: computed.append("related")))
    middle = sorted(articles, key=lambda a: a.date)[len(articles) // 2]
    articles = [dataclasses.replace(a, body=a.body + "\n\nOne more line.") if a is middle else a for a in articles]
    kept = intelligence(articles, ChunkStore(tmp_path / "kept"))
    edit_count = len(computed)
    assert kept == intelligence(articles, ChunkStore(tmp_path / "clean", trusted=False))
    assert computed[edit_count:].count("part_stories") == computed[edit_count:].count("related") == len(parts)
    reach = max(segments.stories_module.horizon(Config().stories), segments.related_module.horizon(Config().related))
    near = sum(1 for p in parts if p.first - reach <= middle.date.timestamp() / 86400 < p.until + reach)
    assert near <= 5 < len(parts)
    assert 0 < computed[:edit_count].count("part_stories") <= near + 1
    assert 0 < computed[:edit_count].count("related") <= near + 1


def long_runners(days: int = 60) -> list[Article]:
    """A story with an event every two days, and a text copied on from outlet to outlet every
    five days (each copy of the one before, a word changed), both for `days`."""
    rng = random.Random(5)
    words = [f"runner{n}" for n in range(40)]
    names = ("Long Runner", "Far Place", "Slow Agency")
    story = [Article(f"long-{n}.md", f"long-{n}", f"Long Runner at Far Place, day {2 * n}",
                     START + timedelta(days=2 * n), OUTLETS[n % 4],
                     "\n\n".join(" ".join(rng.choice(words) for _ in range(40)) for _ in range(3)), entities=names)
             for n in range(days // 2)]
    text = [f"chain{rng.randint(0, 10**6)}" for _ in range(300)]
    chain = []
    for n in range(days // 5):
        text[rng.randrange(300)] = f"changed{n}"
        chain.append(Article(f"chain-{n}.md", f"chain-{n}", f"Chain {n}", START + timedelta(days=5 * n, hours=1),
                             f"Outlet {n}", " ".join(text)))
    return story + chain


def partition(stories) -> set[frozenset[str]]:
    return {frozenset(v.slug for e in s.events for v in e.versions) for s in stories}


def test_stories_and_events_run_on_across_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A story of daily events, and copies a few hours apart, straddling the ends of parts: the
    same stories and events as when the whole archive is one part."""
    articles = archive(seed=3, days=60) + long_runners()
    monkeypatch.setattr(segments, "SEGMENT_DAYS", 100000.0)
    whole = segments.compute_stories(articles, (), slugify, Config().stories)
    monkeypatch.setattr(segments, "SEGMENT_DAYS", 3.0)
    assert len(segments.parts_of(segments.ArchiveParts(articles, slugify, None).days)) >= 15
    cut = segments.compute_stories(articles, (), slugify, Config().stories)
    assert partition(cut) == partition(whole)
    events = {frozenset(v.slug for v in e.versions) for s in cut for e in s.events}
    assert events == {frozenset(v.slug for v in e.versions) for s in whole for e in s.events}
    assert sum(len(e) == 2 for e in events) > 10
    assert {f"long-{n}" for n in range(30)} in partition(cut)
    assert {f"chain-{n}" for n in range(12)} in events


def test_an_edit_carried_into_later_parts_reaches_them(short_parts, tmp_path: Path) -> None:
    """Without the first copy of a chain of copies, every later copy's event is another: parts
    far from the edit change through what the parts between carry to them."""
    articles = archive(days=80) + long_runners(80)
    intelligence(articles, ChunkStore(tmp_path / "kept"))
    for gone in ("chain-0", "long-0"):
        articles = [a for a in articles if a.slug != gone]
        kept = intelligence(articles, ChunkStore(tmp_path / "kept"))
        assert kept == intelligence(articles, ChunkStore(tmp_path / "clean", trusted=False))
        events = {e.id for s in kept[0] for e in s.events}
        assert "chain-1" in events and "chain-0" not in events


def test_related_coverage_computed_in_a_second_process_is_the_same(short_parts, monkeypatch) -> None:
    """With two --jobs, the related coverage is computed beside the stories; with one, never."""
    from site_builder.intel import textsig
    articles = archive(days=100)
    alone = intelligence(articles, None)
    monkeypatch.setattr(textsig, "PARALLEL", 1)
    pending: list[object] = []
    real = segments._Related.gathered

    def gathered(self):
        pending.extend(links for _, links in self.found if not isinstance(links, dict))
        return real(self)

    monkeypatch.setattr(segments._Related, "gathered", gathered)
    assert intelligence(articles, None, jobs=2) == alone
    assert len(pending) == len(segments.ArchiveParts(articles, slugify, None).parts)    # all in the second process
    assert any(alone[1].values())
    pending.clear()
    assert intelligence(articles, None, jobs=1) == alone and pending == []


def test_check_and_stories_read_back_what_the_build_kept(example_site: Path, monkeypatch) -> None:
    from site_builder.build.pipeline import BuildOptions, build
    from site_builder.check.lint import check_site
    from site_builder.stories import story_listing
    build(example_site, BuildOptions(search=False, jobs=1))
    computed: list[int] = []
    real = segments.part_stories
    monkeypatch.setattr(segments, "part_stories", spy(real, lambda *a, **k: computed.append(1)))
    assert story_listing(example_site)["stories"]
    assert not check_site(example_site).errors
    assert computed == []


def test_parts_that_read_the_same_articles_keep_their_own_results(monkeypatch, tmp_path: Path) -> None:
    """A short archive in several parts: each part's window holds every article, and yet each
    part's kept stories and related coverage are its own."""
    monkeypatch.setattr(segments, "SEGMENT_DAYS", 5.0)
    articles = archive(seed=2, days=16)
    parts = segments.parts_of(segments.ArchiveParts(articles, slugify, None).days)
    assert len(parts) >= 3
    first = intelligence(articles, ChunkStore(tmp_path / "kept"))
    assert set(first[1]) == {a.slug for a in articles}
    assert intelligence(articles, ChunkStore(tmp_path / "kept")) == first


def test_what_a_part_carries_to_the_next_comes_back_from_the_cache_as_it_was(short_parts, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The carry is typed data between parts, JSON only in the cache, and the same once read back."""
    computed: list[segments.Carry] = []
    real = segments.part_stories_data

    def kept(found: segments.PartStories) -> object:
        computed.append(found.carry)
        return real(found)
    monkeypatch.setattr(segments, "part_stories_data", kept)
    store = ChunkStore(tmp_path / "kept")
    intelligence(archive(), store)
    assert len(computed) >= 8 and any(c.reports and c.events and c.articles for c in computed)
    report = next(r for c in computed for r in c.reports.values() if r.copies)
    assert isinstance(report, segments.CarriedReport) and isinstance(report.copies[0], tuple)
    for carry in computed:
        assert segments.carry_from(orjson.loads(orjson.dumps(segments.carry_data(carry)))) == carry
    read_back = [segments.part_stories_from(store.load(path.stem)) for path in (tmp_path / "kept").glob("stories-*.json")]
    assert sorted(map(repr, (p.carry for p in read_back if p))) == sorted(map(repr, computed))
    assert segments.part_stories_from({"versions": [], "events": []}) is None       # not a part's stories


def test_every_field_the_story_intelligence_may_read_is_in_the_hash_of_its_part() -> None:
    """A field is in its part's hash unless it is left unread (or is a text, hashed with its
    analysis), a field added to the article too."""
    from tests.core.test_schema import every_field_set, grown
    articles = archive(days=30)
    first = dataclasses.replace(articles[0], dateline=None)
    articles[0] = first
    digests = segments.ArchiveParts(articles, slugify, None).hashes
    other = every_field_set(Article)
    texts = {f.name for f in dataclasses.fields(segments.Doc)}
    for f in dataclasses.fields(Article):
        if f.name in ("slug", "date"):        # the article's place in the archive: a part of its own
            continue
        changed = dataclasses.replace(first, **{f.name: getattr(other, f.name)})
        now = segments.ArchiveParts([changed, *articles[1:]], slugify, None).hashes
        assert (now != digests) == (f.name not in segments.UNREAD), f.name
        assert (f.name in segments.part_fields(Article)) == (f.name not in segments.UNREAD and f.name not in texts)
    kind = grown(Article, "byline")
    added = [kind(**{f.name: getattr(a, f.name) for f in dataclasses.fields(a)}) for a in articles]
    kept = segments.ArchiveParts(added, slugify, None).hashes
    assert kept == segments.ArchiveParts([dataclasses.replace(a) for a in added], slugify, None).hashes
    added[0] = dataclasses.replace(added[0], byline="Someone")
    assert segments.ArchiveParts(added, slugify, None).hashes != kept


def test_a_chunk_key_tells_texts_apart_however_they_are_split() -> None:
    """A document's texts are joined before they are hashed: the same letters in other fields, or
    in other documents, are other texts."""
    keys = [textsig.chunk_key(docs) for docs in (
        [textsig.Doc("ab", "c", "d")], [textsig.Doc("a", "bc", "d")], [textsig.Doc("a", "b", "cd")],
        [textsig.Doc("a", "b", "c"), textsig.Doc("d", "", "")], [textsig.Doc("a", "b", "cd"), textsig.Doc("", "", "")])]
    assert len(set(keys)) == len(keys)


def test_the_story_intelligence_reads_no_field_it_leaves_unread(short_parts) -> None:
    read: set[str] = set()

    @dataclasses.dataclass(frozen=True)
    class Watched(Article):
        def __getattribute__(self, name: str) -> object:
            read.add(name)
            return super().__getattribute__(name)

    articles: list[Article] = [Watched(**{f.name: getattr(a, f.name) for f in dataclasses.fields(a)})
                for a in archive(days=60)]
    articles[0] = dataclasses.replace(articles[0], dateline="LONDON", related=(articles[1].slug,), wire="Wire",
                                      story="labelled", tags=("tag",), url="https://example.org/a")
    read.clear()
    assert intelligence(articles, None)[0]
    fields = {f.name for f in dataclasses.fields(Article)}
    assert read & fields and not read & set(segments.UNREAD), read & set(segments.UNREAD)
    assert "dateline" in read


def test_an_edited_dateline_gives_a_clean_computation(tmp_path: Path) -> None:
    """Two outlets' reports of a fire, alike enough to be one event when filed from one place and
    not from two: moving one report's dateline splits the event, in a kept build as in a clean one."""
    rng = random.Random(3)
    shared = [f"harbour{n}" for n in range(40)]

    def text(own: str) -> str:
        return "\n\n".join(" ".join(rng.choice(shared) if rng.random() < 0.3 else f"{own}{rng.randrange(200)}"
                                    for _ in range(50)) for _ in range(3))

    reports = [Article("a.md", "a", "Harbour fire", START, "Daily", text("a"), dateline="LONDON"),
               Article("b.md", "b", "Fire at the harbour", START + timedelta(hours=2), "Post", text("b"),
                       dateline="LONDON")]

    def events(articles: list[Article], store: ChunkStore) -> list[list[str]]:
        return sorted(sorted(v.slug for v in e.versions) for s in intelligence(articles, store)[0] for e in s.events)

    assert events(reports, ChunkStore(tmp_path / "kept")) == [["a", "b"]]
    moved = [reports[0], dataclasses.replace(reports[1], dateline="PARIS")]
    assert events(moved, ChunkStore(tmp_path / "kept")) == events(moved, ChunkStore(tmp_path / "clean", trusted=False))
    assert events(moved, ChunkStore(tmp_path / "clean", trusted=False)) == [["a"], ["b"]]
