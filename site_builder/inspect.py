"""The computed stories as plain data, for `stories --json` and evaluation against labels."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .build import BuildOptions
from .config import load_config
from .errors import SiteError
from .graph import build_archive
from .load import load_content


def story_listing(site: Path, drafts: bool = False) -> dict[str, Any]:
    """stories → events → versions, with paths relative to the site folder."""
    config = load_config(site)
    content = load_content(site, config, drafts=drafts, jobs=BuildOptions().jobs)
    if content.errors:
        raise SiteError(content.errors)
    archive = build_archive(content.articles, content.registries, config)
    errors = [p for p in archive.problems if p.severity == "error"]
    if errors:
        raise SiteError(errors)
    return {"stories": [
        {"id": s.id, "title": s.title, "explicit": s.explicit, "status": s.status,
         "events": [{"id": e.id, "date": e.date.isoformat(), "versions": [
             {"path": archive.articles[v.slug].path, "slug": v.slug, "source": archive.articles[v.slug].source,
              "title": archive.articles[v.slug].title, "date": archive.articles[v.slug].date.isoformat(),
              "score": round(v.score, 4)} for v in e.versions]} for e in s.events]}
        for s in archive.stories]}


def story_evaluation(listing: dict[str, Any], labels: Path, site: Path) -> dict[str, Any]:
    from .evaluate import read_labels, story_scores
    truth = read_labels(labels)
    computed = {v["path"]: s["id"] for s in listing["stories"] for e in s["events"] for v in e["versions"]}
    scores = story_scores(computed, truth)
    return {k: v for k, v in vars(scores).items()}
