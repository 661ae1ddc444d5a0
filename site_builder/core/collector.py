"""Python's cyclic garbage collector held back while many small objects are made."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused: reading kept data back makes millions of small
    objects and no cycles, and the collector's passes over them cost more than the reading
    (an edit at 100,000 articles: 17.8 s of story intelligence with it, 7.7 s without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
