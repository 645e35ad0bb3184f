"""Attachments travel as ``Attachment`` values (issue 11) and the sync state keeps them as it always has."""

from __future__ import annotations

import json
from pathlib import Path

from productive_docs.sync.api.attachments import Attachment
from productive_docs.sync.engine.state import FORMAT, default_path, load

UPLOADED = {"id": "7", "url": "https://files.productive.io/attachments/files/1/original/a.png",
            "name": "a.png",
            "page_id": "12"}
DOWNLOADED = {"url": "https://files.productive.io/attachments/files/2/original/b.pdf", "name": "b.pdf",
              "page_id": None}


def test_a_state_written_before_reads_as_attachments_and_saves_unchanged(tmp_path: Path) -> None:
    path = default_path(tmp_path)
    path.parent.mkdir(parents=True)
    entry = {"id": "12", "parent": None, "title": "Page", "assets": {"h1": UPLOADED, "h2": DOWNLOADED}}
    path.write_text(json.dumps({"format": FORMAT, "pages": {"page.md": entry}}), encoding="utf-8")
    state = load(path)
    assert state.pages["page.md"].assets == {"h1": Attachment(UPLOADED["url"], "a.png", "12", "7"),
                                             "h2": Attachment(DOWNLOADED["url"], "b.pdf")}
    state.pages["page.md"].title = "Renamed"
    state.save()
    state.compact()
    saved = json.loads(path.read_text(encoding="utf-8"))["pages"]["page.md"]
    assert saved["assets"] == {"h1": UPLOADED, "h2": DOWNLOADED} and saved["title"] == "Renamed"


def test_the_state_form_round_trips() -> None:
    for record in (UPLOADED, DOWNLOADED):
        assert Attachment.from_json(record).to_json() == record
