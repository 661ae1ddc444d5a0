"""`python -m tests.slow_commit build …`: site-builder whose writes into output/ are slowed and announced.

Used by tests/test_faults.py to kill a build while `output/` is being changed: every rename
and hard link the writer makes sleeps SLOW_COMMIT seconds, and stderr says "commit" when
the writer starts putting a build in place and "committed" when it is done.
"""
from __future__ import annotations

import importlib
import os
import sys
import time
import types
from collections.abc import Callable
from typing import Any

from site_builder import cli
from site_builder.build import spare, writer


def slowed(call: Callable[..., Any], delay: float) -> Callable[..., Any]:
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(delay)
        return call(*args, **kwargs)
    return slow


def announced(step: Callable[..., Any]) -> Callable[..., Any]:
    def announce(*args: Any, **kwargs: Any) -> Any:
        sys.stderr.write("commit\n")
        sys.stderr.flush()
        result = step(*args, **kwargs)
        sys.stderr.write("committed\n")
        sys.stderr.flush()
        return result
    return announce


def main() -> None:
    delay = float(os.environ.get("SLOW_COMMIT", "0.005"))
    slow_os = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os) if not name.startswith("__")})
    slow_os.replace, slow_os.link = slowed(os.replace, delay), slowed(os.link, delay)
    writer.os = spare.os = slow_os          # type: ignore[assignment]
    build: Any = importlib.import_module("site_builder.build.pipeline")      # the names it imported from writer
    build.commit = announced(writer.commit)
    build.swap_in = announced(writer.swap_in)
    cli.main()


if __name__ == "__main__":
    main()
