"""Files a page refers to: images, attached files and links to local files, found in the document tree.

Push uploads them (``sync.uploads``), pull downloads them (``sync.downloads``); both walk the same
references and rewrite them with ``rewrite_refs``. A reference is local when it has no URL scheme: it is
resolved against the page's folder (a leading ``/`` against the tree root). ``data:`` images are decoded
like files; ``http(s)://`` and other URLs are never touched here. Problems (a missing file, one over the
size limit, an undecodable ``data:`` URL) are collected with the page and line, never raised, so one bad
image does not stop a push.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from productive_docs.converter import inferred
from productive_docs.converter.model import Mark, Node
from productive_docs.sync.api.attachments import Attachment

#: Default size limit of one asset (issue 7); ``find_assets(max_size=...)`` changes it.
DEFAULT_MAX_SIZE = 25 * 1024 * 1024
FALLBACK_CONTENT_TYPE = "application/octet-stream"

#: File suffixes of pages (read by the converter), with the converter's format: a link to one of these is a
#: link between pages (``sync.engine.links``), to any other local file an attachment.
PAGE_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}

IMAGE, FILE, LINK = "image", "file", "link"
#: A page's attachments by content hash, kept in the sync state. Written by push (``sync.assets.upload``) and
#: pull (``sync.assets.download``).
Records = MutableMapping[str, Attachment]
#: node type -> the attr holding its reference.
REF_ATTRS = {"image": "src", inferred.FILE: inferred.FILE_ATTRS["url"]}


@dataclass(frozen=True, slots=True)
class Ref:
    """One reference in a tree: ``kind`` is image, file (a file node) or link (a link mark's href)."""

    kind: str
    target: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Asset:
    """A local file (or decoded ``data:`` URL) that a page refers to, with its size and content hash.

    A file's bytes are read again only for an upload (``read``), so a page with many large images is never
    held in memory; a ``data:`` URL keeps its decoded bytes in ``inline``.
    """

    ref: str
    kind: str
    name: str
    content_type: str
    size: int
    sha256: str
    path: Path | None = None
    inline: bytes | None = field(default=None, repr=False)

    def read(self) -> bytes:
        return self.inline if self.inline is not None else Path(str(self.path)).read_bytes()


@dataclass(frozen=True, slots=True)
class AssetProblem:
    """A reference that could not be used; shown as ``page:line: image ref: reason``."""

    page: str
    line: int | None
    kind: str
    ref: str
    reason: str

    def __str__(self) -> str:
        where = self.page if self.line is None else f"{self.page}:{self.line}"
        shown = self.ref if len(self.ref) <= 80 else self.ref[:77] + "..."
        return f"{where}: {self.kind} {shown}: {self.reason}"


@dataclass(slots=True)
class AssetReport:
    """What one page's asset pass did: files uploaded or downloaded, hashes reused, references that failed."""

    page: str
    action: str
    transferred: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    problems: list[AssetProblem] = field(default_factory=list)

    def __str__(self) -> str:
        counts = f"{len(self.transferred)} {self.action}, {len(self.reused)} unchanged"
        if self.pending:
            counts += f", {len(self.pending)} pending"
        return "\n".join([f"{self.page}: assets {counts}", *(str(problem) for problem in self.problems)])


@dataclass(slots=True)
class AssetScan:
    """The local assets of one page, by reference as written, and the references that failed."""

    assets: dict[str, Asset] = field(default_factory=dict)
    problems: list[AssetProblem] = field(default_factory=list)


# --- walking ----------------------------------------------------------------------------------------------


def references(doc: Node) -> Iterator[Ref]:
    """Every image src, file url and link href of a tree, in document order, with the nearest known line.

    A walk with a stack of its own (any depth; nested generators cost a step per level for every item)."""
    todo: list[tuple[Node, int | None]] = [(doc, None)]
    while todo:
        node, line = todo.pop()
        if node.line is not None:
            line = node.line
        attr = REF_ATTRS.get(node.type)
        if attr and node.attrs.get(attr):
            yield Ref(IMAGE if node.type == "image" else FILE, str(node.attrs[attr]), line)
        for mark in node.marks:
            if mark.type == "link" and mark.attrs.get("href"):
                yield Ref(LINK, str(mark.attrs["href"]), line)
        if node.content:
            todo += [(child, line) for child in reversed(node.content)]


def map_tree(doc: Node, change: Callable[[Node, int | None], Node]) -> Node:
    """A copy of ``doc`` with every node passed through ``change``, children first, with the nearest known
    source line; ``change`` returns the node itself or a changed copy. Untouched subtrees are shared."""

    def visit(node: Node, line: int | None) -> Node:
        if node.line is not None:
            line = node.line
        children = node.content
        if children:
            content = [visit(child, line) for child in children]
            for new, old in zip(content, children, strict=True):
                if new is not old:
                    node = replace(node, content=content)
                    break
        return change(node, line)

    return visit(doc, None)


def rewrite_refs(doc: Node, new_refs: Mapping[str, str]) -> Node:
    """A copy of ``doc`` with every image src, file url and link href found in ``new_refs`` replaced."""
    if not new_refs:
        return doc

    def change(node: Node, _line: int | None) -> Node:
        attrs, marks = node.attrs, node.marks
        attr = REF_ATTRS.get(node.type)
        if attr and attrs.get(attr) in new_refs:
            attrs = {**attrs, attr: new_refs[attrs[attr]]}
        if marks and any(m.type == "link" and m.attrs.get("href") in new_refs for m in marks):
            marks = [
                Mark(m.type, {**m.attrs, "href": new_refs[m.attrs["href"]]})
                if m.type == "link" and m.attrs.get("href") in new_refs
                else m
                for m in marks
            ]
        if attrs is node.attrs and marks is node.marks:
            return node
        return replace(node, attrs=attrs, marks=marks)

    return map_tree(doc, change)


# --- local assets -----------------------------------------------------------------------------------------


def is_local(target: str) -> bool:
    """True for a path-like reference: no URL scheme, not a bare fragment, not protocol-relative."""
    if not target or target.startswith(("#", "//")):
        return False
    parts = urlsplit(target)
    # A one-letter scheme is a Windows drive ("C:\\x.png"), still a path.
    return not parts.scheme or len(parts.scheme) == 1


def is_data_url(target: str) -> bool:
    return target[:5].lower() == "data:"


def is_file_link(href: str) -> bool:
    """A link to a local file that is not a page (``spec.pdf``, ``img/a.png``): an attachment."""
    suffix = Path(unquote(urlsplit(href).path)).suffix.lower()
    return is_local(href) and bool(suffix) and suffix not in PAGE_SUFFIXES  # page links: ``sync.links``


def _wants_upload(ref: Ref) -> bool:
    """Images and file nodes with a local or data: target; links only to local non-page files."""
    if ref.kind == LINK:
        return is_file_link(ref.target)
    return is_local(ref.target) or is_data_url(ref.target)


def local_path(target: str, page_file: Path, root: Path | None = None) -> Path:
    """The file a local reference names: relative to the page's folder, or to ``root`` for ``/x``."""
    path = unquote(urlsplit(target).path)
    if path.startswith("/") and root is not None:
        return (root / path.lstrip("/")).resolve()
    return (page_file.parent / path).resolve()


def content_type_of(name: str) -> str:
    return mimetypes.guess_type(name)[0] or FALLBACK_CONTENT_TYPE


def _from_data_url(target: str, kind: str) -> Asset:
    """Decode a ``data:[type][;base64],payload`` URL (RFC 2397) strictly; ``ValueError`` if malformed.

    Strict on purpose: the standard library's lenient decoder turns garbage into an empty file.
    """
    header, comma, payload = target[5:].partition(",")
    content_type = header.split(";")[0].strip().lower() or "text/plain"
    try:
        raw = unquote_to_bytes(payload)
        data = base64.b64decode(raw, validate=True) if header.lower().endswith(";base64") else raw
    except (binascii.Error, ValueError):
        data = b""
    if not comma or not data:
        raise ValueError("undecodable data: URL")
    digest = hashlib.sha256(data).hexdigest()
    extension = mimetypes.guess_extension(content_type) or ".bin"
    name = f"{kind}-{digest[:12]}{extension}"
    return Asset(target, kind, name, content_type, len(data), digest, inline=data)


def _from_file(target: str, kind: str, path: Path, max_size: int) -> Asset:
    """Read a local file; ``FileNotFoundError`` if absent, ``ValueError`` if over ``max_size``."""
    if not path.is_file():
        raise FileNotFoundError("file not found")
    stat = path.stat()
    if stat.st_size > max_size:
        raise ValueError(f"{stat.st_size:,} bytes exceeds the size limit of {max_size:,} bytes")
    digest = _file_digest(str(path), (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
    return Asset(target, kind, path.name, content_type_of(path.name), stat.st_size, digest, path)


@lru_cache(maxsize=4096)
def _file_digest(path: str, version: tuple[int, ...]) -> str:
    """SHA-256 of a file, streamed; cached by the file's ``version`` (size, times, inode), since a push
    prepares each page twice and ``watch`` pushes again and again."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def find_assets(
    doc: Node,
    page_file: Path,
    *,
    root: Path | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    page: str | None = None,
) -> AssetScan:
    """The local assets of a page, each distinct reference read once; failures go to ``problems``.

    With ``root`` (the synced folder), files outside it (symbolic links resolved) are refused: a doc pushed
    from CI must not be able to upload ``~/.netrc``. ``page`` names the page in problems (default:
    ``page_file`` as given).
    """
    scan = AssetScan()
    failed: set[str] = set()
    for ref in references(doc):
        if ref.target in scan.assets or ref.target in failed or not _wants_upload(ref):
            continue
        kind = IMAGE if ref.kind == IMAGE else FILE
        try:
            if is_data_url(ref.target):
                asset = _from_data_url(ref.target, kind)
                if asset.size > max_size:
                    raise ValueError(f"{asset.size:,} bytes exceeds the size limit of {max_size:,} bytes")
            else:
                path = local_path(ref.target, page_file, root)
                if root is not None and not path.is_relative_to(root.resolve()):
                    raise ValueError("outside the synced folder, not uploaded")
                asset = _from_file(ref.target, kind, path, max_size)
        except (OSError, ValueError) as error:
            failed.add(ref.target)
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            scan.problems.append(AssetProblem(page or str(page_file), ref.line, kind, ref.target, reason))
            continue
        scan.assets[ref.target] = asset
    return scan
