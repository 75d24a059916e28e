"""Pausing Python's cycle collector while many long-lived objects are made at once.

Importing pydantic, lark, rich and the IR, or loading a spec, makes ~10^5 small objects that hold no
cycles; the collector's repeated passes over them cost a command ~7% of its time and made a load's
time grow faster than the spec (10,000 blocks: 2.8 s with them, 1.4 s without). Garbage with
cycles, if any, is collected after.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for the ``with`` body (or, as ``@paused()``, for each call), then as it was."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
