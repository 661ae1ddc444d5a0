from pathlib import Path

import pytest

from site_builder.core.config import load_config
from site_builder.core.errors import SiteError


def config_error(tmp_path: Path, text: str) -> str:
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        load_config(tmp_path)
    return str(caught.value)


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.base_path == "/" and config.per_page == 50


def test_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    message = config_error(tmp_path, 'title = "x"\ntitel = "y"\n')
    assert message.startswith("site.toml:2: unknown key 'titel'")


def test_wrong_type_is_named(tmp_path: Path) -> None:
    message = config_error(tmp_path, 'per_page = "ten"\n')
    assert "site.toml:1: 'per_page' must be int, not str" in message


def test_nested_keys_and_every_problem_at_once(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[related]\ncount = "5"\nfoo = 1\n[paths]\nbar = "x"\n')
    assert "'related.count' must be int" in message
    assert "unknown key 'related.foo'" in message
    assert "unknown key 'paths.bar'" in message


def test_bad_timezone_and_toml_syntax(tmp_path: Path) -> None:
    assert "unknown time zone 'Mars/Base'" in config_error(tmp_path, 'timezone = "Mars/Base"\n')
    assert "TOML does not parse" in config_error(tmp_path, 'title = "unclosed\n')


def test_sub_path_base_url(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text('base_url = "https://example.org/archive"\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert config.base_path == "/archive/"
    assert config.site_url == "https://example.org/archive/"
