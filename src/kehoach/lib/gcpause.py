"""Cyclic garbage collection paused while a large batch of acyclic objects is made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while hundreds of thousands of acyclic rows and results
    are made (the engine's values, an import's rows): each collection would walk them all
    again, and everything else the process holds, for nothing. Afterwards they are moved to
    the oldest generation (``gc.freeze`` then ``gc.unfreeze``: two list splices), so the next
    young collection does not walk them either."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
