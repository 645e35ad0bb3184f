"""The ``serve`` command, the embedded server, the access log, latency, and settings resolution."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from productive_docs.converter.errors import UsageError
from productive_docs.sync.api.client import Client
from productive_docs.sync.api.config import DEFAULT_API_URL, resolve_settings
from productive_docs.sync.server.app import LocalServer, default_db_path, embedded

ROOT = Path(__file__).resolve().parents[2]


def test_access_log_has_one_json_line_per_request(tmp_path: Path) -> None:
    log = tmp_path / "access.jsonl"
    with (
        LocalServer(access_log=log).start() as server,
        Client(server.url, server.token, server.org_id) as client,
    ):
        page = client.create_with_markdown("Doc", "x")
        client.get_page(page.id)
        with pytest.raises(Exception, match="404"):
            client.get_page(1)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(line["method"], line["status"]) for line in lines] == [("POST", 201), ("GET", 200), ("GET", 404)]
    assert lines[1]["path"].startswith(f"/api/v2/pages/{page.id}")
    assert all(line["duration_ms"] >= 0 for line in lines)


def test_latency_delays_every_request() -> None:
    with (
        LocalServer(latency_ms=80).start() as server,
        Client(server.url, server.token, server.org_id) as client,
    ):
        started = time.monotonic()
        client.list_pages()
        assert time.monotonic() - started >= 0.08


def test_file_database_persists_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "data" / "server.sqlite3"
    with embedded(db) as server, Client(server.url, server.token, server.org_id) as client:
        assert (server.token, server.org_id) == ("local-token", "1")
        page = client.create_with_markdown("Kept", "body")
    with LocalServer(db=db).start() as server, Client(server.url, server.token, server.org_id) as client:
        assert client.get_page(page.id).title == "Kept"
        assert client.create_with_markdown("Next", "x").id != page.id


def test_default_database_lives_in_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "productive-docs" / "server.sqlite3"


def test_serve_command_prints_url_token_and_org(tmp_path: Path) -> None:
    code = (
        "import sys; from productive_docs.sync.cli.main import _Parser;"
        " from productive_docs.sync.cli import serve as cli;"
        "p = _Parser(prog='productive-docs'); s = p.add_subparsers(dest='command'); cli.register(s);"
        "a = p.parse_args(sys.argv[1:]); sys.exit(a.run(a))"
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "serve",
            "--db",
            ":memory:",
            "--token",
            "tok",
            "--org",
            "42",
            "--rate-limit",
            "50/5",
            "--fail-rate",
            "0",
            "--latency",
            "0",
            "--access-log",
            str(tmp_path / "a.log"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [process.stdout.readline() for _ in range(4)]
        url = lines[0].rsplit(" ", 1)[1].strip()
        assert lines[2].strip() == "PRODUCTIVE_API_TOKEN=tok" and lines[3].strip() == "PRODUCTIVE_ORG_ID=42"
        with Client(url, "tok", "42") as client:
            assert client.create_with_markdown("Doc", "x").title == "Doc"
        assert (tmp_path / "a.log").read_text().count("\n") == 1
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("flag", [["--rate-limit", "ten"], ["--fail-rate", "2"]])
def test_serve_rejects_bad_flags(flag: list[str]) -> None:
    from productive_docs.sync.cli import serve as cli
    from productive_docs.sync.cli.main import _Parser

    parser = _Parser(prog="productive-docs")
    cli.register(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(["serve", *flag])
    assert caught.value.code == 2


def test_settings_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('api_token = "file-token"\norg_id = 7\napi_url = "http://file/api/v2/"\n')
    for name in ("PRODUCTIVE_API_TOKEN", "PRODUCTIVE_ORG_ID", "PRODUCTIVE_API_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = resolve_settings(config_path=config)
    assert (settings.token, settings.org_id, settings.base_url) == ("file-token", "7", "http://file/api/v2/")
    monkeypatch.setenv("PRODUCTIVE_API_TOKEN", "env-token")
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", "8")
    settings = resolve_settings(config_path=config)
    assert (settings.token, settings.org_id) == ("env-token", "8")
    settings = resolve_settings(token="flag-token", config_path=config)
    assert settings.token == "flag-token" and "flag-token" not in repr(settings)
    empty = resolve_settings(config_path=tmp_path / "missing.toml")
    assert (empty.token, empty.base_url) == ("env-token", DEFAULT_API_URL)


def test_from_settings_needs_a_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PRODUCTIVE_API_TOKEN", raising=False)
    with pytest.raises(UsageError, match="no API token"):
        Client.from_settings(org_id="1", config_path=tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("api_token = [")
    with pytest.raises(UsageError, match="broken.toml"):
        Client.from_settings(config_path=broken)


def test_from_settings_builds_a_working_client(
    local_server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODUCTIVE_API_URL", local_server.url)
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", local_server.org_id)
    with Client.from_settings(token=local_server.token, config_path=tmp_path / "none.toml") as client:
        assert client.list_pages() == []
