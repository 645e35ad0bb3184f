"""Pages moved in Productive, followed by pull: the file (or the folder of a page with subpages) moves to
the page's new place, keeping its name and its text, and relative links are rewritten in every Markdown
file of the folder, so that one file stays mapped to one page and no old copy is left behind.

A link is rewritten only when it is an inline Markdown link or image (``[text](path)``) whose path is
relative and leads to a moved file, or when it sits in a file that moved (its paths now start elsewhere);
everything else in the files stays byte for byte.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path

from productive_docs.sync.assets.files import write_atomic

#: An inline link or image target: ``](path)`` or ``](path "title")``; ``<...>`` targets are left alone.
_TARGET = re.compile(r"(\]\()([^)\s<>]+)((?:\s+\"[^\"\n]*\")?\))")


def moved_path(path: str, moved: Mapping[str, str]) -> str:
    """Where ``path`` (relative to the synced folder) is after the moves (old -> new; a key ending in ``/``
    moves a whole folder)."""
    if path in moved:
        return moved[path]
    for old, new in moved.items():
        if old.endswith("/") and path.startswith(old):
            return new + path[len(old):]
    return path


def relink(text: str, source: str, moved: Mapping[str, str]) -> str:
    """The Markdown ``text`` of the file that was at ``source`` with its relative link targets following
    the ``moved`` paths (and the file's own move)."""
    base = posixpath.dirname(source)
    new_base = posixpath.dirname(moved_path(source, moved))

    def change(match: re.Match[str]) -> str:
        href = match.group(2)
        target, hash_sign, fragment = href.partition("#")
        if not target or target.startswith("/") or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target):
            return match.group(0)
        resolved = posixpath.normpath(posixpath.join(base, target))
        if resolved.startswith("../") or resolved == "..":
            return match.group(0)  # leads out of the synced folder: not ours to change
        now = moved_path(resolved, moved)
        if now == resolved and base == new_base:
            return match.group(0)
        relative = posixpath.relpath(now, new_base or ".")
        return f"{match.group(1)}{relative}{hash_sign}{fragment}{match.group(3)}"

    return _TARGET.sub(change, text)


def move_files(folder: Path, moves: Mapping[str, str]) -> None:
    """Carry out ``moves`` (old -> new path relative to ``folder``; folders end in ``/``), outermost first;
    a path already moved with its folder is skipped. Then rewrite the links of every Markdown file."""
    done: dict[str, str] = {}
    for old, new in sorted(moves.items(), key=lambda move: move[0].rstrip("/").count("/")):
        source = moved_path(old, done)
        if source != old and source == new:
            continue  # moved with its folder
        target = folder / new.rstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder / source.rstrip("/"), target)
        done[old] = new
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if (path.is_symlink() or not path.is_file() or path.suffix.lower() not in (".md", ".markdown")
                or relative.startswith(".productive-docs/")):
            continue
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        changed = relink(text, _inverse(relative, done), done)
        if changed != text:
            write_atomic(path, changed.encode("utf-8", errors="surrogateescape"))


def _inverse(path: str, moved: Mapping[str, str]) -> str:
    """Where a file now at ``path`` was before the folder ``moved`` took it along (itself if not moved)."""
    for old, new in moved.items():
        if new.endswith("/") and path.startswith(new):
            return old + path[len(new):]
        if new == path:
            return old
    return path
