"""Moves both ways (issue 12, deliverable 7 and reproduction 7), against the local server over HTTP: a page
moved in Productive moves its file on pull, a file moved locally moves the page on push, and both moved
differently is a conflict; push never moves a page back."""

from __future__ import annotations

from pathlib import Path

from productive_docs.sync.engine.pull import pull_doc
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.state import load

TREE = {
    "index.md": "---\ntitle: Handbook\n---\n\nIntro, see [the FAQ](faq.md).\n",
    "faq.md": "---\ntitle: FAQ\n---\n\nQuestions,\nwrapped by hand. See [setup](guide/setup.md).\n",
    "guide/index.md": "---\ntitle: Guide\n---\n\nAll the guides.\n",
    "guide/setup.md": "---\ntitle: Setup\n---\n\nSetup text, back to [the FAQ](../faq.md).\n",
    "team/index.md": "---\ntitle: Team\n---\n\nWho we are.\n",
    "notes.md": "---\ntitle: Notes\n---\n\nNotes without links.\n",
}


def pushed(make_tree, client) -> tuple[Path, dict[str, str]]:
    root = make_tree(TREE)
    result = push_folder(root, client, project_id="1")
    return root, {o.display: o.page_id for o in result.outcomes}


def test_a_page_moved_in_productive_is_not_moved_back_by_push(env, make_tree, fast_client):
    """Reproduction 7 (push part): the plan compared the folder with the remote parent, not with the base,
    and moved the page back on every run."""
    from productive_docs.sync.cli.main import main

    root, ids = pushed(make_tree, fast_client)
    fast_client.move(ids["faq.md"], ids["team/index.md"])
    assert main(["status", str(root), "--exit-code"]) == 1  # a pull would move the file
    result = push_folder(root, fast_client)
    faq = {o.display: o for o in result.outcomes}["faq.md"]
    assert faq.action == "unchanged" and "moved in Productive" in " ".join(faq.notes), faq
    assert result.requests["writes"] == 0
    assert fast_client.get_page(ids["faq.md"]).parent_page_id == ids["team/index.md"]


def test_a_page_moved_in_productive_moves_its_file_on_pull(make_tree, fast_client):
    """Reproduction 7: pull left the old file and mapped two files to one page."""
    root, ids = pushed(make_tree, fast_client)
    doc_id = ids["index.md"]
    fast_client.move(ids["faq.md"], ids["team/index.md"])
    result = pull_doc(fast_client, doc_id, root)
    assert result.exit_code == 0, [(o.display, o.action, o.notes) for o in result.outcomes]
    assert not (root / "faq.md").exists()
    moved = (root / "team" / "faq.md").read_text(encoding="utf-8")
    assert "Questions,\nwrapped by hand." in moved, moved  # the file itself, moved: kept as written
    assert "[setup](../guide/setup.md)" in moved
    assert "[the FAQ](team/faq.md)" in (root / "index.md").read_text(encoding="utf-8")
    assert "[the FAQ](../team/faq.md)" in (root / "guide" / "setup.md").read_text(encoding="utf-8")
    state = load(root / ".productive-docs" / "state.json")
    keys = [key for key, saved in state.pages.items() if saved.id == ids["faq.md"]]
    assert keys == ["team/faq.md"]
    again = push_folder(root, fast_client)
    assert again.exit_code == 0 and again.requests["writes"] == 0, [(o.display, o.action, o.notes)
                                                                   for o in again.outcomes]
    assert fast_client.get_page(ids["faq.md"]).parent_page_id == ids["team/index.md"]


def test_a_file_moved_here_and_its_page_moved_elsewhere_is_a_conflict(make_tree, fast_client):
    root, ids = pushed(make_tree, fast_client)
    fast_client.move(ids["notes.md"], ids["team/index.md"])
    (root / "notes.md").rename(root / "guide" / "notes.md")
    result = push_folder(root, fast_client)
    faq = {o.display: o for o in result.outcomes}["guide/notes.md"]
    assert result.exit_code == 3 and faq.action == "conflict", faq
    assert fast_client.get_page(ids["notes.md"]).parent_page_id == ids["team/index.md"]
    assert (root / "guide" / "notes.md").exists()
    pulled = pull_doc(fast_client, ids["index.md"], root)
    assert pulled.exit_code == 3
    assert (root / "guide" / "notes.md").exists() and not (root / "team" / "notes.md").exists()


def test_a_file_moved_locally_moves_the_page_and_pull_keeps_it(make_tree, fast_client):
    root, ids = pushed(make_tree, fast_client)
    (root / "notes.md").rename(root / "team" / "notes.md")
    result = push_folder(root, fast_client)
    assert {o.display: o for o in result.outcomes}["team/notes.md"].action == "moved"
    assert fast_client.get_page(ids["notes.md"]).parent_page_id == ids["team/index.md"]
    assert push_folder(root, fast_client).requests["writes"] == 0
    assert pull_doc(fast_client, ids["index.md"], root).exit_code == 0
    assert (root / "team" / "notes.md").exists() and not (root / "notes.md").exists()


def test_a_folder_page_moved_in_productive_moves_its_folder_on_pull(make_tree, fast_client):
    root, ids = pushed(make_tree, fast_client)
    fast_client.move(ids["guide/index.md"], ids["team/index.md"])
    result = pull_doc(fast_client, ids["index.md"], root)
    assert result.exit_code == 0, [(o.display, o.action, o.notes) for o in result.outcomes]
    assert not (root / "guide").exists()
    assert (root / "team" / "guide" / "index.md").read_text(encoding="utf-8") == TREE["guide/index.md"]
    assert "[the FAQ](../../faq.md)" in (root / "team" / "guide" / "setup.md").read_text(encoding="utf-8")
    assert "[setup](team/guide/setup.md)" in (root / "faq.md").read_text(encoding="utf-8")
    state = load(root / ".productive-docs" / "state.json")
    assert sorted(state.pages) == ["", "faq.md", "notes.md", "team/", "team/guide/", "team/guide/setup.md"]
    again = push_folder(root, fast_client)
    assert again.exit_code == 0 and again.requests["writes"] == 0, [(o.display, o.action, o.notes)
                                                                   for o in again.outcomes]


def test_relink_rewrites_only_relative_targets_of_moved_files():
    from productive_docs.sync.engine.moves import relink

    moved = {"faq.md": "team/faq.md", "img/": "assets/img/"}
    text = ("See [faq](faq.md#top \"FAQ\"), ![pic](img/a.png), [web](https://x.io/faq.md), [abs](/faq.md),\n"
            "[here](#part), [out](../faq.md) and <faq.md>.\n")
    assert relink(text, "index.md", moved) == text.replace("(faq.md#top", "(team/faq.md#top").replace(
        "(img/a.png)", "(assets/img/a.png)")
    inside = "Back to [home](index.md) and [me](faq.md).\n"
    assert relink(inside, "faq.md", moved) == "Back to [home](../index.md) and [me](faq.md).\n"
