"""Push side of assets: upload a page's local images and files as attachments, then point the body at them.

The upload is the 4-step flow of spec §4.10: create the attachment, POST the file to storage with the
returned policy, PATCH ``temp_url`` with the storage ``Location``; the fourth step, linking it to the page,
is assumed done by ``page_id`` on create. Every guessed detail lives in ``sync.attachments_inferred``.

Uploads are deduplicated per page by content hash: ``records`` (kept in the page's sync state entry) maps a
hash to the attachment already holding those bytes, so an unchanged asset is never uploaded twice, and a
changed one gets a new upload and a new URL, which changes the body and makes the sync engine write it.
The old attachment is not deleted: earlier page versions (spec §4.10, page versions) still show it.

Planning (``plan_assets``) makes no request; ``upload_planned`` makes the uploads a plan lists, so a push
uploads only for the pages whose write goes ahead (``sync.engine.page_assets``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path
from typing import Any

from productive_docs.converter import inferred
from productive_docs.converter.model import Node
from productive_docs.sync.api import attachments_inferred as guess
from productive_docs.sync.api.attachments import Attachment
from productive_docs.sync.api.client import Client
from productive_docs.sync.api.errors import ApiError, NetworkError, ServerError
from productive_docs.sync.assets.references import (
    DEFAULT_MAX_SIZE,
    FILE,
    Asset,
    AssetProblem,
    AssetReport,
    Records,
    find_assets,
    rewrite_refs,
)


def _attributes(answer: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    data = (answer or {}).get("data") or {}
    return str(data.get("id")), dict(data.get("attributes") or {})


def upload(client: Client, asset: Asset, page_id: str) -> Attachment:
    """Upload one asset as an attachment of ``page_id``.

    Raises ``ApiError`` subclasses; a storage failure is a ``ServerError`` or ``NetworkError``.
    """
    attributes = {
        "page_id": int(page_id) if str(page_id).isdigit() else page_id,
        "name": asset.name,
        "content_type": asset.content_type,
        "size": asset.size,
        "attachable_type": guess.ATTACHABLE_TYPE,
        "attachment_type": guess.attachment_type(asset.content_type),
    }
    envelope = {"data": {"type": "attachments", "attributes": attributes}}
    created = client.request("POST", "attachments", payload=envelope)
    attachment_id, created_attrs = _attributes(created)
    policy = {str(key): str(value) for key, value in (created_attrs.get("aws_policy") or {}).items()}
    target = guess.storage_url(created_attrs)
    files = {guess.STORAGE_FILE_FIELD: (asset.name, asset.read(), asset.content_type)}
    try:
        stored = client.transport.post_form(target, policy, files)
    except NetworkError as error:
        raise NetworkError(f"storage upload of {asset.name} failed: {error}") from None
    except ApiError as error:
        raise ServerError(f"storage refused {asset.name}: HTTP {error.status}", status=error.status) from None
    if stored.status_code >= 300:
        status = stored.status_code
        raise ServerError(f"storage refused {asset.name}: HTTP {status}", status=status)
    location = guess.storage_location(stored.content, dict(stored.headers))
    if not location:
        raise ServerError(f"storage gave no Location for {asset.name}")
    patched = client.request(
        "PATCH",
        f"attachments/{attachment_id}",
        payload={"data": {"type": "attachments", "id": attachment_id, "attributes": {"temp_url": location}}},
    )
    url = guess.embed_url(_attributes(patched)[1]) or location
    return Attachment(url, asset.name, str(page_id), attachment_id)


def _as_file_nodes(doc: Node, uploaded_files: dict[str, Asset]) -> Node:
    """Each run of text linked to an uploaded non-image file becomes one ``file`` node (a chip).

    The linked text becomes the chip's name, so nothing the author wrote is lost.
    """
    if not uploaded_files:
        return doc
    url_key, name_key, type_key = (inferred.FILE_ATTRS[k] for k in ("url", "name", "file-type"))

    def file_href(node: Node) -> str | None:
        hrefs = (m.attrs.get("href") for m in node.marks if m.type == "link") if node.type == "text" else ()
        return next((href for href in hrefs if href in uploaded_files), None)

    def visit(node: Node) -> Node:
        if not node.content:
            return node
        content: list[Node] = []
        for href, run in groupby(node.content, key=file_href):
            if href is None:
                content += [visit(child) for child in run]
                continue
            texts = list(run)
            asset = uploaded_files[href]
            label = "".join(t.text or "" for t in texts) or asset.name
            attrs = {type_key: asset.content_type, url_key: href, name_key: label}
            content.append(Node(inferred.FILE, attrs, line=texts[0].line))
        return replace(node, content=content)

    return visit(doc)


@dataclass(slots=True)
class AssetPlan:
    """A page's assets as planned, before any request: the document with the uploads it already has put in
    place, and the uploads it still needs (made by ``upload_planned`` once the page's write goes ahead)."""

    doc: Node
    page_id: str | None
    #: Reference as written -> the local file still to upload.
    uploads: dict[str, Asset]
    #: Content hashes of the records the document uses (with ``uploads``: every record it will use).
    used: set[str]
    report: AssetReport
    #: The local files the assets were read from (``data:`` URLs have none).
    files: list[Path] = field(default_factory=list)


def plan_assets(
    doc: Node,
    page_file: Path,
    page_id: str | None,
    records: Mapping[str, Attachment],
    *,
    root: Path | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    page: str | None = None,
) -> AssetPlan:
    """What ``doc`` needs uploaded that ``records`` lacks, without a request: known hashes are rewritten to
    their uploads, the rest are listed in ``uploads`` (and ``report.pending``) and keep their local reference.
    Missing and oversized assets keep theirs too and are listed in ``report.problems``."""
    name = page or str(page_file)
    scan = find_assets(doc, page_file, root=root, max_size=max_size, page=name)
    report = AssetReport(name, "uploaded", problems=scan.problems)
    new_refs: dict[str, str] = {}
    uploaded_files: dict[str, Asset] = {}
    uploads: dict[str, Asset] = {}
    used: set[str] = set()
    for ref, asset in scan.assets.items():
        record = records.get(asset.sha256)
        if record is None or record.page_id not in (None, str(page_id)):
            uploads[ref] = asset
            report.pending.append(asset.name)
            continue
        report.reused.append(asset.name)
        used.add(asset.sha256)
        new_refs[ref] = record.url
        if asset.kind == FILE:
            uploaded_files[record.url] = asset
    doc = _as_file_nodes(rewrite_refs(doc, new_refs), uploaded_files)
    files = [asset.path for asset in scan.assets.values() if asset.path is not None]
    return AssetPlan(doc, None if page_id is None else str(page_id), uploads, used, report, files)


def upload_planned(plan: AssetPlan, client: Client, records: Records) -> tuple[Node, AssetReport]:
    """Make the plan's uploads (the page must exist) and return the doc pointing at them. ``records`` gains
    the new uploads and drops the records the doc no longer uses; a failed upload joins the problems and
    keeps its local reference."""
    if plan.page_id is None:
        raise ValueError("upload_planned needs the page's id")
    report = AssetReport(plan.report.page, plan.report.action, reused=list(plan.report.reused),
                         problems=list(plan.report.problems))
    new_refs: dict[str, str] = {}
    uploaded_files: dict[str, Asset] = {}
    used = set(plan.used)
    for ref, asset in plan.uploads.items():
        record = records.get(asset.sha256)
        if record is not None and record.page_id == plan.page_id:
            report.reused.append(asset.name)  # the same bytes under two references: uploaded once
        else:
            try:
                record = upload(client, asset, plan.page_id)
            except ApiError as error:
                failed = AssetProblem(report.page, None, asset.kind, ref, f"upload failed: {error}")
                report.problems.append(failed)
                continue
            records[asset.sha256] = record
            report.transferred.append(asset.name)
        used.add(asset.sha256)
        new_refs[ref] = record.url
        if asset.kind == FILE:
            uploaded_files[record.url] = asset
    for stale in [digest for digest in records if digest not in used]:
        del records[stale]
    return _as_file_nodes(rewrite_refs(plan.doc, new_refs), uploaded_files), report


def prepare_assets(
    doc: Node,
    page_file: Path,
    page_id: str | None,
    client: Client,
    records: Records,
    *,
    root: Path | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    dry_run: bool = False,
    page: str | None = None,
) -> tuple[Node, AssetReport]:
    """``plan_assets`` then, unless ``dry_run`` or the page does not exist yet, ``upload_planned``."""
    plan = plan_assets(doc, page_file, page_id, records, root=root, max_size=max_size, page=page)
    if dry_run or page_id is None:
        return plan.doc, plan.report
    return upload_planned(plan, client, records)
