"""The local server's attachments: the ``/attachments`` resource and an S3-like storage on loopback.

The 4-step upload of spec §4.10 works here as on Productive: ``POST /attachments`` answers with an
``aws_policy`` (and, unlike Productive, the storage URL in ``upload_url``, see
``sync.attachments_inferred``); a multipart form POST to that storage URL stores the file and answers like
S3 (201, XML ``<Location>``); ``PATCH /attachments/{id}`` with that ``temp_url`` makes the attachment's
``url`` live; ``GET`` on the ``url`` serves the file to a caller that passes the API token as ``token``
(header ``X-Auth-Token`` also accepted), as the attachments guide says for ``files.productive.io``.
Files are stored as BLOBs in the server's SQLite database, so ``:memory:`` servers leave nothing behind.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from email import policy as email_policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from xml.sax.saxutils import escape

from productive_docs.sync.api import attachments_inferred as guess
from productive_docs.sync.server import listing
from productive_docs.sync.server.jsonapi import Problem, Request, Response, envelope_attributes
from productive_docs.sync.server.store import Store, StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id INTEGER,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    attachable_type TEXT,
    attachment_type TEXT,
    object_key TEXT NOT NULL,
    policy TEXT NOT NULL,
    temp_url TEXT,
    data BLOB,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_page ON attachments(page_id);
-- a page's attachments go with it (a deleted doc takes its subpages, and so their attachments, along)
CREATE TRIGGER IF NOT EXISTS attachments_follow_their_page AFTER DELETE ON pages
BEGIN
    DELETE FROM attachments WHERE page_id = OLD.id;
END;
"""
#: Path prefixes (below the server root, not below ``/api/v2/``) of the storage and file endpoints.
STORAGE_PREFIX = "/storage"
FILES_PREFIX = "/files"
ATTACHMENT_TYPES = ("attachment", "inline")
#: The largest file the storage accepts (Productive's limit is unknown; the sync side defaults to 25 MB).
MAX_OBJECT_SIZE = 100 * 1024 * 1024
#: Room for the form fields around the file in a storage POST.
FORM_OVERHEAD = 64 * 1024


@dataclass(frozen=True, slots=True)
class Raw:
    """A non-JSON:API answer (storage XML, file bytes)."""

    status: int
    body: bytes
    headers: dict[str, str]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _invalid(field: str, detail: str) -> StoreError:
    return StoreError(422, detail, pointer=f"data/attributes/{field}")


def _object_key(attachment_id: int, name: str) -> str:
    """``attachments/files/000/000/042/original/name`` like Productive's file URLs (spec §2.4)."""
    digits = f"{attachment_id:09d}"
    return f"attachments/files/{digits[:3]}/{digits[3:6]}/{digits[6:]}/original/{name.replace('/', '_')}"


def _s3_error(status: int, code: str, message: str) -> Raw:
    body = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{escape(message)}"
    body += "</Message></Error>"
    return Raw(status, body.encode(), {"Content-Type": "application/xml"})


class Attachments:
    """Attachment rows and their stored files, on the pages ``Store``'s database and lock."""

    def __init__(self, store: Store, token: str) -> None:
        self.store = store
        self._token = token
        #: Set to True to answer file downloads 403, as files.productive.io did with a PAT (spec §4.10).
        self.refuse_downloads = False
        with store.transaction() as db:
            db.executescript(SCHEMA)

    # --- the JSON:API resource ---------------------------------------------------------------------------

    def resource(self, row: dict[str, Any], root: str) -> dict[str, Any]:
        """The JSON:API object of a row; ``root`` is the server's base URL (``http://host:port``)."""
        key = quote(row["object_key"])
        uploaded = row["temp_url"] is not None
        attributes = {
            "name": row["name"],
            "content_type": row["content_type"],
            "size": row["size"],
            "attachable_type": row["attachable_type"],
            "attachment_type": row["attachment_type"],
            "temp_url": row["temp_url"],
            "url": f"{root}{FILES_PREFIX}/{key}" if uploaded else None,
            "thumb": None,
            "resized": False,
            "created_at": row["created_at"],
            "deleted_at": None,
        }
        if not uploaded:
            attributes["aws_policy"] = {
                "key": row["object_key"],
                "success_action_status": "201",
                "x-amz-algorithm": "AWS4-HMAC-SHA256",
                "x-amz-credential": "LOCAL/productive-docs/s3/aws4_request",
                "x-amz-date": row["created_at"].replace("-", "").replace(":", "")[:15] + "Z",
                "x-amz-signature": row["policy"][:16],
                "policy": row["policy"],
                "Content-Type": row["content_type"],
            }
            attributes[guess.STORAGE_URL_ATTR] = f"{root}{STORAGE_PREFIX}"
        page = {"data": {"type": "pages", "id": str(row["page_id"])}} if row["page_id"] else {"data": None}
        return {
            "id": str(row["id"]),
            "type": "attachments",
            "attributes": attributes,
            "relationships": {"page": page},
        }

    def _row(self, attachment_id: int) -> dict[str, Any]:
        with self.store.transaction() as db:
            row = db.execute("SELECT * FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
        if row is None:
            raise StoreError(404, f"attachment {attachment_id} not found", code="record_not_found")
        return dict(row)

    def create(self, attributes: dict[str, Any]) -> dict[str, Any]:
        """Validate like the API (422 ``invalid_attribute`` with a pointer) and add a pending attachment."""
        for field in ("name", "content_type", "size"):
            if _blank(attributes.get(field)):
                raise _invalid(field, "can't be blank")
        size = attributes["size"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise _invalid("size", "must be a non-negative integer")
        if size > MAX_OBJECT_SIZE:
            raise _invalid("size", f"must be at most {MAX_OBJECT_SIZE} bytes")
        kind = attributes.get("attachment_type")
        if kind is not None and kind not in ATTACHMENT_TYPES:
            raise _invalid("attachment_type", f"must be one of {', '.join(ATTACHMENT_TYPES)}")
        page_id = attributes.get("page_id")
        if page_id is not None:
            if isinstance(page_id, bool) or not str(page_id).isdigit():
                raise _invalid("page_id", "must be an integer")
            page_id = int(page_id)
            try:
                self.store.get(page_id)
            except StoreError:
                raise _invalid("page_id", f"page {page_id} does not exist") from None
        now = self.store.now()
        with self.store.transaction() as db:
            cursor = db.execute(
                "INSERT INTO attachments (page_id, name, content_type, size, attachable_type,"
                " attachment_type, object_key, policy, created_at) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)",
                (
                    page_id,
                    str(attributes["name"]),
                    str(attributes["content_type"]),
                    size,
                    attributes.get("attachable_type"),
                    kind or "attachment",
                    secrets.token_hex(24),
                    now,
                ),
            )
            new_id = cursor.lastrowid
            db.execute(
                "UPDATE attachments SET object_key = ? WHERE id = ?",
                (_object_key(new_id, str(attributes["name"])), new_id),
            )
        return self._row(new_id)

    def get(self, attachment_id: int) -> dict[str, Any]:
        return self._row(attachment_id)

    def rows(self, page_ids: list[int] | None, number: int, size: int) -> tuple[list[dict[str, Any]], int]:
        """Rows (optionally of some pages) by id, one page of the listing, and the total count."""
        where, params = "1 = 1", []
        if page_ids is not None:
            where = f"page_id IN ({','.join('?' * len(page_ids))})" if page_ids else "0 = 1"
            params = list(page_ids)
        size = max(1, min(size, listing.MAX_PAGE_SIZE))
        with self.store.transaction() as db:
            total = db.execute(f"SELECT COUNT(*) FROM attachments WHERE {where}", params).fetchone()[0]
            rows = db.execute(
                f"SELECT * FROM attachments WHERE {where} ORDER BY id LIMIT ? OFFSET ?",
                [*params, size, (max(number, 1) - 1) * size],
            ).fetchall()
        return [dict(row) for row in rows], total

    def update(self, attachment_id: int, attributes: dict[str, Any]) -> dict[str, Any]:
        """Step 3: ``temp_url`` must be the storage Location of this attachment's uploaded file."""
        row = self._row(attachment_id)
        changes: dict[str, Any] = {}
        if "temp_url" in attributes:
            expected = f"{STORAGE_PREFIX}/{quote(row['object_key'])}"
            if urlsplit(str(attributes["temp_url"] or "")).path != expected:
                raise _invalid("temp_url", "is not the storage location of this attachment's file")
            if row["data"] is None:
                raise _invalid("temp_url", "file has not been uploaded")
            changes["temp_url"] = attributes["temp_url"]
        if not _blank(attributes.get("name")):
            changes["name"] = str(attributes["name"])
        if changes:
            with self.store.transaction() as db:
                assignments = ", ".join(f"{column} = ?" for column in changes)
                db.execute(
                    f"UPDATE attachments SET {assignments} WHERE id = ?", [*changes.values(), attachment_id]
                )
        return self._row(attachment_id)

    def delete(self, attachment_id: int) -> None:
        self._row(attachment_id)
        with self.store.transaction() as db:
            db.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))

    # --- storage and files -----------------------------------------------------------------------

    def storage_post(self, content_type: str, body: bytes, root: str) -> Raw:
        """Step 2: a multipart form with the policy fields and the file, checked like S3 checks a policy."""
        if not content_type.lower().startswith("multipart/form-data"):
            return _s3_error(400, "InvalidRequest", "expected multipart/form-data")
        message = BytesParser(policy=email_policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        fields: dict[str, str] = {}
        upload: bytes | None = None
        for part in message.iter_parts() if message.is_multipart() else ():
            name = part.get_param("name", header="content-disposition")
            if name == guess.STORAGE_FILE_FIELD and part.get_filename() is not None:
                upload = part.get_payload(decode=True) or b""
            elif name:
                is_text = part.get_content_maintype() == "text"
                fields[str(name)] = part.get_content().strip() if is_text else ""
        with self.store.transaction() as db:
            key = fields.get("key", "")
            row = db.execute("SELECT * FROM attachments WHERE object_key = ?", (key,)).fetchone()
        if row is None or not hmac.compare_digest(fields.get("policy", ""), row["policy"]):
            return _s3_error(403, "AccessDenied", "Invalid according to Policy")
        if upload is None:
            return _s3_error(400, "InvalidArgument", f"POST needs a file field {guess.STORAGE_FILE_FIELD}")
        if len(upload) > row["size"]:
            return _s3_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
        with self.store.transaction() as db:
            db.execute("UPDATE attachments SET data = ? WHERE id = ?", (upload, row["id"]))
        location = f"{root}{STORAGE_PREFIX}/{quote(row['object_key'])}"
        xml = (
            "<?xml version='1.0' encoding='UTF-8'?><PostResponse>"
            f"<Location>{escape(location)}</Location><Bucket>local</Bucket>"
            f'<Key>{escape(row["object_key"])}</Key><ETag>"{row["id"]}"</ETag></PostResponse>'
        )
        return Raw(201, xml.encode(), {"Content-Type": "application/xml", "Location": location})

    def serve_file(self, path: str, token: str | None) -> Raw:
        """GET of an attachment's ``url`` (``/files/<key>``): the bytes, for a caller holding the token."""
        if self.refuse_downloads or token is None or not hmac.compare_digest(token, self._token):
            return _s3_error(403, "AccessDenied", "Access Denied")
        found = self.file(unquote(path.removeprefix(FILES_PREFIX + "/")))
        if found is None:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return Raw(200, found[1], {"Content-Type": found[0]})

    def file(self, key: str) -> tuple[str, bytes] | None:
        """The content type and bytes of a live attachment by object key (the web view serves them too)."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT content_type, data FROM attachments WHERE object_key = ? AND temp_url IS NOT NULL",
                (key,),
            ).fetchone()
        return None if row is None else (row["content_type"], bytes(row["data"]))

    # --- HTTP ----------------------------------------------------------------------------------------------

    def routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., Response]]]:
        """The ``/attachments`` resource, for the server's JSON:API route table."""
        one = r"^/api/v2/attachments/(\d+)$"
        table: list[tuple[str, str, Callable[..., Response]]] = [
            ("GET", r"^/api/v2/attachments$", self.list_route),
            ("POST", r"^/api/v2/attachments$", self.create_route),
            ("GET", one, self.get_route),
            ("PATCH", one, self.update_route),
            ("DELETE", one, self.delete_route),
        ]
        return [(method, re.compile(pattern), handler) for method, pattern, handler in table]

    def list_route(self, request: Request) -> Response:
        """``GET /attachments`` with ``filter[page_id]`` (comma list) and page-number pagination."""
        page_ids = None
        for key, value in request.query.items():
            if key == "filter[page_id]":
                try:
                    page_ids = [int(part) for part in value.split(",") if part.strip()]
                except ValueError:
                    raise Problem(400, f"Filter 'page_id' expects ids, not {value!r}",
                                  code="unsupported_filter_value_type") from None
            elif key.startswith("filter["):
                raise Problem(400, f"Filter '{key}' is not supported here", code="unsupported_filter")
        paging = listing.parse({k: v for k, v in request.query.items() if k.startswith("page[")})
        rows, total = self.rows(page_ids, paging.number, paging.size)
        meta, links = listing.pagination(paging, total, request.base_url + "attachments", request.query)
        root = _root(request)
        data = [self.resource(row, root) for row in rows]
        return Response(200, {"data": data, "meta": meta, "links": links})

    def create_route(self, request: Request) -> Response:
        row = self.create(envelope_attributes(request.body, required=True))
        return Response(201, {"data": self.resource(row, _root(request))})

    def get_route(self, request: Request, attachment_id: str) -> Response:
        return Response(200, {"data": self.resource(self.get(int(attachment_id)), _root(request))})

    def update_route(self, request: Request, attachment_id: str) -> Response:
        row = self.update(int(attachment_id), envelope_attributes(request.body, required=True))
        return Response(200, {"data": self.resource(row, _root(request))})

    def delete_route(self, request: Request, attachment_id: str) -> Response:
        self.delete(int(attachment_id))
        return Response(204)

    def serves(self, target: str) -> bool:
        """True for the storage and file URLs, which bypass the API pipeline (no API auth, no JSON)."""
        path = urlsplit(target).path
        return path == STORAGE_PREFIX or path.startswith((STORAGE_PREFIX + "/", FILES_PREFIX + "/"))

    def answer(self, handler: BaseHTTPRequestHandler) -> int:
        """Answer a storage POST or a file GET on ``handler``, as S3 would; returns the HTTP status."""
        parts = urlsplit(handler.path)
        root = f"http://{handler.headers.get('Host', '')}"
        close = False
        if handler.command == "POST" and parts.path == STORAGE_PREFIX:
            try:
                length = int(handler.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 < length <= MAX_OBJECT_SIZE + FORM_OVERHEAD:
                raw, close = _s3_error(400, "IncorrectContentLength", "missing or oversized body"), True
            else:
                body = handler.rfile.read(length)
                raw = self.storage_post(handler.headers.get("Content-Type", ""), body, root)
        elif handler.command == "GET" and parts.path.startswith(FILES_PREFIX + "/"):
            query = dict(parse_qsl(parts.query))
            token = query.get(guess.DOWNLOAD_TOKEN_PARAM) or handler.headers.get("X-Auth-Token")
            raw = self.serve_file(parts.path, token)
        else:
            raw, close = _s3_error(405, "MethodNotAllowed", f"{handler.command} is not allowed here"), True
        handler.send_response(raw.status)
        for key, value in {**raw.headers, "Content-Length": str(len(raw.body))}.items():
            handler.send_header(key, value)
        if close:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        handler.wfile.write(raw.body)
        return raw.status


def _root(request: Request) -> str:
    """``http://host:port`` of the server, from its API base URL."""
    return request.base_url.split("/api/v2/")[0]
