"""Sibling order in Productive: what the spec confirms, what is inferred, and the fewest moves that follow.

Spec §4.3/§4.4:

- confirmed: ``move`` puts the page under ``target_doc_id`` as its **last child** [C: S5];
- confirmed live: ``position`` reads back ``null`` and ``sort=position`` is refused, so the order of a doc's
  pages cannot be read [C-live: S9]; there is no reposition endpoint [C: S5];
- inferred [I]: a ``move`` whose target is the page's own parent also makes it the last child (a reorder);
  a page created under a parent lands after its siblings (``position`` on create is [?], never sent).

So the order this tool left is known only from its own records (``PageState.place``), and the one way to put
a page elsewhere among its siblings is to move it to the end. When a live probe settles one of the
assumptions above, only this module changes.
"""

from __future__ import annotations

from collections.abc import Sequence


def pages_to_move(desired: Sequence[str], current: Sequence[str]) -> list[str]:
    """The pages to move, in this order, each to the end of its siblings, so that the siblings read
    ``desired``. ``current`` is their order now as far as it is known; a page of ``desired`` missing from it
    has no known place and is always moved. Pages of ``current`` not in ``desired`` (made by others) stay
    where they are, before the moved ones.

    Rule: keep the longest **prefix** of ``desired`` already present in ``current`` in that order, move the
    rest in desired order. A move appends, so the pages not moved end up first, in their current order,
    followed by the moved ones in the order they were moved: the pages kept must be the first ones desired.
    The longest increasing subsequence is the right set only when a page can be put anywhere; here it is
    wrong: from ``B A C`` to ``A B C`` it keeps ``A C`` and moves ``B`` to the end, giving ``A C B``. The
    prefix rule keeps ``A`` and moves ``B`` then ``C``: two moves, the fewest an append-only move allows.
    """
    where = {key: index for index, key in enumerate(current)}
    kept, last = 0, -1
    for key in desired:
        index = where.get(key)
        if index is None or index < last:
            break
        kept, last = kept + 1, index
    return list(desired[kept:])


def after_moves(current: Sequence[str], moved: Sequence[str]) -> list[str]:
    """The order of siblings ``current`` once ``moved`` were moved to the end, one after the other."""
    gone = set(moved)
    return [key for key in current if key not in gone] + list(moved)
