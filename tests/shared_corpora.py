"""Where the shared corpora are: real material nobody here wrote, beside the project in the team's
checkouts and in CI (``../shared/corpora``). A clone from the project's public home has none: the tests
marked ``corpus`` are then skipped with a reason (``conftest.py``); nothing reads them at import time."""

from __future__ import annotations

from pathlib import Path

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
#: Set by ``.ci/run``: there the corpora must be present and no ``corpus`` test may be skipped.
REQUIRE_CORPORA = "PRODUCTIVE_DOCS_REQUIRE_CORPORA"
