"""Issue 12, the user's side of a merge, against the local server over HTTP: what a merged push sends,
files whose title is their first heading, ``resolve``, ``status --diff`` and ``status`` during a push."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from productive_docs.converter import write
from productive_docs.converter.model import from_json
from productive_docs.sync.cli.main import main
from productive_docs.sync.engine.base import BaseStore
from productive_docs.sync.engine.pull import pull_doc
from productive_docs.sync.engine.push.run import push_folder

GUIDE = """---
title: Onboarding
---

Welcome to the team. This paragraph is wrapped
by hand.

| Who | What |
|-----|------|
| IT  | laptop |

The second paragraph holds the sentence to change.

Closing words.
"""


def page_id(client, doc_id: str, title: str) -> str:
    return next(p.id for p in client.list_pages(filters={"root_page_id": doc_id}, fields=["title"])
                if p.title == title)


def edit_remotely(client, page: str, old: str, new: str, widths: list[int] | None = None) -> None:
    """A colleague's edit in Productive: one sentence changed and, with ``widths``, the table's columns
    resized (an attribute a Markdown file cannot hold)."""
    doc = from_json(client.get_page(page).body)
    for block in doc.content:
        if block.type == "table" and widths:
            for row in block.content:
                for width, cell in zip(widths, row.content, strict=False):
                    cell.attrs["colwidth"] = [width]
    html = write(doc, "html").replace(old, new)
    assert new in html
    client.replace_body_with_html(page, html)


def colwidths(body: dict) -> list[list[int] | None]:
    table = next(block for block in body["content"] if block["type"] == "table")
    return [cell.get("attrs", {}).get("colwidth") for cell in table["content"][0]["content"]]


def pushed_guide(make_tree, client, files: dict[str, str] | None = None) -> tuple[Path, str, str]:
    root = make_tree(files or {"guide.md": GUIDE})
    doc_id = push_folder(root, client, project_id="1").doc_id
    return root, doc_id, page_id(client, doc_id, "Onboarding")


def merged_push_keeps_the_widths(root: Path, client, guide: str) -> str:
    """The first paragraph edited locally and pushed onto Productive's edit of the closing words: both
    edits on both sides, the table's widths [200, 120] kept, then a push writes nothing. The file's text."""
    path = root / "guide.md"
    path.write_text(GUIDE.replace("Welcome to the team.", "Welcome aboard."), encoding="utf-8")
    result = push_folder(root, client)
    outcome = {o.display: o for o in result.outcomes}["guide.md"]
    assert result.exit_code == 0 and outcome.action == "updated", outcome
    body = client.get_page(guide).body
    assert "Welcome aboard." in str(body) and "Closing words, theirs." in str(body)
    assert colwidths(body) == [[200], [120]]
    writes = client.stats.writes
    assert push_folder(root, client).exit_code == 0 and client.stats.writes == writes
    assert colwidths(client.get_page(guide).body) == [[200], [120]]
    return path.read_text(encoding="utf-8")


def test_a_merged_push_keeps_remote_column_widths_on_the_untouched_table(make_tree, fast_client):
    """The push after a merge sent the re-read file: the table's widths, set in Productive, were lost."""
    root, _, guide = pushed_guide(make_tree, fast_client)
    edit_remotely(fast_client, guide, "Closing words.", "Closing words, theirs.", widths=[200, 120])
    assert colwidths(fast_client.get_page(guide).body) == [[200], [120]]
    assert "Closing words, theirs." in merged_push_keeps_the_widths(root, fast_client, guide)


def test_a_merged_push_sends_productive_nodes_for_blocks_the_file_cannot_hold(make_tree, fast_client):
    """Blocks nobody touched are sent as Productive holds them, not as the file re-reads them. Here the
    base is one an earlier version recorded: Productive's table has widths, the file (and its base text)
    has none. The push of a merge sent the re-read file: the widths were lost (failed before)."""
    root, doc_id, guide = pushed_guide(make_tree, fast_client)
    edit_remotely(fast_client, guide, "Closing words.", "Closing words.", widths=[200, 120])
    assert pull_doc(fast_client, doc_id, root).exit_code == 0
    path = root / "guide.md"
    assert "<!-- table" in path.read_text(encoding="utf-8")
    bases = BaseStore(root / ".productive-docs")
    record = bases.records[guide]
    bases.record(guide, version=record.version, title=record.title, parent=record.parent, position=None,
                 body=from_json(bases.body(guide)), source=GUIDE)
    bases.save()
    edit_remotely(fast_client, guide, "Closing words.", "Closing words, theirs.")
    text = merged_push_keeps_the_widths(root, fast_client, guide)
    assert "<!-- table" not in text  # the user's table text kept as written


HEADED = """# Onboarding

Welcome to the team. This paragraph is wrapped
by hand.

The second paragraph holds the sentence to change.

Closing words.
"""


def test_a_file_titled_by_its_first_heading_merges_block_by_block(make_tree, fast_client):
    """Such files fell back to the whole file: a remote edit of another block was a conflict and a
    ``.remote.md`` copy (failed before)."""
    root, doc_id, guide = pushed_guide(make_tree, fast_client, {"guide.md": HEADED})
    edit_remotely(fast_client, guide, "Closing words.", "Closing words, theirs.")
    path = root / "guide.md"
    local = HEADED.replace("Welcome to the team.", "Welcome aboard.")
    path.write_text(local, encoding="utf-8")
    result = push_folder(root, fast_client)
    outcome = {o.display: o for o in result.outcomes}["guide.md"]
    assert result.exit_code == 0 and outcome.action == "updated", outcome
    assert path.read_text(encoding="utf-8") == local.replace("Closing words.", "Closing words, theirs.")
    page = fast_client.get_page(guide)
    assert page.title == "Onboarding" and "Onboarding" not in str(page.body)
    assert "Welcome aboard." in str(page.body) and "Closing words, theirs." in str(page.body)
    assert not (root / "guide.remote.md").exists()
    edit_remotely(fast_client, guide, "second paragraph", "2nd paragraph")
    assert pull_doc(fast_client, doc_id, root).exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("# Onboarding\n\nWelcome aboard. This paragraph is "
                                                       "wrapped\nby hand.\n\nThe 2nd paragraph")


def test_a_title_heading_takes_a_rename_made_in_productive(make_tree, fast_client):
    root, doc_id, guide = pushed_guide(make_tree, fast_client, {"guide.md": HEADED})
    fast_client.rename(guide, "Getting started")
    edit_remotely(fast_client, guide, "Closing words.", "Closing words, theirs.")
    path = root / "guide.md"
    path.write_text(HEADED.replace("Welcome to the team.", "Welcome aboard."), encoding="utf-8")
    result = push_folder(root, fast_client)
    assert result.exit_code == 0, [(o.display, o.action, o.notes) for o in result.outcomes]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Getting started\n\nWelcome aboard.") and "Closing words, theirs." in text
    assert fast_client.get_page(guide).title == "Getting started"
    path.write_text(text.replace("# Getting started", "# Start here"), encoding="utf-8")
    assert push_folder(root, fast_client).exit_code == 0
    assert fast_client.get_page(guide).title == "Start here"  # a local title change is a rename
    fast_client.rename(guide, "Theirs")
    path.write_text(text.replace("# Getting started", "# Ours"), encoding="utf-8")
    result = push_folder(root, fast_client)
    assert result.exit_code == 3 and fast_client.get_page(guide).title == "Theirs"
    assert "title changed here ('Ours') and in Productive ('Theirs')" in result.outcomes[-1].notes
    edit_remotely(fast_client, guide, "Closing words, theirs.", "Closing words, theirs again.")
    assert pull_doc(fast_client, doc_id, root).exit_code == 3  # merged: the title block conflicts
    text = path.read_text(encoding="utf-8")
    assert text.index("<<<<<<< local") < text.index("# Ours") < text.index("# Theirs") < text.index(
        ">>>>>>> productive") < text.index("Welcome aboard.") < text.index("Closing words, theirs again.")
    assert fast_client.get_page(guide).title == "Theirs"


def test_a_file_titled_by_its_name_is_not_merged_but_never_loses_an_edit(make_tree, fast_client):
    """No front-matter title, no title heading: the title comes from the file name, which a merge cannot
    rewrite; the remote version goes beside the file, as before."""
    body = HEADED.removeprefix("# Onboarding\n\n")
    root, doc_id, _ = pushed_guide(make_tree, fast_client, {"onboarding.md": body})
    page = page_id(fast_client, doc_id, "Onboarding")
    edit_remotely(fast_client, page, "Closing words.", "Closing words, theirs.")
    (root / "onboarding.md").write_text(body.replace("Welcome to the team.", "Welcome aboard."), "utf-8")
    assert push_folder(root, fast_client).exit_code == 3
    assert "Welcome aboard." in (root / "onboarding.md").read_text(encoding="utf-8")
    assert "Closing words, theirs." in (root / "onboarding.remote.md").read_text(encoding="utf-8")

def conflicted(make_tree, client) -> tuple[Path, str, str]:
    """The guide pushed; then Productive changed the closing words and the first paragraph, the file the
    closing words otherwise; a push marked the conflict (the first paragraph merged in)."""
    root, doc_id, guide = pushed_guide(make_tree, client)
    edit_remotely(client, guide, "Closing words.", "Their closing words.")
    edit_remotely(client, guide, "Welcome to the team.", "Welcome, from Productive.")
    (root / "guide.md").write_text(GUIDE.replace("Closing words.", "My closing words."), encoding="utf-8")
    assert push_folder(root, client).exit_code == 3
    text = (root / "guide.md").read_text(encoding="utf-8")
    assert "<<<<<<< local" in text and "Welcome, from Productive." in text
    return root, doc_id, guide


def test_markers_left_in_a_file_keep_the_conflict_exit_code(env, make_tree, fast_client, capsys):
    """The conflict goes on while its markers are in the file: ``status --exit-code`` said 1 ("a push would
    change something") and ``push`` 1 (a failed file) for it; 3, as when the push found it."""
    root, _, _ = conflicted(make_tree, fast_client)
    capsys.readouterr()
    assert main(["status", str(root), "--exit-code"]) == 3
    assert main(["push", str(root)]) == 3
    assert "unresolved merge conflict" in capsys.readouterr().out
    (root / "other.md").write_bytes(b"\xff")
    assert main(["push", str(root)]) == 3, "a conflict wins over a failed file"


def test_resolve_ours_keeps_the_file_side_and_the_next_push_sends_it(make_tree, fast_client, capsys):
    root, doc_id, guide = conflicted(make_tree, fast_client)
    path = root / "guide.md"
    assert main(["resolve", str(path)]) == 3  # markers left, no side chosen
    assert "guide.md:" in capsys.readouterr().err
    assert main(["resolve", str(path), "--ours"]) == 0
    assert "1 conflict(s) resolved with ours side" in capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    assert text == GUIDE.replace("Closing words.", "My closing words.").replace(
        "Welcome to the team. This paragraph is wrapped\nby hand.",
        "Welcome, from Productive. This paragraph is wrapped by hand.")  # Productive's block, as merged
    assert pull_doc(fast_client, doc_id, root).exit_code == 0  # the resolution is not a conflict again
    assert path.read_text(encoding="utf-8") == text
    result = push_folder(root, fast_client)
    assert result.exit_code == 0 and {o.display: o.action for o in result.outcomes}["guide.md"] == "updated"
    body = str(fast_client.get_page(guide).body)
    assert "My closing words." in body and "Their closing words." not in body and "from Productive" in body
    writes = fast_client.stats.writes
    assert push_folder(root, fast_client).exit_code == 0 and fast_client.stats.writes == writes


def test_resolve_theirs_takes_productive_side_and_later_remote_edits_merge(make_tree, fast_client):
    root, doc_id, guide = conflicted(make_tree, fast_client)
    path = root / "guide.md"
    assert main(["resolve", str(path), "--theirs"]) == 0
    text = path.read_text(encoding="utf-8")
    assert "Their closing words." in text and "My closing words." not in text and "<<<" not in text
    edit_remotely(fast_client, guide, "sentence to change", "sentence changed again there")
    result = push_folder(root, fast_client)  # merged on the resolved version: no second conflict
    assert result.exit_code == 0, [(o.display, o.action, o.notes) for o in result.outcomes]
    text = path.read_text(encoding="utf-8")
    assert "Their closing words." in text and "changed again there" in text
    assert pull_doc(fast_client, doc_id, root).exit_code == 0
    assert path.read_text(encoding="utf-8") == text
    writes = fast_client.stats.writes
    assert push_folder(root, fast_client).exit_code == 0 and fast_client.stats.writes == writes


def test_resolve_handles_a_remote_copy_and_a_file_already_resolved(make_tree, fast_client):
    root, _, guide = pushed_guide(make_tree, fast_client)
    edit_remotely(fast_client, guide, "Closing words.", "Their closing words.")
    path = root / "guide.md"
    path.write_text(GUIDE.replace("Closing words.", "My closing words.").replace(
        "title: Onboarding", "title: Onboarding\nowner: me"), encoding="utf-8")
    (root / ".productive-docs" / "base.json").unlink()  # no base: the remote version goes beside the file
    assert push_folder(root, fast_client).exit_code == 3 and (root / "guide.remote.md").is_file()
    assert main(["resolve", str(path)]) == 3
    assert main(["resolve", str(path), "--theirs"]) == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Onboarding\nowner: me\n---\n\n") and "Their closing words." in text
    assert not (root / "guide.remote.md").exists()
    assert push_folder(root, fast_client).exit_code == 0
    assert "Their closing words." in str(fast_client.get_page(guide).body)
    assert main(["resolve", str(path)]) == 0  # nothing left to resolve


def test_status_waits_for_a_running_push_and_reports_what_it_left(env, make_tree, fast_client, capsys):
    """``status`` read the state while a push was half-way: new files not yet created (or pages made but
    not yet recorded) made it exit 1 although the push was about to leave both sides in step. It now
    holds the folder's lock: it waits for the push and reports the result (failed before: exit 1)."""
    root, _, _ = pushed_guide(make_tree, fast_client)
    for number in range(3):
        (root / f"new-{number}.md").write_text(f"# New {number}\n\nBody.\n", encoding="utf-8")
    create = fast_client.create_with_markdown

    def slow_create(*args, **kwargs):
        time.sleep(0.4)
        return create(*args, **kwargs)

    fast_client.create_with_markdown = slow_create
    lock = root / ".productive-docs" / "lock"
    pushing = threading.Thread(target=push_folder, args=(root, fast_client))
    pushing.start()
    deadline = time.monotonic() + 10
    while not lock.read_bytes() and time.monotonic() < deadline:  # the push holds the lock
        time.sleep(0.01)
    assert main(["status", str(root), "--exit-code"]) == 0, capsys.readouterr()
    pushing.join(10)
    assert lock.read_bytes() == b""  # released: no stale holder left by status


DEEP = """---
title: Onboarding
---

Welcome to the team. This paragraph is wrapped
by hand.

#### Your first day

* Get a laptop
* Meet your buddy

See [the setup](setup.md) first.

Closing words.
"""


def test_status_diff_shows_each_side_block_by_block_without_lowering_noise(env, make_tree, fast_client,
                                                                            capsys):
    root, _, guide = pushed_guide(make_tree, fast_client, {"guide.md": DEEP})
    edit_remotely(fast_client, guide, "Closing words.", "Closing words, theirs.")
    (root / "guide.md").write_text(DEEP.replace("Welcome to the team.", "Welcome aboard."), encoding="utf-8")
    capsys.readouterr()
    assert main(["status", str(root), "--diff", "--color", "never", "--exit-code"]) == 1
    out = capsys.readouterr().out
    lines = [line.strip() for line in out.splitlines()]
    local, remote = lines.index("local changes (file against the last sync):"), lines.index(
        "changes in Productive (against the last sync):")
    assert lines[local + 1:remote] == ["@@ block 1 @@", "-Welcome to the team. This paragraph is wrapped",
                                       "-by hand.", "+Welcome aboard. This paragraph is wrapped", "+by hand."]
    assert lines[remote + 1:remote + 4] == ["@@ block 5 @@", "-Closing words.", "+Closing words, theirs."]
    assert "Your first day" not in out  # the #### Productive holds as h3 is no change
    assert main(["status", str(root), "--diff", "--color", "always"]) == 0
    out = capsys.readouterr().out
    assert "\x1b[31m-Welcome to the team." in out and "\x1b[32m+Welcome aboard." in out
    assert "\x1b[36m@@ block 1 @@\x1b[0m" in out


def test_status_lists_missing_images_and_broken_links_of_unchanged_pages(env, make_tree, fast_client,
                                                                          capsys):
    """A page in step was not parsed again (its fingerprint was trusted), so its broken link was listed
    by the push that sent it and never again (failed before)."""
    files = {"guide.md": DEEP, "map.md": "---\ntitle: Map\n---\n\nThe map:\n\n![the map](map.png)\n"}
    root, _, _ = pushed_guide(make_tree, fast_client, files)
    assert push_folder(root, fast_client).exit_code == 0
    capsys.readouterr()
    for _ in range(2):
        assert main(["status", str(root), "--exit-code"]) == 0
        out = capsys.readouterr().out
        assert "unchanged  guide.md" in out and "unchanged  map.md" in out
        assert "guide.md:13:" in out and "setup.md" in out, out
        assert "map.md:7:" in out and "map.png" in out, out


PARAGRAPHS = 6
PAGES = 100


def page_text(number: int, words: dict[int, str]) -> str:
    parts = [f"Page {number} paragraph {k} says {words.get(k, 'base')}\nover two lines."
             for k in range(PARAGRAPHS)]
    return f"---\ntitle: Page {number}\nowner: team-{number}\n---\n\n" + "\n\n".join(parts) + "\n"


def edit_paragraphs(client, page: str, words: dict[int, str]) -> None:
    """A colleague's edits of some paragraphs in Productive, in one write."""
    html = write(from_json(client.get_page(page).body), "html")
    for k, word in words.items():
        html = html.replace(f"paragraph {k} says base", f"paragraph {k} says {word}")
    client.replace_body_with_html(page, html)


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(st.data())
def test_random_edit_scripts_on_a_100_page_tree_merge_through_the_server(make_tree, fast_client, data):
    """Must hold 1, on 100 pages, merged by a pull or by a push: edits to different paragraphs merge with
    zero conflicts and both reach both sides; the same paragraph edited on both sides conflicts, both
    versions between markers; nothing is lost. Conflicts are then resolved (``resolve --ours`` or
    ``--theirs``), and afterwards a push writes nothing and a pull changes no file."""
    root = make_tree({f"p{n:03}.md": page_text(n, {}) for n in range(PAGES)})
    shutil.rmtree(root / ".productive-docs", ignore_errors=True)  # the tree is reused between examples
    doc_id = push_folder(root, fast_client, project_id="1").doc_id
    ids = {p.title: p.id for p in fast_client.list_pages(filters={"root_page_id": doc_id}, fields=["title"])}
    paragraph_sets = st.sets(st.integers(0, PARAGRAPHS - 1), max_size=2)
    expected, words, merged = set(), {}, set()
    for n in range(PAGES):
        ours, theirs = data.draw(paragraph_sets), data.draw(paragraph_sets)
        words[n] = {f"L{n}x{k}" for k in ours} | {f"R{n}x{k}" for k in theirs}
        if ours and theirs:
            merged.add(n)
        if ours:
            (root / f"p{n:03}.md").write_text(page_text(n, {k: f"L{n}x{k}" for k in ours}), encoding="utf-8")
        if theirs:
            edit_paragraphs(fast_client, ids[f"Page {n}"], {k: f"R{n}x{k}" for k in theirs})
        if ours & theirs:
            expected.add(f"p{n:03}.md")
    by_pull = data.draw(st.booleans(), label="merged by a pull (else by a push)")
    result = pull_doc(fast_client, doc_id, root) if by_pull else push_folder(root, fast_client)
    assert {o.display for o in result.outcomes if o.action == "conflict"} == expected
    for n in range(PAGES):
        path = root / f"p{n:03}.md"
        text = path.read_text(encoding="utf-8")
        in_file = words[n] if by_pull or n in merged else {w for w in words[n] if w.startswith("L")}
        assert f"owner: team-{n}" in text and all(word in text for word in in_file), (n, text)
        assert ("<<<<<<< local" in text) == (path.name in expected)
        for k in range(PARAGRAPHS):
            if f"L{n}x{k}" in words[n] and f"R{n}x{k}" in words[n]:  # both sides within one marked region
                ours_at = text.index(f"L{n}x{k}")
                start = text.rindex("<<<<<<< local", 0, ours_at)
                middle = text.index("=======", ours_at)
                assert ">>>>>>> productive" not in text[start:ours_at]
                assert middle < text.index(f"R{n}x{k}") < text.index(">>>>>>> productive", middle)
        if path.name in expected:
            side = data.draw(st.sampled_from(["--ours", "--theirs"]), label=f"resolve {path.name}")
            assert main(["resolve", str(path), side]) == 0
    assert push_folder(root, fast_client).exit_code == 0
    assert pull_doc(fast_client, doc_id, root).exit_code == 0  # edits made only in Productive reach the files
    for n in range(PAGES):
        text = (root / f"p{n:03}.md").read_text(encoding="utf-8")
        body = str(fast_client.get_page(ids[f"Page {n}"]).body)
        for word in words[n]:
            assert (word in text) == (word in body), (n, word)
            if f"p{n:03}.md" not in expected:
                assert word in text, (n, word)  # merged: both sides' edits on both sides
    writes = fast_client.stats.writes
    assert push_folder(root, fast_client).exit_code == 0 and fast_client.stats.writes == writes
    files = {path.name: path.read_bytes() for path in root.glob("p*.md")}
    assert pull_doc(fast_client, doc_id, root).exit_code == 0
    assert {path.name: path.read_bytes() for path in root.glob("p*.md")} == files
