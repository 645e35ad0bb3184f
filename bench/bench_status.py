"""No-op ``status`` of a 1,000-page folder (issue 12's CI gate), against reading and parsing that folder.

``productive-docs status DIR --exit-code`` as CI runs it, through the command line entry point (connection,
folder lock, plan, the listing that finds pages created in Productive), on a folder in step with its doc:
exit 0, no write. The local server runs unthrottled in another process. Baselines, in the same process and
interleaved with it: reading every file of the folder (the least any status must do), and markdown-it-py's
``parse`` of every file (a tool that parses each file once). A third variant is the same ``status`` with the
fingerprints wiped from the state, so that every file is parsed.

Every figure is the median of ``--runs`` interleaved rounds, with its spread; the bench exits 0 when it ran.

    python3 bench/bench_status.py                  # 1,000 pages, 5 rounds
    python3 bench/bench_status.py --files 200 --runs 3
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import make_tree, served, summary  # noqa: E402
from markdown_it import MarkdownIt  # noqa: E402
from productive_docs.sync.api.client import Client  # noqa: E402
from productive_docs.sync.cli.main import main as cli  # noqa: E402
from productive_docs.sync.engine.push.run import push_folder  # noqa: E402
from productive_docs.sync.engine.state import default_path, load  # noqa: E402

UNLIMITED = (10**9, 1.0)


def files_of(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.md") if ".productive-docs" not in path.parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp, served() as (url, token, org_id):
        folder = make_tree(Path(temp) / "docs", args.files - 1)  # and its index.md
        with Client(url, token, org_id, rate_limit=UNLIMITED, org_rate_limit=UNLIMITED) as client:
            push_folder(folder, client, project_id="1")
            push_folder(folder, client)
        os.environ.update({"PRODUCTIVE_API_URL": url, "PRODUCTIVE_API_TOKEN": token,
                           "PRODUCTIVE_ORG_ID": str(org_id), "XDG_CONFIG_HOME": str(Path(temp) / "config")})
        paths = files_of(folder)
        markdown_it = MarkdownIt("commonmark").enable("table")
        codes: set[int] = set()

        def status() -> None:
            with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                codes.add(cli(["status", str(folder), "--exit-code"]))

        def status_parsing_all() -> None:
            """Fingerprints wiped for this run only (a status never remembers them again)."""
            path = default_path(folder)
            kept = path.read_bytes()
            state = load(path)
            for saved in state.pages.values():
                saved.fingerprint = None
            state.compact()
            status()
            path.write_bytes(kept)

        variants: dict[str, Callable[[], object]] = {
            "read every file": lambda: [path.read_bytes() for path in paths],
            "markdown-it-py parse of every file": lambda: [markdown_it.parse(path.read_text("utf-8"))
                                                           for path in paths],
            "status --exit-code (no-op)": status,
            "status, every file parsed": status_parsing_all,
        }
        timings: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.runs):
            for name, run in variants.items():
                started = time.perf_counter()
                run()
                timings[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(f"no-op status of {len(paths)} pages (exit codes {sorted(codes)}; 0 = in step), wall time:")
    for name, values in timings.items():
        print(f"  {name:36} {summary(values, 's', 3)}")
    noop = medians["status --exit-code (no-op)"]
    print(f"  ratio: {noop / medians['read every file']:.1f}x reading the folder, "
          f"{noop / medians['markdown-it-py parse of every file']:.2f}x parsing it with markdown-it-py, "
          f"{noop / medians['status, every file parsed']:.2f}x a status that parses every file")
    if codes != {0}:
        print("  NOT MET: status did not exit 0 on a folder in step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
