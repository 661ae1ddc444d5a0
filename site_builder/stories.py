"""The computed stories as plain data, for `stories --json` and evaluation against labels."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .core.config import load_config
from .core.model import Archive
from .core.pool import default_jobs
from .intel.archive import analysis_store, load_site
from .site.formats.opendata import archive_listing


def story_listing(site: Path, drafts: bool = False) -> dict[str, Any]:
    """stories → events → versions, with paths relative to the site folder.

    Events are in time order; `date_only` marks a date given without a time (its `date` is
    the start of that day in the site's time zone, so it comes before the day's timed events).
    """
    return archive_listing(site_archive(site, drafts))


def site_archive(site: Path, drafts: bool = False) -> Archive:
    """The site's archive computed from its content; SiteError when the content has errors."""
    config = load_config(site)
    return load_site(site, config, drafts=drafts, jobs=default_jobs(), store=analysis_store(site, config)).checked()


def story_evaluation(listing: dict[str, Any], labels: Path, site: Path, level: str = "stories") -> dict[str, Any]:
    """Pairwise and B-cubed scores of the computed stories, events (which reports tell one
    happening) or copies (which articles are copies of one report) against the `path,story`,
    `path,event` or `path,copy` labels in `labels`."""
    from .intel.evaluate import LEVELS, read_labels, story_scores
    truth = read_labels(labels, LEVELS[level])
    which = {"stories": lambda s, e, v: s["id"], "events": lambda s, e, v: e["id"], "copies": lambda s, e, v: v["report"]}
    computed = {v["path"]: which[level](s, e, v) for s in listing["stories"] for e in s["events"] for v in e["versions"]}
    return {"level": level, **vars(story_scores(computed, truth))}
