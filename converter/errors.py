"""The exception hierarchy shared by the converter and the sync engine.

Every error a user can cause derives from ``ProductiveDocsError``; the CLI prints its message on one line
and exits with its ``exit_code``, never with a traceback.
"""

from __future__ import annotations


class ProductiveDocsError(Exception):
    """Base of every error meant for the user: a one-line message and an exit code."""

    exit_code = 1


class UsageError(ProductiveDocsError):
    """The command line itself is wrong (exit code 2)."""

    exit_code = 2


class InputError(ProductiveDocsError):
    """Input that cannot be read or parsed; names the file and, where known, the line."""

    def __init__(self, message: str, source: str | None = None, line: int | None = None) -> None:
        where = source or ""
        if source and line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {message}" if where else message)
        self.source = source
        self.line = line
