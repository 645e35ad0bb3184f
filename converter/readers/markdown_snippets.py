"""pymdownx.snippets: ``--8<-- "name"`` includes a file, looked up in the site's base paths.

Only files inside the site's root (``MarkdownOptions.snippet_root``, the folder of mkdocs.yml) are read,
never a URL nor a hidden file or folder (``.env``, ``.git/config``: a secret must not become a page); at
most ``MAX_SNIPPET_DEPTH`` levels deep and ``MAX_SNIPPET_BYTES`` large. ``name:3:8`` takes lines 3 to 8,
``name:section`` the lines between ``--8<-- [start:section]`` and ``--8<-- [end:section]``. A name that
cannot be read raises ``SnippetError`` (the caller reports it).
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from productive_docs.converter.readers.markdown_options import (
    MAX_SNIPPET_BYTES,
    MAX_SNIPPET_DEPTH,
    MarkdownOptions,
)

_SECTION_MARK = re.compile(r"^\s*-{1,}8<-{1,}\s+\[(start|end):([\w-]+)\]\s*$", re.MULTILINE)
_RANGE = re.compile(r"^(.*?)((?::-?\d*){1,2})$")
#: A snippet line inside a fenced code block (pymdownx.snippets is a preprocessor: it expands there too).
FENCE_SNIPPET = re.compile(r"""^([ \t]*)-{1,}8<-{1,}[ \t]+(["'])([^"'\n]+)\2[ \t]*$""", re.MULTILINE)


class SnippetError(Exception):
    """A snippet that cannot be included, and why."""


def expand_name(name: str, env: MutableMapping[str, Any]) -> str:
    """The text a snippet name stands for."""
    options: MarkdownOptions = env["options"]
    if env.get("snippet_depth", 0) >= MAX_SNIPPET_DEPTH:
        raise SnippetError(f"snippets nested more than {MAX_SNIPPET_DEPTH} deep")
    if "://" in name:
        raise SnippetError("URL snippets are not fetched")
    name, lines, section = _split(name)
    path = _find(name, options)
    data = path.read_bytes()
    if len(data) > MAX_SNIPPET_BYTES:
        raise SnippetError(f"larger than {MAX_SNIPPET_BYTES} bytes")
    text = data.decode("utf-8", errors="replace")
    if section is not None:
        text = _section(text, section)
    elif lines is not None:
        all_lines = text.splitlines()
        first, last = lines
        text = "\n".join(all_lines[max(first - 1, 0) : last if last else None])
    return _SECTION_MARK.sub("", text)


def _split(name: str) -> tuple[str, tuple[int, int] | None, str | None]:
    """``file:3:8`` -> lines 3..8; ``file:name`` -> a section (when the file part has a suffix)."""
    match = _RANGE.match(name)
    if match and match[2].strip(":"):
        numbers = [int(n) if n.lstrip("-").isdigit() else 0 for n in match[2].split(":")[1:]]
        return match[1], (numbers[0], numbers[1] if len(numbers) > 1 else 0), None
    head, sep, tail = name.rpartition(":")
    if sep and "." in head and re.fullmatch(r"[\w-]+", tail):
        return head, None, tail
    return name, None, None


def _section(text: str, section: str) -> str:
    start = re.search(rf"^\s*-{{1,}}8<-{{1,}}\s+\[start:{re.escape(section)}\]\s*$", text, re.MULTILINE)
    end = re.search(rf"^\s*-{{1,}}8<-{{1,}}\s+\[end:{re.escape(section)}\]\s*$", text, re.MULTILINE)
    if start is None or end is None or end.start() < start.end():
        raise SnippetError(f"section {section!r} not found")
    return text[start.end() : end.start()].strip("\n")


def _find(name: str, options: MarkdownOptions) -> Path:
    root = options.snippet_root
    if root is None:
        raise SnippetError("no site root to read snippets from")
    root = root.resolve()
    for base in options.snippet_bases or (root,):
        candidate = (base / name).resolve()
        if not candidate.is_relative_to(root):
            raise SnippetError("outside the site's folder")
        if any(part.startswith(".") for part in candidate.relative_to(root).parts):
            raise SnippetError("a hidden file or folder is not read")
        if candidate.is_file():
            return candidate
    raise SnippetError("file not found")


def expand_in_code(code: str, env: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """A fenced block's text with its snippet lines replaced; the names that failed, with why."""
    failed: list[tuple[str, str]] = []

    def replace(match: re.Match[str]) -> str:
        try:
            text = expand_name(match[3], env)
        except (SnippetError, OSError) as exc:
            failed.append((match[3], str(exc) or type(exc).__name__))
            return ""
        return "\n".join(match[1] + line if line else line for line in text.rstrip("\n").split("\n"))

    return FENCE_SNIPPET.sub(replace, code), failed
