"""Start-up as a user feels it: whole processes, against ``python3 -c 'import markdown_it'`` run side by side.

Each round runs every command once, in turn (interleaved, so load on the machine hits all alike); the figures
are medians over the rounds of the CPU time of each process (user + system, less sensitive to a shared machine
than wall time), with the spread (min-max), and the ratio of medians to the baseline. The processes run as
an installed tool does: with bytecode caches (``PYTHONDONTWRITEBYTECODE`` unset, one untimed warm-up round;
without them every module of an editable install is compiled again in each process).

    python3 bench/bench_startup.py            # 15 rounds
    python3 bench/bench_startup.py --rounds 5
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

#: Issue 10 / 17 target: each command within this factor of the baseline.
TARGET = 1.5


#: The environment of the measured processes: bytecode caches written and used, as after ``pip install``.
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _cpu_seconds(command: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    tool = shutil.which("productive-docs")
    if tool is None:
        print("productive-docs is not installed (pip install -e .)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as temp:
        cwd = Path(temp)
        (cwd / "page.md").write_text("# Title\n\nOne *line*.\n", encoding="utf-8")
        commands = {
            "baseline: python3 -c 'import markdown_it'": [sys.executable, "-c", "import markdown_it"],
            "productive-docs --help": [tool, "--help"],
            "productive-docs --version": [tool, "--version"],
            "productive-docs push --help": [tool, "push", "--help"],
            "productive-docs convert page.md --to html": [tool, "convert", "page.md", "--to", "html"],
        }
        env_note = f"{os.cpu_count()} cores, {rounds} rounds"
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():  # warm-up: bytecode caches written, files in the page cache
            _cpu_seconds(command, cwd)
        for _ in range(rounds):
            for name, command in commands.items():
                times[name].append(_cpu_seconds(command, cwd))
    baseline = statistics.median(next(iter(times.values())))
    print(f"start-up, CPU time per process, median (min-max) over {env_note}:")
    worst = 0.0
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / baseline
        if not name.startswith("baseline"):
            worst = max(worst, ratio)
        print(f"  {name:45} {median * 1000:6.0f} ms ({min(values) * 1000:.0f}-{max(values) * 1000:.0f})"
              f"  {ratio:.2f}x")
    print(f"worst ratio {worst:.2f}x (target <= {TARGET}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
