"""Writing files safely: the one way every part of the tool writes a file in the synced folder.

It sits in the assets layer, the lowest that writes files (downloads); the engine (state, pull, push) and
the importer use it from here.
"""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write a file so that readers see the old or the new content, never half of it.

    A new file gets the mode any new file gets (``0666`` less the umask, applied by the system), a replaced
    one keeps its mode (``tempfile.mkstemp`` would make both owner-only).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    handle = os.open(temp, flags, 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content.encode("utf-8") if isinstance(content, str) else content)
        if path.exists():
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
