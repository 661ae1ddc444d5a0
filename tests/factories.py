"""The tests' shared makers of test data: an `Article` in memory, an article file's text, the CLI
run in a subprocess, a written file's front matter read back, and a patched function's calls recorded."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import frontmatter

from site_builder.core.model import Article

WHEN = datetime(2025, 1, 1, tzinfo=UTC)
P = ParamSpec("P")
R = TypeVar("R")


def article(slug: str, text: str | Sequence[str] = "", hours: float = 0, source: str = "", title: str = "", *,
            when: datetime = WHEN, path: str = "", entities: Iterable[str] = (), **fields: Any) -> Article:
    """An article in memory: its body the text (or its paragraphs), dated `hours` after `when`; the
    path, source and title default to the slug's."""
    body = text if isinstance(text, str) else "\n\n".join(text)
    return Article(path=path or f"{slug}.md", slug=slug, title=title or slug, date=when + timedelta(hours=hours),
                   source=source or slug, body=body, entities=tuple(entities), **fields)


def article_text(title: str = "Fine", date: str = "2025-06-23", source: str = "Daily8", extra: str = "",
                 body: str = "Body.") -> str:
    """An article file's text: its front matter (`extra` is more of it, line by line) and body."""
    return f"---\ntitle: {json.dumps(title)}\ndate: {date}\nsource: {json.dumps(source)}\n{extra}---\n{body}\n"


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m site_builder ARGS`, its output captured as text (a command hung for 5 minutes fails)."""
    return subprocess.run([sys.executable, "-m", "site_builder", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **env} if env else None, timeout=300)


@dataclass(frozen=True)
class Post:
    """A written article read back: its front matter (YAML, so values of any type) and its body."""

    metadata: dict[str, Any]
    content: str

    def __getitem__(self, key: str) -> Any:
        return self.metadata[key]


def read_post(path: Path) -> Post:
    post = frontmatter.load(path)
    return Post(dict(post.metadata), post.content)


def spy(real: Callable[P, R], note: Callable[P, object]) -> Callable[P, R]:
    """`real`, with `note` called on the same arguments first (to record the calls a test patches in)."""
    def called(*args: P.args, **kwargs: P.kwargs) -> R:
        note(*args, **kwargs)
        return real(*args, **kwargs)
    return called


def jsonld_of(html: str) -> dict[str, Any]:
    """The first JSON-LD block of a page."""
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data
