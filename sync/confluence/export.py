"""Reading a Confluence HTML space export, given as its folder or as its ``.zip``.

Both forms look the same to the importer: a set of ``/``-separated names relative to the folder that holds
``index.html``, and their bytes. A zip is untrusted input, so it is checked as a whole when it is opened,
before anything is written: names that are absolute or climb with ``..`` are refused, the entry count and
the declared sizes are bounded, and reads stop at the declared size (a lying header cannot inflate more).
Names without the zip UTF-8 flag are decoded as UTF-8 when they are valid UTF-8 (what most zip tools
write), otherwise as CP437 (what the zip format says).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4.dammit import EncodingDetector
from productive_docs.converter.errors import InputError
from productive_docs.sync import limits as bounds

_DRIVE = re.compile(r"^[A-Za-z]:")
_NOT_HTML = "no index.html: not a Confluence HTML space export"
_XML_HINT = "; it is a Confluence XML export (entities.xml): use `productive-docs import`, which reads it"
_UTF8_FLAG = 0x800


@dataclass(frozen=True, slots=True)
class Limits:
    """The zip bounds in force: ``sync.limits`` as it is when the export is opened; tests lower them."""

    entries: int = field(default_factory=lambda: bounds.MAX_ZIP_ENTRIES)
    entry_bytes: int = field(default_factory=lambda: bounds.MAX_ZIP_ENTRY_BYTES)
    total_bytes: int = field(default_factory=lambda: bounds.MAX_ZIP_TOTAL_BYTES)
    ratio: int = field(default_factory=lambda: bounds.MAX_ZIP_RATIO)


class Export:
    """The files of one export, by name relative to the folder of ``index.html``."""

    def __init__(self, source: Path, names: list[str]) -> None:
        self.source = source
        self.names = frozenset(names)
        # Exports name some files with literal %-escapes (``Ohm%27s-Law_1.html``) that their own links
        # escape once more or not at all; a name is found by itself and by its decoded form.
        self._by_key = {unquote(name): name for name in sorted(names)} | {name: name for name in names}
        self._default: str | None = None

    def read_bytes(self, name: str) -> bytes:
        """The bytes of one file of the export (``name`` as listed in ``names``)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the open archive, if any."""

    def read_text(self, name: str) -> str:
        """A page or ``index.html`` as text: in the charset it declares, else UTF-8 when it is valid UTF-8,
        else the export's default (what ``index.html`` declares, else Windows-1252, what browsers assume);
        stray bytes are replaced, not fatal."""
        data = self.read_bytes(name)
        declared = _codec(EncodingDetector.find_declared_encoding(data, is_html=True))
        if declared is None:
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError:
                declared = self.default_charset()
        return data.decode(declared, errors="replace")

    def default_charset(self) -> str:
        """The charset of pages that declare none and are not UTF-8 (see ``read_text``)."""
        if self._default is None:
            index = self.find("index.html")
            head = self.read_bytes(index)[:4096] if index else b""
            declared = _codec(EncodingDetector.find_declared_encoding(head, is_html=True))
            self._default = declared if declared not in (None, "utf-8") else "cp1252"
        return self._default

    def pages(self) -> list[str]:
        """The page files: every top-level ``.html`` except ``index.html``, sorted."""
        return sorted(n for n in self.names if "/" not in n and n.endswith(".html") and n != "index.html")

    def find(self, name: str) -> str | None:
        """The export name ``name`` stands for, trying it as is and %-decoded once and twice."""
        once = unquote(name)
        for candidate in (name, once, unquote(once)):
            if candidate in self._by_key:
                return self._by_key[candidate]
        return None

    def resolve(self, ref: str, base: str = "") -> str | None:
        """The export name a relative URL in a page points at, or ``None`` when it points outside the export.

        Query and fragment are dropped and ``%``-escapes decoded (see ``find``). Only listed names are ever
        returned, so page content can never make us read outside the export.
        """
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        return self.find(posixpath.normpath(posixpath.join(base, parts.path)))


class FolderExport(Export):
    """An unpacked export folder; symbolic links are left out, so nothing outside the folder is read."""

    def __init__(self, root: Path) -> None:
        files = (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
        names = [p.relative_to(root).as_posix() for p in files]
        super().__init__(root, names)

    def read_bytes(self, name: str) -> bytes:
        """The file's bytes; a file over ``MAX_ZIP_ENTRY_BYTES`` (the bound on one file of a zipped
        export) is refused before it is read."""
        with (self.source / name).open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            bound = bounds.MAX_ZIP_ENTRY_BYTES
            if size > bound:
                raise InputError(f"{name} has {size:,} bytes, over the limit of {bound:,} "
                                 "(MAX_ZIP_ENTRY_BYTES)", str(self.source))
            return stream.read()


class ZipExport(Export):
    """A zipped export, validated entry by entry when opened."""

    def __init__(self, path: Path, limits: Limits | None = None, *, find_root: bool = True,
                 data: bytes | None = None) -> None:
        """``find_root``: names are relative to the folder of ``index.html`` (else to the zip's top);
        ``data``: the zip's bytes when it is an entry of another zip (``path`` names it in messages)."""
        self.limits = limits or Limits()
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data) if data is not None else path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"not a readable zip file ({exc})", str(path)) from None
        try:
            members = self._checked_members(path)
        except InputError:
            self._zip.close()
            raise
        files = [n for n, info in members.items() if not info.is_dir()]
        prefix = _root_prefix(files, str(path)) if find_root else ""
        self._members = {n[len(prefix):]: info for n, info in members.items() if n.startswith(prefix)}
        super().__init__(path, [n for n, info in self._members.items() if not info.is_dir()])

    def _checked_members(self, path: Path) -> dict[str, zipfile.ZipInfo]:
        """Every entry by its checked name; raises on a bad name or a size over the limits."""
        infos = self._zip.infolist()
        if len(infos) > self.limits.entries:
            raise InputError(f"zip has {len(infos):,} entries, over the limit of {self.limits.entries:,} "
                             "(MAX_ZIP_ENTRIES)", str(path))
        members = {_checked_name(info, path): info for info in infos}
        total = packed = 0
        for name, info in members.items():
            total += info.file_size
            packed += info.compress_size
            if info.file_size > self.limits.entry_bytes:
                raise InputError(f"zip entry {name!r} is too large to import safely", str(path))
            if total > self.limits.total_bytes:
                raise InputError(f"zip unpacks to more than {self.limits.total_bytes:,} bytes "
                                 "(MAX_ZIP_TOTAL_BYTES)", str(path))
            big = info.file_size > bounds.ZIP_RATIO_FROM_BYTES
            if big and info.compress_size and info.file_size / info.compress_size > self.limits.ratio:
                raise InputError(f"zip entry {name!r} is compressed suspiciously well (zip bomb?)", str(path))
        # many entries each under the per-entry threshold add up: the archive as a whole is checked too
        if total > bounds.ZIP_RATIO_FROM_BYTES and total > max(packed, 1) * self.limits.ratio:
            raise InputError(f"zip unpacks to {total:,} bytes, over {self.limits.ratio} times its packed "
                             "size (MAX_ZIP_RATIO; zip bomb?)", str(path))
        return members

    def close(self) -> None:
        self._zip.close()

    def read_bytes(self, name: str) -> bytes:
        info = self._members[name]
        try:
            with self._zip.open(info) as stream:
                data = stream.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise InputError(f"zip entry {name!r} is damaged ({exc})", str(self.source)) from None
        if len(data) > info.file_size:
            raise InputError(f"zip entry {name!r} inflates beyond its declared size", str(self.source))
        return data


def _codec(charset: str | None) -> str | None:
    """The Python codec of a declared charset, or None when there is none or Python does not know it."""
    if not charset:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def _checked_name(info: zipfile.ZipInfo, archive: Path) -> str:
    """The entry's name decoded and normalised; refuses names that could land outside the output folder."""
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("utf-8")
    name = name.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name) or "\0" in name:
        raise InputError(f"refusing zip: entry {name!r} has an absolute path", str(archive))
    if ".." in name.split("/"):
        raise InputError(f"refusing zip: entry {name!r} climbs out of the export with '..'", str(archive))
    return posixpath.normpath(name) + ("/" if info.is_dir() else "")


def _root_prefix(names: list[str], source: str) -> str:
    """The folder inside the zip that holds ``index.html`` (exports usually wrap everything in one)."""
    candidates = [n for n in names if posixpath.basename(n) == "index.html"]
    if not candidates:
        raise InputError(_NOT_HTML + (_XML_HINT if any(n.endswith("entities.xml") for n in names) else ""),
                         source)
    return min(candidates, key=lambda n: n.count("/"))[: -len("index.html")]


def open_export(path: Path, limits: Limits | None = None) -> Export:
    """The export at ``path``: a folder (or a folder one level above it) or a ``.zip`` file."""
    if path.is_file():
        return ZipExport(path, limits)
    if not path.is_dir():
        raise InputError("no such export folder or zip file", str(path))
    if (path / "index.html").is_file():
        return FolderExport(path)
    inner = sorted(p.parent for p in path.glob("*/index.html"))
    if not inner:
        hint = _XML_HINT if (path / "entities.xml").is_file() else ""
        raise InputError(_NOT_HTML + hint, str(path))
    return FolderExport(inner[0])
