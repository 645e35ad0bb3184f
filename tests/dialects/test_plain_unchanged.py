"""A plain folder converts exactly as before the dialect readers: every spec example, every npm doc page
and the npm folder scan hash as they did at the commit the dialects started from (``golden_plain.json``)."""

from __future__ import annotations

import json

import pytest
from plain_fingerprints import GOLDEN, available, fingerprints

pytestmark = [pytest.mark.corpus, pytest.mark.slow,
              pytest.mark.skipif(not available(), reason="../shared/corpora is not beside the project")]

#: Deliberate changes of plain behaviour, name -> why.
CHANGED: dict[str, str] = {}


def test_plain_corpora_convert_exactly_as_before() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = fingerprints()
    assert set(now) == set(golden)
    differ = sorted(name for name in golden if now[name] != golden[name] and name not in CHANGED)
    assert differ == []
