"""``GET /pages`` query parameters: filters, sort, page-number pagination and sparse fieldsets (spec §4.6).

Everything a client sends is checked against the tables below and turned into SQL built from known column
names only; anything else is a 400 with the code the live API uses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from productive_docs.sync.limits import MAX_PAGE_NUMBER
from productive_docs.sync.server.jsonapi import Problem

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 30, 200

#: filter -> column; values are comma-separated integer ids.
ID_FILTERS = {
    "id": "id",
    "project_id": "project_id",
    "parent_page_id": "parent_page_id",
    "root_page_id": "root_page_id",
}
#: date filters compare the date part only, unless the feature flag asks for the full time (spec §4.6).
DATE_FILTERS = {"edited_at": "edited_at", "created_at": "created_at", "last_activity_at": "last_activity_at"}
#: documented filters the emulator accepts and ignores, as the live API sometimes does (spec §4.6).
IGNORED_FILTERS = frozenset(
    {
        "creator_id",
        "subscriber_id",
        "jump_query",
        "template",
        "status",
        "project_status",
        "person_type",
        "custom_fields",
        "fuzzy_dates",
        "fuzzy_people",
    }
)
ID_OPERATORS = {"eq": "IN", "not_eq": "NOT IN"}
DATE_OPERATORS = {"eq": "=", "not_eq": "!=", "gt": ">", "gt_eq": ">=", "lt": "<", "lt_eq": "<="}
SORTS = {
    "created_at": "created_at",
    "creator_name": "id",
    "edited_at": "edited_at",
    "id": "id",
    "last_activity_at": "last_activity_at",
    "project": "project_id",
    "project_name": "project_id",
    "title": "title COLLATE NOCASE",
    "updated_at": "updated_at",
}
DEFAULT_ORDER = "sibling_order, id"
EXACT_TIME_FLAG = "filteringSkipDatetimeCastToDate"

_FILTER_KEY = re.compile(r"^filter\[(\w+)\](?:\[(\w+)\])?$")


@dataclass(slots=True)
class Listing:
    """A parsed list query."""

    where: str
    params: list[Any]
    order: str
    number: int
    size: int


def parse(query: dict[str, str], feature_flags: str = "") -> Listing:
    """The SQL pieces of a list request; raises ``Problem`` (400) on anything unsupported."""
    clauses, params = ["1 = 1"], []
    for key, value in query.items():
        match = _FILTER_KEY.match(key)
        if key.startswith("filter[") and not match:
            raise Problem(400, f"Filter '{key}' is not supported on this endpoint", code="unsupported_filter")
        if match:
            clause, values = _filter(match[1], match[2] or "eq", value, EXACT_TIME_FLAG in feature_flags)
            if clause:
                clauses.append(clause)
                params += values
    return Listing(
        " AND ".join(clauses),
        params,
        _order(query.get("sort", "")),
        _positive(query, "page[number]", 1),
        min(_positive(query, "page[size]", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE),
    )


def _filter(name: str, operator: str, value: str, exact_time: bool) -> tuple[str | None, list[Any]]:
    if name in ID_FILTERS:
        if operator not in ID_OPERATORS:
            raise Problem(
                400,
                f"Operation '{operator}' is not supported for filter '{name}'",
                code="unsupported_filter_operation",
            )
        try:
            ids = [int(part) for part in value.split(",") if part.strip()]
            if any(abs(number) >= 2**63 for number in ids):
                raise ValueError(value)
        except ValueError:
            raise Problem(
                400, f"Filter '{name}' expects ids, not {value!r}", code="unsupported_filter_value_type"
            ) from None
        if not ids:
            raise Problem(400, f"Filter '{name}' needs a value", code="unsupported_filter_value_type")
        return f"{ID_FILTERS[name]} {ID_OPERATORS[operator]} ({','.join('?' * len(ids))})", ids
    if name in DATE_FILTERS:
        if operator not in DATE_OPERATORS:
            raise Problem(
                400,
                f"Operation '{operator}' is not supported for filter '{name}'",
                code="unsupported_filter_operation",
            )
        column = DATE_FILTERS[name] if exact_time else f"substr({DATE_FILTERS[name]}, 1, 10)"
        return f"{column} {DATE_OPERATORS[operator]} ?", [value if exact_time else value[:10]]
    if name == "query":
        return "title LIKE ? ESCAPE '\\'", [f"%{_like(value)}%"]
    if name == "full_query":
        return "(title LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')", [f"%{_like(value)}%"] * 2
    if name in IGNORED_FILTERS:
        return None, []
    raise Problem(400, f"Filter '{name}' is not supported on this endpoint", code="unsupported_filter")


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _order(sort: str) -> str:
    if not sort:
        return DEFAULT_ORDER
    terms = []
    for term in sort.split(","):
        name = term.strip().removeprefix("-")
        if name not in SORTS:
            raise Problem(
                400,
                f"Sort by '{name}' is not supported",
                code="sort_param_unsupported",
                title="Unsupported Sort",
            )
        terms.append(f"{SORTS[name]} {'DESC' if term.strip().startswith('-') else 'ASC'}")
    return ", ".join([*terms, "id ASC"])


def _positive(query: dict[str, str], key: str, default: int) -> int:
    """A paging number; anything else (``1e23``, ``-1``, or past ``MAX_PAGE_NUMBER``, which would overflow
    the database's OFFSET) is a 400 error, not a crash."""
    if key not in query:
        return default
    try:
        number = int(query[key])
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_PAGE_NUMBER:
        raise Problem(400, f"'{key}' must be a positive integer up to {MAX_PAGE_NUMBER}",
                      code="invalid_page_param")
    return number


def pagination(listing: Listing, total: int, base: str, query: dict[str, str]) -> tuple[dict, dict]:
    """``meta`` and ``links`` of a page of results (an empty result has ``total_pages`` 0, spec §4.5)."""
    pages = math.ceil(total / listing.size)
    meta = {
        "current_page": listing.number,
        "total_pages": pages,
        "total_count": total,
        "page_size": listing.size,
        "max_page_size": MAX_PAGE_SIZE,
    }

    def link(number: int) -> str:
        return f"{base}?{urlencode({**query, 'page[number]': number, 'page[size]': listing.size})}"

    links = {"first": link(1), "last": link(max(pages, 1))}
    if listing.number < pages:
        links["next"] = link(listing.number + 1)
    if 1 < listing.number <= pages:
        links["prev"] = link(listing.number - 1)
    return meta, links
