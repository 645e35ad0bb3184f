"""Ctrl-C during a push, as a user presses it: exit code 130, one line, and a state that lets the next run
finish the job without a duplicate page."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from productive_docs.sync.cli.main import main

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FILES = 16


def test_ctrl_c_mid_push_then_push_again(fast_server, fast_client, make_tree, monkeypatch) -> None:
    fast_server.latency = 0.06  # every answer comes late, so the run can be interrupted half-way
    root = make_tree({f"p{i:02}.md": f"# Page {i}\n\nText {i}.\n" for i in range(FILES)})
    settings = {"PRODUCTIVE_API_TOKEN": fast_server.token, "PRODUCTIVE_ORG_ID": str(fast_server.org_id),
                "PRODUCTIVE_API_URL": fast_server.url}
    command = [sys.executable, "-m", "productive_docs", "push", str(root), "--project", "1", "--jobs", "2"]
    run = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, **settings}, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    created = 0
    for line in run.stdout:
        created += line.startswith("created")
        if created == 4:
            run.send_signal(signal.SIGINT)
            break
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130 and err.strip().endswith("interrupted") and "Traceback" not in err
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    assert main(["push", str(root)]) == 0
    titles = Counter(page.title for page in fast_client.list_pages())
    assert len(titles) == FILES + 1 and set(titles.values()) == {1}, titles
