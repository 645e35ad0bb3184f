"""Writing files safely: the one way every part of the tool writes a file in the synced folder.

It sits in the assets layer, the lowest that writes files (downloads); the engine (state, pull, push) and
the importer use it from here.
"""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write a file so that readers see the old or the new content, never half of it.

    A new file gets the mode any new file gets (``0666`` less the umask, applied by the system), a replaced
    one keeps its mode (``tempfile.mkstemp`` would make both owner-only). The folder is made only when the
    temporary file cannot be created without it: an import writes thousands of files into a few folders,
    and a ``mkdir`` and a ``stat`` per file were about a quarter of the CPU time of writing them.
    """
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        handle = os.open(temp, _NEW_FILE, 0o666)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(temp, _NEW_FILE, 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content.encode("utf-8") if isinstance(content, str) else content)
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            pass
        else:
            os.chmod(temp, stat.S_IMODE(mode))
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
