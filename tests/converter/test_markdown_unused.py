"""Leaving out the rules a source cannot trigger (``markdown_unused``) changes no token.

The reference parser has every rule of the source's extensions and a text rule that stops at every
character, so each rule is tried at every position (a superset of markdown-it's default stops): the tokens
of the reader's parser, without its unused rules and with its narrowed stops, must equal the reference's.
Random Markdown is built from every rule's markers; the corpus test runs every spec example and npm doc.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from md_corpora import available, markdown_files, spec_examples
from productive_docs.converter.readers.markdown import _parse_plain, extensions, parser
from productive_docs.converter.readers.markdown_unused import unused_rules

#: Stops the text rule at every character.
_EVERY_CHARACTER = re.compile(r"(?s).")


def _reference(enabled: frozenset[str]) -> MarkdownIt:
    md = parser.__wrapped__(enabled)  # a fresh instance: the cached one must keep its own stops
    md.inline.terminator_re = _EVERY_CHARACTER
    return md


def _tokens(md: MarkdownIt, source: str) -> list[Token]:
    return md.parse(source, {})


def _check(source: str) -> None:
    """The reader's parse (``_parse_plain``: rules left out by the text after a front matter, or by the
    whole source) equals the reference's; so does a parse without the rules the whole source leaves out."""
    enabled = extensions(source)
    expected = _tokens(_reference(enabled), source)
    assert _parse_plain(source, enabled)[1] == expected
    assert _tokens(parser(enabled, unused=unused_rules(source)), source) == expected


#: Pieces of inline Markdown holding every inline rule's markers (and the extensions' ones).
_PIECES = [
    " ", "  ", "\t", "|", " | ", "[", "]", "](/u)", "[a]", "![", "<", ">", "<a href='x'>", "<!-- c -->",
    "<http://x.y>", "&amp;", "&#35;", "&", "\\", "\\*", "`", "``", "*", "**", "_", "__", "~", "~~", "$", "$$",
    "@", "@[user:1:Ann]", "[^1]", "http://x.com", "www.x.com", "a@b.co", "word", "w", ":", "=", "-", "!", "#",
]
#: How a line may start: container markers, indentation, block markers.
_STARTS = [
    "", "", "", "> ", ">", "- ", "* ", "+ ", "1. ", "2) ", "# ", "## ", "  ", "    ", "\t", "[^1]: ", ": ",
    "~ ", "> - ", "- > ", "|",
]
#: Whole lines: breaks, underlines, fences, table rows, definitions, openers.
_LINES = [
    "", "---", "===", "***", "___", "* * *", " - - -", "```", "~~~", "```js", "| a | b |", "|-|-|", "| --- |",
    ":-:|", "[a]: /u", "<div>", "</div>", "$$", ":::note", ":::", "!!! note", "??? tip", "> ---", "  ===",
]
_LINE = st.one_of(
    st.sampled_from(_LINES),
    st.tuples(st.sampled_from(_STARTS), st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)).map(
        "".join),
)
#: Front matter openings and closings, right and wrong (indented, longer, ``...``).
_FRONT_MATTER = st.sampled_from(["---", "----", "...", "  ---", "    ---", "--- x", "title: x", "- a"])
_SOURCES = st.tuples(
    st.lists(st.one_of(_LINE, _FRONT_MATTER), max_size=12),
    st.sampled_from(["\n", "\n", "\r\n", "\r"]),
    st.sampled_from(["", "\n"]),
    st.booleans(),
).map(lambda parts: ("---" + parts[1] if parts[3] else "") + parts[1].join(parts[0]) + parts[2])


@pytest.mark.slow
@settings(max_examples=1500, deadline=None)
@given(_SOURCES)
def test_leaving_out_unused_rules_changes_no_token(source: str) -> None:
    _check(source)


@pytest.mark.parametrize(
    "source",
    ["plain words only\n", "a\n---\n", "a -\nb\n", "a\r\n===\r\n", "> q\n> ---\n", "x | y\n-|-\n1 | 2\n",
     "- a\n  - b\n", "---\na: 1\n---\nx\n", "---\na: 1\n  ---\n---\n", "---\na\n...\nb\n---\n",
     "---\n---\n", "---\nx: 1\n---",
     "[a]: /u\n\n[a]\n", "Foo\n***\n", "<div>\nx\n</div>\n", "a  \nb\\\nc\n", "`c` *e* _f_ &amp; <b>x</b>"],
)
def test_examples(source: str) -> None:
    _check(source)


def test_rules_left_out() -> None:
    """Prose without markers needs neither tables, nor quotes, nor code, nor links: those rules go."""
    assert unused_rules("Just a sentence, with a hyphen-ated word: fine.\n") >= {
        "table", "code", "fence", "blockquote", "hr", "reference", "html_block", "heading",
        "lheading", "escape", "backticks", "emphasis", "link", "image", "autolink", "html_inline", "entity",
    }
    assert not unused_rules("a\n\n---\n\n- b\n") & {"hr", "lheading"}
    assert "code" not in unused_rules("x\n\n\tcode\n")


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not available(), reason="the shared corpora (../shared/corpora) are not there")
def test_corpora_parse_alike() -> None:
    sources = [example.markdown for example in spec_examples()]
    sources += [path.read_text(encoding="utf-8") for path in markdown_files()]
    for source in sources:
        _check(source)
