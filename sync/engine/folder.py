"""Scan a docs folder into the local page tree: which files are pages, their titles, order and bodies.

A folder maps to one doc. Every ``.md``/``.markdown``/``.html`` file is a page; every subfolder is a page
whose body comes from its ``index.md``/``README.md`` (or, without one, a generated list of its children).
Pages are keyed by their path relative to the folder: ``"guide/setup.md"`` for a file, ``"guide/"`` for a
subfolder and ``""`` for the folder itself (the doc). Bad files do not stop the scan: they become pages
with an ``error`` naming the file and line, so the rest of the tree still syncs.

Parsing is most of a no-op push's work, so a file whose bytes hash to the ``fingerprint`` remembered from
the last sync is not parsed: its title and order are taken from memory and its document is read only if
something asks for it (``LocalPage.load``). A file that the caller has just written from a document it
still holds (``Held``: a pull, an import) is not parsed either when its bytes are what was written.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from productive_docs.converter.errors import InputError, ProductiveDocsError
from productive_docs.converter.model import Mark, Node, text
from productive_docs.converter.report import Report
from productive_docs.sync import limits
from productive_docs.sync.assets.naming import REMOTE_MARK
from productive_docs.sync.assets.references import PAGE_SUFFIXES
from productive_docs.sync.engine import sites
from productive_docs.sync.engine.sites.arrange import arrange
from productive_docs.sync.engine.stamps import Stamps

from productive_docs import converter

#: File suffix -> converter input format of the files that become pages.
#: Files that give a folder its title and body, best first (compared case-insensitively).
INDEX_NAMES = ("index.md", "index.markdown", "readme.md", "index.html")
IGNORE_FILE = ".productiveignore"
#: pathspec's RE2 backend matches in linear time: with Python's ``re``, a pattern such as ``*a`` repeated 30
#: times backtracks for hours on a file name that almost matches.
IGNORE_BACKEND = "re2"
#: Front matter key naming the page a file is synced with (``push --write-ids``).
PAGE_ID_KEY = "productive_page_id"
#: The suffix of the remote version of a page written beside its file in a conflict (by push and pull).
REMOTE_SUFFIX = f"{REMOTE_MARK}.md"
#: What the tool itself writes inside a docs folder and must never read back as pages.
TOOL_PATTERNS = (f"*{REMOTE_SUFFIX}",)
_PREFIX = re.compile(r"^(\d+)[-_. ]+(?=\S)")
_SEPARATORS = re.compile(r"[-_\s]+")


@dataclass(slots=True)
class LocalPage:
    """One page the folder asks for."""

    key: str
    parent: str | None
    title: str
    #: Siblings sort on (front matter order, else numeric file-name prefix, else last; then the name).
    sort_key: tuple[float, str]
    #: The file giving title and body (relative path); None for a folder without an index file.
    source: str | None = None
    doc: Node | None = None
    error: str | None = None
    children: list[str] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    #: Front matter order, if any (remembered with the fingerprint).
    order: float | None = None
    #: Hash of the source file's bytes (salted with what else decides its document).
    fingerprint: str | None = None
    #: The file, when its document was not parsed because its fingerprint was remembered (for a folder
    #: without an index file: the folder, its generated document unchanged since the last sync).
    unparsed: Path | str | None = None
    #: ``productive_page_id`` from front matter (written by ``push --write-ids``).
    page_id: str | None = None
    #: The site the file is written for (its Markdown dialect, its front matter keys).
    site: sites.Site | None = None
    #: A folder without an index file whose generated list is unchanged (``unparsed``): its children, the
    #: list built from them when loaded (10,000 links built for nothing were a tenth of a no-op push).
    generated: list[LocalPage] | None = field(default=None, repr=False)

    def load(self) -> None:
        """Parse a file skipped thanks to its fingerprint (nothing to do otherwise). The title stays the one
        the scan gave it: the file did not change, and a site's navigation may have titled it since."""
        if self.unparsed is not None:
            path, self.unparsed = self.unparsed, None
            if self.source is not None:
                title = self.title
                _apply_parsed(self, Path(path))
                self.title = title
            elif self.doc is None and self.generated is not None:
                self.doc = children_list(self.generated, self.key)

    def reread(self, path: Path) -> None:
        """Parse the file again after it changed under the run (a merge wrote it), title included."""
        self.unparsed = None
        _apply_parsed(self, path)

    @property
    def is_folder(self) -> bool:
        return self.key == "" or self.key.endswith("/")

    @property
    def display(self) -> str:
        """The name the user knows the page by: its file, or its folder."""
        return self.source or self.key or "./"


class Remembered(NamedTuple):
    """What the last sync learned from a file: enough to skip parsing it when its bytes did not change.
    A named tuple: one is made per page of the state on every run, and a frozen dataclass's ``__init__``
    cost a no-op push of 10,000 pages a tenth of its scan."""

    fingerprint: str
    title: str
    order: float | None = None


@dataclass(frozen=True, slots=True)
class Held:
    """A file as its writer left it, with what the scan would read from it: its document (the writer's
    local Markdown is lossless, so a write that reported no lowering reads back to it), title and order."""

    text: str
    doc: Node
    title: str
    order: float | None = None


@dataclass(slots=True)
class LocalTree:
    """Every page of a folder in creation order (parents first, siblings in their order)."""

    root: Path
    pages: dict[str, LocalPage]
    #: Files left out (``productive: false``, a broken symbolic link, a link out of the folder or back into
    #: a folder already scanned), relative path -> reason.
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[LocalPage]:
        return [page for page in self.pages.values() if page.error]


def readable_name(stem: str) -> str:
    """A title from a file or folder name: numeric prefix dropped, dashes to spaces, first letter up."""
    name = _SEPARATORS.sub(" ", _PREFIX.sub("", stem)).strip() or stem
    return name[:1].upper() + name[1:]


def remote_copy_name(source: str) -> str:
    """Where a page's remote version goes in a conflict: ``guide/setup.md`` -> ``guide/setup.remote.md``."""
    return posixpath.splitext(source)[0] + REMOTE_SUFFIX


def plain_text(node: Node) -> str:
    """The visible text of a node (mention labels included), for titles."""
    if node.type == "text":
        return node.text or ""
    if node.type == "mention":
        return str(node.attrs.get("label") or "")
    return "".join(plain_text(child) for child in node.content)


def _stem(name: str) -> str:
    """``Path(name).stem`` without building a ``Path``."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _suffix(name: str) -> str:
    """``Path(name).suffix.lower()`` without building a ``Path`` (a scan asks it of every entry twice)."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def _prefix_number(stem: str) -> float:
    match = _PREFIX.match(stem)
    return float(match.group(1)) if match else float("inf")


def _front_matter_order(metadata: dict[str, Any], source: str) -> float | None:
    value = metadata.get("order", metadata.get("weight"))
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"front matter order must be a number, not {value!r}", source, 1)
    return float(value)


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError("invalid UTF-8", source, line) from None


def title_heading(blocks: Sequence[Node]) -> int | None:
    """The index of the block giving a page without a front-matter title its title: the first level-1
    heading with some text (None: there is none)."""
    for index, block in enumerate(blocks):
        if block.type == "heading" and block.attrs.get("level", 1) == 1 and plain_text(block).strip():
            return index
    return None


def _take_title(doc: Node) -> tuple[str | None, Node]:
    """The first level-1 heading's text and the body without it."""
    index = title_heading(doc.content)
    if index is None:
        return None, doc
    title = plain_text(doc.content[index]).strip()
    return title, Node("doc", dict(doc.attrs), doc.content[:index] + doc.content[index + 1 :])


@dataclass(slots=True)
class _Parsed:
    title: str | None
    doc: Node
    order: float | None
    publish: bool
    report: Report
    page_id: str | None = None


def _parse(data: bytes, path: Path, source: str, site: sites.Site | None = None) -> _Parsed:
    """Read one file; raises ``ProductiveDocsError`` naming the file (and line) when it is bad."""
    report = Report(source)
    text_value = _decode(data, source)
    site = site or sites.Site()
    fmt = {**PAGE_SUFFIXES, **site.suffixes}[path.suffix.lower()]
    if fmt == "md":
        from productive_docs.sync.engine.merge import refuse_markers  # the merge machinery only when reading

        refuse_markers(text_value, source)
    options = site.options_for(source) if fmt == "md" else None
    result = converter.read(text_value, fmt, report=report, options=options)
    metadata = site.front_matter(result.metadata or {})
    title = metadata.get("title")
    if title is not None and not isinstance(title, str | int | float):
        raise InputError(f"front matter title must be text, not {type(title).__name__}", source, 1)
    doc = result.doc
    if title is None:
        title, doc = _take_title(doc)
    publish = metadata.get("productive", True) is not False
    order = _front_matter_order(metadata, source)
    page_id = metadata.get(PAGE_ID_KEY)
    return _Parsed(str(title).strip() if title is not None else None, doc, order, publish, report,
                   None if page_id is None else str(page_id))


def _describe(exc: Exception, source: str) -> str:
    """A one-line failure naming the file, and the line when known."""
    message = str(exc)
    if isinstance(exc, InputError) and exc.source:
        return message
    if isinstance(exc, InputError) and exc.line is not None:
        return f"{source}:{exc.line}: {message}"
    if isinstance(exc, ProductiveDocsError):
        return f"{source}: {message}"
    return f"{source}: {type(exc).__name__}: {message}"


def children_list(children: list[LocalPage], parent_key: str) -> Node:
    """The generated body of a folder without an index file: a list of links to its children."""
    items = []
    for child in children:
        href = (child.key[len(parent_key):] if child.key.startswith(parent_key)
                else posixpath.relpath(child.key, parent_key or "."))  # a page a site's nav put here
        paragraph = Node("paragraph", content=[text(child.title, [Mark("link", {"href": href})])])
        items.append(Node("li", content=[paragraph]))
    return Node("doc", content=[Node("ul", content=items)] if items else [])


class Ignore(Protocol):
    """What the scan asks of its ignore patterns (``pathspec.GitIgnoreSpec`` has it)."""

    def match_file(self, file: str) -> bool: ...


class ToolFiles:
    """The tool's own files alone (``TOOL_PATTERNS``: ``*.remote.md`` at any depth, as gitignore matches
    it), without pathspec: a folder without a ``.productiveignore`` has nothing else to leave out, and
    importing pathspec and matching each of 10,000 paths with it cost a no-op push a tenth of its scan."""

    @staticmethod
    def match_file(file: str) -> bool:
        return REMOTE_SUFFIX in file and any(part.endswith(REMOTE_SUFFIX) for part in file.split("/"))


def read_ignore(root: Path) -> Ignore:
    """The patterns of ``root/.productiveignore`` (gitignore syntax) plus the tool's own files; a file that
    is not UTF-8 or holds a pattern that does not compile is an ``InputError`` naming the line."""
    path = root / IGNORE_FILE
    if not path.is_file():
        return ToolFiles()
    if not path.resolve().is_relative_to(root.resolve()):
        raise InputError("symbolic link to outside the synced folder, not read", str(path), None)
    lines = _decode(path.read_bytes(), str(path)).splitlines()
    import pathspec  # here: most folders have no ignore file

    try:
        return pathspec.GitIgnoreSpec.from_lines([*TOOL_PATTERNS, *lines], backend=IGNORE_BACKEND)
    except (ValueError, re.error):
        for number, line in enumerate(lines, 1):
            try:
                pathspec.GitIgnoreSpec.from_lines([line], backend=IGNORE_BACKEND)
            except (ValueError, re.error) as exc:
                # re.error's message without the position, which is in the regex made of the pattern
                why = exc.msg if isinstance(exc, re.error) else str(exc)
                raise InputError(f"bad pattern {line!r} ({why})", str(path), number) from None
        raise


class _Scanner:
    """Walks the folder once, depth first, building pages in creation order."""

    def __init__(self, root: Path, remembered: Mapping[str, Remembered], salt: str, site: sites.Site,
                 held: Mapping[str, Held], stamps: Stamps | None = None) -> None:
        self.root = root
        self.remembered = remembered
        #: A site's dialect may read a file otherwise than the plain reader its writer wrote it for.
        self.held = held if site.plain else {}
        self.stamps = stamps
        self.site, self.suffixes = site, {**PAGE_SUFFIXES, **site.suffixes}
        self.salt = (salt + site.salt).encode("utf-8")
        self.ignore = read_ignore(root)
        self.tree = LocalTree(root, {})
        #: Real paths of the folders the scan reaches without following links: a link to one of them adds
        #: nothing but a second copy (or a loop, ``sub/loop -> ..``), so it is not followed. Links to other
        #: folders inside this one are followed once each (``visited``).
        self.real_root = root.resolve()
        #: Walked when the first link to a folder is met (most folders have none: no second walk).
        self.visited: set[Path] | None = None

    def ignored(self, rel: str, is_dir: bool) -> bool:
        name = rel.rsplit("/", 1)[-1]
        return name.startswith(".") or self.ignore.match_file(rel + "/" if is_dir else rel)

    def scan_folder(self, directory: Path, key: str, parent: str | None) -> LocalPage | None:
        """The page of a folder and, below it, its children; None when nothing in it is a page."""
        entries = [e for e in sorted(os.scandir(directory), key=lambda e: e.name) if self.utf8_name(e, key)]
        dirs = [e for e in entries if e.is_dir() and not self.ignored(key + e.name, True)
                and self.inside(e, key, is_dir=True)]
        files = [e for e in entries if e.is_file() and _suffix(e.name) in self.suffixes
                 and not self.ignored(key + e.name, False) and self.inside(e, key, is_dir=False)]
        self.note_broken_links(entries, key)
        index_entry = min((e for e in files if e.name.lower() in INDEX_NAMES),
                          key=lambda e: INDEX_NAMES.index(e.name.lower()), default=None)  # the best, first
        self.count_page(key)
        stem = directory.name if key else directory.resolve().name
        page = LocalPage(key, parent, readable_name(stem), (_prefix_number(stem), stem))
        if index_entry is not None:
            files.remove(index_entry)
            page.source = key + index_entry.name
            self.apply(page, index_entry.path)
            if page.source in self.tree.skipped:
                page.source = None
        self.tree.pages[key] = page
        children = [c for c in (self.scan_file(e, key + e.name, key) for e in files) if c]
        children += [c for c in (self.scan_folder(Path(e.path), f"{key}{e.name}/", key) for e in dirs) if c]
        if not children and page.source is None and key:
            del self.tree.pages[key]
            return None
        children.sort(key=lambda c: c.sort_key)
        page.children = [child.key for child in children]
        if page.source is None:
            self.fingerprint_generated(page, children, directory)
            if page.unparsed is None:
                page.doc = children_list(children, key)
            else:
                page.generated = children
        return page

    def plain_folders(self) -> set[Path]:
        """Every folder the scan reaches without following a link (real paths, the root included)."""
        found = {self.real_root}
        for parent, dirs, _ in os.walk(self.real_root):
            rel = Path(parent).relative_to(self.real_root).as_posix().removeprefix(".").lstrip("/")
            prefix = f"{rel}/" if rel else ""
            dirs[:] = [name for name in dirs if _utf8(name) and not os.path.islink(f"{parent}/{name}")
                       and not self.ignored(prefix + name, True)]
            found.update(Path(parent, name) for name in dirs)
        return found

    def utf8_name(self, entry: os.DirEntry[str], key: str) -> bool:
        """False, with the reason in ``skipped``, for a name that is not UTF-8 (Python holds its bytes as
        surrogates, which no page key, state file or request can carry)."""
        if _utf8(entry.name):
            return True
        if not entry.name.startswith("."):
            self.tree.skipped[key + entry.name] = "file name is not UTF-8, not synced"
        return False

    def count_page(self, key: str) -> None:
        """Stops the scan past ``MAX_PAGES``: a sync of more pages would spend the API's request budget."""
        if len(self.tree.pages) >= limits.MAX_PAGES:
            raise InputError(f"more than {limits.MAX_PAGES:,} pages (MAX_PAGES); not synced",
                             f"{self.root}/{key}")

    def inside(self, entry: os.DirEntry[str], key: str, *, is_dir: bool) -> bool:
        """False, with the reason in ``skipped``, for a link whose real path leaves the folder (a page must
        never publish ``/proc/self/environ`` or a CI secret) or leads to a folder scanned anyway (a loop
        such as ``sub/loop -> ..``, or a second way to one folder): each real folder is scanned once."""
        if not entry.is_symlink():
            return True
        real = Path(entry.path).resolve()
        name = key + entry.name + ("/" if is_dir else "")
        if not real.is_relative_to(self.real_root):
            self.tree.skipped[name] = "symbolic link to outside the synced folder, not read"
            return False
        if not is_dir:
            return True
        if self.visited is None:
            self.visited = self.plain_folders()
        if real in self.visited:
            shown = real.relative_to(self.real_root).as_posix().removeprefix(".")
            loop = Path(entry.path).parent.resolve().is_relative_to(real)
            what = "symbolic link loop" if loop else "symbolic link to a folder synced anyway"
            self.tree.skipped[name] = f"{what} (./{shown}), not followed"
            return False
        self.visited.add(real)
        return True

    def fingerprint_generated(self, page: LocalPage, children: list[LocalPage], directory: Path) -> None:
        """A folder without an index file gets a fingerprint of its generated list (its children's names
        and titles), so a no-op push need not resolve and hash that list again."""
        listing = "generated\n" + "".join(f"{child.key}\t{child.title}\n" for child in children)
        page.fingerprint = fingerprint(self.salt, listing.encode("utf-8"))
        known = self.remembered.get(page.key)
        if known is not None and known.fingerprint == page.fingerprint:
            page.unparsed = directory

    def note_broken_links(self, entries: list[os.DirEntry[str]], key: str) -> None:
        """Symbolic links to nothing that would be pages (or folders) are skipped, and said so: the scan
        alone would pass them over without a word."""
        for entry in entries:
            if not entry.is_symlink():
                continue
            suffix = _suffix(entry.name)
            maybe_page = suffix in PAGE_SUFFIXES or not suffix
            if (maybe_page and not os.path.exists(entry.path)
                    and not self.ignored(key + entry.name, not suffix)):
                self.tree.skipped[key + entry.name] = f"broken symbolic link (to {os.readlink(entry.path)})"

    def scan_file(self, entry: os.DirEntry[str], key: str, parent: str) -> LocalPage | None:
        self.count_page(key)
        stem = _stem(entry.name)
        # titled in ``apply``: from memory when the file is unchanged, else from its name (or its heading)
        page = LocalPage(key, parent, "", (_prefix_number(stem), stem), source=key)
        self.apply(page, entry.path)
        if key in self.tree.skipped:
            return None
        self.tree.pages[key] = page
        return page

    def apply(self, page: LocalPage, path: str) -> None:
        """Title, order and body from the page's file (or from memory when the file did not change). A
        file over ``MAX_PAGE_FILE_BYTES`` is refused by its size, before a byte of it is read. ``path`` is
        a string: a ``Path`` for each of 10,000 unchanged files cost a no-op push a tenth of its scan."""
        page.site = self.site
        known = self.remembered.get(page.key)
        try:
            if known is not None and self.stamps is not None:
                noted = self.stamps.fingerprint(page.key, os.stat(path))
                if noted is not None and noted == known.fingerprint:
                    page.fingerprint = noted
                    self.unchanged(page, known, path)
                    return
        except OSError:
            pass  # said below, where the file is read
        if not page.title:  # a file's page is titled by its name until its heading or memory says otherwise
            page.title = readable_name(_stem(posixpath.basename(path)))
        try:
            limit = limits.MAX_PAGE_FILE_BYTES
            with open(path, "rb") as stream:
                status = os.fstat(stream.fileno())
                size = status.st_size
                # never more than the limit, even from a file that grows while it is read
                data = stream.read(limit + 1) if size <= limit else b""
            if max(size, len(data)) > limit:
                size = max(size, len(data))
                page.error = (f"{page.source}: {size:,} bytes, over the page file limit of "
                              f"{limits.MAX_PAGE_FILE_BYTES:,} (MAX_PAGE_FILE_BYTES); not read")
                return
        except OSError as exc:
            page.error = f"{page.source}: cannot read: {exc.strerror}"
            return
        page.fingerprint = fingerprint(self.salt, data)
        if self.stamps is not None:
            self.stamps.note(page.key, status, page.fingerprint)
        if known is not None and known.fingerprint == page.fingerprint:
            self.unchanged(page, known, path)
            return
        if self.take_held(page, data):
            return
        if not _apply_parsed(page, Path(path), data):
            self.tree.skipped[page.source or page.key] = "productive: false"

    @staticmethod
    def unchanged(page: LocalPage, known: Remembered, path: str | Path) -> None:
        """A file as it was at the last sync: title and order from memory, its document not parsed."""
        page.title, page.order, page.unparsed = known.title, known.order, path
        if known.order is not None:
            page.sort_key = (known.order, page.sort_key[1])

    def take_held(self, page: LocalPage, data: bytes) -> bool:
        """Title, order and document from what the file's writer holds, when its bytes are what it wrote
        and a parse would not refuse it (conflict markers, a document over the limits)."""
        held = self.held.get(page.source or page.key)
        if held is None or not held.title or held.text.encode("utf-8") != data:
            return False
        if limits.over_limits(held.doc):
            return False
        from productive_docs.sync.engine.merge import first_marker  # as in ``_parse``

        if first_marker(held.text) is not None:
            return False
        page.title, page.order, page.doc = held.title, held.order, held.doc
        if held.order is not None:
            page.sort_key = (held.order, page.sort_key[1])
        return True


def _utf8(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python holds them as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _apply_parsed(page: LocalPage, path: Path, data: bytes | None = None) -> bool:
    """Parse the page's file into it; False when the file asks to be left out (``productive: false``)."""
    source = page.source or page.key
    try:
        parsed = _parse(path.read_bytes() if data is None else data, path, source, page.site)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the other pages
        page.error = _describe(exc, source)
        return True
    if not parsed.publish:
        return False
    too_big = limits.over_limits(parsed.doc)
    if too_big:
        page.error = f"{source}: {too_big}; not sent"
        return True
    page.title = parsed.title or page.title
    page.order = parsed.order
    if parsed.order is not None:
        page.sort_key = (parsed.order, page.sort_key[1])
    page.doc = parsed.doc
    page.report = parsed.report
    page.page_id = parsed.page_id
    return True


def fingerprint(salt: bytes, data: bytes) -> str:
    """A file's fingerprint: its bytes, salted with what else decides its document."""
    return hashlib.sha256(salt + data).hexdigest()[:32]


def scan(folder: Path, remembered: Mapping[str, Remembered] | None = None, salt: str = "",
         site: sites.Site | str = "auto", held: Mapping[str, Held] | None = None, *,
         stamps: Stamps | None = None) -> LocalTree:
    """The page tree of ``folder`` (parents before children, siblings in order). ``remembered``: page key ->
    what the last sync saw; ``salt`` goes into fingerprints (options that change the document sent);
    ``site``: the site it is written for, or a ``sites.SITES`` choice to detect it by; ``held``: file path
    -> what its writer holds (used in a plain folder only); ``stamps``: the fingerprints of files untouched
    since they were taken (``sync.engine.stamps``)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ProductiveDocsError(f"{folder}: not a folder")
    site = sites.detect(folder, site) if isinstance(site, str) else site
    scanner = _Scanner(folder, remembered or {}, salt, site, held or {}, stamps)
    scanner.scan_folder(folder, "", None)
    arrange(scanner.tree, site)
    return _in_creation_order(scanner.tree)


def _in_creation_order(tree: LocalTree) -> LocalTree:
    ordered: dict[str, LocalPage] = {}
    stack = [""] if "" in tree.pages else []
    while stack:
        key = stack.pop()
        ordered[key] = tree.pages[key]
        stack.extend(reversed(tree.pages[key].children))
    tree.pages = ordered
    return tree
