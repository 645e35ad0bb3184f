"""A plain folder converts exactly as before the dialect readers: every spec example, every npm doc page
and the npm folder scan hash as they did at the commit the dialects started from (``golden_plain.json``)."""

from __future__ import annotations

import json

import pytest
from plain_fingerprints import GOLDEN, available, fingerprints

pytestmark = [pytest.mark.corpus, pytest.mark.slow,
              pytest.mark.skipif(not available(), reason="../shared/corpora is not beside the project")]

#: Deliberate changes of plain behaviour, name -> why.
#: An empty ``<a href>`` in raw HTML was dropped silently; it is dropped with a report entry now (issue 14):
#: the same tree, one more report line.
_EMPTY_LINK_REPORTED = "an empty raw-HTML link is reported when dropped (issue 14); tree unchanged"
CHANGED: dict[str, str] = {name: _EMPTY_LINK_REPORTED for name in (
    "spec/commonmark-476",
    "spec/commonmark-477",
    "spec/commonmark-630",
    "spec/commonmark-631",
    "spec/commonmark-642",
    "spec/commonmark-643",
    "spec/gfm-485",
    "spec/gfm-486",
    "spec/gfm-654",
    "spec/gfm-655",
    "spec/gfm-667",
    "spec/gfm-668",
    "spec/commonmark_extras-27",
    "spec/commonmark_extras-28",
)}


def test_plain_corpora_convert_exactly_as_before() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = fingerprints()
    assert set(now) == set(golden)
    differ = sorted(name for name in golden if now[name] != golden[name] and name not in CHANGED)
    assert differ == []
