"""scipy.sparse, imported without the NumPy submodules it loads and never uses.

scipy's array-API layer (`scipy._lib.array_api_compat`) copies every name of NumPy's namespace
when scipy.sparse is first imported, and so loads each submodule NumPy otherwise loads on first
use: f2py, testing, ma, random and polynomial take 60-90 ms, a fifth of the imports of a build.
Each is registered first as a lazy module (`importlib.util.LazyLoader`), loaded in full the
first time one of its names is read.
"""
from __future__ import annotations

import importlib.util
import sys

import numpy

UNUSED = ("f2py", "testing", "ma", "random", "polynomial")


def _defer(name: str) -> None:
    """NumPy's submodule `name` as a lazy module, unless it is loaded already."""
    full = f"numpy.{name}"
    if full in sys.modules:
        return
    spec = importlib.util.find_spec(full)
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[full] = module
    spec.loader.exec_module(module)
    setattr(numpy, name, module)     # as the import system does for a submodule it loads


def _defer_unused() -> None:
    for name in UNUSED:
        _defer(name)


_defer_unused()

import scipy.sparse as sp  # noqa: E402  (after the submodules are deferred)

__all__ = ["sp"]
