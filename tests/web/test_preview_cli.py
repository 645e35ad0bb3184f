"""``productive-docs preview``: the sample docs on a throwaway server, never the configured account."""

from __future__ import annotations

import io
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from productive_docs.sync.cli.main import main
from productive_docs.sync.cli.preview import preview
from productive_docs.sync.server.app import LocalServer

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "docs"
URL = re.compile(r"^Preview of .* at (?P<url>http://\S+)$")
WAIT = 60


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A copy of fixtures/docs (the preview must leave it as it was)."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "docs"))


@pytest.fixture
def account(tmp_path: Path) -> Iterator[LocalServer]:
    """A stand-in for the configured Productive account, logging every request it gets."""
    log = tmp_path / "account.log"
    with LocalServer(db=":memory:", token="real-token", access_log=log).start() as server:
        yield server


def lines_of(process: subprocess.Popen) -> queue.Queue:
    lines: queue.Queue = queue.Queue()
    def read() -> None:
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)  # end of output

    threading.Thread(target=read, daemon=True).start()
    return lines


def wait_for_url(lines: queue.Queue, printed: list[str]) -> str:
    """The preview's URL, once printed; the lines before it go to ``printed``."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            printed.append(lines.get(timeout=1))
        except queue.Empty:
            continue
        match = URL.match(printed[-1])
        if match:
            return match["url"]
    raise AssertionError("no preview URL printed")


@contextmanager
def running_preview(folder: Path, **options: object) -> Iterator[str]:
    """``preview(folder)`` in a thread; yields the printed URL, then stops it and waits for the end."""
    out, stop = io.StringIO(), threading.Event()
    quiet = {"out": out, "err": io.StringIO()}
    runner = threading.Thread(target=preview, args=(folder,), kwargs={
        "open_browser": False, "stop": stop, "printer_options": quiet, **options})
    runner.start()
    try:
        deadline = time.monotonic() + WAIT
        while "Preview of" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        # the watcher may print after the URL line (a note of its first push): the URL line is looked for
        found = next(match for line in out.getvalue().splitlines() if (match := URL.match(line)))
        yield found["url"]
    finally:
        stop.set()
        runner.join(WAIT)
    assert not runner.is_alive()


def test_preview_prints_a_url_listing_every_page_and_never_calls_the_account(
        docs: Path, account: LocalServer, tmp_path: Path) -> None:
    config = tmp_path / "config" / "productive-docs"
    config.mkdir(parents=True)
    settings = f'api_token = "real-token"\norg_id = "1"\napi_url = "{account.url}"\n'
    (config / "config.toml").write_text(settings)
    env = {**os.environ, "PRODUCTIVE_API_TOKEN": "real-token", "PRODUCTIVE_ORG_ID": "1",
           "PRODUCTIVE_API_URL": account.url, "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "BROWSER": "false"}
    before = snapshot(docs)
    process = subprocess.Popen([sys.executable, "-m", "productive_docs.sync.cli.main", "preview", str(docs),
                                "--no-open"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, cwd=tmp_path)
    try:
        printed: list[str] = []
        lines = lines_of(process)
        url = wait_for_url(lines, printed)
        page = requests.get(url, timeout=10)
        assert page.status_code == 200
        links = {a["href"] for a in BeautifulSoup(page.text, "html.parser").select("nav.sidebar .tree a")}
        created = {line.split("(page ")[1].rstrip(")") for line in printed if line.startswith("created ")}
        assert len(created) == 37 and links == {f"/pages/{page_id}" for page_id in created}
        root = url.split("/pages/")[0]
        notes = []
        for link in links:
            answer = requests.get(root + link, timeout=10)
            assert answer.status_code == 200, link
            shown = BeautifulSoup(answer.text, "html.parser").select(".notes li")
            notes += [note.get_text() for note in shown]
        assert "02-guides/mentions-and-alerts.md:11: alert IMPORTANT -> banner info" in notes
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=WAIT)
    err = process.stderr.read()
    while (line := lines.get(timeout=WAIT)) is not None:
        printed.append(line)
    assert process.returncode == 0, err
    assert printed[-1] == "Preview stopped."
    assert not (tmp_path / "account.log").exists() or not (tmp_path / "account.log").read_text()
    assert snapshot(docs) == before  # no state, no ids written into DIR
    assert "real-token" not in "\n".join(printed) + err


def test_watch_keeps_the_preview_in_step(docs: Path) -> None:
    with running_preview(docs, watching=True) as url:
        root = url.split("/pages/")[0]
        page = BeautifulSoup(requests.get(url, timeout=10).text, "html.parser")
        assert page.select_one("script")["src"] == "/_view/reload.js"
        token = page.select_one('meta[name="preview-changes"]')["content"]
        readme = docs / "README.md"
        readme.write_text(readme.read_text() + "\n\nA sentence saved while previewing.\n")
        deadline = time.monotonic() + WAIT
        while requests.get(root + "/_view/changes", timeout=10).json() == token:
            assert time.monotonic() < deadline, "the preview did not follow the save"
            time.sleep(0.1)
        assert "A sentence saved while previewing." in requests.get(url, timeout=10).text


def test_a_taken_port_or_a_missing_folder_is_one_line(docs: Path, capsys: pytest.CaptureFixture) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["preview", str(docs), "--no-open", "--port", str(busy.getsockname()[1])]) == 2
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err
    assert main(["preview", str(docs / "nope"), "--no-open"]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_problems_are_on_their_pages_and_failed_files_on_the_doc(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "broken.md").write_text("---\ntitle: [unclosed\n---\nhi\n", encoding="utf-8")
    (docs / "image.md").write_text("# Image\n\n![img](missing.png)\n", encoding="utf-8")
    with running_preview(docs) as url:
        doc = BeautifulSoup(requests.get(url, timeout=10).text, "html.parser")
        problems = [note.get_text() for note in doc.select(".notes li.problem")]
        assert len(problems) == 1 and problems[0].startswith("broken.md: no page (broken.md:2: front matter")
        link = next(a["href"] for a in doc.select("nav .tree a") if a.get_text() == "Image")
        page = BeautifulSoup(requests.get(url.split("/pages/")[0] + link, timeout=10).text, "html.parser")
        assert [note.get_text() for note in page.select(".notes li.problem")] == [
            "image.md:3: image missing.png: file not found"]


def test_import_confluence_preview_shows_the_imported_folder(tmp_path: Path) -> None:
    export = Path(__file__).resolve().parents[2] / "fixtures" / "confluence" / "tiny-export"
    out_dir = tmp_path / "imported"
    process = subprocess.Popen([sys.executable, "-m", "productive_docs.sync.cli.main", "import-confluence",
                                str(export), "-o", str(out_dir), "-q", "--preview", "--no-open"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    lines = lines_of(process)  # the only reader of its output (``communicate`` would close it under it)
    try:
        url = wait_for_url(lines, [])
        page = BeautifulSoup(requests.get(url, timeout=10).text, "html.parser")
        assert len(page.select("nav.sidebar .tree a")) > 1
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)
    err = process.stderr.read()
    while lines.get(timeout=WAIT) is not None:
        pass
    assert process.returncode == 0, err  # Ctrl-C ends a preview cleanly (130 would mean "interrupted")
    assert main(["import-confluence", str(export), "--push", "--preview"]) == 2
