"""JSON:API plumbing for the local server: the request and response values and the error object.

Error objects follow what the live API sends (spec §4.7): a string ``status``, a ``code``, a ``title``, a
``detail``, empty ``meta`` and, for validation errors, ``source.pointer`` without a leading slash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

#: HTTP status -> the documented error title (spec §4.7).
TITLES = {
    400: "Bad Request",
    401: "Unauthenticated",
    403: "Access Denied",
    404: "Record Not Found",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Invalid Attribute",
    429: "Too many requests",
    500: "Server Error",
    502: "Bad Gateway",
}


@dataclass(slots=True)
class Request:
    """What a route handler sees: the parsed query (``key -> last value``) and JSON body."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Response:
    """A handler's answer; ``document`` None means no body (204), unless ``html`` holds a page: the HTML of
    the 502 of a failing docs-realtime, or a web view answer whose ``Content-Type`` header names its type."""

    status: int
    document: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    html: bytes | None = None


class Problem(Exception):
    """An error answer; raise it anywhere in a handler."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        pointer: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.pointer = pointer
        self.title = title or TITLES.get(status) or HTTPStatus(status).phrase
        self.headers = headers or {}
        self.extra = extra or {}

    def response(self) -> Response:
        error: dict[str, Any] = {
            "status": str(self.status),
            "title": self.title,
            "detail": self.detail,
            "meta": {},
        }
        if self.code:
            error["code"] = self.code
        if self.pointer:
            error["source"] = {"pointer": self.pointer}
        error.update(self.extra)
        return Response(self.status, {"errors": [error]}, dict(self.headers))


def envelope_attributes(body: Any, *, required: bool = False) -> dict[str, Any]:
    """The ``data.attributes`` of a JSON:API envelope; a 422 when the body is not one, or (``required``)
    when it has no attributes. Actions such as ``move`` may send an envelope without attributes."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise Problem(
            422,
            'the request needs a JSON:API envelope {"data": {...}}',
            code="invalid_attribute",
            pointer="data",
        )
    attributes = data.get("attributes", None if required else {})
    if not isinstance(attributes, dict):
        raise Problem(
            422, "attributes must be an object", code="invalid_attribute", pointer="data/attributes"
        )
    return attributes
