"""`init` and `new`: create a site or a content file, never replacing an existing file."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from ..core.config import load_config
from ..core.errors import Problem, SiteError, fail
from ..core.slugs import is_safe_slug, slugify
from ..core.store import create_new
from .articles import parse_date

SITE_TOML = '''# site_builder configuration. Every key is optional; see the README for all of them.
title = "My news archive"
description = "How a story was covered across outlets."
base_url = "/"        # e.g. "https://example.org/archive/" when deployed under a sub-path
language = "en"
timezone = "UTC"
per_page = 50
'''

EXAMPLE = '''---
title: "Welcome to your archive"
date: {date}
source: Example Outlet
story: getting-started
entities: [site_builder]
summary: An example article. Replace it with the coverage you collect.
---
Each article is a Markdown file with front matter: **title**, **date** and **source** are required;
`story`, `entities`, `tags`, `related`, `wire`, `dateline`, `url` and `summary` are optional.

Run `site-builder serve` and edit this file: the page in your browser changes as you save.
'''

REGISTRIES = {
    "stories.yaml": "- id: getting-started\n  title: Getting started\n  summary: The first story of the archive.\n",
    "entities.yaml": "- name: site_builder\n  kind: other\n  aliases: [site-builder]\n",
    "sources.yaml": "- name: Example Outlet\n  kind: newspaper\n",
}


def _create(path: Path, text: str) -> None:
    """Write a new file; an existing one is an error, never overwritten."""
    try:
        create_new(path, text)
    except FileExistsError:
        raise fail(str(path), None, "file already exists; not overwriting it",
                   "choose another title or move the existing file") from None


def create_site(directory: Path) -> list[Path]:
    """A new site folder with a config, one example article and registries; builds at once."""
    if directory.exists() and any(directory.iterdir()):
        raise fail(str(directory), None, "folder is not empty",
                   "choose a new folder; init never overwrites files")
    today = datetime.now(UTC).date().isoformat()
    files = {directory / "site.toml": SITE_TOML,
             directory / "content/articles/welcome-to-your-archive.md": EXAMPLE.format(date=today),
             directory / "templates/README.md": "Templates here override site_builder's defaults file by file "
                                                "(copy one from the package's templates/ folder and edit it).\n",
             directory / "static/.gitkeep": "",
             directory / ".gitignore": "output/\n.site-builder-cache/\n"}
    files.update({directory / "content" / name: text for name, text in REGISTRIES.items()})
    for path, text in files.items():
        _create(path, text)
    return list(files)


def new_article(site: Path, title: str, *, source: str, when: str | None = None, story: str | None = None) -> Path:
    """A new content file for `title`; refuses to replace an existing one."""
    config = load_config(site)
    if not title.strip():
        raise fail("title", None, "the title is empty", 'give a title: site-builder new "Title"')
    if when is not None:
        if parse_date(when, ZoneInfo(config.timezone))[0] is None:
            raise SiteError(Problem("--date", None, f"'{when}' is not a date",
                                    "give a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+HH:MM, e.g. 2025-06-23"))
        when = when.strip()
    meta: dict[str, object] = {"title": title.strip(), "date": when or datetime.now(UTC).replace(
        microsecond=0).isoformat(), "source": source}
    if story:
        if not is_safe_slug(story):
            raise SiteError(Problem("--story", None, f"story id '{story}' is not safe in a URL",
                                    "use lowercase letters, digits and single hyphens"))
        meta["story"] = story
    meta.update({"entities": [], "summary": ""})
    path = site / config.paths.content / "articles" / f"{slugify(title)}.md"
    text = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\nWrite the article here.\n"
    _create(path, text)
    return path.relative_to(site)
