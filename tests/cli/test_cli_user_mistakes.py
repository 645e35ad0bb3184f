"""User mistakes end as one line on stderr with the documented exit code and write nothing they should not."""

from __future__ import annotations

from pathlib import Path

import pytest
from productive_docs.sync.cli.main import main

TREE = {"index.md": "# Home\n\nHello.\n", "a.md": "# A\n\nText.\n"}
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "confluence" / "tiny-export"


def _one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_pull_refuses_a_folder_of_other_files(env, make_tree, tmp_path, capsys) -> None:
    root = make_tree(TREE)
    assert main(["push", str(root), "--project", "1"]) == 0
    doc_id = capsys.readouterr().out.rsplit("doc ", 1)[1].strip()
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.md").write_text("mine\n", encoding="utf-8")
    assert main(["pull", "--doc", doc_id, str(other)]) == 2
    assert "not empty and not synced" in _one_line(capsys.readouterr().err)
    assert sorted(path.name for path in other.iterdir()) == ["a.md"]
    assert main(["pull", "--doc", doc_id, str(root)]) == 0, "the folder synced with the doc is fine"
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / ".gitkeep").touch()
    assert main(["pull", "--doc", doc_id, str(fresh)]) == 0
    assert main(["pull", "--doc", doc_id, str(fresh)]) == 0, "pulling again into a pulled folder"


def test_pull_into_a_file_is_refused(env, make_tree, capsys) -> None:
    root = make_tree(TREE)
    assert main(["pull", "--doc", "1", str(root / "a.md")]) == 2
    assert "not a folder" in _one_line(capsys.readouterr().err)


def test_push_refuses_a_state_path_it_could_not_save_before_writing(env, make_tree, fast_client,
                                                                    capsys) -> None:
    root = make_tree(TREE)
    (root / ".productive-docs").write_text("in the way\n", encoding="utf-8")
    assert main(["push", str(root), "--project", "1"]) == 2
    assert ".productive-docs: is a file" in _one_line(capsys.readouterr().err)
    assert fast_client.list_pages() == [], "no page may be created when its id cannot be recorded"


def test_wrong_token_and_wrong_org_are_one_line_without_the_token(env, make_tree, monkeypatch,
                                                                  capsys) -> None:
    root = make_tree(TREE)
    monkeypatch.setenv("PRODUCTIVE_API_TOKEN", "wrong-secret-token")
    assert main(["push", str(root), "--project", "1"]) == 1
    err = _one_line(capsys.readouterr().err)
    assert "401" in err and "wrong-secret-token" not in err
    monkeypatch.setenv("PRODUCTIVE_API_TOKEN", env.token)
    monkeypatch.setenv("PRODUCTIVE_ORG_ID", "999")
    assert main(["push", str(root), "--project", "1"]) == 1
    err = capsys.readouterr().err
    assert "403" in err and err.count("productive-docs: error:") == 1 and env.token not in err


def test_import_refuses_a_folder_of_other_files(tmp_path: Path, capsys) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "index.md").write_text("my own page\n", encoding="utf-8")
    assert main(["import-confluence", str(FIXTURE), "-o", str(out), "-q"]) == 2
    assert "not empty" in _one_line(capsys.readouterr().err)
    assert (out / "index.md").read_text(encoding="utf-8") == "my own page\n"
    (out / "index.md").unlink()
    assert main(["import-confluence", str(FIXTURE), "-o", str(out), "-q"]) == 0
    assert main(["import-confluence", str(FIXTURE), "-o", str(out), "-q"]) == 0, "a re-import updates"


def test_import_takes_its_folder_as_git_clone_does(tmp_path: Path, capsys) -> None:
    """``import SOURCE DIR`` as ``git clone URL DIR``; ``-o DIR`` says the same; two different folders are
    a mistake, refused before anything is written."""
    assert main(["import", str(FIXTURE), str(tmp_path / "docs"), "-q"]) == 0
    assert (tmp_path / "docs" / "index.md").is_file()
    assert main(["import", str(FIXTURE), str(tmp_path / "docs"), "-o", str(tmp_path / "docs"), "-q"]) == 0
    assert main(["import", str(FIXTURE), str(tmp_path / "a"), "-o", str(tmp_path / "b"), "-q"]) == 2
    assert "two output folders" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


@pytest.mark.parametrize("where", ["file", "below a file"])
def test_import_into_a_file_is_one_line(tmp_path: Path, capsys, where: str) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x\n", encoding="utf-8")
    out = blocker if where == "file" else blocker / "docs"
    assert main(["import-confluence", str(FIXTURE), "-o", str(out), "-q"]) in (1, 2)
    assert str(blocker) in _one_line(capsys.readouterr().err)
    assert blocker.read_text(encoding="utf-8") == "x\n"


def test_import_of_a_corrupt_zip_or_a_plain_folder(tmp_path: Path, capsys) -> None:
    corrupt = tmp_path / "space.zip"
    corrupt.write_bytes(b"PK\x03\x04 truncated")
    assert main(["import-confluence", str(corrupt), "-o", str(tmp_path / "a"), "-q"]) == 1
    assert "space.zip" in _one_line(capsys.readouterr().err)
    plain = tmp_path / "plain"
    plain.mkdir()
    assert main(["import-confluence", str(plain), "-o", str(tmp_path / "b"), "-q"]) == 1
    assert "not a Confluence HTML space export" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


@pytest.mark.parametrize("option", [
    ["--jobs", "0"], ["--max-asset-mb", "-1"], ["--max-asset-mb", "lots"],
    ["--link-template", "https://x/{nope}"], ["--link-template", "https://x/{page_id"],
    ["--link-template", "https://x/static"],
])
def test_nonsense_numbers_are_usage_errors(make_tree, option: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["push", str(make_tree(TREE)), *option])
    assert stopped.value.code == 2 and f"argument {option[0]}" in capsys.readouterr().err


def test_first_import_push_without_a_target_stops_before_importing(env, fast_client, capsys) -> None:
    assert main(["import-confluence", str(FIXTURE), "--push", "-q"]) == 2
    err = _one_line(capsys.readouterr().err)
    assert "--project ID" in err and "confluence-import-" not in err, "no temporary folder in the message"
    assert fast_client.list_pages() == []


def test_a_config_file_that_is_not_there_is_an_error(make_tree, tmp_path, monkeypatch, capsys) -> None:
    for name in ("PRODUCTIVE_API_TOKEN", "PRODUCTIVE_ORG_ID", "PRODUCTIVE_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["status", str(make_tree(TREE)), "--config", str(tmp_path / "typo.toml")]) == 2
    assert "typo.toml: no such config file" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "data").exists(), "the embedded server must not be started instead"


@pytest.mark.parametrize("command", ["push", "status", "watch"])
def test_a_missing_or_file_dir_is_a_usage_error(env, make_tree, tmp_path, capsys, command: str) -> None:
    assert main([command, str(tmp_path / "nope")]) == 2
    assert f"{tmp_path / 'nope'}: no such folder" in _one_line(capsys.readouterr().err)
    assert main([command, str(make_tree(TREE) / "a.md")]) == 2
    assert "a.md: not a folder" in _one_line(capsys.readouterr().err)


def test_an_interrupted_import_can_be_run_again(tmp_path: Path, monkeypatch, capsys) -> None:
    from productive_docs.sync.confluence import importer

    out = tmp_path / "docs"
    real = importer.Importer._record
    done: list[str] = []

    def import_then_stop(self, file, order, finished) -> None:
        if len(done) == 2:
            raise KeyboardInterrupt
        done.append(file)
        real(self, file, order, finished)

    monkeypatch.setattr(importer.Importer, "_record", import_then_stop)
    assert main(["import-confluence", str(FIXTURE), "-o", str(out), "-q"]) == 130
    assert any(out.rglob("*.md")), "the first pages were written"
    monkeypatch.setattr(importer.Importer, "_record", real)
    capsys.readouterr()
    assert main(["import-confluence", str(FIXTURE), "-o", str(out), "-q"]) == 0
