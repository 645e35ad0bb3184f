"""A state file of the wrong shape (a hand edit, a bad merge) is a one-line error naming the file and how
to recover, for every command that reads it; it was an AttributeError traceback."""

from __future__ import annotations

import pytest

BAD_STATES = [
    "[]",
    '{"format": 1, "pages": null}',
    '{"format": 1, "pages": {}, "pending": []}',
    '{"format": 1, "pages": {}, "pending": [1]}',
    '{"format": 1, "pages": {}, "options": "x"}',
    '{"format": 1, "pages": {"a.md": 5}}',
    '{"format": 1, "pages": {"a.md": {"nope": 1}}}',
    '"just text"',
    '{"format": 1, "pages": {' * 3000,
]


@pytest.mark.parametrize("content", BAD_STATES)
@pytest.mark.parametrize("command", ["push", "status", "pull"])
def test_a_state_of_the_wrong_shape_is_one_line_with_the_way_out(hostile, content: str, command: str):
    (hostile.root / "a.md").write_text("# A\n", encoding="utf-8")
    state = hostile.root / ".productive-docs" / "state.json"
    state.parent.mkdir()
    state.write_text(content, encoding="utf-8")
    args = [command, str(hostile.root)] + (["--doc", "1"] if command == "pull" else [])
    result = hostile.run(*args)
    assert result.code != 0
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    assert f"{state}: unreadable sync state" in lines[0] and "move it away" in lines[0]
