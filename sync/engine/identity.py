"""Which server a sync state belongs to, and when a state made for another server may be set aside.

A folder may be synced with several servers (the embedded one, a test organisation, production); each keeps
its state, the others wait beside it (``sync.state.switch_state``). Two rules keep that from costing a doc:

- nothing is set aside before the server has answered for the organisation: a mistyped
  ``PRODUCTIVE_ORG_ID`` or API URL fails on its first request and leaves the state as it was;
- the "other" server may be this one under another name (another spelling of its URL): when the state's doc
  is found here, a doc with its id, title and project, the state is kept, since setting it aside would make
  the next push create the whole doc again.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from productive_docs.sync.api import errors
from productive_docs.sync.api.client import Client
from productive_docs.sync.engine.state import State, kept_path, load, move, switch_state


def server_identity(client: Client) -> str:
    """Which server a state belongs to: API URL and organisation (never the token)."""
    return f"{client.base_url}#org={client.org_id}"


def open_state(path: Path, client: Client, server: str, *, dry_run: bool = False) -> tuple[State, str | None]:
    """The state at ``path`` for ``server``, and a note when one made for another server was involved.

    In a dry run nothing is moved: a state for another server is left where it is and the plan starts from
    an empty state.
    """
    kept = kept_path(path, server)
    if not path.exists() and kept.exists():
        return _restore(path, kept, server, dry_run=dry_run)
    state = load(path)
    if state.server in (None, server):
        state.server = server
        return state, None
    recorded = state.server
    if _doc_is_here(client, state):
        state.server = server
        return state, f"the sync state in {path} names {recorded}, but its doc {state.doc_id} is here: kept"
    if dry_run:
        return State(path, server), f"the sync state is for {recorded}; planning a first push"
    return switch_state(path, recorded, server)


def _restore(path: Path, kept: Path, server: str, *, dry_run: bool) -> tuple[State, str]:
    """No state, but one kept for this server (left so by an earlier version, which set the state aside
    before a push to a mistyped server failed): that one is the folder's state again."""
    state = load(kept)
    state.path = path
    if not dry_run:
        move(kept, path)
    return state, f"using the sync state kept for {server} in {kept.name}"


def _doc_is_here(client: Client, state: State) -> bool:
    """True when ``client``'s server holds the state's doc (same id, title and project). Raises the API
    error when the server does not answer for the organisation, so that no state is set aside."""
    saved = state.pages.get("")
    page = None
    if saved is not None:
        with suppress(errors.NotFound, errors.PermissionDenied):  # not here, or another organisation's page
            page = client.get_page(saved.id)
    if page is None or saved is None:
        client.request("GET", "pages", params={"page[size]": "1", "fields[pages]": "title"})  # any answer?
        return False
    same_project = state.project_id is None or page.project_id in (None, state.project_id)
    return page.is_doc and page.title == saved.title and same_project
