"""Confluence pages are decoded by the charset they declare, else as UTF-8, else by the export's default:
a page without ``<meta charset>`` gave mojibake titles ("GrÃ¼Ã\\x9fe")."""

from __future__ import annotations

import shutil
from pathlib import Path

import requests
from productive_docs.sync.confluence.export import open_export
from productive_docs.sync.confluence.pages import read_page

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "confluence" / "tiny-export"
META = '<META http-equiv="Content-Type" content="text/html; charset=UTF-8">'


def _rewrite(folder: Path, name: str, title: str, meta: str, encoding: str) -> None:
    path = folder / name
    html = path.read_text(encoding="utf-8").replace(META, meta)
    start = html.index('<span id="title-text">') + len('<span id="title-text">')
    end = html.index("</span>", start)
    path.write_bytes((html[:start] + f"Tiny Space : {title}" + html[end:]).encode(encoding))


def test_titles_are_decoded_by_declared_charset_else_utf8_else_the_default(tmp_path: Path):
    folder = tmp_path / "export"
    shutil.copytree(FIXTURE, folder)
    _rewrite(folder, "Setup_201.html", "Grüße", "", "utf-8")
    _rewrite(folder, "Guide_200.html", "Größe", '<meta charset="iso-8859-1">', "latin-1")
    _rewrite(folder, "300.html", "“Smart” – quotes", "", "cp1252")
    export = open_export(folder)
    titles = {name: read_page(name, export.read_text(name)).title
              for name in ("Setup_201.html", "Guide_200.html", "300.html")}
    assert titles == {"Setup_201.html": "Grüße", "Guide_200.html": "Größe", "300.html": "“Smart” – quotes"}


def test_the_local_server_answers_absurd_paging_with_a_400(hostile):
    headers = {"X-Auth-Token": hostile.token, "X-Organization-Id": str(hostile.server.org_id)}
    for query in ("page[number]=1e23", "page[number]=100000000000000000000000", "page[size]=1e23",
                  "page[number]=-1", "page[size]=99999999999999999999999999", "page[number]=NaN"):
        response = requests.get(f"{hostile.server.url}pages?{query}", headers=headers, timeout=10)
        assert response.status_code == 400, (query, response.status_code)
        assert response.json()["errors"][0]["status"] in ("400", 400)
