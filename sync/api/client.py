"""A small client for the Productive pages API (spec §4), safe to point at the production service.

``Client`` holds the page calls; the requests themselves, their rate limits, retries and errors live in
``sync.transport``. Create and append are never replayed blindly: after an unclear failure the client first
looks for the page or content the failed request may have written (``sync.recovery``).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from productive_docs.converter.errors import UsageError
from productive_docs.sync.api import errors
from productive_docs.sync.api.config import default_config_path, resolve_settings
from productive_docs.sync.api.pages import Page, api_id
from productive_docs.sync.api.recovery import append_landed, find_created, markdown_hash
from productive_docs.sync.api.transport import ClientStats, Transport, token_allowed

#: The largest page size the API serves (spec §4.6); lists always ask for it.
MAX_PAGE_SIZE = 200


class Client:
    """The pages API over a ``Transport`` (``sync.api.transport``: the session, rate limits, retries)."""

    def __init__(self, base_url: str, token: str, org_id: str, **options: Any) -> None:
        self.transport = Transport(base_url, token, org_id, **options)
        #: Pages this client created: a page found after an unclear create is never one of them.
        self._created: set[str] = set()

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    @property
    def org_id(self) -> str:
        return self.transport.org_id

    @property
    def stats(self) -> ClientStats:
        return self.transport.stats

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r}, org_id={self.org_id!r}, token=<hidden>)"

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def from_settings(
        cls,
        token: str | None = None,
        org_id: str | None = None,
        base_url: str | None = None,
        config_path: Path | str | None = None,
        **options: Any,
    ) -> Client:
        """A client from flags > environment > config file (see ``sync.config``)."""
        settings = resolve_settings(token, org_id, base_url, config_path)
        where = config_path or default_config_path()
        if not settings.token:
            raise UsageError(f"no API token: pass --token, set PRODUCTIVE_API_TOKEN or api_token in {where}")
        if not settings.org_id:
            raise UsageError(f"no organisation id: pass --org, set PRODUCTIVE_ORG_ID or org_id in {where}")
        return cls(settings.base_url, settings.token, settings.org_id, **options)

    # --- pages -----------------------------------------------------------------------------------

    def list_pages(
        self,
        *,
        filters: dict[str, Any] | None = None,
        fields: Iterable[str] | None = None,
        include: Iterable[str] | None = None,
        sort: str | None = None,
    ) -> list[Page]:
        """Every page matching ``filters`` (values may be lists: comma-joined), following pagination."""
        answers = self.list_pages_by_request(filters=filters, fields=fields, include=include, sort=sort)
        return [page for listed, _ in answers for page in listed]

    def list_pages_by_request(
        self,
        *,
        filters: dict[str, Any] | None = None,
        fields: Iterable[str] | None = None,
        include: Iterable[str] | None = None,
        sort: str | None = None,
    ) -> Iterator[tuple[list[Page], dict[str, Any]]]:
        """The pages of ``list_pages`` one request (200 pages) at a time, each with the answer's ``meta``
        (``total_count``, spec §4.5): a caller that has seen enough stops asking."""
        params: dict[str, str] = {"page[size]": str(MAX_PAGE_SIZE)}
        for key, value in (filters or {}).items():
            values = value if isinstance(value, list | tuple | set) else [value]
            params[f"filter[{key}]"] = ",".join(str(v) for v in values)
        if fields is not None:
            params["fields[pages]"] = ",".join(fields)
        if include:
            params["include"] = ",".join(include)
        if sort:
            params["sort"] = sort
        number = 1
        while True:
            params["page[number]"] = str(number)
            document = self.transport.call("GET", "pages", "list", params=params)
            meta = document.get("meta") or {}
            yield [Page.from_resource(item) for item in document.get("data") or []], meta
            if number >= int(meta.get("total_pages") or 0):
                return
            number += 1

    def get_page(self, page_id: str | int) -> Page:
        """One page with its decoded body and its project id (``include=project``)."""
        document = self.transport.call("GET", f"pages/{page_id}", "get", params={"include": "project"})
        return Page.from_resource(document["data"])

    def create_with_markdown(
        self,
        title: str,
        markdown: str,
        *,
        project_id: str | int | None = None,
        parent_page_id: str | int | None = None,
        root_page_id: str | int | None = None,
        claimed: Collection[str] = (),
    ) -> Page:
        """Create a doc (``project_id`` or nothing) or a subpage (``parent_page_id``; the root is looked up
        when not given). Never creates twice, and never takes a page of the ``claimed`` ids (the caller's,
        such as a sync state's) or another's page for its own: see ``sync.api.recovery.find_created``."""
        if parent_page_id is not None and project_id is not None:
            raise errors.ValidationError(
                "project_id is accepted on root pages only (page_project_root_page_only)",
                pointer="data/attributes/project_id",
                detail="project_id is accepted on root pages only",
            )
        if parent_page_id is not None and root_page_id is None:
            parent = self.get_page(parent_page_id)
            root_page_id = parent.root_page_id or parent.id
        attributes: dict[str, Any] = {"title": title, "markdown": markdown}
        for key, value in (
            ("project_id", project_id),
            ("parent_page_id", parent_page_id),
            ("root_page_id", root_page_id),
        ):
            if value is not None:
                attributes[key] = int(value)
        started = time.time()
        document = self.transport.call(
            "POST",
            "pages/create_with_markdown",
            "create_with_markdown",
            payload={"data": {"type": "pages", "attributes": attributes}},
            recover=lambda: find_created(self, title, project_id, api_id(parent_page_id), started,
                                         {*self._created, *claimed}, markdown_hash(markdown)),
        )
        page = Page.from_resource(document["data"])
        self._created.add(page.id)
        return page

    def append_markdown(self, page_id: str | int, markdown: str) -> Page:
        """Append Markdown to the end of the body."""
        return self._append(page_id, "append_markdown", {"markdown": markdown})

    def append_html(self, page_id: str | int, html: str) -> Page:
        """Append HTML to the end of the body."""
        return self._append(page_id, "append_html", {"html": html})

    def replace_body_with_markdown(self, page_id: str | int, markdown: str) -> Page:
        """Replace the whole body with Markdown (idempotent, so retried freely)."""
        return self._write_body(page_id, "replace_body_with_markdown", {"markdown": markdown})

    def replace_body_with_html(self, page_id: str | int, html: str) -> Page:
        """Replace the whole body with HTML (idempotent, so retried freely)."""
        return self._write_body(page_id, "replace_body_with_html", {"html": html})

    def rename(self, page_id: str | int, title: str) -> Page:
        """Change the title (``PATCH /pages/{id}``)."""
        payload = {"data": {"type": "pages", "id": str(page_id), "attributes": {"title": title}}}
        document = self.transport.call("PATCH", f"pages/{page_id}", "rename", payload=payload)
        return Page.from_resource(document["data"])

    def move(self, page_id: str | int, target_doc_id: str | int) -> Page:
        """Make the page (with its subtree) the last child of ``target_doc_id``."""
        payload = {"data": {"type": "pages", "attributes": {"target_doc_id": int(target_doc_id)}}}
        return Page.from_resource(
            self.transport.call("PATCH", f"pages/{page_id}/move", "move", payload=payload)["data"]
        )

    def delete(self, page_id: str | int) -> None:
        """Delete the page and its subpages; a 404 after an unclear first attempt counts as done."""
        self.transport.call("DELETE", f"pages/{page_id}", "delete", gone_ok_on_retry=True)

    # --- other resources -------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        payload: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Any other JSON:API endpoint (``attachments`` ...), counted under its first path segment.
        GET, PATCH and DELETE are retried like the page calls; a POST is replayed only after a 429."""
        endpoint = path.split("/", 1)[0]
        return self.transport.call(method, path, endpoint, params=params, payload=payload,
                                   replay=method != "POST")

    def get_file(self, url: str, *, token_param: str | None = None) -> bytes:
        """The bytes of an attachment file on the API's host or a Productive file host; with
        ``token_param`` the token also goes in the query, as the attachments guide shows."""
        if not token_allowed(url, self.base_url):
            parts = urlsplit(url)
            raise errors.ApiError(f"refusing to send the API token to {parts.scheme}://{parts.netloc} "
                                  "(only over HTTPS to the API or a file host)")
        params = self.transport.token_query(token_param) if token_param else None
        return self.transport.call("GET", url, "files", params=params, raw=True)

    # --- write helpers ---------------------------------------------------------------------------

    def _write_body(self, page_id: str | int, endpoint: str, payload: dict[str, str]) -> Page:
        document = self.transport.call("PATCH", f"pages/{page_id}/{endpoint}", endpoint, payload=payload)
        return Page.from_resource(document["data"])

    def _append(self, page_id: str | int, endpoint: str, payload: dict[str, str]) -> Page:
        """An append replayed after it landed would duplicate content, so the version is read first."""
        before = self.get_page(page_id).version_number
        document = self.transport.call(
            "PATCH",
            f"pages/{page_id}/{endpoint}",
            endpoint,
            payload=payload,
            recover=lambda: append_landed(self, page_id, before),
        )
        return Page.from_resource(document["data"])


__all__ = ["Client", "Page"]
