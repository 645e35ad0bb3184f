"""Link addresses as Markdown holds them: markdown-it-py's ``normalizeLink`` (and ``normalizeLinkText``),
remembered per address.

Why a cache: the import's clean-up normalises every link address once and the Markdown writer checks each
one again (is it unchanged by the reader's normalisation?) for every piece of link text, the link itself
and the autolink test; the same address comes back on page after page (a space's home, attachments).
``normalizeLink`` parses and percent-encodes character by character in Python (about 7% of html -> md on
the Confluence corpus before). The result depends on the address only, so a bounded cache gives the same
answers.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it.common.normalize_url import normalizeLink, normalizeLinkText

#: Addresses remembered (a few MB at most; the least recently used go first).
CACHED_LINKS = 16384


@lru_cache(maxsize=CACHED_LINKS)
def normalize_link(url: str) -> str:
    """``url`` as the Markdown reader normalises a link destination (percent-encoded, punycode host)."""
    return normalizeLink(url)


@lru_cache(maxsize=CACHED_LINKS)
def normalize_link_text(url: str) -> str:
    """``url`` as the Markdown reader shows an autolink's text (percent-decoded, unicode host)."""
    return normalizeLinkText(url)


__all__ = ["normalize_link", "normalize_link_text"]
