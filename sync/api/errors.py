"""The client's exception hierarchy: one class per HTTP outcome a caller may want to branch on.

The spec (§4.7) says to branch on the HTTP status, never on the JSON:API ``code``, so each class maps to a
status family. Every message is built by the client after scrubbing the API token out of it.
"""

from __future__ import annotations

from typing import Any

from productive_docs.converter.errors import ProductiveDocsError


class ApiError(ProductiveDocsError):
    """The API answered with an error (or could not be reached); ``status`` is the HTTP status or None."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.errors = errors or []


class AuthenticationError(ApiError):
    """401: the token is missing or wrong."""


class PermissionDenied(ApiError):
    """403: the token is valid but may not do this (e.g. the organisation id is wrong)."""


class NotFound(ApiError):
    """404: the page (or route) does not exist."""


class ValidationError(ApiError):
    """422 (and 400/413/415): the request was understood but refused; ``pointer`` names the bad field."""

    def __init__(self, message: str, *, pointer: str | None = None, detail: str | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.pointer = pointer
        self.detail = detail


class RateLimited(ApiError):
    """429 after every retry; ``retry_after`` is the server's hint in seconds, when it gave one."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx after every retry (a 502 from docs-realtime, an HTML error page ...)."""


class NetworkError(ApiError):
    """No HTTP answer at all: connection refused or reset, DNS failure, timeout."""
