"""The order of a push's writes, so that most new pages are created with their whole body in one write.

A link to another page needs that page's id, which it has only once created. A page created before the
pages it links to is created with a placeholder and written again once they exist: two writes, where each
write notifies people and costs rate-limit budget. So pages are created after the pages they link to
(a topological order of the link graph), within what cannot move: a parent before its children (its id is
the children's ``parent_page_id``) and new siblings in their order (the API has no reorder call: a page
lands after the siblings created before it).

Links can go round in a cycle (two pages linking to each other; a folder's generated list of its children,
who need it as their parent). Such a cycle is broken by creating one of its pages with a placeholder: its
links are the only edges that can give way. The pages chosen (``placeholders``) are a minimal set that
breaks every cycle: greedily, in each strongly connected part, the page with the most links inside it
(earliest in tree order on a tie), then any chosen page whose links close no cycle once the others give
way is let off again.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Parts bigger than this skip the letting-off pass (quadratic in the part's size); still a valid choice.
MINIMISE_UP_TO = 400


@dataclass(slots=True)
class WriteOrder:
    """What each page waits for before it is written, and the pages created with a placeholder."""

    waits_for: dict[str, set[str]]
    placeholders: set[str]
    #: Every page after what it waits for, otherwise in tree order (siblings' order kept where free).
    sequence: list[str]


def write_order(pages: Iterable[tuple[str, str | None, bool, set[str]]], known: Mapping[str, str]
                ) -> WriteOrder:
    """``pages``: (key, parent key, whether it lands last in its parent: created, moved or reordered, keys
    of the pages its links point at) of the pages to write, in tree order (parents first, siblings in
    order); ``known``: the keys that have an id already (the others are created in this run)."""
    items = list(pages)
    new = {key for key, *_ in items if key not in known}
    hard: dict[str, set[str]] = {}
    soft: dict[str, set[str]] = {}
    last_child: dict[str | None, str] = {}
    for key, parent, lands, links in items:
        needs = hard.setdefault(key, set())
        if parent is not None and parent in new:
            needs.add(parent)
        if lands:
            if parent in last_child:
                needs.add(last_child[parent])
            last_child[parent] = key
        soft[key] = {target for target in links if target in new and target not in known}
    placeholders = _breaking_set([key for key, *_ in items], hard, soft)
    waits_for = {key: hard[key] | (set() if key in placeholders else soft[key]) for key in hard}
    return WriteOrder(waits_for, placeholders, _topological([key for key, *_ in items], waits_for))


def _topological(order: list[str], waits_for: dict[str, set[str]]) -> list[str]:
    """Kahn's algorithm, taking the earliest page in tree order among those ready."""
    rank = {key: index for index, key in enumerate(order)}
    waited_by: dict[str, list[str]] = {}
    left = {key: len(needs) for key, needs in waits_for.items()}
    for key, needs in waits_for.items():
        for need in needs:
            waited_by.setdefault(need, []).append(key)
    ready = [rank[key] for key, count in left.items() if count == 0]
    heapq.heapify(ready)
    sequence = []
    while ready:
        key = order[heapq.heappop(ready)]
        sequence.append(key)
        for other in waited_by.get(key, ()):
            left[other] -= 1
            if left[other] == 0:
                heapq.heappush(ready, rank[other])
    assert len(sequence) == len(order), "a cycle left in the write order"
    return sequence


def _breaking_set(order: list[str], hard: dict[str, set[str]], soft: dict[str, set[str]]) -> set[str]:
    """Pages whose links give way so that no cycle is left (hard edges alone never make one)."""
    rank = {key: index for index, key in enumerate(order)}
    chosen: set[str] = set()
    for part in _cyclic_parts(order, hard, soft, chosen):
        picked: set[str] = set()
        todo = [part]
        while todo:
            nodes = todo.pop()
            inside = set(nodes)
            # a page given way already still closes cycles through its parent and siblings: not again
            best = max((key for key in nodes if key not in chosen and soft[key] & inside),
                       key=lambda key: (len(soft[key] & inside), -rank[key]), default=None)
            if best is None:
                continue  # parents and siblings alone make no cycle (both point back in tree order)
            picked.add(best)
            chosen.add(best)
            todo.extend(_cyclic_parts(nodes, hard, soft, chosen))
        if len(part) <= MINIMISE_UP_TO:
            for key in sorted(picked, key=rank.__getitem__, reverse=True):
                chosen.discard(key)
                if _cyclic_parts(part, hard, soft, chosen):
                    chosen.add(key)
    return chosen


def _cyclic_parts(nodes: list[str], hard: dict[str, set[str]], soft: dict[str, set[str]],
                  given_way: set[str]) -> list[list[str]]:
    """The strongly connected parts of the graph on ``nodes`` that hold a cycle (Tarjan's algorithm,
    iterative: a tree of 10,000 pages is deeper than Python's recursion limit)."""
    inside = {key: position for position, key in enumerate(nodes)}

    def edges(key: str) -> list[str]:
        targets = hard[key] if key in given_way else hard[key] | soft[key]
        return [target for target in targets if target in inside]

    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []
    for start in nodes:
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(edges(start)))]
        while work:
            key, pending = work[-1]
            advanced = False
            for target in pending:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges(target))))
                    advanced = True
                    break
                if target in on_stack:
                    low[key] = min(low[key], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[key])
            if low[key] == index[key]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == key:
                        break
                if len(part) > 1 or key in edges(key):
                    parts.append(sorted(part, key=inside.__getitem__))
    return parts
