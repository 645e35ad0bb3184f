"""One helper both readers share, in a module of its own so that the Markdown reader does not import the HTML
reader (and beautifulsoup4) before a document actually holds raw HTML."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a page is parsed and walked.

    A parsed page is a large graph of objects with parent links; the collector would walk it again and
    again while it grows (a quarter of the parse time, measured in ``bench/bench_html.py``). Its garbage
    is collected normally afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
