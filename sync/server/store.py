"""The local server's page table in SQLite.

One connection guarded by one lock serves every request thread; each write runs in one transaction
(``with self._db``), so a request that fails half way leaves the database as it was. ``Store`` knows rows
and hierarchy rules; HTTP shapes live in ``sync.server.pages``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from productive_docs.converter.model import empty_doc, to_json

#: The stored body of a fresh page (spec §2.1), the same document the converter calls empty.
EMPTY_BODY = json.dumps(to_json(empty_doc()), separators=(",", ":"))

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    parent_page_id INTEGER REFERENCES pages(id),
    root_page_id INTEGER REFERENCES pages(id),
    project_id INTEGER,
    position INTEGER,
    version_number INTEGER,
    sibling_order INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    edited_at TEXT NOT NULL,
    last_activity_at TEXT,
    icon_id TEXT,
    cover_image_url TEXT,
    preferences TEXT,
    custom_fields TEXT,
    public_uuid TEXT
);
CREATE INDEX IF NOT EXISTS pages_parent ON pages(parent_page_id);
CREATE INDEX IF NOT EXISTS pages_root ON pages(root_page_id);
-- lists come in the default order (sibling_order, id) 200 at a time: with these, a page of a list walks
-- the index instead of sorting every match again, and a new page's order is not a scan of the table
CREATE INDEX IF NOT EXISTS pages_order ON pages(sibling_order);
CREATE INDEX IF NOT EXISTS pages_root_order ON pages(root_page_id, sibling_order);
CREATE INDEX IF NOT EXISTS pages_project_order ON pages(project_id, sibling_order);
CREATE INDEX IF NOT EXISTS pages_parent_order ON pages(parent_page_id, sibling_order);
-- a no-op push lists a doc newest first (sync.api.changes_inferred), 200 at a time: without these each
-- answer read and sorted all of a 10,000-page doc's rows (137 ms against 12 ms)
CREATE INDEX IF NOT EXISTS pages_root_edited ON pages(root_page_id, edited_at);
CREATE INDEX IF NOT EXISTS pages_root_updated ON pages(root_page_id, updated_at);
"""
#: Page ids start high, like Productive's, so tests notice ids mistaken for positions.
FIRST_ID = 100000


class StoreError(Exception):
    """A rule broken by a request; ``pointer``/``code`` become the JSON:API error."""

    def __init__(
        self, status: int, detail: str, *, code: str = "invalid_attribute", pointer: str | None = None
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.pointer = pointer


class Store:
    """Pages with their hierarchy; every public method is atomic and thread-safe."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level="DEFERRED")
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._last_time = datetime.now(UTC)
        with self._lock, self._db:
            self._db.executescript(SCHEMA)
            if (
                self._db.execute("SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'pages'").fetchone()[0]
                == 0
            ):
                self._db.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES ('pages', ?)", (FIRST_ID - 1,)
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one locked transaction: committed on success, rolled back on any error."""
        with self._lock, self._db:
            yield self._db

    def now(self) -> str:
        """An ISO-8601 timestamp with ms, strictly later than the previous one, so "moved" is observable."""
        with self._lock:
            moment = max(datetime.now(UTC), self._last_time + timedelta(milliseconds=1))
            self._last_time = moment
            return moment.isoformat(timespec="milliseconds")

    # --- reads -----------------------------------------------------------------------------------

    def get(self, page_id: int) -> dict[str, Any]:
        """One row; 404 when absent."""
        with self._lock:
            row = self._db.execute("SELECT * FROM pages WHERE id = ?", (page_id,)).fetchone()
        if row is None:
            raise StoreError(404, f"page {page_id} not found", code="record_not_found")
        return dict(row)

    def query(
        self, where: str, params: list[Any], order: str, limit: int, offset: int
    ) -> tuple[list[dict], int]:
        """Rows matching an SQL condition (built from known column names only) and their total count."""
        with self._lock:
            total = self._db.execute(f"SELECT COUNT(*) FROM pages WHERE {where}", params).fetchone()[0]
            # the rows skipped by OFFSET are walked in an index, never read whole (bodies included)
            rows = self._db.execute(
                f"SELECT * FROM pages WHERE id IN (SELECT id FROM pages WHERE {where} ORDER BY {order}"
                f" LIMIT ? OFFSET ?) ORDER BY {order}",
                [*params, limit, offset],
            ).fetchall()
        return [dict(row) for row in rows], total

    # --- writes ----------------------------------------------------------------------------------

    def create(
        self,
        title: str,
        body: str,
        *,
        project_id: int | None = None,
        parent_page_id: int | None = None,
        root_page_id: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new doc, or a subpage whose parent and root must agree (spec §4.3)."""
        with self.transaction() as db:
            if (parent_page_id is None) != (root_page_id is None):
                missing = "root_page_id" if root_page_id is None else "parent_page_id"
                raise StoreError(
                    422,
                    "a subpage needs both parent_page_id and root_page_id",
                    pointer=f"data/attributes/{missing}",
                )
            if parent_page_id is not None:
                if project_id is not None:
                    raise StoreError(
                        422,
                        "project can only be set on a root page",
                        code="page_project_root_page_only",
                        pointer="data/attributes/project_id",
                    )
                parent = self._row(db, parent_page_id, "parent_page_id")
                expected_root = parent["root_page_id"] or parent["id"]
                if root_page_id != expected_root:
                    raise StoreError(
                        422,
                        f"root_page_id must be {expected_root}, the root of the parent page",
                        pointer="data/attributes/root_page_id",
                    )
                project_id = parent["project_id"]
            now = self.now()
            values = {
                "title": title,
                "body": body,
                "parent_page_id": parent_page_id,
                "root_page_id": root_page_id,
                "project_id": project_id,
                "sibling_order": self._next_order(db),
                "created_at": now,
                "updated_at": now,
                "edited_at": now,
                "last_activity_at": now,
                "public_uuid": None if parent_page_id else str(uuid.uuid4()),
                **(extra or {}),
            }
            cursor = db.execute(
                f"INSERT INTO pages ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                list(values.values()),
            )
            if parent_page_id is not None:
                db.execute(
                    "UPDATE pages SET edited_at = ?, updated_at = ? WHERE id = ?", (now, now, parent_page_id)
                )
            assert cursor.lastrowid is not None
            return self.get(cursor.lastrowid)

    def write_body(self, page_id: int, change: Callable[[str], str]) -> dict[str, Any]:
        """Store ``change(current body)`` in one transaction, so concurrent appends never lose each other;
        ``version_number`` counts body writes (null until the first one)."""
        with self.transaction() as db:
            body = change(self._row(db, page_id)["body"])
            now = self.now()
            db.execute(
                "UPDATE pages SET body = ?, version_number = COALESCE(version_number, 0) + 1, edited_at = ?,"
                " updated_at = ?, last_activity_at = ? WHERE id = ?",
                (body, now, now, now, page_id),
            )
            return self.get(page_id)

    def rename(self, page_id: int, title: str) -> dict[str, Any]:
        """A new title moves ``edited_at`` but not ``version_number`` (spec §4.2)."""
        with self.transaction() as db:
            self._row(db, page_id)
            now = self.now()
            db.execute(
                "UPDATE pages SET title = ?, edited_at = ?, updated_at = ? WHERE id = ?",
                (title, now, now, page_id),
            )
            return self.get(page_id)

    def move(self, page_id: int, target_id: int) -> dict[str, Any]:
        """The page and its subtree become the last child of ``target_id`` and join its doc (spec §4.4)."""
        with self.transaction() as db:
            self._row(db, page_id)
            target = self._row(db, target_id, "target_doc_id")
            subtree = self._subtree(db, page_id)
            if target_id in subtree:
                raise StoreError(
                    422,
                    "a page cannot move into itself or its own subpages",
                    pointer="data/attributes/target_doc_id",
                )
            root = target["root_page_id"] or target["id"]
            now = self.now()
            marks = ",".join("?" * len(subtree))
            db.execute(
                f"UPDATE pages SET root_page_id = ?, project_id = ?, public_uuid = NULL"
                f" WHERE id IN ({marks})",
                [root, target["project_id"], *subtree],
            )
            db.execute(
                "UPDATE pages SET parent_page_id = ?, sibling_order = ?, updated_at = ? WHERE id = ?",
                (target_id, self._next_order(db), now, page_id),
            )
            db.execute("UPDATE pages SET edited_at = ?, updated_at = ? WHERE id = ?", (now, now, target_id))
            return self.get(page_id)

    def delete(self, page_id: int) -> int:
        """Delete the page with every subpage; returns how many rows went."""
        with self.transaction() as db:
            self._row(db, page_id)
            subtree = self._subtree(db, page_id)
            db.execute(f"DELETE FROM pages WHERE id IN ({','.join('?' * len(subtree))})", subtree)
            return len(subtree)

    # --- helpers ---------------------------------------------------------------------------------

    def _row(self, db: sqlite3.Connection, page_id: int, field: str | None = None) -> sqlite3.Row:
        row = db.execute("SELECT * FROM pages WHERE id = ?", (page_id,)).fetchone()
        if row is None:
            if field:
                raise StoreError(422, f"page {page_id} does not exist", pointer=f"data/attributes/{field}")
            raise StoreError(404, f"page {page_id} not found", code="record_not_found")
        return row

    def _subtree(self, db: sqlite3.Connection, page_id: int) -> list[int]:
        """The page and all its descendants."""
        rows = db.execute(
            "WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT p.id FROM pages p JOIN tree t"
            " ON p.parent_page_id = t.id) SELECT id FROM tree",
            (page_id,),
        ).fetchall()
        return [row[0] for row in rows]

    def _next_order(self, db: sqlite3.Connection) -> int:
        return db.execute("SELECT COALESCE(MAX(sibling_order), 0) + 1 FROM pages").fetchone()[0]
