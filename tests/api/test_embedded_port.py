"""The embedded server keeps its address across runs: attachment URLs stored in page bodies embed it."""

from __future__ import annotations

import socket

from productive_docs.sync.server.app import embedded, embedded_port


def test_the_embedded_server_comes_back_on_the_same_port(tmp_path):
    db = tmp_path / "server.sqlite3"
    with embedded(db) as first:
        url = first.url
    with embedded(db) as second:
        assert second.url == url
    assert url == f"http://127.0.0.1:{embedded_port(db)}/api/v2/"


def test_a_busy_port_falls_back_to_a_free_one(tmp_path):
    db = tmp_path / "server.sqlite3"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", embedded_port(db)))
        taken.listen()
        with embedded(db) as server:
            assert server.url.startswith("http://127.0.0.1:")
            assert server.url != f"http://127.0.0.1:{embedded_port(db)}/api/v2/"
