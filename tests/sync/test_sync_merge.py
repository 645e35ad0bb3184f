"""Three-way block merge: examples, then properties over random edit scripts (hypothesis)."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from productive_docs.converter import read
from productive_docs.converter.errors import InputError
from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Node, from_json, normalize, to_json
from productive_docs.converter.report import Report
from productive_docs.sync.engine.blocks import keys_of, split_local
from productive_docs.sync.engine.merge import (
    END,
    START,
    Conflict,
    Merged,
    align,
    first_marker,
    merge,
    refuse_markers,
)


def stored(markdown: str) -> Node:
    """The body Productive would hold for a Markdown text (lowered; ids and defaults as JSON)."""
    return from_json(to_json(lower_for_productive(read(markdown, "md").doc, Report())))


def base_of(markdown: str) -> Node:
    """What the base store gives back: the normal form."""
    return from_json(normalize(stored(markdown)))


def merged(base: str, local: str, remote: str, **options):
    return merge(base_of(base), split_local(local), stored(remote), base_local=split_local(base), **options)


BASE = """---
title: Guide
section: onboarding
description: kept though Productive does not hold it
---

# Guide

First paragraph, wrapped
over two lines with _underscore emphasis_.

#### A deep heading

* star item one
* star item two

| a | b |
|---|---|
| 1 | 2 |

See [the site][site].

[site]: https://example.com

Last paragraph.
"""


def test_a_one_sentence_remote_edit_rewrites_only_that_block():
    remote = BASE.replace("Last paragraph.", "Last paragraph, edited in Productive.")
    result = merged(BASE, BASE, remote)
    assert result.conflicts == 0 and not result.push_needed
    lines = difflib.unified_diff(BASE.splitlines(), result.text.splitlines(), lineterm="", n=0)
    diff = [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert diff == ["-Last paragraph.", "+Last paragraph, edited in Productive."]


def test_lowering_is_not_a_change_and_unchanged_blocks_take_the_remote_node():
    """The #### heading is stored as h3: same key. The table's remote column widths survive a push of an
    edit elsewhere, because untouched blocks take the remote node."""
    remote_body = to_json(stored(BASE))
    table = next(block for block in remote_body["content"] if block["type"] == "table")
    for row in table["content"]:
        for cell in row["content"]:
            cell.setdefault("attrs", {})["colwidth"] = [120]
    local = BASE.replace("First paragraph, wrapped", "First paragraph, edited locally and wrapped")
    base = split_local(BASE)
    result = merge(from_json(remote_body), split_local(local), from_json(remote_body), base_local=base)
    assert result.conflicts == 0 and result.push_needed
    assert result.text == local
    pushed = to_json(result.tree)
    assert any(block.get("content", [{}])[0].get("content", [{}])[0].get("attrs", {}).get("colwidth") == [120]
               for block in pushed["content"] if block["type"] == "table")
    assert pushed["content"][2] == remote_body["content"][2]  # the h3, as Productive holds it


def test_same_block_changed_differently_is_a_conflict_with_both_sides_between_markers():
    local = BASE.replace("Last paragraph.", "Last paragraph, local words.")
    remote = BASE.replace("Last paragraph.", "Last paragraph, remote words.")
    result = merged(BASE, local, remote)
    assert result.conflicts == 1 and result.tree is None
    text = result.text
    assert text.index(START) < text.index("local words") < text.index("||||||| base") < text.index(
        "Last paragraph.") < text.index("=======") < text.index("remote words") < text.index(END)
    assert text.startswith(BASE[: BASE.index("Last paragraph.")])  # everything before it untouched
    with pytest.raises(InputError, match=r"guide.md:\d+: unresolved merge conflict"):
        refuse_markers(text, "guide.md")


def test_lists_and_tables_merge_item_by_item_before_conflicting():
    local = BASE.replace("* star item one", "* star item one, local")
    local = local.replace("| 1 | 2 |", "| 1 | 2 |\n| 3 | 4 |")
    remote = BASE.replace("* star item two", "* star item two, remote").replace("| a | b |", "| A | b |")
    result = merged(BASE, local, remote)
    assert result.conflicts == 0
    assert sum(isinstance(p, Merged) for p in result.pieces) == 2
    assert "* star item one, local" in result.text or "- star item one, local" in result.text
    assert "star item two, remote" in result.text and "| 3 | 4 |" in result.text and "A" in result.text
    assert keys_of(result.tree.content) == split_local(result.text).keys


def test_the_file_keeps_crlf_front_matter_and_a_missing_final_newline():
    base = BASE.replace("\n", "\r\n").rstrip("\r\n")
    remote = base.replace("First paragraph, wrapped", "First paragraph, remote, wrapped")
    result = merged(base, base, remote)
    assert "section: onboarding\r\n" in result.text and "description:" in result.text
    assert "\n" not in result.text.replace("\r\n", "")
    assert result.text.endswith("Last paragraph.")
    remote_last = base.replace("Last paragraph.", "Remote last.")
    assert merged(base, base, remote_last).text.endswith("Remote last.")


def test_link_definitions_survive_when_the_block_before_them_is_rewritten():
    remote = BASE.replace("See [the site][site].", "See [the site](https://example.com), remote.")
    result = merged(BASE, BASE, remote)
    assert "[site]: https://example.com" in result.text
    assert split_local(result.text).keys == keys_of(stored(remote).content)


def test_lists_that_meet_anew_stay_two_lists():
    base = "- a\n\nBetween.\n\n- b\n\nEnd.\n"
    result = merged(base, base, "- a\n\n* b\n\nEnd.\n")  # deleted in Productive
    assert result.text == "- a\n\n<!-- -->\n\n- b\n\nEnd.\n"
    assert split_local(result.text).keys == keys_of(result.tree.content)
    result = merged(base, base.replace("End.", "End, local."), "- a\n\n* b, remote\n\nEnd.\n")
    assert result.text == "- a\n\n* b, remote\n\nEnd, local.\n"
    assert split_local(result.text).keys == keys_of(result.tree.content)
    assert "b, remote" in result.text


def test_markers_are_found_by_line_and_a_setext_underline_is_not_one():
    assert first_marker("Title\n=======\n\ntext\n") is None
    assert first_marker("a\n\n<<<<<<< local\nx\n=======\ny\n>>>>>>> productive\n") == 3
    assert first_marker("a\r\n>>>>>>> productive\r\n") == 2


def test_align_interleaves_edits_to_neighbouring_blocks():
    assert not any(isinstance(p, Conflict) for p in align(list("abcdef"), list("abXcdef"), list("abcYef")))
    assert any(isinstance(p, Conflict) for p in align(list("abc"), list("abcX"), list("abcY")))


# --- properties -------------------------------------------------------------------------------------------


def block(kind: int, n: int) -> str:
    """Block ``n`` of a generated document: every one holds the unique word ``wN``. Lists use the marker
    of their position mod 3 and a document has at most three (``kinds``), so deleting the blocks between
    two lists never joins them into one."""
    word = f"w{n}"
    return [
        f"Paragraph {word} says\nsomething over two lines.",
        f"#### Heading {word}",
        f"{'-*+'[n % 3]} item {word} one\n{'-*+'[n % 3]} item {word} two",
        f"| h{word} | x |\n|---|---|\n| c{word} | y |",
        f"```\ncode {word}\n```",
        f"## Title {word}",
    ][kind]


def document(kinds: list[int], words: dict[int, str] | None = None, drop: set[int] = frozenset(),
             after: dict[int, str] | None = None) -> str:
    parts = []
    for n, kind in enumerate(kinds):
        if n not in drop:
            text = block(kind, n)
            if words and n in words:
                text = text.replace(f"w{n}", words[n])
            parts.append(text)
        if after and n in after:
            parts.append(f"New paragraph {after[n]}.")
    return "---\ntitle: Generated\nextra: kept\n---\n\n" + "\n\n".join(parts) + "\n"


@st.composite
def edit_scripts(draw, same_block: bool):
    """A document and an edit per side: to different blocks, or (``same_block``) both to one block."""
    kinds = draw(st.lists(st.integers(0, 5), min_size=3, max_size=14))
    markers: set[int] = set()
    for n, kind in enumerate(kinds):
        if kind == 2 and n % 3 in markers:
            kinds[n] = 0
        elif kind == 2:
            markers.add(n % 3)
    blocks = list(range(len(kinds)))
    if same_block:
        target = draw(st.sampled_from(blocks))
        return kinds, {"edit": {target: "LOCALEDIT"}}, {"edit": {target: "REMOTEEDIT"}}
    owner = draw(st.lists(st.sampled_from(["", "", "local", "remote"]), min_size=len(kinds),
                          max_size=len(kinds)))
    ops = draw(st.lists(st.sampled_from(["edit", "drop", "after"]), min_size=len(kinds), max_size=len(kinds)))
    sides: dict[str, dict[str, dict]] = {"local": {"edit": {}, "drop": {}, "after": {}},
                                        "remote": {"edit": {}, "drop": {}, "after": {}}}
    for n in blocks:
        if owner[n]:
            sides[owner[n]][ops[n]][n] = f"{owner[n].upper()}E{n}X"
    return kinds, sides["local"], sides["remote"]


def apply(kinds: list[int], script: dict) -> str:
    return document(kinds, script.get("edit"), set(script.get("drop", {})), script.get("after"))


def run_script(script):
    """The merge of a generated document edited by both sides' scripts."""
    kinds, local_script, remote_script = script
    return merged(document(kinds), apply(kinds, local_script), apply(kinds, remote_script))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edit_scripts(same_block=False))
def test_edits_to_different_blocks_merge_without_conflict_keeping_everything(script):
    kinds, local_script, remote_script = script
    result = run_script(script)
    assert result.conflicts == 0, result.text
    for side in (local_script, remote_script):
        for words in (side["edit"], side["after"]):
            assert all(word in result.text for word in words.values())
        assert not any(f"w{n} " in result.text or f"w{n}\n" in result.text for n in side["drop"])
    # the two results agree: the pushed tree is what the merged file reads as
    assert keys_of(result.tree.content) == split_local(result.text).keys
    assert result.text.startswith("---\ntitle: Generated\nextra: kept\n---\n")
    # every block nobody touched is in the file byte for byte, in order
    touched = {n for side in (local_script, remote_script) for ops in side.values() for n in ops}
    at = 0
    for n, kind in enumerate(kinds):
        if n not in touched:
            at = result.text.index(block(kind, n) + "\n", at)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edit_scripts(same_block=True))
def test_different_edits_to_one_block_conflict_with_both_versions_between_markers(script):
    kinds, local_script, _ = script
    result = run_script(script)
    assert result.conflicts >= 1 and result.tree is None
    start, end = result.text.index(START), result.text.index(END)
    assert start < result.text.index("LOCALEDIT") < end and start < result.text.index("REMOTEEDIT") < end
    assert first_marker(result.text) is not None
    target = next(iter(local_script["edit"]))
    for n, kind in enumerate(kinds):
        if n != target:
            assert result.text.count(block(kind, n) + "\n") == 1


COLUMNS = """# T

<!-- columns {"count":2} -->

Left

<!-- column -->

Right

<!-- /columns -->

Last.
"""


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        (COLUMNS.replace("Right", "Right, edited"), COLUMNS.replace("Right", "Right, edited")),
        ("# T\n\nLast.\n", "# T\n\nLast.\n"),  # the columns deleted in Productive
    ],
)
def test_columns_between_comments_merge_as_one_block(remote: str, expected: str) -> None:
    """Columns are one node read from several Markdown blocks: replaced or dropped whole, never leaving
    their old blocks behind."""
    result = merged(COLUMNS, COLUMNS.replace("Last.", "Last, edited locally."), remote)
    assert result.conflicts == 0
    assert result.text == expected.replace("Last.", "Last, edited locally.")


def test_an_attribute_line_is_replaced_with_its_block_not_left_behind() -> None:
    line = '<!-- table {"size":[1,2],"columns":[{"background":"#ff0000"},{}]} -->'
    base = f"# T\n\n| a | b |\n| --- | --- |\n\n{line}\n\nLast.\n"
    remote = base.replace("#ff0000", "#00ff00")
    result = merged(base, base.replace("Last.", "Last, edited locally."), remote)
    assert result.conflicts == 0
    assert result.text == remote.replace("Last.", "Last, edited locally.")
