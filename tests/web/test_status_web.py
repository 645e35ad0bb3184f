"""``status DIR --web``: the pending pages of a synced folder, local file and Productive side by side."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import requests
from bs4 import BeautifulSoup
from productive_docs.sync.cli.main import main
from productive_docs.sync.server.app import LocalServer

URL = re.compile(r"^\d+ page\(s\) with pending changes at (?P<url>http://\S+)$")


def test_status_web_shows_local_and_remote_block_by_block(env: LocalServer, make_tree) -> None:
    root = make_tree({"README.md": "# Home\n\nIntro.\n", "a.md": "# A\n\nFirst.\n\nSecond.\n",
                      "b.md": "# B\n\nStays.\n"})
    assert main(["push", str(root), "--project", "1"]) == 0
    (root / "a.md").write_text("# A\n\nFirst.\n\nSecond, edited.\n\nThird.\n", encoding="utf-8")
    command = [sys.executable, "-m", "productive_docs.sync.cli.main", "status", str(root), "--web",
               "--no-open"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ))
    try:
        deadline, url = time.monotonic() + 60, None
        while url is None and time.monotonic() < deadline:
            match = URL.match(process.stdout.readline().strip())
            url = match["url"] if match else None
        assert url, "no URL printed"
        index = BeautifulSoup(requests.get(url, timeout=10).text, "html.parser")
        links = [(a.get_text(), a["href"]) for a in index.select(".pending a")]
        assert [title for title, _ in links] == ["A"]
        page = BeautifulSoup(requests.get(url.removesuffix("/compare/") + links[0][1], timeout=10).text,
                             "html.parser")
        assert [(row["class"][0], row.select_one(".local").get_text(" ", strip=True),
                 row.select_one(".remote").get_text(" ", strip=True))
                for row in page.select("table.compare > tbody > tr")] == [
            ("same", "First.", "First."),
            ("changed", "Second, edited. Third.", "Second."),
        ]
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
