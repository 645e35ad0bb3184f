"""MkDocs: ``mkdocs.yml`` (``docs_dir``, ``nav``, ``markdown_extensions``) and awesome-pages ``.pages`` files.

``mkdocs.yml`` is read with PyYAML's safe loader taught to accept any tag (``!!python/name:...``,
``!ENV``): a tag's value is kept as plain data, nothing is imported or run.
"""

from __future__ import annotations

import posixpath
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from productive_docs.converter.readers.markdown_options import MarkdownOptions
from productive_docs.sync.engine.sites import NavEntry, Site

if TYPE_CHECKING:
    import yaml

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
#: At most this many nav entries and ``.pages`` files are followed (a bound on bad configuration).
MAX_ENTRIES = 10_000


@cache
def _tolerant_loader() -> type[yaml.SafeLoader]:
    """Safe loading where an unknown tag yields its plain value (built on first use: PyYAML is imported
    when a folder has a ``mkdocs.yml``, not to look for one)."""
    import yaml

    class TolerantLoader(yaml.SafeLoader):
        pass

    def any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        assert isinstance(node, yaml.ScalarNode)
        return loader.construct_scalar(node)

    for prefix in ("", "!", "tag:yaml.org,2002:python/"):
        TolerantLoader.add_multi_constructor(prefix, any_tag)
    return TolerantLoader


def load_yaml(path: Path) -> Any:
    import yaml

    return yaml.load(path.read_text(encoding="utf-8"), Loader=_tolerant_loader())


def config_path(folder: Path) -> Path | None:
    """``mkdocs.yml`` in the folder or the one above it."""
    for where in (folder, folder.resolve().parent):
        for name in CONFIG_NAMES:
            if (where / name).is_file():
                return where / name
    return None


def present(folder: Path) -> bool:
    return config_path(folder) is not None


def docs_folder(folder: Path) -> Path | None:
    """The ``docs_dir`` to sync instead of ``folder`` when ``folder`` is a MkDocs project root (its
    ``mkdocs.yml`` in it, its ``docs_dir`` a folder inside it): the site is made of that folder's files
    only, a ``README.md`` or ``CHANGELOG.md`` beside ``mkdocs.yml`` is not a page. None otherwise."""
    path = next((folder / name for name in CONFIG_NAMES if (folder / name).is_file()), None)
    if path is None:
        return None
    import yaml

    try:
        config = load_yaml(path)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        config = None
    docs_dir = config.get("docs_dir") if isinstance(config, dict) else None
    docs = (folder / str(docs_dir or "docs")).resolve()
    inside = docs != folder.resolve() and docs.is_relative_to(folder.resolve())
    return docs if inside and docs.is_dir() else None


def synced_folder(folder: Path, site: str = "auto",
                  state_path: Path | None = None) -> tuple[Path, str | None]:
    """The folder a push, ``status`` or ``watch`` of ``folder`` syncs, and a note saying why when it is
    not ``folder``: at a MkDocs project root, its ``docs_dir`` (as ``push docs`` would, state included). A
    root already synced as a whole (its own state) goes on that way, said so."""
    docs = docs_folder(folder) if site in ("auto", "mkdocs") else None
    if docs is None:
        return folder, None
    from productive_docs.sync.engine.state import default_path  # not for detecting a site (``convert``)

    shown = docs.relative_to(folder.resolve()).as_posix()
    if state_path is None and default_path(folder).exists():
        return folder, (f"{folder} holds mkdocs.yml but was synced as a whole before: its files outside "
                        f"{shown}/ stay pages (push {folder / shown} for the site alone)")
    return folder / shown, f"MkDocs project: its docs_dir {shown}/ is synced, as the site sees it"


def _extensions(config: dict[str, Any]) -> dict[str, Any]:
    """``markdown_extensions`` as name -> its options (a list of names or of one-key mappings, or a map)."""
    raw = config.get("markdown_extensions") or []
    if isinstance(raw, dict):
        return {str(k): v for k, v in raw.items()}
    out: dict[str, Any] = {}
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            out.update({str(k): v for k, v in item.items()})
        else:
            out[str(item)] = None
    return out


def build(folder: Path, files: frozenset[str] = frozenset()) -> Site:
    import yaml

    site = Site("mkdocs")
    path = config_path(folder)
    if path is None:
        site.options = MarkdownOptions("mkdocs", snippet_root=folder, snippet_bases=(folder,))
        return site
    try:
        config = load_yaml(path)
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        site.problems.append(f"{path.name}: cannot be read ({str(exc).splitlines()[0]}): nav not used")
        config = {}
    config = config if isinstance(config, dict) else {}
    root = path.parent
    docs = (root / str(config.get("docs_dir") or "docs")).resolve()
    # the synced folder is the docs folder, or the site root holding it (then keys start with its name)
    prefix = "" if docs == folder.resolve() else _prefix(folder, docs)
    extensions = _extensions(config)
    snippets = extensions.get("pymdownx.snippets") or {}
    bases = snippets.get("base_path", ["."]) if isinstance(snippets, dict) else ["."]
    bases = [bases] if isinstance(bases, str) else bases if isinstance(bases, list) else ["."]
    append = snippets.get("auto_append", []) if isinstance(snippets, dict) else []
    site.options = MarkdownOptions(
        "mkdocs", snippet_root=root, snippet_bases=(*[(root / str(b)) for b in bases], docs),
        auto_append=tuple(str(a) for a in append if isinstance(a, str)),
        features=frozenset(extensions) if extensions else None)
    if root.resolve() != folder.resolve() and ("pymdownx.snippets" in extensions or not extensions):
        name = folder.resolve().name
        site.notes.append(f"snippets (--8<--) may be read from {root.resolve()}, the MkDocs site root above "
                          f"{name}/ (inside it only, never a hidden file; --site plain reads nothing outside "
                          f"{name}/)")
    nav = config.get("nav")
    if nav is not None:
        _walk_nav(nav, "", site, prefix, [0])
    if docs.is_dir():
        _pages_files(docs, prefix, site)
    return site


def _prefix(folder: Path, docs: Path) -> str:
    try:
        rel = docs.relative_to(folder.resolve()).as_posix()
    except ValueError:
        return ""
    return rel + "/"


def _key(prefix: str, target: str) -> str:
    target = posixpath.normpath(target.strip().lstrip("/"))
    return prefix + target


def _walk_nav(items: Any, section: str, site: Site, prefix: str, counter: list[int]) -> list[str]:
    """Flatten ``nav``: each page its position; a section that is a folder (its first page is the folder's
    index, or all its pages share the folder) titles it and holds its pages. Returns the keys of the pages
    directly in ``items``."""
    members: list[str] = []
    for item in items if isinstance(items, list) else [items]:
        if counter[0] >= MAX_ENTRIES:
            break
        counter[0] += 1
        title, target = (next(iter(item.items())) if isinstance(item, dict) and len(item) == 1
                         else (None, item))
        if isinstance(target, list):
            first = counter[0]
            inside = _walk_nav(target, str(title), site, prefix, counter)
            folder = inside[0] if inside and inside[0].endswith("/") else _common_folder(
                [k for k, e in site.nav.items() if e.position >= first])
            if folder and title and site.nav.get(folder, NavEntry(0)).title is None:
                position = site.nav[folder].position if folder in site.nav else first
                site.nav[folder] = NavEntry(position, str(title))
            if folder:  # the section is this folder: its pages that live elsewhere move under it
                moved = [k for k in inside if k != folder and _natural_parent(k) != folder]
                site.parents.update(dict.fromkeys(moved, folder))
            continue
        if not isinstance(target, str):
            continue
        if "://" in target or target.startswith("mailto:"):
            site.problems.append(f"nav: external link {title or target!r} ({target}) is not a page: left out")
            continue
        key = _key(prefix, target)
        if posixpath.basename(key).lower() in ("index.md", "readme.md"):
            folder = posixpath.dirname(key)
            key = f"{folder}/" if folder else ""
        site.nav.setdefault(key, NavEntry(counter[0], str(title) if title else None))
        members.append(key)
    return members


def _natural_parent(key: str) -> str:
    """The folder key a page key sits in on disk."""
    parent = posixpath.dirname(key.rstrip("/"))
    return f"{parent}/" if parent else ""


def _common_folder(keys: list[str]) -> str | None:
    folders = {k if k.endswith("/") else (posixpath.dirname(k) + "/" if "/" in k else "") for k in keys}
    if len(folders) != 1:
        return None
    folder = folders.pop()
    return folder or None


def _pages_files(docs: Path, prefix: str, site: Site) -> None:
    """awesome-pages: ``.pages`` gives a folder its ``title`` and its children's order (``nav``, ``...``)."""
    import yaml

    for count, path in enumerate(sorted(docs.rglob(".pages"))):
        if count >= MAX_ENTRIES:
            return
        rel = path.parent.relative_to(docs).as_posix()
        folder = prefix + ("" if rel == "." else rel + "/")
        try:
            data = load_yaml(path)
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            site.problems.append(f"{folder}.pages: not valid YAML: ignored")
            continue
        if not isinstance(data, dict):
            continue
        if data.get("title") and folder:
            old = site.nav.get(folder)
            site.nav[folder] = NavEntry(old.position if old else float(len(site.nav)) + MAX_ENTRIES,
                                        str(data["title"]))
        for index, item in enumerate(data.get("nav") or data.get("arrange") or []):
            title, name = (next(iter(item.items())) if isinstance(item, dict) and len(item) == 1
                           else (None, item))
            if not isinstance(name, str) or name == "..." or "://" in name:
                continue
            key = folder + name + ("/" if (path.parent / name).is_dir() else "")
            site.nav[key] = NavEntry(MAX_ENTRIES * 2 + index, str(title) if title else None)
