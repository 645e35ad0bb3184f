"""The write order of a push (``sync.engine.push.order``): links first, parents and sibling order kept, and a
minimal set of placeholders that breaks every link cycle."""

from __future__ import annotations

import random

from productive_docs.sync.engine.push.order import write_order


def _sequence(order, keys):
    """One order the waits allow: each key after what it waits for (a check that none go round)."""
    assert sorted(order.sequence) == sorted(keys)
    for index, key in enumerate(order.sequence):
        assert order.waits_for[key] <= set(order.sequence[:index]), key
    return order.sequence


def test_forward_links_across_folders_need_no_placeholder_and_parents_and_siblings_keep_their_order():
    pages = [("", None, True, set()), ("a/", "", True, set()), ("a/x.md", "a/", True, {"b/y.md"}),
             ("a/z.md", "a/", True, set()), ("b/", "", True, set()), ("b/y.md", "b/", True, set())]
    order = write_order(pages, {})
    assert order.placeholders == set()
    done = _sequence(order, [key for key, *_ in pages])
    assert done.index("b/y.md") < done.index("a/x.md") < done.index("a/z.md")
    assert done.index("") < done.index("a/") < done.index("b/") < done.index("b/y.md")


def test_a_cycle_costs_one_placeholder_and_a_generated_folder_list_its_folder():
    pages = [("", None, False, set()), ("a/", "", True, {"a/x.md", "a/y.md"}), ("a/x.md", "a/", True, set()),
             ("a/y.md", "a/", True, set()), ("b/", "", True, set()), ("b/p.md", "b/", True, {"c/q.md"}),
             ("c/", "", True, set()), ("c/q.md", "c/", True, {"b/p.md"})]
    order = write_order(pages, {"": "1"})
    assert order.placeholders == {"a/", "b/p.md"} or order.placeholders == {"a/", "c/q.md"}
    _sequence(order, [key for key, *_ in pages])


def test_links_to_later_siblings_break_only_where_needed_and_pages_with_ids_are_not_waited_for():
    pages = [("", None, False, set()), ("p0.md", "", True, {"p1.md"}), ("p1.md", "", True, {"p0.md"}),
             ("p2.md", "", True, {"p0.md", "old.md"}), ("old.md", "", False, {"p2.md"})]
    order = write_order(pages, {"": "1", "old.md": "9"})
    assert order.placeholders == {"p0.md"}
    assert order.waits_for["old.md"] == {"p2.md"}
    assert _sequence(order, [key for key, *_ in pages])[:3] == ["", "p0.md", "p1.md"]


def test_random_trees_get_a_valid_order_and_a_minimal_set_of_placeholders():
    rng = random.Random(17)
    for _ in range(300):
        keys = [""]
        parents: dict[str, str | None] = {"": None}
        for number in range(rng.randint(1, 14)):
            folders = [key for key in keys if key == "" or key.endswith("/")]
            parent = rng.choice(folders)
            key = f"{parent}p{number}" + ("/" if rng.random() < 0.3 else ".md")
            keys.append(key)
            parents[key] = parent
        ordered = sorted(keys, key=lambda key: [part for part in key.split("/")])
        links = {key: {rng.choice(keys) for _ in range(rng.randint(0, 3))} for key in keys}
        pages = [(key, parents[key], rng.random() < 0.9, links[key]) for key in ordered]
        order = write_order(pages, {key: "1" for key, _, created, _ in pages if not created})
        _sequence(order, ordered)
        for key in order.placeholders:  # minimal: none of them could have been spared
            relaxed = order.placeholders - {key}
            hard = {k: order.waits_for[k] - (set() if k in order.placeholders else links[k]) for k in ordered}
            assert _has_cycle(ordered, {k: hard[k] | (set() if k in relaxed else {
                t for t in links[k] if t in {p for p, _, c, _ in pages if c}}) for k in ordered}), key


def _has_cycle(keys, edges):
    state: dict[str, int] = {}

    def visit(key):
        state[key] = 1
        for target in edges[key]:
            if state.get(target) == 1 or (target not in state and visit(target)):
                return True
        state[key] = 2
        return False

    return any(key not in state and visit(key) for key in keys)
