"""What a large write (a first sync of 100,000 marks, an import of as many) does to go
faster without changing what it writes."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def without_collecting() -> Iterator[None]:
    """Python's cycle collector paused while it runs: a large write makes a million small
    objects, none in a cycle, and the collector would walk them all again and again (a
    third of a first sync's time, a seventh of an import's)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
