"""Pull side of assets: download a page's attachments beside its Markdown so the page works offline.

Only attachment URLs are fetched (Productive's file host or the API's own host, with an attachment path;
see ``sync.attachments_inferred``): a hot-linked ``https://example.com/x.png`` stays remote, as it was
pushed. Files land in ``assets/`` beside the page file under safe, unique names, and the references become
relative paths. Each download is recorded by content hash in the page's asset ``records``, so the next push
recognises the file and uploads nothing. A refused download (the spec notes that file URLs may not accept
an API token) is reported and the remote URL kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from productive_docs.converter.model import Node
from productive_docs.sync.api import attachments_inferred as guess
from productive_docs.sync.api.attachments import Attachment
from productive_docs.sync.api.errors import ApiError
from productive_docs.sync.assets.files import write_atomic
from productive_docs.sync.assets.naming import download_name as safe_name
from productive_docs.sync.assets.references import (
    AssetProblem,
    AssetReport,
    Records,
    references,
    rewrite_refs,
)

ASSETS_DIR = "assets"


def is_attachment_url(url: str, api_base: str) -> bool:
    """True for an http(s) URL of an attachment file on Productive's file host or the API's own host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or guess.ATTACHMENT_PATH_MARK not in parts.path:
        return False
    return parts.hostname in guess.FILE_HOSTS or parts.netloc == urlsplit(api_base).netloc


def _place(folder: Path, name: str, digest: str, taken: dict[str, str]) -> Path:
    """``folder/name``, or ``name-2``, ``name-3`` ... so that different contents never share a file.

    A file already holding exactly the content of SHA-256 ``digest`` is reused (pulling twice changes
    nothing); ``taken`` maps the names chosen in this run to their hashes.
    """
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
    number = 1
    while True:
        candidate = name if number == 1 else f"{stem}-{number}{suffix}"
        path = folder / candidate
        same = path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest
        free = same or not path.exists()
        if free and taken.get(candidate.casefold()) in (None, digest):
            taken[candidate.casefold()] = digest
            return path
        number += 1


def _shown(url: str) -> str:
    """A URL for messages: never with its query string (it may carry a token)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def download(client: Any, url: str) -> bytes:
    """The bytes of one attachment file (callers check ``is_attachment_url`` first: the token goes along)."""
    token_param = guess.DOWNLOAD_TOKEN_PARAM if urlsplit(url).hostname in guess.FILE_HOSTS else None
    return client.get_file(url, token_param=token_param)


def fetch_assets(
    doc: Node,
    page_file: Path,
    client: Any,
    *,
    records: Records | None = None,
    page_id: str | None = None,
    page: str | None = None,
    assets_dir: str = ASSETS_DIR,
) -> tuple[Node, AssetReport]:
    """Download the attachments ``doc`` refers to and return the doc referring to the local copies.

    Call it on the remote document before writing the Markdown; keep hashing the remote document for the
    sync state. ``records`` (the page's asset records) learns every downloaded file's hash and URL, and an
    asset recorded there and still present unchanged in ``assets/`` is not downloaded again.
    """
    name = page or str(page_file)
    report = AssetReport(name, "downloaded")
    folder = page_file.parent / assets_dir
    taken: dict[str, str] = {}
    new_refs: dict[str, str] = {}
    failed: set[str] = set()
    known = {record.url: (digest, record.name) for digest, record in (records or {}).items()}
    outside = folder.exists() and not folder.resolve().is_relative_to(page_file.parent.resolve())
    for ref in references(doc):
        url = ref.target
        if outside and is_attachment_url(url, client.base_url):
            reason = f"{assets_dir}/ is a symbolic link out of the folder: not downloaded, remote URL kept"
            report.problems.append(AssetProblem(name, ref.line, ref.kind, _shown(url), reason))
            continue
        if url in new_refs or url in failed or not is_attachment_url(url, client.base_url):
            continue
        data = _local_copy(folder, *known.get(url, ("", None)))
        if data is None:
            try:
                data = download(client, url)
            except ApiError as error:
                failed.add(url)
                reason = f"download refused, remote URL kept: {error}"
                report.problems.append(AssetProblem(name, ref.line, ref.kind, _shown(url), reason))
                continue
            done = report.transferred
        else:
            done = report.reused
        digest = hashlib.sha256(data).hexdigest()
        path = _place(folder, safe_name(unquote(PurePosixPath(urlsplit(url).path).name)), digest, taken)
        if not path.exists():
            write_atomic(path, data)
        done.append(path.name)
        new_refs[url] = f"{assets_dir}/{quote(path.name)}"
        if records is not None:
            old = records.get(digest)
            records[digest] = Attachment(url, path.name, page_id, old.id if old is not None else None)
    return rewrite_refs(doc, new_refs), report


def _local_copy(folder: Path, digest: str, name: str | None) -> bytes | None:
    """The bytes of an earlier download still in ``folder`` unchanged (a pull again downloads nothing)."""
    path = folder / name if name and safe_name(name) == name else None
    if path is None or not path.is_file():
        return None
    data = path.read_bytes()
    return data if hashlib.sha256(data).hexdigest() == digest else None
