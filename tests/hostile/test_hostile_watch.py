"""``watch`` on a conflict: it pushed again and again (18 pushes in 10 s for a file in a subfolder, the
``.remote.md`` rewritten each time); now the conflict is reported once and nothing is pushed until the
file or its remote page changes."""

from __future__ import annotations

import io
import json
import threading
import time

from productive_docs.sync.api.client import Client
from productive_docs.sync.cli.output import Printer
from productive_docs.sync.engine import watch as watch_module
from productive_docs.sync.engine.push.run import PushOptions, push_folder
from productive_docs.sync.engine.result import Outcome, OutcomeAction

#: How long the watch is observed after its first push: 18 pushes happened in 10 s before the fix.
OBSERVED_S = 3.0


def test_a_conflict_in_a_subfolder_is_reported_once_and_not_pushed_again(hostile, monkeypatch):
    root = hostile.root
    (root / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "b.md").write_text("# B\n\nOriginal.\n", encoding="utf-8")
    with Client(hostile.server.url, hostile.token, hostile.server.org_id) as client:
        push_folder(root, client, project_id="1")
        state = (root / ".productive-docs" / "state.json").read_text(encoding="utf-8")
        page_id = json.loads(state)["pages"]["sub/b.md"]["id"]
        client.replace_body_with_markdown(page_id, "Changed in Productive.")
        (root / "sub" / "b.md").write_text("# B\n\nChanged here.\n", encoding="utf-8")
        (root / ".productive-docs" / "base.json").unlink()  # no base: the ``.remote.md`` way (else markers)
        pushes = []

        def counted(*args, **kwargs):
            pushes.append(time.monotonic())
            return push_folder(*args, **kwargs)

        monkeypatch.setattr(watch_module, "push_folder", counted)
        out = io.StringIO()
        stop = threading.Event()
        printer = Printer(out=out, err=out)
        thread = threading.Thread(target=watch_module.watch, args=(root, client, PushOptions(), printer),
                                  kwargs={"debounce": 0.2, "stop": stop})
        thread.start()
        try:
            deadline = time.monotonic() + 10
            while not pushes and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(OBSERVED_S)
            assert len(pushes) == 1, f"{len(pushes)} pushes in {OBSERVED_S} s"
            remote_copy = root / "sub" / "b.remote.md"
            assert remote_copy.is_file()
            written = remote_copy.stat().st_mtime_ns
            (root / "index.md").write_text("# Home\n\nEdited.\n", encoding="utf-8")
            deadline = time.monotonic() + 10
            while len(pushes) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(OBSERVED_S)
            assert len(pushes) == 2, "one save is one push"
            assert remote_copy.stat().st_mtime_ns == written, "the remote copy is not rewritten"
        finally:
            stop.set()
            thread.join(10)
    assert not thread.is_alive()
    assert out.getvalue().count("conflict   sub/b.md") == 1, out.getvalue()
    hostile.outputs.append(out.getvalue())


class _Lines:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def outcome(self, outcome: Outcome) -> None:
        self.shown.append((outcome.key, str(outcome.action)))


def test_a_file_left_with_conflict_markers_is_not_reported_again_as_a_failure() -> None:
    """A merge conflict writes markers into the file: the watch sees that save and pushes, which refuses the
    file; that refusal is the same conflict, already reported, until the file is resolved."""
    lines = _Lines()
    report = watch_module._ReportOnce(lines)  # type: ignore[arg-type]
    refusal = "a.md:3: unresolved merge conflict (markers `<<<<<<< local` ... `>>>>>>> productive`); keep ..."
    report(Outcome("a.md", "a.md", OutcomeAction.CONFLICT))
    report(Outcome("a.md", "a.md", OutcomeAction.FAILED, error=refusal))
    report(Outcome("a.md", "a.md", OutcomeAction.FAILED, error=refusal))
    report(Outcome("a.md", "a.md", OutcomeAction.UPDATED))
    report(Outcome("b.md", "b.md", OutcomeAction.FAILED, error=refusal))  # no conflict before: shown
    assert lines.shown == [("a.md", "conflict"), ("a.md", "updated"), ("b.md", "failed")]
