"""The conversion report: every construct a reader or writer lowered, sanitised or dropped.

Nothing leaves a document silently: whoever changes content adds an ``Entry`` saying where (file, line),
what it was and what it became.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Entry:
    """One lowering: ``what`` (the construct) became ``became`` at ``source``:``line``."""

    what: str
    became: str
    source: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.what} -> {self.became}"


@dataclass(slots=True)
class Report:
    """The entries of one conversion (or of many: a sync run shares one report per file)."""

    source: str | None = None
    entries: list[Entry] = field(default_factory=list)

    def add(self, what: str, became: str, line: int | None = None) -> None:
        """Record that ``what`` was lowered to ``became``."""
        self.entries.append(Entry(what, became, self.source, line))

    def counts(self) -> Counter[str]:
        """How often each construct was lowered."""
        return Counter(entry.what for entry in self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __str__(self) -> str:
        return "\n".join(str(entry) for entry in self.entries)
