"""The shared corpora through the Markdown reader and writer: fixed point, equivalence, no text lost.

Every CommonMark and GFM spec example, every markdown-it-py fixture case and every npm CLI doc page:
- md -> doc -> md -> doc gives the same normal form (and nothing raises);
- the input and the written Markdown render to the same HTML with markdown-it-py (``equivalence``),
  unless the conversion report names a lowering; the counts are printed and "different" may not grow;
- every word the input shows appears in what the output shows, in order.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup, NavigableString
from md_corpora import Example, available, markdown_files, spec_examples
from md_equivalence import render
from productive_docs.converter import Report, read, write
from productive_docs.converter.model import normalize
from productive_docs.converter.readers.markdown import extensions, parser

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

#: The spec examples whose output renders differently with no lowering reported. The one left:
#: gfm-493 ``~~~not~~~``, written ``\~<del>not</del>\~`` (markdown-it renders ``<s>``; same text, same mark).
MAX_DIFFERENT = 1

_WORD = re.compile(r"\w+")


def _examples() -> list[Example]:
    if not available():
        return []
    files = [
        Example(str(path.relative_to(path.parents[2])), path.read_text(encoding="utf-8"))
        for path in markdown_files()
    ]
    return spec_examples() + files


EXAMPLES = _examples()


def _round(markdown: str, report: Report) -> tuple[dict, str, dict]:
    doc = read(markdown, "md", report=report).doc
    out = write(doc, "md", report=report)
    return normalize(doc), out, normalize(read(out, "md").doc)


def _visible_words(markdown: str) -> list[str]:
    """Words a browser shows: not tags, comments, scripts, form fields, or the title an alert renders."""
    soup = BeautifulSoup(parser().render(markdown), "html.parser")
    for hidden in soup(["script", "style", "textarea"]) + soup.select(".markdown-alert-title"):
        hidden.decompose()
    return _WORD.findall(soup.get_text(types=(NavigableString,)))


def _is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(word in it for word in needle)


def test_corpora_are_all_there() -> None:
    assert len(EXAMPLES) > 1400
    assert len(markdown_files()) == 87


def test_fixed_point_and_no_text_lost() -> None:
    """md -> doc -> md -> doc is a fixed point, and no visible word goes missing, for every example."""
    not_fixed, lost = [], []
    for example in EXAMPLES:
        first, out, second = _round(example.markdown, Report(example.name))
        if first != second:
            not_fixed.append(example.name)
        if not _is_subsequence(_visible_words(example.markdown), _visible_words(out)):
            lost.append(example.name)
    assert not_fixed == []
    assert lost == []


def test_rendered_html_is_the_same_unless_lowered() -> None:
    counts: Counter[str] = Counter()
    different = []
    for example in EXAMPLES:
        if not example.name.startswith(("commonmark-", "gfm-")):
            continue
        report = Report(example.name)
        _, out, _ = _round(example.markdown, report)
        if render(example.markdown) == render(out):
            counts["same"] += 1
        elif report:
            counts["lowered"] += 1
        else:
            counts["different"] += 1
            different.append(example.name)
    print(
        f"\nCommonMark + GFM examples: same {counts['same']}, lowered {counts['lowered']}, "
        f"different {counts['different']} ({', '.join(different)})"
    )
    assert counts["same"] > 1100
    assert counts["different"] <= MAX_DIFFERENT, different


def test_enabling_only_the_extensions_a_source_shows_changes_no_parse() -> None:
    """The reader enables an extension only where its marker occurs (a speed-up): for every example the
    tokens are those of the parser with every extension."""
    full = parser()
    changed = [
        example.name
        for example in EXAMPLES
        if parser(extensions(source := example.markdown)).parse(source, {}) != full.parse(source, {})
    ]
    assert changed == []
