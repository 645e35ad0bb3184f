"""Benchmark: pages per second and peak memory of each import kind, on the largest material at hand.

- confluence: the ``confluence-varlab`` HTML space export (405 pages), when it is beside the project;
- confluence-storage: md2conf's storage-format pages (``fixtures/confluence-storage/md2conf``);
- docx: mammoth's test documents (``fixtures/docx/mammoth``);
- notion: the Obsidian Importer's "Markdown & CSV" export (``fixtures/notion/markdown-csv-export.zip``, 279
  pages in a zip of zips);
- confluence-xml: XWiki's Confluence 4.3.2 site export (``fixtures/confluence-xml/confluence-4.3.2.zip``);
- gdocs: none real at hand; left out.

Each run is a child process of its own doing the whole import (reading the export, writing every file and
the report), so its peak resident memory (``ru_maxrss``) is its own (pool workers included: the largest of
the processes), with the garbage collector's thresholds of the command line (``sync.cli.main``). The kinds
with a pool over pages (confluence, notion, confluence-xml) run twice, interleaved
``--rounds`` times on the same input into fresh folders: with the default pool (one worker per core) and in
one process (``jobs=1``), the baseline. Printed: medians with their spread (min-max), pages/s, the ratio of
the median wall times (the pool is there to shorten the wait; only an otherwise idle machine shows it), and
the CPU time of all processes (what the pool costs on top of one process), with the load average. An
import of fewer than ``pool.MIN_PAGES`` pages stays in one process (the XML fixture has 7).

Every run writes into a new folder, and all of them are removed after a kind's last run, not after each run:
on an ext4 file system without a journal (this project's test machines) creating a file steps over every
inode freed in the last 60 seconds (``recently_deleted`` in ``perf``), so a run following the removal of the
previous run's 3,700 files spent about a third of its CPU time in the kernel on the bench's own clean-up
(sys 4.0 s against 0.5 s), which no user's import pays.

    python3 bench/bench_imports.py [--rounds N] [KIND ...]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "confluence-varlab"
STORAGE = ROOT / "fixtures" / "confluence-storage" / "md2conf"
DOCX = ROOT / "fixtures" / "docx" / "mammoth"
NOTION = ROOT / "fixtures" / "notion" / "markdown-csv-export.zip"
CONFLUENCE_XML = ROOT / "fixtures" / "confluence-xml" / "confluence-4.3.2.zip"
KINDS = ("confluence", "confluence-storage", "docx", "notion", "confluence-xml")
#: The kinds whose pages are read and written in a pool of processes (``jobs``).
POOLED = ("confluence", "notion", "confluence-xml")


def _measure(kind: str, jobs: int | None, out: str) -> dict[str, float | int | str]:
    """Run one kind in this process into the new folder ``out``: pages, seconds."""
    from productive_docs.sync.confluence.importer import import_export
    from productive_docs.sync.importers.confluence_xml import import_confluence_xml
    from productive_docs.sync.importers.docx import import_docx
    from productive_docs.sync.importers.notion import import_notion
    from productive_docs.sync.importers.storage import import_storage

    started, (cpu, sys_cpu) = time.perf_counter(), _cpu()
    if kind == "confluence":
        if not (CORPUS / "index.html").is_file():
            return {"kind": kind, "skipped": "confluence-varlab corpus not beside the project"}
        pages = import_export(CORPUS, Path(out) / "docs", progress=False, jobs=jobs).stats.pages
        source = CORPUS.name
    elif kind in ("notion", "confluence-xml"):
        source_path = NOTION if kind == "notion" else CONFLUENCE_XML
        importer = import_notion if kind == "notion" else import_confluence_xml
        pages = importer(source_path, Path(out) / "docs", jobs=jobs).stats.pages
        source = source_path.relative_to(ROOT).as_posix()
    elif kind == "docx":
        pages = import_docx(DOCX, Path(out) / "docs").stats.pages
        source = "fixtures/docx/mammoth"
    else:
        pages = import_storage(STORAGE, Path(out) / "docs").stats.pages
        source = "fixtures/confluence-storage/md2conf"
    seconds, (cpu_end, sys_end) = time.perf_counter() - started, _cpu()
    return {"kind": kind, "source": source, "pages": pages, "seconds": seconds, "cpu": cpu_end - cpu,
            "sys": sys_end - sys_cpu}


def _cpu() -> tuple[float, float]:
    """CPU seconds (all, and the kernel's share) of this process and its finished children (workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    kernel = own.ru_stime + children.ru_stime
    return own.ru_utime + children.ru_utime + kernel, kernel


def _child(kind: str, jobs: int | None, out: Path) -> dict[str, float | int | str]:
    command = [sys.executable, __file__, "--child", kind, "--out", str(out)]
    command += [] if jobs is None else ["--jobs", str(jobs)]
    child = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, float | int | str] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def _line(label: str, results: list[dict[str, float | int | str]]) -> float:
    seconds = [float(result["seconds"]) for result in results]
    cpus = [float(result["cpu"]) for result in results]
    kernel = statistics.median(float(result["sys"]) for result in results)
    median, pages = statistics.median(seconds), int(results[0]["pages"])
    peak = max(float(result["peak_mb"]) for result in results)
    print(f"  {label:28} {pages} pages in {median:.2f} s ({min(seconds):.2f}-{max(seconds):.2f}) = "
          f"{pages / median:.1f} pages/s, CPU {statistics.median(cpus):.2f} s ({min(cpus):.2f}-"
          f"{max(cpus):.2f}; kernel {kernel:.2f}), peak memory {peak:.0f} MB")
    return median


def _load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved runs of each kind (default 3)")
    parser.add_argument("kinds", nargs="*", metavar="KIND", help=", ".join(KINDS) + " (default: all)")
    args = parser.parse_args()
    if set(args.kinds) - set(KINDS):
        parser.error(f"unknown kind(s): {sorted(set(args.kinds) - set(KINDS))}")
    if args.child:
        from productive_docs.sync.cli.main import GC_THRESHOLDS

        gc.set_threshold(*GC_THRESHOLDS)  # as ``productive-docs import`` runs (pool workers inherit it)
        result = _measure(args.child, args.jobs, args.out)
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result["peak_mb"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, children) / 1024
        print(json.dumps(result))
        return
    for kind in args.kinds or KINDS:
        print(f"{kind} ({_load()}):")
        pooled: list[dict[str, float | int | str]] = []
        single: list[dict[str, float | int | str]] = []
        with tempfile.TemporaryDirectory() as kept:  # every run's output removed after the last run
            runs = (Path(kept) / f"run-{number}" for number in range(2 * args.rounds))
            for _ in range(args.rounds):
                if kind in POOLED:
                    pooled.append(_child(kind, None, next(runs)))
                    if "skipped" in pooled[-1]:
                        print(f"  skipped ({pooled[-1]['skipped']})")
                        break
                single.append(_child(kind, 1, next(runs)))
        if not single:
            continue
        print(f"  {single[0]['source']}, {args.rounds} interleaved runs, medians (min-max):")
        baseline = _line("one process (baseline)" if pooled else "one process", single)
        if pooled:
            median = _line("pool over pages", pooled)
            cpu = statistics.median(float(r["cpu"]) for r in pooled) / statistics.median(
                float(r["cpu"]) for r in single)
            print(f"  pool / one process: {baseline / median:.2f}x as fast (wall), {cpu:.2f}x the CPU time; "
                  f"{_load()}")


if __name__ == "__main__":
    main()
