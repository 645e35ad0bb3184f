"""A page as the API returns it, and the reads a recovery needs (``sync.api.recovery``): their own module,
so that the client and the recovery it calls do not import each other."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from productive_docs.sync.api import errors


def api_id(value: Any) -> str | None:
    """API ids arrive as strings (``id``) or integers (``parent_page_id``); we keep strings."""
    return None if value is None else str(value)


@dataclass(slots=True)
class Page:
    """One page as the API returned it; ``body`` is the decoded JSON document (None when not fetched)."""

    id: str
    title: str
    body: dict[str, Any] | None
    parent_page_id: str | None
    root_page_id: str | None
    version_number: int | None
    edited_at: str | None
    project_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_doc(self) -> bool:
        """A doc is a root page (spec §4.3)."""
        return self.parent_page_id is None

    @classmethod
    def from_resource(cls, resource: dict[str, Any]) -> Page:
        """Build from a JSON:API resource object, decoding the JSON-string ``body`` (spec §4.9, pitfall 1)."""
        attrs = resource.get("attributes") or {}
        body = attrs.get("body")
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                raise errors.ApiError(f"page {resource.get('id')}: body is not JSON") from None
        project = ((resource.get("relationships") or {}).get("project") or {}).get("data") or {}
        return cls(
            id=str(resource["id"]),
            title=attrs.get("title") or "",
            body=body if isinstance(body, dict) else None,
            parent_page_id=api_id(attrs.get("parent_page_id")),
            root_page_id=api_id(attrs.get("root_page_id")),
            version_number=attrs.get("version_number"),
            edited_at=attrs.get("edited_at"),
            project_id=api_id(project.get("id") or attrs.get("project_id")),
            raw=attrs,
        )


class PageReader(Protocol):
    """The reads of the pages API that finding an unclear write's result needs (``Client`` has them)."""

    def list_pages(self, *, filters: dict[str, Any] | None = None, fields: Iterable[str] | None = None,
                   include: Iterable[str] | None = None, sort: str | None = None) -> list[Page]: ...

    def get_page(self, page_id: str | int) -> Page: ...
