"""scipy.sparse comes without the NumPy submodules its array-API layer would load for nothing."""
from __future__ import annotations

import subprocess
import sys

# In a fresh interpreter: what importing the story intelligence loaded, then a deferred module used.
PROBE = """
import sys
import site_builder.intel.archive
loaded = sorted(name for name in sys.modules if name.startswith(("numpy.f2py.", "numpy.testing.", "numpy.ma.")))
print(loaded)
import numpy
numpy.testing.assert_array_equal(numpy.ma.masked_array([1, 2]).data, [1, 2])
from site_builder.intel.sparse import sp
print((sp.csr_matrix(numpy.eye(2)) @ sp.csr_matrix(numpy.eye(2))).sum())
"""


def test_the_story_intelligence_loads_no_unused_numpy_submodule_and_each_still_works_when_used() -> None:
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    loaded, total = run.stdout.splitlines()
    assert loaded == "[]"          # f2py, testing and ma were not executed on import
    assert float(total) == 2.0     # used afterwards, each loads in full; scipy.sparse works
