"""An attachment as the sync engine knows it: what a page's sync state remembers of each file it uploaded or
downloaded (``PageState.assets``, keyed by content hash), so a file is never transferred twice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Attachment:
    """One attachment file of a page."""

    #: The URL bodies embed it by (``attachments_inferred.embed_url``), or the one it was downloaded from.
    url: str
    #: Its file name (as uploaded, or as written into ``assets/`` on pull).
    name: str
    #: The page it belongs to (None: downloaded while pulling a page whose id was not passed on).
    page_id: str | None = None
    #: Productive's attachment id (None for a file only downloaded).
    id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The sync state's form (the keys the state has always used; ``id`` only when known)."""
        data: dict[str, Any] = {"url": self.url, "name": self.name, "page_id": self.page_id}
        if self.id is not None:
            data["id"] = self.id
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Attachment:
        """An entry of the sync state (raises ``KeyError`` or ``TypeError`` when it is not one)."""
        page_id, ident = data.get("page_id"), data.get("id")
        return cls(str(data["url"]), str(data["name"]), None if page_id is None else str(page_id),
                   None if ident is None else str(ident))
