"""Push side of assets: upload a page's local images and files as attachments, then point the body at them.

The upload is the 4-step flow of spec §4.10: create the attachment, POST the file to storage with the
returned policy, PATCH ``temp_url`` with the storage ``Location``; the fourth step, linking it to the page,
is assumed done by ``page_id`` on create. Every guessed detail lives in ``sync.attachments_inferred``.

Uploads are deduplicated per page by content hash: ``records`` (kept in the page's sync state entry) maps a
hash to the attachment already holding those bytes, so an unchanged asset is never uploaded twice, and a
changed one gets a new upload and a new URL, which changes the body and makes the sync engine write it.
The old attachment is not deleted: earlier page versions (spec §4.10, page versions) still show it.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby
from pathlib import Path
from typing import Any

import requests
from productive_docs.converter import inferred
from productive_docs.converter.model import Node
from productive_docs.sync.api import attachments_inferred as guess
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
from productive_docs.sync.engine.documents import Prepared, local_version
from productive_docs.sync.engine.folder import LocalPage
from productive_docs.sync.engine.state import PageState


def _attributes(answer: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    data = (answer or {}).get("data") or {}
    return str(data.get("id")), dict(data.get("attributes") or {})


def upload(client: Any, asset: Asset, page_id: str, *, timeout: float = 60.0) -> dict[str, Any]:
    """Upload one asset as an attachment of ``page_id``; its record (id, embed URL, name).

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
    try:
        stored = requests.post(
            target,
            data=policy,
            files={guess.STORAGE_FILE_FIELD: (asset.name, asset.read(), asset.content_type)},
            timeout=timeout,
        )
    except requests.RequestException as error:
        raise NetworkError(f"storage upload of {asset.name} failed: {type(error).__name__}") from None
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
    return {"id": attachment_id, "url": url, "name": asset.name, "page_id": str(page_id)}


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


def prepare_assets(
    doc: Node,
    page_file: Path,
    page_id: str | None,
    client: Any,
    records: Records,
    *,
    root: Path | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    dry_run: bool = False,
    page: str | None = None,
) -> tuple[Node, AssetReport]:
    """Upload what ``doc`` needs that ``records`` lacks, and return the doc pointing at the uploads.

    Call it before hashing and writing the body, once the page exists (``page_id``). With ``dry_run`` (or no
    page yet) nothing is uploaded: known hashes are rewritten, the rest are listed in ``pending`` and keep
    their local reference. Missing and oversized assets keep theirs too and are listed in ``problems``.
    Records of this page that the doc no longer uses are dropped.
    """
    name = page or str(page_file)
    scan = find_assets(doc, page_file, root=root, max_size=max_size, page=name)
    report = AssetReport(name, "uploaded", problems=scan.problems)
    new_refs: dict[str, str] = {}
    uploaded_files: dict[str, Asset] = {}
    used: set[str] = set()
    for ref, asset in scan.assets.items():
        record = records.get(asset.sha256)
        if record and record.get("page_id") not in (None, str(page_id)):
            record = None
        if record is None and not dry_run and page_id is not None:
            try:
                record = upload(client, asset, str(page_id))
            except ApiError as error:
                report.problems.append(AssetProblem(name, None, asset.kind, ref, f"upload failed: {error}"))
                continue
            records[asset.sha256] = record
            report.transferred.append(asset.name)
        elif record is None:
            report.pending.append(asset.name)
            continue
        else:
            report.reused.append(asset.name)
        used.add(asset.sha256)
        new_refs[ref] = record["url"]
        if asset.kind == FILE:
            uploaded_files[record["url"]] = asset
    if not dry_run:
        for stale in [digest for digest in records if digest not in used]:
            del records[stale]
    return _as_file_nodes(rewrite_refs(doc, new_refs), uploaded_files), report


def with_assets(
    prepared: Prepared,
    page: LocalPage,
    folder: Path,
    saved: PageState | None,
    client: Any,
    *,
    options: str,
    dry_run: bool = False,
    max_size: int = DEFAULT_MAX_SIZE,
) -> Prepared:
    """The push's prepared document with its assets uploaded (see ``prepare_assets``) and hashed again.

    The page's records live in its sync state entry (``saved.assets``). Missing and oversized assets join
    ``prepared.problems``.
    """
    if page.source is None:
        return prepared
    records: dict[str, dict[str, Any]] = dict(saved.assets or {}) if saved else {}
    page_id = saved.id if saved else None
    doc, report = prepare_assets(prepared.doc, folder / page.source, page_id, client, records, root=folder,
                                 max_size=max_size, dry_run=dry_run, page=page.source)
    if saved is not None and not dry_run:
        saved.assets = records or None
    # Assets not uploaded yet make the page wait for itself, like a link to a page not created yet: once the
    # page exists, the push prepares it again (``Push._second_pass``), uploads them and writes the body. A
    # missing, oversized or failed asset also keeps the page waiting, so no later run trusts the file's
    # fingerprint alone and the asset is looked for again.
    waiting = prepared.waiting | ({page.key} if report.pending or report.problems else set())
    problems = prepared.problems + [str(problem) for problem in report.problems]
    version = prepared.version if doc is prepared.doc else local_version(doc, options)
    return replace(prepared, doc=doc, version=version, waiting=waiting, problems=problems)
