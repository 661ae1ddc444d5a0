"""The computed stories as plain data, for `stories --json` and evaluation against labels."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .build import BuildOptions
from .config import load_config
from .errors import SiteError
from .graph import build_archive
from .load import load_content
from .model import Archive
from .opendata import archive_listing


def story_listing(site: Path, drafts: bool = False) -> dict[str, Any]:
    """stories → events → versions, with paths relative to the site folder.

    Events are in time order; `date_only` marks a date given without a time (its `date` is
    the start of that day in the site's time zone, so it comes before the day's timed events).
    """
    return archive_listing(load_archive(site, drafts))


def load_archive(site: Path, drafts: bool = False) -> Archive:
    """The site's archive computed from its content; SiteError when the content has errors."""
    config = load_config(site)
    content = load_content(site, config, drafts=drafts, jobs=BuildOptions().jobs)
    if content.errors:
        raise SiteError(content.errors)
    archive = build_archive(content.articles, content.registries, config)
    errors = [p for p in archive.problems if p.severity == "error"]
    if errors:
        raise SiteError(errors)
    return archive


def story_evaluation(listing: dict[str, Any], labels: Path, site: Path, level: str = "stories") -> dict[str, Any]:
    """Pairwise and B-cubed scores of the computed stories (or events: which copies are versions
    of one event) against the `path,story` (or `path,event`) labels in `labels`."""
    from .evaluate import LEVELS, read_labels, story_scores
    truth = read_labels(labels, LEVELS[level])
    computed = {v["path"]: e["id"] if level == "events" else s["id"]
                for s in listing["stories"] for e in s["events"] for v in e["versions"]}
    return {"level": level, **vars(story_scores(computed, truth))}
