"""Machine-readable output escapes every field: in ``--output github`` no file name can forge a workflow
command (``file=`` was not escaped, and the text line before it carried the newline as is); ``--output
json`` stays one parseable document whatever the file names hold."""

from __future__ import annotations

import json
import os
import re

#: Every workflow command we print: a level, an optional escaped file (no raw ``,`` or ``:``) and line.
OURS = re.compile(r"^::(error|warning|notice)( file=[^,:\n]*(,line=\d+)?)?::[^\n]*$")
NAMES = ["evil\n::warning title=INJECTED::gotcha.md", "a,line=1:b.md", "c%0Ad\r.md", "esc\x1b[31mred.md"]


def _tree(root) -> None:
    (root / "index.md").write_text("# Home\n", encoding="utf-8")
    for name in NAMES:
        (root / name).write_bytes(b"# Bad\n\n\xff\n")
    os.close(os.open(bytes(root) + b"/not-utf8-\xff.md", os.O_WRONLY | os.O_CREAT, 0o644))


def test_github_output_cannot_be_forged_by_file_names(hostile):
    _tree(hostile.root)
    result = hostile.run("push", str(hostile.root), "--project", "1", "--output", "github")
    assert result.code == 1
    commands = [line for line in result.out.splitlines() if line.startswith("::")]
    assert len(commands) >= len(NAMES) + 1
    assert all(OURS.match(line) for line in commands), commands
    assert not any(line.startswith("::warning title=INJECTED") for line in result.out.splitlines())
    assert "file=docs/evil%0A%3A%3Awarning title=INJECTED%3A%3Agotcha.md,line=3::" in result.out
    assert "file=docs/a%2Cline=1%3Ab.md,line=3::" in result.out
    human = [line for line in result.out.splitlines() if not line.startswith("::")]
    assert not any("\x1b" in line for line in human) and "evil\\n::warning" in result.out


def test_json_output_is_one_document_whatever_the_names(hostile):
    _tree(hostile.root)
    result = hostile.run("push", str(hostile.root), "--project", "1", "--output", "json")
    report = json.loads(result.out)
    paths = {page["path"] for page in report["pages"]}
    assert set(NAMES) <= paths and "not-utf8-\udcff.md" in paths
    skipped = next(page for page in report["pages"] if page["path"] == "not-utf8-\udcff.md")
    assert skipped["action"] == "skipped" and skipped["notes"] == ["file name is not UTF-8, not synced"]
