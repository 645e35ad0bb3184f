"""``resolve FILE [--ours|--theirs]``: finish a conflict left by a push or a pull, without a request.

A conflict leaves one of two things: git-style markers around the blocks changed on both sides (a page
with a base, ``sync.engine.merge``), or, without a base, Productive's version beside the file as
``NAME.remote.md``. ``--ours`` keeps the file's side of each marked block (or the file, deleting the remote
copy); ``--theirs`` takes Productive's side of each marked block (or the remote copy's body, under the
file's own front matter). Blocks the merge joined without a conflict stay as merged. Without a flag a file
with no markers left (and no remote copy) is resolved as it is; one still holding markers is refused.

The resolution is then recorded: Productive's body the markers were made from (held in the base store by
the merge, ``BaseStore.hold_theirs``) becomes the page's base and its version the last synced one. The next
push sends the file as resolved without comparing again, and a pull or merge after further remote edits
starts from that version, so the blocks the user settled do not conflict a second time. A conflict without
a held body (a ``.remote.md`` copy, or one from an older version) only gets its file rewritten: the next
push takes the file as merged (``PageState.seen``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from productive_docs.converter.errors import InputError, ProductiveDocsError, UsageError
from productive_docs.converter.model import from_json
from productive_docs.converter.report import Report
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.engine import links
from productive_docs.sync.engine.base import BaseStore
from productive_docs.sync.engine.blocks import split_local
from productive_docs.sync.engine.documents import remote_hash
from productive_docs.sync.engine.folder import remote_copy_name, scan
from productive_docs.sync.engine.frontmatter import markdown_file, set_front_matter_key
from productive_docs.sync.engine.lock import FolderLock
from productive_docs.sync.engine.merge import BASE, END, MIDDLE, START, first_marker
from productive_docs.sync.engine.state import STATE_DIR, load

from productive_docs import converter

_MARKER_LINE = {START: "local", BASE: "base", MIDDLE: "theirs", END: "end"}
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


class Side(StrEnum):
    OURS = "ours"
    THEIRS = "theirs"


class Unresolved(InputError):
    """The file still holds a conflict and no side was chosen (exit code 3, as a conflict)."""

    exit_code = 3


@dataclass(slots=True)
class Resolved:
    """What ``resolve_file`` did, one line each."""

    conflicts: int = 0
    notes: list[str] = field(default_factory=list)


def resolve_markers(text: str, side: Side, source: str | None = None) -> tuple[str, int]:
    """``text`` with each marked conflict replaced by one side; and how many there were. Markers that do
    not pair up (a ``<<<<<<< local`` without its ``>>>>>>> productive``) are an ``InputError``."""
    out: list[str] = []
    sections: dict[str, list[str]] = {}
    current: str | None = None
    opened = count = 0
    for number, line in enumerate(_LINE.findall(text), 1):
        marker = _MARKER_LINE.get(line.rstrip("\r\n").rstrip(" \t"))
        if marker == "local" and current is None:
            current, sections, opened = "local", {"local": [], "base": [], "theirs": []}, number
        elif marker in ("base", "theirs") and current is not None:
            current = marker
        elif marker == "end" and current is not None:
            chosen = sections["local" if side is Side.OURS else "theirs"]
            out.extend(chosen)
            if not "".join(chosen).strip():
                _drop_blank_line(out)
            current = None
            count += 1
        elif marker is not None:
            raise InputError(f"conflict marker out of place ({line.strip()})", source, number)
        elif current is not None:
            sections[current].append(line)
        else:
            out.append(line)
    if current is not None:
        raise InputError("conflict markers not closed (no `>>>>>>> productive`)", source, opened)
    return "".join(out), count


def _drop_blank_line(out: list[str]) -> None:
    """A side that is empty (the block was deleted there) leaves no second blank line behind."""
    if len(out) >= 2 and not out[-1].strip() and not out[-2].strip():
        out.pop()


def resolve_file(folder: Path, source: str, side: Side | None, state_path: Path | None = None) -> Resolved:
    """Resolve the conflict of ``folder/source`` (see the module docstring)."""
    folder = Path(folder)
    state_path = Path(state_path) if state_path else folder / STATE_DIR / "state.json"
    path, copy = folder / source, folder / remote_copy_name(source)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProductiveDocsError(f"{source}: cannot be read ({exc})") from None
    done = Resolved()
    with FolderLock(state_path.parent, "resolve", shown=folder):
        line = first_marker(text)
        if line is not None:
            if side is None:
                raise Unresolved("conflict markers still there: keep what you want and delete the markers, "
                                 "or resolve with --ours or --theirs", source, line)
            text, done.conflicts = resolve_markers(text, side, source)
            _check_readable(text, source)
            write_atomic(path, text.encode("utf-8"))
            done.notes.append(f"{done.conflicts} conflict(s) resolved with {side} side")
        elif copy.is_file():
            if side is None:
                raise Unresolved(f"Productive's version is in {copy.name}: resolve with --ours (keep the "
                                 "file) or --theirs (take that version)", source)
            if side is Side.THEIRS:
                text = _theirs_from_copy(text, copy.read_text(encoding="utf-8"), source)
                write_atomic(path, text.encode("utf-8"))
            copy.unlink()
            done.conflicts = 1
            done.notes.append(f"resolved with {side} side; {copy.name} removed")
        else:
            done.notes.append("no conflict markers left")
        done.notes.append(_record(folder, source, state_path))
    return done


def _check_readable(text: str, source: str) -> None:
    try:
        converter.read(text, "md", report=Report(source))
    except ProductiveDocsError as exc:
        raise InputError(f"the resolved file would not read ({exc}); nothing written", source) from None


def _theirs_from_copy(text: str, copy: str, source: str) -> str:
    """The remote copy's body under the file's own front matter (its title set to Productive's)."""
    mine, theirs = split_local(text), split_local(copy)
    body = copy[len(theirs.head):].lstrip("\r\n")
    title = str(theirs.metadata.get("title") or "").strip()
    if "title" in mine.metadata and title:
        return set_front_matter_key(mine.head, "title", title).rstrip("\r\n") + "\n\n" + body
    heading = f"# {title}\n\n" if title else ""
    head = mine.head.rstrip("\r\n")
    return (head + "\n\n" if head else "") + heading + body


def _record(folder: Path, source: str, state_path: Path) -> str:
    """Make the remote body the conflict was made from the page's base (see the module docstring)."""
    if not state_path.is_file():
        return "not synced yet: push to send it"
    state = load(state_path)
    tree = scan(folder)
    key = next((key for key, page in tree.pages.items() if page.source == source), None)
    saved = state.pages.get(key) if key is not None else None
    if saved is None:
        return "no page recorded for it yet: push to create it"
    bases = BaseStore(state_path.parent)
    record, theirs = bases.records.get(saved.id), bases.theirs(saved.id)
    if record is None or theirs is None:
        return "push to send it"
    doc = from_json(theirs)
    files = {state.pages[k].id: (page.source or k) for k, page in tree.pages.items() if k in state.pages}
    shown = links.to_relative(doc, source, files, str(state.options.get("link_template")
                                                     or links.DEFAULT_TEMPLATE))
    bases.record(saved.id, version=record.theirs_version, title=record.title, parent=record.parent,
                 position=None, body=doc, source=markdown_file(record.title, shown, Report(source)))
    bases.save()
    saved.version, saved.remote_hash, saved.seen = record.theirs_version, remote_hash(theirs), None
    state.compact()
    return "recorded against Productive's version: push to send it"
