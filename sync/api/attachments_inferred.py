"""Every fact about attachments that the spec marks as inferred [I] or unknown [?], in one place.

Spec §4.10 confirms the attachments resource (writable ``page_id``, ``attachable_type``, ``attachment_type``,
``name``, ``content_type``, ``size``, ``temp_url``) and the 4-step upload of the attachments guide (create,
POST the file to S3 with ``aws_policy``, PATCH ``temp_url`` with the S3 ``Location``, link to the owner).
How a *page* embeds an uploaded file is not documented (§6 open question 5). Each constant below names
the open question it answers provisionally; when a live probe settles one, only this module changes.
"""

from __future__ import annotations

from typing import Any

# §4.10 [?]: which `attachable_type` makes a file belong to a doc page. The guide's example attaches to a
# comment with "comment"; "page" follows the same naming (the resource also has a `page` relationship).
ATTACHABLE_TYPE = "page"

# §4.10 [?]: the enum is confirmed (`attachment` | `inline`); which value makes an image embeddable in a
# body is not. Images shown in the body are assumed "inline", chips for other files "attachment".
ATTACHMENT_TYPE_IMAGE = "inline"
ATTACHMENT_TYPE_FILE = "attachment"

# §4.10 [?]: step 4 ("link the attachment to its owner") is documented for comments only (a PATCH of the
# comment's `attachments` relationship). For pages we assume `page_id` on create already links it, so
# `sync.uploads` makes no fourth request; `create_with_markdown.attachment_ids` is the untested alternative.

# §4.10 [I]: the S3 bucket the guide posts to. The guide shows no storage URL in the create response, so
# this is the fallback when the response names none (the local server names its own, see below).
DEFAULT_STORAGE_URL = "https://productive-files-production.s3.eu-west-1.amazonaws.com"
# §4.8/§4.10 [I]: Productive's rate limits count requests to its API, per token and per organisation; the
# storage POST goes to S3, which knows neither. So it takes no slot of those windows: counted, an upload's
# three requests (create, storage, PATCH) would bring a big first push to the organisation's 4,000 per
# 30 minutes a third sooner. The local server agrees (its storage answers outside the API, unlimited).
STORAGE_IN_RATE_LIMITS = False
#: [I] attribute of the create response holding the storage URL to POST to (the local server sets it;
#: Productive is not known to).
STORAGE_URL_ATTR = "upload_url"
# §4.10 [C: S8 guide]: the form carries every `aws_policy` field, then the file under this field name
# (`-F "File=@path"` in the guide's curl example; S3 wants the file as the last field).
STORAGE_FILE_FIELD = "File"

# §2.4 image / §6 question 5 [I]: the URL that goes into `image.src` (and `file.url`) once uploaded. Live
# bodies show `https://files.productive.io/attachments/files/…/original/x.jpeg`, the shape of the
# attachment's `url` attribute; `temp_url` (the S3 Location) is the fallback if `url` stays empty.
EMBED_URL_ATTRS = ("url", "temp_url")

# §4.10 [C: S8 guide; C-live: S9 says it failed with a PAT]: files are read from this host with the API
# token as a `token` query parameter. The token is only ever sent to these hosts or to the API's own host.
FILE_HOSTS = ("files.productive.io",)
DOWNLOAD_TOKEN_PARAM = "token"
#: [I] path segment of every attachment file URL (`/attachments/files/002/592/959/original/x.pdf`); a URL
#: on a trusted host without it is not an attachment and is left alone on pull.
ATTACHMENT_PATH_MARK = "/attachments/"


def storage_url(attributes: dict[str, Any]) -> str:
    """Where to POST the file for an attachment just created (see ``STORAGE_URL_ATTR``)."""
    return str(attributes.get(STORAGE_URL_ATTR) or DEFAULT_STORAGE_URL)


def embed_url(attributes: dict[str, Any]) -> str | None:
    """The URL a body uses to show an uploaded attachment (see ``EMBED_URL_ATTRS``)."""
    return next((str(attributes[key]) for key in EMBED_URL_ATTRS if attributes.get(key)), None)


def attachment_type(content_type: str) -> str:
    """``attachment_type`` for a file of this MIME type (see ``ATTACHMENT_TYPE_IMAGE``)."""
    return ATTACHMENT_TYPE_IMAGE if content_type.startswith("image/") else ATTACHMENT_TYPE_FILE


def storage_location(body: bytes, headers: dict[str, str]) -> str | None:
    """The stored file's URL from a storage POST answer: S3's ``<Location>`` XML element, else the header.

    [C: S8 guide] for the XML element; the ``Location`` header is what S3 also sends with status 201.
    """
    from xml.etree import ElementTree  # here: only an upload reads S3's answer

    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        root = None
    if root is not None:
        found = root.find("Location")
        if found is None:
            found = next((el for el in root.iter() if el.tag.endswith("}Location")), None)
        if found is not None and found.text:
            return found.text.strip()
    return headers.get("Location")
