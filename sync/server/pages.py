"""The ``pages`` endpoints of the local server (spec §4.4), one small handler per route.

Handlers validate the payload shape the live API expects (envelope for create/rename/move, flat
``{"markdown"}``/``{"html"}`` for the four proxies), convert Markdown with mistune and HTML with the
converter's HTML reader, and leave the rows to ``Store``. Decisions where the spec is silent are listed in
``sync/server/README.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from typing import Any

from productive_docs.converter.lowering import lower_for_productive
from productive_docs.converter.model import Node, from_json, to_json
from productive_docs.converter.report import Report
from productive_docs.sync.server import listing
from productive_docs.sync.server.jsonapi import Problem, Request, Response, envelope_attributes
from productive_docs.sync.server.markdown import markdown_to_doc
from productive_docs.sync.server.store import EMPTY_BODY, Store, StoreError

#: The 18 attributes of a page resource, in the live API's order (spec §4.2).
ATTRIBUTES = (
    "title",
    "body",
    "parent_page_id",
    "root_page_id",
    "position",
    "version_number",
    "created_at",
    "updated_at",
    "edited_at",
    "last_activity_at",
    "icon_id",
    "cover_image_url",
    "cover_image_meta",
    "preferences",
    "custom_fields",
    "public",
    "public_access",
    "public_uuid",
)
RELATIONSHIPS = (
    "creator",
    "updater",
    "project",
    "parent_page",
    "root_page",
    "attachments",
    "organization",
    "template_object",
)
LOCAL_PERSON_ID = "1"
#: SQLite's largest integer; a bigger id cannot exist.
MAX_ID = 2**63 - 1


class Pages:
    """The handlers, bound to one store and organisation."""

    def __init__(self, store: Store, org_id: str) -> None:
        self.store = store
        self.org_id = org_id

    # --- resource shape --------------------------------------------------------------------------

    def resource(
        self, row: dict[str, Any], fields: set[str] | None = None, include: AbstractSet[str] = frozenset()
    ) -> dict[str, Any]:
        """A row as a JSON:API resource; ``fields`` limits attributes and relationships (lists only)."""
        values = {
            **{name: row.get(name) for name in ATTRIBUTES},
            "cover_image_meta": None,
            "public": False,
            "public_access": False,
            "preferences": _loads(row.get("preferences")),
            "custom_fields": _loads(row.get("custom_fields")),
        }
        related: dict[str, Any] = {
            "organization": {"type": "organizations", "id": self.org_id},
            "creator": {"type": "people", "id": LOCAL_PERSON_ID},
            "updater": {"type": "people", "id": LOCAL_PERSON_ID},
            "project": _ref("projects", row.get("project_id")),
            "parent_page": _ref("pages", row.get("parent_page_id")),
            "root_page": _ref("pages", row.get("root_page_id")),
            "attachments": [],
            "template_object": None,
        }
        relationships = {
            name: {"data": related[name]}
            if name == "organization" or name in include
            else {"meta": {"included": False}}
            for name in RELATIONSHIPS
        }
        if fields is not None:
            values = {name: value for name, value in values.items() if name in fields}
            relationships = {name: value for name, value in relationships.items() if name in fields}
        return {"id": str(row["id"]), "type": "pages", "attributes": values, "relationships": relationships}

    def single(self, row: dict[str, Any], status: int = 200,
               include: AbstractSet[str] = frozenset()) -> Response:
        document: dict[str, Any] = {"data": self.resource(row, include=include), "meta": {"settings": {}}}
        included = _included([row], include)
        if included:
            document["included"] = included
        return Response(status, document)

    # --- reads -----------------------------------------------------------------------------------

    def list_pages(self, request: Request) -> Response:
        query = listing.parse(request.query, request.headers.get("x-feature-flags", ""))
        include = _include(request.query)
        fields = request.query.get("fields[pages]")
        wanted = {name.strip() for name in fields.split(",")} if fields is not None else None
        rows, total = self.store.query(
            query.where, query.params, query.order, query.size, (query.number - 1) * query.size
        )
        meta, links = listing.pagination(query, total, request.base_url + "pages", request.query)
        document: dict[str, Any] = {
            "data": [self.resource(row, wanted, include) for row in rows],
            "meta": {**meta, "settings": {}},
            "links": links,
        }
        included = _included(rows, include)
        if included:
            document["included"] = included
        return Response(200, document)

    def get(self, request: Request, page_id: str) -> Response:
        """A single GET ignores ``fields`` (spec §4.6) and always returns the body."""
        return self.single(self.store.get(int(page_id)), include=_include(request.query))

    # --- writes ----------------------------------------------------------------------------------

    def create_with_markdown(self, request: Request) -> Response:
        attributes = envelope_attributes(request.body)
        title = _title(attributes.get("title"))
        pointer = "data/attributes/markdown"
        body = _dumps(_convert(markdown_to_doc, _content(attributes, "markdown", pointer), pointer))
        ids = {
            key: _int(attributes.get(key), key) for key in ("project_id", "parent_page_id", "root_page_id")
        }
        extra = {
            "position": _int(attributes.get("position"), "position"),
            "icon_id": _string(attributes.get("icon_id"), "icon_id"),
            "cover_image_url": _string(attributes.get("cover_image_url"), "cover_image_url"),
            "preferences": _object(attributes.get("preferences"), "preferences"),
            "custom_fields": _object(attributes.get("custom_fields"), "custom_fields"),
        }
        row = self.store.create(title, body, **ids, extra=extra)
        return self.single(row, 201)

    def body_writer(self, kind: str, append: bool) -> Callable[[Request, str], Response]:
        """One of the four proxy endpoints: flat ``{"markdown": ...}`` or ``{"html": ...}`` (spec §4.4)."""
        convert = markdown_to_doc if kind == "markdown" else _html_to_doc

        def handler(request: Request, page_id: str) -> Response:
            if not isinstance(request.body, dict):
                raise Problem(
                    422, f"missing the required `{kind}` field", code="invalid_attribute", pointer=kind
                )
            source = _content(request.body, kind, kind)
            self.store.get(int(page_id))
            added = _convert(convert, source, kind)

            def change(current: str) -> str:
                if not append:
                    return _dumps(added)
                blocks = json.loads(current).get("content") or []
                if blocks == [{"type": "paragraph"}]:
                    blocks = []
                return _dumps(Node("doc", content=[*_nodes(blocks), *added.content]))

            return self.single(self.store.write_body(int(page_id), change))

        return handler

    def rename(self, request: Request, page_id: str) -> Response:
        """``PATCH /pages/{id}``: only ``title`` changes; other attributes are silently ignored (§4.7)."""
        attributes = envelope_attributes(request.body)
        if "title" not in attributes:
            return self.single(self.store.get(int(page_id)))
        return self.single(self.store.rename(int(page_id), _title(attributes["title"])))

    def move(self, request: Request, page_id: str) -> Response:
        target = _int(envelope_attributes(request.body).get("target_doc_id"), "target_doc_id")
        if target is None:
            raise Problem(
                422, "can't be blank", code="invalid_attribute", pointer="data/attributes/target_doc_id"
            )
        return self.single(self.store.move(int(page_id), target))

    def delete(self, request: Request, page_id: str) -> Response:
        self.store.delete(int(page_id))
        return Response(204)

    def routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., Response]]]:
        """(method, path pattern, handler) in matching order."""
        page = r"^/api/v2/pages/(\d+)"
        table: list[tuple[str, str, Callable[..., Response]]] = [
            ("GET", r"^/api/v2/pages$", self.list_pages),
            ("POST", r"^/api/v2/pages/create_with_markdown$", self.create_with_markdown),
            ("GET", page + "$", self.get),
            ("PATCH", page + "$", self.rename),
            ("DELETE", page + "$", self.delete),
            ("PATCH", page + "/move$", self.move),
        ]
        for kind in ("markdown", "html"):
            table.append(("PATCH", f"{page}/append_{kind}$", self.body_writer(kind, append=True)))
            table.append(("PATCH", f"{page}/replace_body_with_{kind}$", self.body_writer(kind, append=False)))
        return [(method, re.compile(pattern), handler) for method, pattern, handler in table]


def store_problem(error: StoreError) -> Problem:
    return Problem(error.status, error.detail, code=error.code, pointer=error.pointer)


# --- conversion ---------------------------------------------------------------------------------


def _html_to_doc(source: str) -> Node:
    """HTML through the converter's reader, lowered like every Productive target."""
    from productive_docs.converter.readers.html import parse_blocks

    report = Report()
    return lower_for_productive(Node("doc", content=parse_blocks(source, report)), report)


def _convert(convert: Callable[[str], Node], source: str, pointer: str) -> Node:
    """The converted document; input the converter cannot take is a 422 (spec §4.4), never a 500."""
    try:
        return convert(source)
    except Exception as exc:  # noqa: BLE001 - any converter failure is the request's fault here
        detail = f"content could not be converted: {exc}"
        raise Problem(422, detail, code="invalid_attribute", pointer=pointer) from None


def _dumps(doc: Node) -> str:
    if not doc.content:
        return EMPTY_BODY
    return json.dumps(to_json(doc), ensure_ascii=False, separators=(",", ":"))


def _nodes(content: list[dict[str, Any]]) -> list[Node]:
    return [from_json(block) for block in content]


# --- payload checks -----------------------------------------------------------------------------


def _content(payload: dict[str, Any], key: str, pointer: str) -> str:
    value = payload.get(key)
    if value is None or value == "":
        raise Problem(
            422,
            f"missing the required `{key}` field" if value is None else "can't be blank",
            code="invalid_attribute",
            pointer=pointer,
        )
    if not isinstance(value, str):
        raise Problem(422, f"`{key}` must be a string", code="invalid_attribute", pointer=pointer)
    return value


def _title(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Problem(422, "can't be blank", code="invalid_attribute", pointer="data/attributes/title")
    return value


def _int(value: Any, key: str) -> int | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | str)
        or not str(value).isdigit()
        or int(value) > MAX_ID
    ):
        raise Problem(
            422, f"`{key}` must be an integer id", code="invalid_attribute", pointer=f"data/attributes/{key}"
        )
    return int(value)


def _string(value: Any, key: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise Problem(
            422, f"`{key}` must be a string", code="invalid_attribute", pointer=f"data/attributes/{key}"
        )
    return value


def _object(value: Any, key: str) -> str | None:
    if value is not None and not isinstance(value, dict):
        raise Problem(
            422, f"`{key}` must be an object", code="invalid_attribute", pointer=f"data/attributes/{key}"
        )
    return None if value is None else json.dumps(value)


# --- include ------------------------------------------------------------------------------------


def _include(query: dict[str, str]) -> set[str]:
    names = {name.strip() for name in query.get("include", "").split(",") if name.strip()}
    unknown = names - set(RELATIONSHIPS)
    if unknown:
        raise Problem(
            400,
            f"Include '{sorted(unknown)[0]}' is not supported",
            code="unsupported_include",
            title="Unsupported Include",
        )
    return names


def _included(rows: list[dict[str, Any]], include: AbstractSet[str]) -> list[dict[str, Any]]:
    """Stub resources for the included projects and people (the emulator has no such tables)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if "project" in include:
        for row in rows:
            if row.get("project_id") is not None:
                key = ("projects", str(row["project_id"]))
                found[key] = {"type": "projects", "id": key[1], "attributes": {"name": f"Project {key[1]}"}}
    if include & {"creator", "updater"} and rows:
        found[("people", LOCAL_PERSON_ID)] = {
            "type": "people",
            "id": LOCAL_PERSON_ID,
            "attributes": {"first_name": "Local", "last_name": "User"},
        }
    return list(found.values())


def _ref(kind: str, value: Any) -> dict[str, str] | None:
    return None if value is None else {"type": kind, "id": str(value)}


def _loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)
