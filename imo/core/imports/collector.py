"""Python's cycle collector paused while an import reads, checks or writes a large file.

The rows, values, model instances and log entries of a 25,000-row file (about a million objects) all live
until the step ends, and every full pass of the collector walks each of them: over half a second per step
at that size. Reference counting still frees whatever is dropped; the collector runs again afterwards (and
is left alone if the caller had turned it off).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
