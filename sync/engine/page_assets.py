"""A synced page's assets: planned with its document (no request), uploaded only when its write goes ahead.

``sync.assets.upload`` knows documents, files and attachment records; this module ties them to a page of the
folder and its sync state entry (``PageState.assets`` holds the page's records). Planning is pure, so that
``status``, ``push --dry-run`` and the push itself see the same plan, and a page that ends in a conflict
uploads nothing (issue 11).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from productive_docs.sync.api.attachments import Attachment
from productive_docs.sync.api.client import Client
from productive_docs.sync.assets.references import DEFAULT_MAX_SIZE, rewrite_refs
from productive_docs.sync.assets.upload import AssetPlan, plan_assets, upload_planned
from productive_docs.sync.engine.documents import Prepared, local_version
from productive_docs.sync.engine.folder import LocalPage
from productive_docs.sync.engine.plan import LocalVersion
from productive_docs.sync.engine.state import PageState

#: Stands in, for hashing, for the URL an upload still to make will give (never a saved hash's input).
PENDING_UPLOAD = "productive-docs-upload:"


@dataclass(slots=True)
class PlannedAssets:
    """A page's document before its assets were looked at, and the plan for them."""

    base: Prepared
    plan: AssetPlan


def plan_page_assets(prepared: Prepared, page: LocalPage, folder: Path, saved: PageState | None, *,
                     options: str, max_size: int = DEFAULT_MAX_SIZE) -> tuple[Prepared, PlannedAssets | None]:
    """The prepared document with the uploads it already has in place (no request), and the plan.

    Assets not uploaded yet keep their local reference and make the page wait for itself, like a link to a
    page not created yet: once the page exists and its write goes ahead, ``upload_page_assets`` uploads them
    (a new page is planned again after its create, by the push's second pass). A missing or oversized asset
    also keeps the page waiting, so no later run trusts the file's fingerprint alone and the asset is looked
    for again; those problems join ``prepared.problems``.
    """
    if page.source is None:
        return prepared, None
    records = (saved.assets or {}) if saved else {}
    plan = plan_assets(prepared.doc, folder / page.source, saved.id if saved else None, records, root=folder,
                       max_size=max_size, page=page.source)
    return _with(prepared, plan, page, options), PlannedAssets(prepared, plan)


def planned_version(assets: PlannedAssets, options: str) -> LocalVersion:
    """The version a push plans with: uploads still to make count as changes (their URLs are not known yet,
    but the body will point at them), so a page whose upload failed last time is written again."""
    marks = {ref: PENDING_UPLOAD + asset.sha256 for ref, asset in assets.plan.uploads.items()}
    return local_version(rewrite_refs(assets.plan.doc, marks), options)


def upload_page_assets(assets: PlannedAssets, page: LocalPage, saved: PageState, client: Client, *,
                       options: str) -> Prepared:
    """Make the planned uploads (the page exists: ``saved``) and return the prepared document pointing at
    them; ``saved.assets`` keeps the records the document uses."""
    records: dict[str, Attachment] = dict(saved.assets or {})
    doc, report = upload_planned(assets.plan, client, records)
    saved.assets = records or None
    return _with(assets.base, AssetPlan(doc, saved.id, {}, set(), report), page, options)


def _with(prepared: Prepared, plan: AssetPlan, page: LocalPage, options: str) -> Prepared:
    report = plan.report
    waiting = prepared.waiting | ({page.key} if report.pending or report.problems else set())
    problems = prepared.problems + [str(problem) for problem in report.problems]
    version = prepared.version if plan.doc is prepared.doc else local_version(plan.doc, options)
    return replace(prepared, doc=plan.doc, version=version, waiting=waiting, problems=problems)
