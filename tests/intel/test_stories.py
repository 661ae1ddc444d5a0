"""Acceptance: the seed coverage without any story: or related: keys is still grouped right."""
from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from site_builder.content.articles import article_files, load_registries, parse_article
from site_builder.core.config import RelatedWeights, StoryWeights
from site_builder.core.model import Article, Registries
from site_builder.core.slugs import slugify
from site_builder.intel.segments import compute_stories, related_coverage
from site_builder.site.wording import reasons

CONTENT = Path(__file__).resolve().parents[2] / "content"
REUTERS = "iran-supreme-leader-asks-putin-to-do-more-after-us-strikes"
COPY = "khamenei-asks-putin-for-more-help-after-us-strikes-on-iran"
HORMUZ = "eu-warns-extremely-dangerous-if-iran-closes-strait-of-hormuz"
NSC = "pm-shehbaz-chairs-nsc-meeting-amid-iran-us-tensions"
STREAMER = "russian-streamer-stepan-scoffy-detained-after-desecrating-flag"


def stripped_site(tmp: Path) -> tuple[list[Article], Registries]:
    shutil.copytree(CONTENT, tmp / "content")
    (tmp / "content" / "stories.yaml").unlink()
    for file in (tmp / "content" / "articles").glob("*.md"):
        _, front, body = file.read_text(encoding="utf-8").split("---\n", 2)
        front = "".join(line for line in front.splitlines(True) if not re.match(r"(story|related):", line))
        file.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    files, _ = article_files(tmp / "content", tmp)
    articles = [parse_article(Path(file.path), file.rel, ZoneInfo("UTC")).article for file in files]
    registries, _ = load_registries(tmp / "content", tmp)
    return [a for a in articles if a is not None], registries


def canonical_of(registries: Registries):
    names = {n.casefold(): e.slug for e in registries.entities for n in (e.name, *e.aliases)}
    return lambda name: names.get(name.casefold()) or slugify(name)


@pytest.fixture()
def seed(tmp_path: Path):
    articles, registries = stripped_site(tmp_path)
    canonical = canonical_of(registries)
    stories = compute_stories(articles, registries.stories, canonical, StoryWeights())
    return articles, registries, canonical, stories


def story_with(stories, slug):
    return next(s for s in stories for e in s.events for v in e.versions if v.slug == slug)


def test_reuters_copies_are_one_event_with_two_versions(seed):
    _, _, _, stories = seed
    event = next(e for s in stories for e in s.events if any(v.slug == REUTERS for v in e.versions))
    assert [v.slug for v in event.versions] == [REUTERS, COPY]
    assert event.id == REUTERS and event.versions[0].score == 1.0 and 0.6 <= event.versions[1].score < 1.0


def test_hormuz_nsc_and_reuters_share_a_story_without_the_streamer(seed):
    _, _, _, stories = seed
    story = story_with(stories, REUTERS)
    assert story_with(stories, HORMUZ) is story and story_with(stories, NSC) is story
    assert story_with(stories, STREAMER) is not story
    assert not story.explicit


def test_every_article_in_exactly_one_version(seed):
    articles, _, _, stories = seed
    slugs = [v.slug for s in stories for e in s.events for v in e.versions]
    assert sorted(slugs) == sorted(a.slug for a in articles)


def test_related_coverage_of_reuters_lists_hormuz_and_nsc_with_reasons(seed):
    articles, registries, canonical, stories = seed
    names = {e.slug: e.name for e in registries.entities}
    related = related_coverage(articles, stories, canonical, RelatedWeights(), names=names)
    links = {link.slug: link for link in related[REUTERS]}
    assert HORMUZ in links and NSC in links and COPY not in links
    assert "same story" in reasons(links[NSC].why) and "same day" in reasons(links[NSC].why)
    assert any(r.startswith("shares ") and "Iran" in r for r in reasons(links[HORMUZ].why))


def test_explicit_story_wins_and_uses_the_registry(tmp_path: Path):
    articles, registries = stripped_site(tmp_path)
    from site_builder.core.model import StoryInfo
    tagged = [a if a.slug != STREAMER else _with(a, story="streamers") for a in articles]
    info = (StoryInfo("streamers", "Streamers in trouble", "About streamers.", "concluded"),)
    stories = compute_stories(tagged, info, canonical_of(registries), StoryWeights())
    story = story_with(stories, STREAMER)
    assert (story.id, story.title, story.explicit, story.status) == ("streamers", "Streamers in trouble", True,
                                                                      "concluded")


def _with(article: Article, **changes) -> Article:
    from dataclasses import replace
    return replace(article, **changes)


def test_deterministic_and_order_independent(seed):
    articles, registries, canonical, stories = seed
    again = compute_stories(list(reversed(articles)), registries.stories, canonical, StoryWeights())
    assert again == stories


def test_stories_sorted_newest_activity_first():
    base = datetime(2025, 1, 1, tzinfo=UTC)
    articles = [Article(path=f"{i}.md", slug=f"a{i}", title=f"Title {i}", date=base + timedelta(days=30 * i),
                        source="S", body=f"unique words number {i} " * 3) for i in range(3)]
    stories = compute_stories(articles, (), slugify, StoryWeights())
    assert [s.id for s in stories] == ["a2", "a1", "a0"]
    assert all(len(s.events) == 1 for s in stories)


def test_empty_archive():
    assert compute_stories([], (), slugify, StoryWeights()) == ()


def test_same_stories_whether_analysed_in_chunks_and_processes_or_not(seed, monkeypatch):
    from site_builder.intel import textsig
    articles, registries, canonical, stories = seed
    related = related_coverage(articles, stories, canonical, RelatedWeights())
    monkeypatch.setattr(textsig, "CHUNK", 3)
    monkeypatch.setattr(textsig, "PARALLEL", 2)
    assert compute_stories(articles, registries.stories, canonical, StoryWeights()) == stories
    assert related == related_coverage(articles, stories, canonical, RelatedWeights())


def test_word_hashes_follow_the_tokeniser():
    from site_builder.intel.tokens import tokens, words
    text = "Iran's U.S. envoys — naïve Grüße, 2024 talks"
    found = tokens([text, text.upper(), " ".join(words(text))])
    third = len(found.hashes) // 3
    assert len(found.hashes) == 3 * len(words(text))
    assert (found.hashes[:third] == found.hashes[2 * third:]).all()
    assert found.field.tolist() == [0] * third + [1] * third + [2] * third
    assert found.topical[:third].tolist() == [True, False, True, True, True, False, True]


def _intelligence(articles, registries, canonical, store):
    from site_builder.core.config import Config
    from site_builder.intel.segments import story_intelligence
    return story_intelligence(articles, registries.stories, canonical, Config(), {}, store)


def test_kept_chunk_analyses_give_the_same_stories(seed, monkeypatch, tmp_path):
    """Chunks come back from the store byte for byte; an edit makes only its own chunk new."""
    import dataclasses

    from site_builder.intel import textsig
    from site_builder.intel.cache import ChunkStore
    articles, registries, canonical, stories = seed
    monkeypatch.setattr(textsig, "CHUNK", 3)
    first = ChunkStore(tmp_path / "analysis")
    assert _intelligence(articles, registries, canonical, first)[0] == stories
    chunks = sorted(p.name for p in first.folder.glob("*.npz"))
    assert len(chunks) == -(-len(articles) // 3)

    again = ChunkStore(tmp_path / "analysis")
    assert _intelligence(articles, registries, canonical, again)[0] == stories
    assert sorted(p.name for p in again.folder.glob("*.npz")) == chunks

    edited = [dataclasses.replace(a, body=a.body + "\n\nOne more line.") if i == 0 else a
              for i, a in enumerate(textsig.date_order(articles))]
    store = ChunkStore(tmp_path / "analysis")
    assert _intelligence(edited, registries, canonical, store) \
        == _intelligence(edited, registries, canonical, ChunkStore(tmp_path / "clean", trusted=False))
    store.prune()
    after = sorted(p.name for p in store.folder.glob("*.npz"))
    assert len(set(after) - set(chunks)) == 1 and len(after) == len(chunks)


def test_an_unreadable_kept_chunk_is_analysed_again(seed, tmp_path):
    from site_builder.intel.cache import ChunkStore
    articles, registries, canonical, stories = seed
    _intelligence(articles, registries, canonical, ChunkStore(tmp_path / "analysis"))
    for path in (tmp_path / "analysis").glob("*.npz"):
        path.write_bytes(b"not a zip file")
    for path in (tmp_path / "analysis").glob("*.json"):
        path.unlink()
    assert _intelligence(articles, registries, canonical, ChunkStore(tmp_path / "analysis"))[0] == stories


def test_each_computed_event_says_what_tied_it_to_its_story(seed):
    _, _, _, stories = seed
    story = story_with(stories, REUTERS)
    first, *later = story.events
    assert first.tie is None
    ids = [e.id for e in story.events]
    for event in later:
        assert event.tie is not None and ids.index(event.tie.event) < ids.index(event.id)
        assert 0.0 < event.tie.score <= 1.0 and (event.tie.entities or event.tie.terms)
    nsc = next(e for e in later if e.versions[0].slug == NSC)
    assert "iran" in nsc.tie.entities


def test_the_reason_is_on_the_story_page_and_in_the_json(tmp_path: Path):
    from site_builder.build.pipeline import BuildOptions, build
    from site_builder.stories import story_listing
    stripped_site(tmp_path)
    build(tmp_path, BuildOptions(search=False, jobs=1))
    listing = story_listing(tmp_path)
    story = next(s for s in listing["stories"] if any(v["slug"] == NSC for e in s["events"] for v in e["versions"]))
    assert story["events"][0]["tie"] is None
    tie = next(e["tie"] for e in story["events"] if e["versions"][0]["slug"] == NSC)
    assert tie["event"] in [e["id"] for e in story["events"]] and "Iran" in tie["entities"]
    page = (tmp_path / "output" / "stories" / story["id"] / "index.html").read_text(encoding="utf-8")
    reason = re.search(r'<li id="event-' + NSC + r'">.*?<p class="tie">(.*?)</p>', page, re.S)
    assert reason and f'href="#event-{tie["event"]}"' in reason.group(1)
    assert '<a href="/entities/iran/">Iran</a>' in reason.group(1)


def test_kept_stories_keep_their_ties(seed):
    from site_builder.core.store import stories_data, stories_from
    _, _, _, stories = seed
    assert any(e.tie for s in stories for e in s.events)
    assert stories_from(json.loads(json.dumps(stories_data(stories)))) == stories
