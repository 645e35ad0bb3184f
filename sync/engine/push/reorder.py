"""Sibling order after the first push: a change of the local order (navigation, ``.pages``,
``sidebar_position``, ``SUMMARY.md``, front matter, file names) is carried out with the fewest moves.

Productive's order cannot be read (``sync.api.order_inferred``), so the order compared with is the one this
tool left, recorded per page (``PageState.place``) at the last sync: a three-way decision where the remote
side is known only by that record. When the local order of some siblings is what it was at the last sync,
nothing of theirs is moved, so a reorder made in Productive by a colleague is left alone; when it changed,
the pages are moved so that the siblings read as the local order says, counting from the recorded order.

What is known, per parent:

- pages with a recorded place were left in that order;
- pages without one (found in Productive, pulled, or from a state older than this record) are taken to be
  where the local order puts them: nothing is moved for them alone, and their place is recorded after;
- pages created or moved in during this run were appended after all of those, in the order they arrived.

The moves are planned with the rest of the push (``planned``, shown by ``status``) and made in turn with the
folder's creates, in the desired order, by the worker that makes them: a page added between two old ones is
created in its place, not created and then moved. A pass after the writes (``done``) makes what is still
missing (a page that met a conflict, a move refused), counting from the places recorded by then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from productive_docs.sync.api import errors
from productive_docs.sync.api.order_inferred import after_moves, pages_to_move
from productive_docs.sync.engine.plan import Action
from productive_docs.sync.engine.push.context import RunContext
from productive_docs.sync.engine.push.reporter import Reporter
from productive_docs.sync.engine.push.work import Work
from productive_docs.sync.engine.result import OutcomeAction


@dataclass(slots=True)
class Reorder:
    """One parent's siblings: the pages to move to the end, in order, and their order once moved."""

    parent: str
    #: The siblings' order before the moves (as far as it is known), the pages to move, the order after.
    current: list[str]
    moves: list[str]
    order: list[str]


def plan_siblings(desired: Sequence[str], places: Mapping[str, float | None], arrived: Sequence[str], *,
                  pending: bool = False) -> tuple[list[str], list[str], list[str]]:
    """The siblings' order now, the moves that make them read ``desired``, and their order after them.

    ``places``: the pages under the parent that this run did not touch (yet), with their recorded place
    (None: not known); ``arrived``: the pages created, moved in or reordered by this run, each appended as
    the last child, in the order they arrive. ``pending``: those arrivals are still to come, made in turn with
    the moves in desired order, so a page created between two others is not moved again after its create.
    """
    old = [key for key in desired if key in places]
    known = iter(sorted((key for key in old if places[key] is not None), key=lambda key: places[key] or 0))
    current = [key if places[key] is None else next(known) for key in old]
    if pending:  # an arrival ends the prefix kept (it lands last); the pages after it go in turn
        touched = pages_to_move(desired, current)
        return current, [key for key in touched if key in places], after_moves(current, touched)
    current += arrived
    moves = pages_to_move(desired, current)
    return current, moves, after_moves(current, moves)


def next_place(ctx: RunContext, parent_id: str | None) -> float:
    """The place of a page appended now under ``parent_id``: after every recorded sibling. Pages arriving
    under one parent are created or moved by one worker (``Executor._write_all``), so no two ask at once."""
    if ctx.last_places is None:
        ctx.last_places = {}
        for page in list(ctx.state.pages.values()):
            if page.place is not None and page.place > ctx.last_places.get(page.parent, -1):
                ctx.last_places[page.parent] = page.place
    place = ctx.last_places[parent_id] = ctx.last_places.get(parent_id, -1) + 1
    return place


def planned(ctx: RunContext, work: Mapping[str, Work]) -> list[Reorder]:
    """The reorders a push makes in turn with its creates and moves, as planned (``show`` puts them into the
    steps: the executor carries them out, ``status`` and ``--dry-run`` show them)."""
    out = []
    for key, page in ctx.tree.pages.items():
        parent_id = ctx.ids.get(key)
        if parent_id is None or not page.children:
            continue
        places, arrived, desired = {}, [], []
        for child in page.children:
            saved, step = ctx.state.pages.get(child), work[child].step
            if step.action is Action.CREATE or (step.move and step.action is not Action.CONFLICT):
                arrived.append(child)
            elif saved is not None and saved.parent == parent_id:
                places[child] = saved.place
            else:
                continue
            desired.append(child)
        reorder = Reorder(key, *plan_siblings(desired, places, arrived, pending=True))
        if reorder.moves:
            out.append(reorder)
    return out


def done(ctx: RunContext, before: Mapping[str, tuple[str | None, float | None]]) -> list[Reorder]:
    """The reorders still to make once the run's writes are done (a reorder planned for a page that then
    failed or met a conflict, a move that was refused). ``before``: page key -> its parent id and place
    before the run; a page whose entry changed was touched by the run (created, moved in or reordered)."""
    state, out = ctx.state, []
    for key, page in ctx.tree.pages.items():
        parent_id = ctx.ids.get(key)
        if parent_id is None or not page.children:
            continue
        desired = [child for child in page.children
                   if child in state.pages and state.pages[child].parent == parent_id]
        places = {child: state.pages[child].place for child in desired
                  if before.get(child) == (parent_id, state.pages[child].place)}
        arrived = sorted((child for child in desired if child not in places),
                         key=lambda child: state.pages[child].place or 0)
        out.append(Reorder(key, *plan_siblings(desired, places, arrived)))
    return out


def show(reorders: list[Reorder], work: Mapping[str, Work], *, dry_run: bool) -> None:
    """Put the planned reorders into the steps: what the executor does and ``status`` shows. A page with
    another write says it in a note (a plan: ``reorder to place ...``; a run adds the word ``reordered``)."""
    for reorder in reorders:
        for key in reorder.moves:
            step = work[key].step
            step.reorder = True
            where = _where(reorder, key)
            if step.action is Action.UNCHANGED:
                step.action = Action.REORDER
            elif dry_run:
                where = f"reorder {where}"
            step.notes.append(where)


def carry_out(ctx: RunContext, reorders: list[Reorder], work: Mapping[str, Work], reporter: Reporter) -> None:
    """Move the pages of each reorder to the end one by one (a save after each, so a killed run knows where
    they are), then record every sibling's place. A move that fails stops that parent's reorder: the pages
    left out are moved by the next push."""
    from productive_docs.sync.engine.push.writes import FATAL  # the executor calls this module

    state = ctx.state
    for reorder in reorders:
        parent_id, now = ctx.ids[reorder.parent], list(reorder.current)
        for key in reorder.moves:
            item = work[key]
            try:
                ctx.client.move(state.pages[key].id, parent_id)
            except FATAL:
                raise
            except errors.ApiError as exc:
                error = f"{item.page.display}: reorder: {exc}"
                reporter.replace(item, reporter.outcome(item, OutcomeAction.FAILED, error=error))
                break
            ctx.save(key, place=next_place(ctx, parent_id))
            now = after_moves(now, [key])
            _report_moved(item, _where(reorder, key), reporter)
        renumbered = [(key, place) for place, key in enumerate(now) if state.pages[key].place != place]
        with ctx.lock:
            for key, place in renumbered:
                state.pages[key].place = place
            if renumbered:
                state.save()
        if ctx.last_places is not None:
            ctx.last_places[parent_id] = max(len(now) - 1, ctx.last_places.get(parent_id, -1))


def _report_moved(item: Work, where: str, reporter: Reporter) -> None:
    if item.outcome is None or item.outcome.action is OutcomeAction.UNCHANGED:
        reporter.replace(item, reporter.outcome(item, OutcomeAction.REORDERED, note=where))
    else:
        item.outcome.notes.append(f"reordered {where}")


def _where(reorder: Reorder, key: str) -> str:
    return f"to place {reorder.order.index(key) + 1} of {len(reorder.order)} among its siblings"
