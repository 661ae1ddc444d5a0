"""The JSON Schemas of the front matter and site.toml: shipped up to date, and agreeing with what
`check` and the build accept (validated with the jsonschema package, as an editor would)."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
import jsonschema
import pytest

from site_builder.check.jsonschemas import SCHEMAS, front_matter_schema, site_schema
from site_builder.content.articles import parse_article
from site_builder.core.config import load_config
from site_builder.core.errors import SiteError
from tests.conftest import REPO

GOOD: dict[str, object] = {"title": "EU warns on Hormuz", "date": "2025-06-23", "source": "Daily8"}
FRONT_MATTER_CASES: dict[str, tuple[dict[str, object], bool]] = {      # front matter -> whether check accepts it without an error or an unknown key
    "good": (GOOD, True),
    "all keys": (GOOD | {"url": "https://example.org/a", "wire": "AP", "dateline": "ISLAMABAD", "story": "iran-2025",
                         "entities": ["Iran", "Oman"], "tags": "oil", "related": ["other-article"],
                         "summary": "One sentence.", "draft": False, "slug": "eu-warns", "review": {"body": "short"}},
                 True),
    "a time": (GOOD | {"date": "2025-06-23T10:30:00+03:00"}, True),
    "a number as the title": (GOOD | {"title": 1984}, True),
    "no title": ({k: v for k, v in GOOD.items() if k != "title"}, False),
    "no date": ({k: v for k, v in GOOD.items() if k != "date"}, False),
    "two sources": (GOOD | {"source": ["A", "B"]}, False),
    "a date that is words": (GOOD | {"date": "yesterday"}, False),
    "draft as text": (GOOD | {"draft": "yes"}, False),
    "not a web address": (GOOD | {"url": "javascript:alert(1)"}, False),
    "an unsafe slug": (GOOD | {"slug": "../../x"}, False),
    "an unsafe story id": (GOOD | {"story": "Iran Story"}, False),
    "a yes/no entity": (GOOD | {"entities": [True]}, False),
    "nested entities": (GOOD | {"entities": [["Iran"]]}, False),
    "a typo of a key": (GOOD | {"entitys": ["Iran"]}, False),
}


def check_accepts(meta: dict[str, object], tmp_path: Path) -> bool:
    text = "---\n" + "\n".join(f"{k}: {json.dumps(v)}" for k, v in meta.items()) + "\n---\nBody.\n"
    parsed = parse_article(tmp_path / "a.md", "content/articles/a.md", ZoneInfo("UTC"), text)
    return parsed.article is not None and not any("unknown front-matter key" in p.message for p in parsed.problems)


def schema_accepts(schema: dict[str, object], data: object) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(data)


@pytest.mark.parametrize("case", sorted(FRONT_MATTER_CASES))
def test_the_front_matter_schema_accepts_what_check_accepts(case: str, tmp_path: Path) -> None:
    meta, accepted = FRONT_MATTER_CASES[case]
    assert check_accepts(meta, tmp_path) is accepted
    assert schema_accepts(front_matter_schema(), meta) is accepted


def yaml_as_json(value: object) -> object:
    """Front matter as an editor's YAML 1.2 reads it: dates are text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: yaml_as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [yaml_as_json(v) for v in value]
    return value


def test_every_example_article_and_the_example_site_toml_are_valid() -> None:
    for path in sorted((REPO / "content/articles").glob("*.md")):
        jsonschema.validate(yaml_as_json(frontmatter.load(path).metadata), front_matter_schema())
    jsonschema.validate(tomllib.loads((REPO / "site.toml").read_text(encoding="utf-8")), site_schema())


@pytest.mark.parametrize("toml", ["per_page = 0", 'html_policy = "raw"', "nonsense = 1", "[related]\ncount = 1000",
                                  "[stories]\nthreshold = 2.0", 'search = "yes"'])
def test_the_site_schema_refuses_what_the_build_refuses(toml: str, tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(SiteError):
        load_config(tmp_path)
    assert not schema_accepts(site_schema(), tomllib.loads(toml))


@pytest.mark.parametrize("which", sorted(SCHEMAS))
def test_the_shipped_schemas_are_what_the_command_prints(which: str) -> None:
    printed = subprocess.run([sys.executable, "-m", "site_builder", "schema", which], capture_output=True,
                             text=True, check=True).stdout
    name = {"front-matter": "front-matter.schema.json", "site": "site.schema.json"}[which]
    assert json.loads(printed) == json.loads((REPO / "docs/schemas" / name).read_text(encoding="utf-8")), (
        f"docs/schemas/{name} is out of date: site-builder schema {which} > docs/schemas/{name}")
    jsonschema.Draft202012Validator.check_schema(json.loads(printed))
