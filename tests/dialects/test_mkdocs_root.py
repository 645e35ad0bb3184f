"""A MkDocs project pushed from its root (``push .`` beside ``mkdocs.yml``): the site's ``docs_dir`` is what
is synced, not the README and CHANGELOG beside it; and snippets read from the site root above the synced
folder, inside it only, said in the output."""

from __future__ import annotations

from pathlib import Path

from productive_docs.sync.cli.main import main
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.state import default_path

MKDOCS = """site_name: X
markdown_extensions:
  - pymdownx.snippets
nav:
  - Home: index.md
  - Usage: usage.md
  - Install: install.md
"""
PROJECT = {
    "mkdocs.yml": MKDOCS,
    "README.md": "# The project\n\nSee the docs.\n",
    "CHANGELOG.md": "# Changelog\n\n## 1.0\n\nFirst.\n",
    "docs/index.md": "# Home\n\nWelcome.\n\n--8<-- \"includes/note.md\"\n",
    "docs/install.md": "# Install\n\nRun pip.\n",
    "docs/usage.md": "# Usage\n\n--8<-- \"README.md\"\n",
    "includes/note.md": "Included from the site root.\n",
    ".env": "PRODUCTIVE_API_TOKEN=secret\n",
}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _titles(client, doc_id: str) -> list[str]:
    return [page.title for page in client.list_pages(filters={"parent_page_id": doc_id}, fields=["title"])]


def test_push_at_the_project_root_pushes_the_docs_dir_as_the_site_sees_it(tmp_path, fast_client) -> None:
    root = _write(tmp_path / "project", PROJECT)
    result = push_folder(root, fast_client, project_id="1")
    assert result.exit_code == 0, result.outcomes
    assert [o.display for o in result.outcomes] == ["index.md", "usage.md", "install.md"]
    assert _titles(fast_client, result.doc_id) == ["Usage", "Install"]
    assert any("docs_dir docs/" in note for note in result.notes), result.notes
    assert default_path(root / "docs").exists() and not default_path(root).exists()
    again = push_folder(root, fast_client)
    assert {str(o.action) for o in again.outcomes} == {"unchanged"}


def test_the_cli_at_the_project_root_says_so_and_status_follows(env, tmp_path, capsys) -> None:
    root = _write(tmp_path / "project", PROJECT)
    assert main(["push", str(root), "--project", "1"]) == 0
    captured = capsys.readouterr()
    assert "docs_dir docs/ is synced" in captured.err
    assert "README.md" not in captured.out and "CHANGELOG.md" not in captured.out
    assert main(["status", str(root), "--exit-code"]) == 0
    assert main(["push", str(root), "--site", "plain", "--dry-run"]) == 0
    assert "CHANGELOG.md" in capsys.readouterr().out  # a plain folder is every file, as before


def test_a_root_synced_whole_before_stays_so_and_says_how_to_change(tmp_path, fast_client) -> None:
    root = _write(tmp_path / "project", PROJECT)
    push_folder(root, fast_client, project_id="1", site="plain")
    result = push_folder(root, fast_client, dry_run=True)
    assert any("synced as a whole before" in note for note in result.notes), result.notes
    assert "CHANGELOG.md" in {o.display for o in result.outcomes}


def test_snippets_come_from_the_site_root_above_the_folder_said_once(tmp_path, fast_client) -> None:
    root = _write(tmp_path / "project", PROJECT)
    result = push_folder(root / "docs", fast_client, project_id="1")
    notes = [note for note in result.notes if "snippets" in note]
    assert len(notes) == 1 and str(root.resolve()) in notes[0], result.notes
    home = fast_client.get_page(result.doc_id)
    assert "Included from the site root." in str(home.body)
    usage = next(p for p in fast_client.list_pages(filters={"parent_page_id": result.doc_id})
                 if p.title == "Usage")
    assert "See the docs." in str(fast_client.get_page(usage.id).body)


def test_a_hidden_file_or_one_outside_the_site_root_is_never_read(tmp_path, fast_client) -> None:
    files = dict(PROJECT)
    files["docs/install.md"] = '# Install\n\n--8<-- ".env"\n\n--8<-- "../outside.md"\n'
    root = _write(tmp_path / "project", files)
    (tmp_path / "outside.md").write_text("Not the site's.\n", encoding="utf-8")
    result = push_folder(root / "docs", fast_client, project_id="1")
    install = next(o for o in result.outcomes if o.display == "install.md")
    assert any("'.env' (a hidden file or folder is not read)" in d for d in install.details), install.details
    assert any("'../outside.md' (outside the site's folder)" in d for d in install.details), install.details
    page = fast_client.get_page(install.page_id)
    assert "secret" not in str(page.body) and "Not the site's" not in str(page.body)


def test_no_note_when_the_site_root_is_the_synced_folder(tmp_path, fast_client) -> None:
    root = _write(tmp_path / "site", {"mkdocs.yml": "site_name: X\ndocs_dir: .\n", "index.md": "# Home\n"})
    result = push_folder(root, fast_client, project_id="1")
    assert not [note for note in result.notes if "snippets" in note]


def test_pull_of_one_doc_at_the_project_root_writes_into_the_docs_dir(env, tmp_path, capsys) -> None:
    root = _write(tmp_path / "project", PROJECT)
    assert main(["push", str(root), "--project", "1"]) == 0
    doc_id = next(line for line in capsys.readouterr().out.splitlines() if "; doc " in line).rsplit(" ", 1)[1]
    assert main(["pull", "--doc", doc_id, str(root)]) == 0
    assert "docs_dir docs/ is synced" in capsys.readouterr().err
    assert not (root / "usage.md").exists() and not (root / "index.md").exists()
    assert main(["push", str(root)]) == 0
    assert "0 writes" in capsys.readouterr().out


def test_pages_the_nav_puts_in_another_folder_are_created_on_the_first_push(tmp_path, fast_client) -> None:
    """typer's nav puts ``environment-variables.md`` under the ``tutorial/`` section: created level by level
    from their file names, such pages met a parent not created yet and were skipped until a second push."""
    nav = ("site_name: X\nnav:\n  - index.md\n  - Tutorial:\n      - tutorial/index.md\n      - env.md\n"
           "      - tutorial/install.md\n  - About:\n      - about/index.md\n      - help.md\n")
    root = _write(tmp_path / "site", {
        "mkdocs.yml": nav, "docs/index.md": "# Home\n", "docs/env.md": "# Env\n", "docs/help.md": "# Help\n",
        "docs/tutorial/index.md": "# Tutorial\n", "docs/tutorial/install.md": "# Install\n",
        "docs/about/index.md": "# About\n"})
    result = push_folder(root, fast_client, project_id="1")
    assert result.exit_code == 0 and {str(o.action) for o in result.outcomes} == {"created"}, result.outcomes
    tutorial, about = fast_client.list_pages(filters={"parent_page_id": result.doc_id}, fields=["title"])
    assert _titles(fast_client, tutorial.id) == ["Env", "Install"]
    assert _titles(fast_client, about.id) == ["Help"]


def test_a_nav_title_holds_when_an_unchanged_file_is_read_again(tmp_path, fast_client) -> None:
    """httpx: the nav titles index.md "Introduction", its heading says "HTTPX"; a second push read the
    unchanged file again for its image and renamed the doc to the heading."""
    nav = "site_name: X\nnav:\n  - Introduction: index.md\n  - a.md\n"
    root = _write(tmp_path / "site", {"mkdocs.yml": nav, "docs/index.md": "# HTTPX\n\n![logo](logo.png)\n",
                                      "docs/a.md": "# A\n"})
    (root / "docs" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    first = push_folder(root, fast_client, project_id="1")
    assert fast_client.get_page(first.doc_id).title == "Introduction"
    again = push_folder(root, fast_client)
    assert again.requests["writes"] == 0, [(o.display, str(o.action)) for o in again.outcomes]


def test_a_root_whose_mkdocs_yml_is_not_yaml_syncs_the_default_docs_dir(tmp_path) -> None:
    """Bad YAML reads as no settings: MkDocs' default ``docs`` (PyYAML is imported where the file is
    read; this was a NameError)."""
    from productive_docs.sync.engine.sites.mkdocs import docs_folder

    (tmp_path / "mkdocs.yml").write_text("nav: [unclosed\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    assert docs_folder(tmp_path) == (tmp_path / "docs").resolve()
