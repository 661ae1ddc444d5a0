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


@pytest.mark.parametrize("text, message", [
    ("[related]\ncount = 100000000000\n",
     "site.toml:2: 'related.count' must be at most 100, not 100000000000 (for example: count = 5)"),
    ("per_page = 100000000\n", "site.toml:1: 'per_page' must be at most 10000, not 100000000 (for example: per_page = 50)"),
    ("feed_entries = 99999999\n",
     "site.toml:1: 'feed_entries' must be at most 10000, not 99999999 (for example: feed_entries = 20)"),
    ("[related]\ntime_window_days = 1e9\n",
     "site.toml:2: 'related.time_window_days' must be at most 365, not 1000000000.0 (for example: time_window_days = 14.0)"),
    ("[stories]\nwindow_days = 100000\n",
     "site.toml:2: 'stories.window_days' must be at most 365, not 100000.0 (for example: window_days = 7.0)"),
    ("[stories]\nthreshold = 2\n", "site.toml:2: 'stories.threshold' must be at most 1, not 2.0 (for example: threshold = 0.65)"),
    ("[stories]\nversion_threshold = 1.5\n",
     "site.toml:2: 'stories.version_threshold' must be at most 1, not 1.5 (for example: version_threshold = 0.6)"),
    ("[related]\nentities = 1e300\n",
     "site.toml:2: 'related.entities' must be at most 100, not 1e+300 (for example: entities = 1.0)"),
    ("[stories]\nentities = 2\n[related]\nentities = inf\n",
     "site.toml:4: 'related.entities' must be a finite number, not inf (for example: entities = 1.0)"),
    ("[related]\nmin_score = nan\n",
     "site.toml:2: 'related.min_score' must be a finite number, not nan (for example: min_score = 0.15)"),
])
def test_every_numeric_setting_has_a_maximum(tmp_path: Path, text: str, message: str) -> None:
    assert config_error(tmp_path, text) == message


def test_every_numeric_setting_is_bounded() -> None:
    """A new numeric setting without a maximum fails here."""
    import dataclasses

    from site_builder.core.config import LIMITS, Config
    numeric = [f"{prefix}{f.name}" for prefix, cls in (("", Config), ("related.", type(Config().related)),
                                                        ("stories.", type(Config().stories)))
               for f in dataclasses.fields(cls) if f.type in ("int", "float")]
    assert sorted(numeric) == sorted(LIMITS)


def test_a_config_that_is_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    import os
    import signal

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("site.toml was opened")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        os.mkfifo(tmp_path / "site.toml")
        with pytest.raises(SiteError) as caught:
            load_config(tmp_path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert str(caught.value) == ("site.toml: not a regular file but a FIFO (named pipe): not read "
                                 "(remove it; the site's folders hold plain files and folders)")
