"""The migration report, ``OUT_DIR/IMPORT-REPORT.md``: what was imported and what needs a human.

It is written into the docs folder so it is reviewed in git with the pages; its front matter says
``productive: false`` so pushing the folder never turns it into a page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from productive_docs.sync.confluence.assets import AssetCounts

REPORT_NAME = "IMPORT-REPORT.md"
#: Problems listed one by one up to this many per section; the count always covers all.
MAX_LISTED = 500


@dataclass(frozen=True, slots=True)
class Problem:
    """A reference (or page) that needs attention: on which output page, what, and why."""

    page: str
    ref: str
    note: str = ""


@dataclass(slots=True)
class ImportStats:
    """Everything the report counts, filled in by the importer."""

    export: str
    #: What was imported ("Confluence", "Word"): the report's heading.
    kind: str = "Confluence"
    pages: int = 0
    home: str = ""
    placed_by_breadcrumbs: list[Problem] = field(default_factory=list)
    links_rewritten: int = 0
    images: int = 0
    attachment_links: int = 0
    files_listed: int = 0
    assets: AssetCounts = field(default_factory=AssetCounts)
    lowered: Counter[str] = field(default_factory=Counter)
    broken_links: list[Problem] = field(default_factory=list)
    missing_files: list[Problem] = field(default_factory=list)
    failed_pages: list[Problem] = field(default_factory=list)
    #: Files an earlier import wrote that this one no longer does (renamed or deleted pages), removed.
    stale_removed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _table(problems: list[Problem], headers: tuple[str, str, str]) -> list[str]:
    if not problems:
        return ["None.", ""]
    lines = [f"| {' | '.join(headers)} |", "| --- | --- | --- |"]
    lines += [f"| {_cell(p.page)} | `{_cell(p.ref)}` | {_cell(p.note)} |" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"| ... | {len(problems) - MAX_LISTED} more | |")
    return [*lines, ""]


def render(stats: ImportStats) -> str:
    """The report as Markdown."""
    lines = [
        "---",
        "productive: false",
        "---",
        f"# {stats.kind} import report",
        "",
        f"Source: `{stats.export}`, imported in {stats.seconds:.1f} s.",
        "",
        "| what | count |",
        "| --- | --- |",
        f"| pages | {stats.pages} |",
        f"| pages placed by breadcrumbs (not in index.html) | {len(stats.placed_by_breadcrumbs)} |",
        f"| pages that failed to convert | {len(stats.failed_pages)} |",
        f"| links between pages rewritten | {stats.links_rewritten} |",
        f"| image references | {stats.images} |",
        f"| attachment links in page bodies | {stats.attachment_links} |",
        f"| attachments added as \"Files\" lists | {stats.files_listed} |",
        f"| files copied to assets folders | {stats.assets.copied} ({stats.assets.bytes_written:,} bytes) |",
        f"| identical files stored once | {stats.assets.deduplicated} |",
        f"| lowered constructs | {sum(stats.lowered.values())} |",
        f"| broken links (pages not in the export) | {len(stats.broken_links)} |",
        f"| missing files | {len(stats.missing_files)} |",
        f"| files of an earlier import removed | {len(stats.stale_removed)} |",
        "",
        "## Lowered constructs",
        "",
    ]
    if stats.lowered:
        lines += ["| construct | count |", "| --- | --- |"]
        lines += [f"| {_cell(what)} | {count} |" for what, count in sorted(stats.lowered.items())]
        lines.append("")
    else:
        lines += ["None.", ""]
    sections = (
        ("Pages that failed to convert", stats.failed_pages, ("page", "export file", "error")),
        ("Pages placed by their breadcrumbs", stats.placed_by_breadcrumbs, ("page", "export file", "parent")),
        ("Broken links", stats.broken_links, ("page", "link", "why")),
        ("Missing files", stats.missing_files, ("page", "reference", "what")),
    )
    for title, problems, headers in sections:
        lines += [f"## {title} ({len(problems)})", "", *_table(problems, headers)]
    if stats.stale_removed:
        lines += [f"## Files of an earlier import removed ({len(stats.stale_removed)})", ""]
        lines += [f"- `{name}`" for name in stats.stale_removed]
    return "\n".join(lines).rstrip() + "\n"
