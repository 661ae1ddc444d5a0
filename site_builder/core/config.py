"""Site configuration: one TOML file, validated into frozen dataclasses."""
from __future__ import annotations

import dataclasses
import math
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from .errors import Problem, SiteError, fail
from .walk import SPECIAL, Refused, refusal_problem, special_kind

CONFIG_NAME = "site.toml"
# Every numeric setting's range: beyond it a setting costs without bound (`[related] count =
# 100000000000` asked for 17.8 GB) or means nothing (a likelihood over 1).
LIMITS: dict[str, tuple[float, float]] = {
    "per_page": (1, 10_000), "feed_entries": (1, 10_000),
    "related.count": (0, 100), "related.entities": (0, 100), "related.text": (0, 100),
    "related.same_story": (0, 100), "related.time": (0, 100), "related.time_window_days": (0, 365),
    "related.min_score": (0, 100),
    "stories.entities": (0, 100), "stories.text": (0, 100), "stories.window_days": (0, 365),
    "stories.threshold": (0, 1), "stories.version_threshold": (0, 1), "stories.event_threshold": (0, 10),
}
HTML_POLICIES = ("escape", "sanitize")


@dataclass(frozen=True)
class Paths:
    content: str = "content"
    templates: str = "templates"
    static: str = "static"
    output: str = "output"
    cache: str = ".site-builder-cache"


@dataclass(frozen=True)
class RelatedWeights:
    count: int = 5
    entities: float = 1.0
    text: float = 1.0
    same_story: float = 0.6
    time: float = 0.3
    time_window_days: float = 14.0
    min_score: float = 0.15


@dataclass(frozen=True)
class StoryWeights:
    entities: float = 1.0
    text: float = 1.0
    window_days: float = 7.0
    threshold: float = 0.65
    version_threshold: float = 0.6
    event_threshold: float = 0.11


@dataclass(frozen=True)
class Config:
    title: str = "News archive"
    description: str = "A story-timeline archive of news coverage."
    base_url: str = "/"
    language: str = "en"
    timezone: str = "UTC"
    per_page: int = 50
    feed_entries: int = 20
    search: bool = True
    html_policy: str = "escape"  # "escape" raw HTML in bodies, or "sanitize" it
    paths: Paths = field(default_factory=Paths)
    related: RelatedWeights = field(default_factory=RelatedWeights)
    stories: StoryWeights = field(default_factory=StoryWeights)

    @property
    def base_path(self) -> str:
        """The URL path every link starts with: '/' or '/archive/'."""
        from urllib.parse import urlsplit
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def site_url(self) -> str:
        """The absolute site URL with trailing slash, or '' when base_url is a path."""
        url = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        return url if "://" in url else ""


def _line_of(text: str, key: str) -> int | None:
    """The line setting `key` ("count", or "related.count" within its table), else None."""
    table, _, name = key.rpartition(".")
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and not table:
            continue
        if stripped.startswith("["):
            current = stripped.strip("[] \t")
        elif (not table or current == table) and stripped.startswith(name):
            return number
    return None


def config_line(site: Path, key: str) -> int | None:
    """The line of `site.toml` that sets `key`, if any."""
    try:
        return _line_of((site / CONFIG_NAME).read_text(encoding="utf-8", errors="replace"), key)
    except OSError:
        return None


def _from_table(cls: type, data: dict[str, Any], prefix: str, path: str, text: str,
           problems: list[Problem]) -> Any:
    hints = get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in known:
            problems.append(Problem(path, _line_of(text, key), f"unknown key '{name}'",
                                    f"known keys: {', '.join(sorted(known))}"))
            continue
        expected = hints[key]
        if isinstance(expected, type) and dataclasses.is_dataclass(expected):
            if not isinstance(value, dict):
                problems.append(Problem(path, _line_of(text, key), f"'{name}' must be a table",
                                        f"write it as [{name}]"))
                continue
            values[key] = _from_table(expected, value, f"{name}.", path, text, problems)
            continue
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(Problem(path, _line_of(text, key),
                                    f"'{name}' must be {expected.__name__}, not {type(value).__name__}",
                                    f"for example: {key} = {getattr(cls(), key)!r}".replace("'", '"')))
            continue
        values[key] = value
    return cls(**values)


def _check_values(config: Config, path: str, text: str) -> list[Problem]:
    problems = []
    try:
        zoneinfo.ZoneInfo(config.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(path, _line_of(text, "timezone"), f"unknown time zone '{config.timezone}'",
                                'use an IANA name such as "UTC" or "Europe/Berlin"'))
    for key, (low, high) in LIMITS.items():
        problems += _range_problems(config, key, low, high, path, text)
    if config.html_policy not in HTML_POLICIES:
        problems.append(Problem(path, _line_of(text, "html_policy"), "'html_policy' must be \"escape\" or \"sanitize\"",
                                '"escape" shows raw HTML in bodies as text, "sanitize" keeps a safe subset'))
    return problems


def _range_problems(config: Config, key: str, low: float, high: float, path: str, text: str) -> list[Problem]:
    table, _, name = key.rpartition(".")
    value = getattr(getattr(config, table) if table else config, name)
    example = f"for example: {name} = {getattr(getattr(Config(), table) if table else Config(), name)}"
    if not math.isfinite(value):
        why = f"must be a finite number, not {value}"
    elif value < low:
        why = f"must be at least {low:g}, not {value}" if low else f"must be 0 or more, not {value}"
    elif value > high:
        why = f"must be at most {high:g}, not {value}"
    else:
        return []
    return [Problem(path, _line_of(text, key), f"'{key}' {why}", example)]


def host_warning(site: Path, config: Config) -> list[Problem]:
    """A warning when the base URL is a path: feeds and the sitemap then hold no host."""
    if config.site_url:
        return []
    file = site / CONFIG_NAME
    text = file.read_text(encoding="utf-8", errors="replace") if file.exists() else ""
    return [Problem(CONFIG_NAME, _line_of(text, "base_url"),
                    f"base_url \"{config.base_url}\" has no host: feeds, sitemap.xml and canonical links give "
                    "paths instead of full addresses",
                    'give the address the site is published at, e.g. base_url = "https://example.org/archive/" '
                    "or build --base-url https://example.org/archive/", "warning")]


def load_config(site: Path, overrides: dict[str, Any] | None = None) -> Config:
    """Read `site.toml` (optional) and apply command-line overrides; fail once with every problem."""
    file = site / CONFIG_NAME
    path = CONFIG_NAME
    text = ""
    data: dict[str, Any] = {}
    if file.exists():
        kind = special_kind(file.stat().st_mode)
        if kind is not None:      # a FIFO would be waited on forever
            raise SiteError(refusal_problem(Refused(path, SPECIAL, what=kind), "", ""))
        text = file.read_text(encoding="utf-8", errors="replace")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            line = getattr(error, "lineno", None)
            raise fail(path, line, f"TOML does not parse: {error}", "check quotes and brackets") from None
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    problems: list[Problem] = []
    config = _from_table(Config, data, "", path, text, problems)
    if not problems:
        problems = _check_values(config, path, text)
    if problems:
        raise SiteError(problems)
    return config
