"""Sibling order after the first push (issue 15, item 6): a change of the local order is carried out with the
fewest moves against the local server over HTTP, whose ``move`` appends as the last child (spec §4.4); a
reorder made in Productive is left alone while the local order stays as it was."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from productive_docs.sync.api.client import Client
from productive_docs.sync.api.order_inferred import after_moves, pages_to_move
from productive_docs.sync.cli.main import main
from productive_docs.sync.engine.pull import pull_doc
from productive_docs.sync.engine.push.reorder import plan_siblings
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.state import default_path, load

PAGES = ("alpha", "bravo", "charlie", "delta")


def _tree(order: tuple[str, ...]) -> dict[str, str]:
    """Four pages whose front matter gives them the order ``order``."""
    files = {"index.md": "# Handbook\n\nStart here.\n"}
    for name in PAGES:
        files[f"{name}.md"] = f"---\norder: {order.index(name)}\n---\n\n# {name.title()}\n\nAbout {name}.\n"
    return files


def _children(client: Client, parent_id: str) -> list[str]:
    """The titles under ``parent_id`` in the server's sibling order (lists without ``sort`` come in
    creation/move order, sync/server/README.md)."""
    return [page.title for page in client.list_pages(filters={"parent_page_id": parent_id}, fields=["title"])]


def _moves(client: Client, before: dict[str, int]) -> int:
    return client.stats.by_endpoint.get("move", 0) - before.get("move", 0)


def _first_push(make_tree, client, order=PAGES):
    root = make_tree(_tree(order))
    result = push_folder(root, client, project_id="1")
    assert result.exit_code == 0, result.outcomes
    assert _children(client, result.doc_id) == [name.title() for name in order]
    return root, result.doc_id


def test_the_prefix_rule_against_the_longest_increasing_subsequence() -> None:
    # LIS keeps A and C and moves B: appended last, that gives A C B
    assert pages_to_move("ABC", "BAC") == ["B", "C"]
    assert after_moves("BAC", ["B", "C"]) == list("ABC")
    assert pages_to_move("ABCD", "ABCD") == []
    assert pages_to_move("ABCD", "ABDC") == ["D"]
    assert pages_to_move("DABC", "ABCD") == list("ABC")
    # a page without a known place is moved; pages made by others (X) stay first
    assert pages_to_move("ABC", "AC") == ["B", "C"]
    assert after_moves("XAC", ["B", "C"]) == list("XABC")


@given(st.permutations(range(6)), st.permutations(range(6)))
def test_the_moves_give_the_desired_order_and_none_fewer_do(desired: list[int], current: list[int]) -> None:
    moves = pages_to_move(desired, current)
    assert after_moves(current, moves) == desired
    # append-only moves: the pages not moved come first in their current order, so they must be a prefix
    best = max(size for size in range(len(desired) + 1)
               for kept in itertools.combinations(current, size) if list(kept) == desired[:size])
    assert len(moves) == len(desired) - best


@given(st.permutations(range(7)), st.lists(st.booleans(), min_size=7, max_size=7),
       st.lists(st.booleans(), min_size=7, max_size=7), st.randoms(use_true_random=False))
def test_planned_siblings_always_end_in_the_desired_order(desired, is_new, unknown, random) -> None:
    old = [key for key in desired if not is_new[key]]
    shuffled = random.sample(old, len(old))  # the recorded order, whatever it is
    places = {key: None if unknown[key] else float(shuffled.index(key)) for key in old}
    arrived = [key for key in desired if is_new[key]]
    current, touched, order = plan_siblings(desired, places, arrived, pending=True)
    assert order == list(desired) and set(touched) <= set(old)
    current, moves, order = plan_siblings(desired, places, arrived)
    assert after_moves(current, moves) == order == list(desired)


def test_plan_siblings_appends_arrivals_and_trusts_pages_without_a_place() -> None:
    # arrivals still to come are made in turn: the new page is created in place, only old pages move
    old = {"a": 0, "b": 1, "c": 2}
    assert plan_siblings(["a", "n", "b", "m", "c"], old, ["n", "m"], pending=True)[1] == ["b", "c"]
    # a new page (N) arrived last; the recorded order is unchanged: only the pages after N move
    assert plan_siblings(["a", "n", "b", "c"], {"a": 0, "b": 1, "c": 2}, ["n"])[1] == ["b", "c"]
    # no recorded place at all (a state from before this record): nothing moves for the old pages
    assert plan_siblings(["b", "a"], {"a": None, "b": None}, [])[1] == []
    assert plan_siblings(["b", "a", "n"], {"a": None, "b": None}, ["n"])[1] == []
    # a pulled page without a place sits where the local order says; the recorded ones are compared
    assert plan_siblings(["c", "p", "a"], {"a": 0, "p": None, "c": 1}, [])[1] == ["p", "a"]


def test_a_new_local_order_is_pushed_with_the_fewest_moves_shown_first(make_tree, fast_client) -> None:
    root, doc = _first_push(make_tree, fast_client)
    (root / "index.md").write_text("# Handbook\n\nStart here.\n")
    for name, text in _tree(("delta", "alpha", "bravo", "charlie")).items():
        (root / name).write_text(text, encoding="utf-8")
    plan = push_folder(root, fast_client, dry_run=True)
    planned = {o.display: (str(o.action), o.notes) for o in plan.outcomes if o.action != "unchanged"}
    # delta is first already in the desired prefix; the others move to the end behind it
    assert planned == {"alpha.md": ("reorder", ["to place 2 of 4 among its siblings"]),
                       "bravo.md": ("reorder", ["to place 3 of 4 among its siblings"]),
                       "charlie.md": ("reorder", ["to place 4 of 4 among its siblings"])}
    before = dict(fast_client.stats.by_endpoint)
    result = push_folder(root, fast_client)
    assert result.exit_code == 0, result.outcomes
    assert _moves(fast_client, before) == 3
    assert {o.display: str(o.action) for o in result.outcomes if o.action != "unchanged"} == {
        "alpha.md": "reordered", "bravo.md": "reordered", "charlie.md": "reordered"}
    assert _children(fast_client, doc) == ["Delta", "Alpha", "Bravo", "Charlie"]
    before = dict(fast_client.stats.by_endpoint)
    again = push_folder(root, fast_client)
    assert {str(o.action) for o in again.outcomes} == {"unchanged"} and _moves(fast_client, before) == 0


def test_a_reorder_made_in_productive_is_not_undone_while_the_local_order_stays(make_tree, fast_client):
    root, doc = _first_push(make_tree, fast_client)
    ids = {page.title: page.id for page in fast_client.list_pages(filters={"parent_page_id": doc})}
    fast_client.move(ids["Alpha"], doc)  # a colleague puts Alpha last
    assert _children(fast_client, doc) == ["Bravo", "Charlie", "Delta", "Alpha"]
    before = dict(fast_client.stats.by_endpoint)
    status = push_folder(root, fast_client, dry_run=True)
    assert {str(o.action) for o in status.outcomes} == {"unchanged"}
    push_folder(root, fast_client)
    assert _moves(fast_client, before) == 0
    assert _children(fast_client, doc) == ["Bravo", "Charlie", "Delta", "Alpha"]


def test_a_page_added_between_siblings_lands_there(make_tree, fast_client) -> None:
    root, doc = _first_push(make_tree, fast_client)
    (root / "between.md").write_text("---\norder: 0.5\n---\n\n# Between\n\nNew.\n", encoding="utf-8")
    before = dict(fast_client.stats.by_endpoint)
    result = push_folder(root, fast_client)
    assert result.exit_code == 0, result.outcomes
    assert _children(fast_client, doc) == ["Alpha", "Between", "Bravo", "Charlie", "Delta"]
    assert _moves(fast_client, before) == 3  # created in turn after alpha's siblings moved behind it
    outcomes = {o.display: str(o.action) for o in result.outcomes}
    assert outcomes["between.md"] == "created" and outcomes["bravo.md"] == "reordered"


def test_new_pages_between_old_ones_are_created_in_turn_and_never_moved(make_tree, fast_client) -> None:
    root, doc = _first_push(make_tree, fast_client)
    (root / "after-alpha.md").write_text("---\norder: 0.5\n---\n\n# After alpha\n\nNew.\n", encoding="utf-8")
    (root / "last.md").write_text("---\norder: 9\n---\n\n# Last\n\nNew.\n", encoding="utf-8")
    plan = push_folder(root, fast_client, dry_run=True)
    assert {o.display: str(o.action) for o in plan.outcomes if o.action != "unchanged"} == {
        "after-alpha.md": "create", "bravo.md": "reorder", "charlie.md": "reorder", "delta.md": "reorder",
        "last.md": "create"}
    before = dict(fast_client.stats.by_endpoint)
    result = push_folder(root, fast_client)
    assert _children(fast_client, doc) == ["Alpha", "After alpha", "Bravo", "Charlie", "Delta", "Last"]
    assert _moves(fast_client, before) == 3  # bravo, charlie, delta; the new pages are created in place
    assert {o.display: str(o.action) for o in result.outcomes if o.action != "unchanged"} == {
        "after-alpha.md": "created", "bravo.md": "reordered", "charlie.md": "reordered",
        "delta.md": "reordered", "last.md": "created"}
    assert push_folder(root, fast_client).requests["writes"] == 0


def test_a_file_moved_into_a_folder_takes_its_place_there(make_tree, fast_client) -> None:
    root = make_tree({"index.md": "# Home\n\nHi.\n", "guide/index.md": "# Guide\n\nG.\n",
                      "guide/1-one.md": "# One\n\n1.\n", "guide/3-three.md": "# Three\n\n3.\n",
                      "two.md": "# Two\n\nThe second step.\n"})
    doc = push_folder(root, fast_client, project_id="1").doc_id
    (root / "two.md").rename(root / "guide" / "2-two.md")
    result = push_folder(root, fast_client)
    assert result.exit_code == 0, result.outcomes
    guide = next(p for p in fast_client.list_pages(filters={"parent_page_id": doc}) if p.title == "Guide")
    assert _children(fast_client, guide.id) == ["One", "Two", "Three"]


def test_mkdocs_nav_order_change_after_the_first_push(tmp_path, fast_client) -> None:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    for name in ("install", "intro", "usage"):
        (site / "docs" / f"{name}.md").write_text(f"# {name.title()}\n\nText.\n", encoding="utf-8")
    (site / "docs" / "index.md").write_text("# Home\n\nWelcome.\n", encoding="utf-8")
    nav = "site_name: T\nnav:\n  - Home: index.md\n  - {}\n  - {}\n  - {}\n"
    (site / "mkdocs.yml").write_text(nav.format("intro.md", "install.md", "usage.md"), encoding="utf-8")
    doc = push_folder(site / "docs", fast_client, project_id="1").doc_id
    assert _children(fast_client, doc) == ["Intro", "Install", "Usage"]
    (site / "mkdocs.yml").write_text(nav.format("install.md", "intro.md", "usage.md"), encoding="utf-8")
    before = dict(fast_client.stats.by_endpoint)
    assert push_folder(site / "docs", fast_client).exit_code == 0
    assert _children(fast_client, doc) == ["Install", "Intro", "Usage"]
    assert _moves(fast_client, before) == 2


def test_a_state_without_places_adopts_the_order_without_moving(make_tree, fast_client) -> None:
    root, doc = _first_push(make_tree, fast_client)
    path = default_path(root)
    load(path).compact()
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["pages"].values():
        entry.pop("place", None)
    path.write_text(json.dumps(data), encoding="utf-8")
    before = dict(fast_client.stats.by_endpoint)
    push_folder(root, fast_client)
    assert _moves(fast_client, before) == 0
    assert {key: page.place for key, page in load(path).pages.items() if key} == {
        "alpha.md": 0, "bravo.md": 1, "charlie.md": 2, "delta.md": 3}


def test_pull_keeps_the_recorded_places(make_tree, fast_client) -> None:
    root, doc = _first_push(make_tree, fast_client)
    places = {key: page.place for key, page in load(default_path(root)).pages.items()}
    for page in fast_client.list_pages(filters={"parent_page_id": doc}):
        fast_client.replace_body_with_markdown(page.id, "Edited in Productive.")
    result = pull_doc(fast_client, doc, root)
    assert {str(o.action) for o in result.outcomes if o.key} == {"updated"}, result.outcomes
    assert {key: page.place for key, page in load(default_path(root)).pages.items()} == places


def test_the_server_moves_a_page_to_the_end_of_its_own_parent(fast_client) -> None:
    doc = fast_client.create_with_markdown("Doc", "d", project_id="1")
    first, _second = (fast_client.create_with_markdown(t, t, parent_page_id=doc.id, root_page_id=doc.id)
                      for t in ("First", "Second"))
    moved = fast_client.move(first.id, doc.id)
    assert moved.parent_page_id == doc.id and moved.raw["position"] is None
    assert _children(fast_client, doc.id) == ["Second", "First"]


@pytest.mark.parametrize("order", [("bravo", "alpha", "delta", "charlie"),
                                   ("delta", "charlie", "bravo", "alpha")])
def test_any_new_order_comes_out_as_written(make_tree, fast_client, order) -> None:
    root, doc = _first_push(make_tree, fast_client)
    for name, text in _tree(order).items():
        (root / name).write_text(text, encoding="utf-8")
    before = dict(fast_client.stats.by_endpoint)
    assert push_folder(root, fast_client).exit_code == 0
    assert _children(fast_client, doc) == [name.title() for name in order]
    assert _moves(fast_client, before) == len(pages_to_move(order, PAGES))


def test_status_shows_pending_reorders_and_answers_in_its_exit_code(env, make_tree, capsys) -> None:
    root = make_tree(_tree(PAGES))
    assert main(["push", str(root), "--project", "1"]) == 0
    assert main(["status", str(root), "--exit-code"]) == 0
    for name, text in _tree(("bravo", "alpha", "charlie", "delta")).items():
        (root / name).write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["status", str(root), "--exit-code"]) == 1
    out = capsys.readouterr().out
    lines = [line.strip() for line in out.splitlines()]
    at = next(index for index, line in enumerate(lines) if line.startswith("reorder    alpha.md "))
    assert lines[at + 1] == "to place 2 of 4 among its siblings", out
    assert "3 reorder, 2 unchanged" in out
    assert main(["push", str(root), "--dry-run"]) == 0
    assert "reorder    charlie.md" in capsys.readouterr().out
    assert main(["push", str(root)]) == 0
    assert "reordered  alpha.md" in capsys.readouterr().out
    assert main(["status", str(root), "--exit-code"]) == 0


class Killed(BaseException):
    """Stands for the process being killed: nothing after it runs."""


@pytest.mark.parametrize("dies_at", [1, 2, 3])
def test_a_push_killed_between_reorder_moves_ends_in_order_next_time(make_tree, fast_client, monkeypatch,
                                                                      dies_at) -> None:
    """The process 'dies' right after the server made its N-th move, before the answer reaches the engine
    (the move is done, the state does not know it)."""
    root, doc = _first_push(make_tree, fast_client)
    for name, text in _tree(("delta", "alpha", "bravo", "charlie")).items():
        (root / name).write_text(text, encoding="utf-8")
    move, left = fast_client.move, [dies_at]

    def dying_move(*args, **kwargs):
        move(*args, **kwargs)
        left[0] -= 1
        if left[0] == 0:
            raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(fast_client, "move", dying_move)
        with pytest.raises(Killed):
            push_folder(root, fast_client)
    assert push_folder(root, fast_client).exit_code == 0
    assert _children(fast_client, doc) == ["Delta", "Alpha", "Bravo", "Charlie"]
    assert push_folder(root, fast_client).requests["writes"] == 0


@pytest.mark.parametrize(("files", "change"), [
    ({"SUMMARY.md": "# Summary\n\n* [One](one.md)\n* [Two](two.md)\n* [Three](three.md)\n"},
     {"SUMMARY.md": "# Summary\n\n* [Three](three.md)\n* [One](one.md)\n* [Two](two.md)\n"}),
    ({"docusaurus.config.js": "module.exports = {};\n", "one.md": "---\nsidebar_position: 1\n---\n# One\n",
      "two.md": "---\nsidebar_position: 2\n---\n# Two\n",
      "three.md": "---\nsidebar_position: 3\n---\n# Three\n"},
     {"three.md": "---\nsidebar_position: 0\n---\n# Three\n"}),
    ({"mkdocs.yml": "site_name: X\ndocs_dir: .\n", ".pages": "nav:\n  - one.md\n  - two.md\n  - three.md\n"},
     {".pages": "nav:\n  - three.md\n  - one.md\n  - two.md\n"}),
], ids=["gitbook", "docusaurus", "awesome-pages"])
def test_each_sites_order_change_is_pushed(make_tree, fast_client, files, change) -> None:
    root = make_tree({"index.md": "# Home\n\nHi.\n", "one.md": "# One\n", "two.md": "# Two\n",
                      "three.md": "# Three\n", **files})
    doc = push_folder(root, fast_client, project_id="1").doc_id
    assert _children(fast_client, doc) == ["One", "Two", "Three"]
    for name, text in change.items():
        (root / name).write_text(text, encoding="utf-8")
    before = dict(fast_client.stats.by_endpoint)
    assert push_folder(root, fast_client).exit_code == 0
    assert _children(fast_client, doc) == ["Three", "One", "Two"] and _moves(fast_client, before) == 2


def test_a_page_edited_and_reordered_says_both(make_tree, fast_client) -> None:
    root, doc = _first_push(make_tree, fast_client)
    files = _tree(("bravo", "alpha", "charlie", "delta"))
    files["alpha.md"] += "\nMore.\n"
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    planned = push_folder(root, fast_client, dry_run=True).outcomes
    plan = {o.display: (str(o.action), o.notes) for o in planned}
    assert plan["alpha.md"] == ("append", ["reorder to place 2 of 4 among its siblings"])
    done = {o.display: (str(o.action), o.notes) for o in push_folder(root, fast_client).outcomes}
    assert done["alpha.md"] == ("appended", ["to place 2 of 4 among its siblings", "reordered"])
    assert _children(fast_client, doc) == ["Bravo", "Alpha", "Charlie", "Delta"]
