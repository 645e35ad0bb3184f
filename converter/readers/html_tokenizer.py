"""``html.parser``'s tokenizer with its common tokens read by one pattern each, the rest by the library.

Why: the standard library's ``HTMLParser`` is the tokenizer whose events build the reader's tree (so that
the tree is the one bs4's ``html.parser`` builds, see ``html_tree``), and on the Confluence corpus it was a
third of an import's time. Most of that is its general path per token: ``goahead`` tries each kind of token
in turn, and ``parse_starttag`` finds a tag's end with one long pattern and then walks it again attribute by
attribute.

``Tokenizer.goahead`` reads the plain tokens itself: text, a start tag whose name and attributes are plain
(a name of letters, digits and ``-``; attributes as ``name``, ``name="..."`` or ``name='...'`` without a
``&``, ASCII whitespace between), an end tag ``</name>``, the references ``&name;``, ``&#123;`` and
``&#x1F;``, and a ``&`` before neither a letter nor ``#``. On those the library's versions agree (3.11 to
3.13 tested here, CPython's current source read), and this module gives the same events with the same
arguments and line numbers (columns are not kept).

Every other token is read where the library's own ``goahead`` would read it, by the library's method for its
kind (``parse_starttag``, ``parse_comment``...) on the whole text. The content of ``<script>``, ``<style>``
and their kin, which the library reads in a mode of its own, goes to the library's ``goahead`` up to the end
that the library's own pattern finds; and wherever the library stops (it needs more text) or a ``&`` starts
anything else, the library is given everything left. So on any Python the events are the library's
(``tests/html/test_html_tokenizer.py`` compares them, on the corpora and on random tag soup).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: The plain tokens, one alternative each: text up to a ``<`` or ``&`` (1); a start tag with a plain name
#: (2), plain attributes (3) and ASCII whitespace only, maybe ``/>`` (4); an end tag ``</name>`` (5); a named
#: (6) or numeric (7) reference ended by ``;``. ``Match.lastindex`` tells which one matched.
_PLAIN = re.compile(
    r"([^<&]+)"
    r"|<([a-zA-Z][-a-zA-Z0-9]*)"
    r"((?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=\"[^\"]*\"|='[^']*')?)*)"
    r"[ \t\n\r\f]*(/?)>"
    r"|</([a-zA-Z][-a-zA-Z0-9]*)>"
    r"|&(?:([a-zA-Z][a-zA-Z0-9]*)|#([0-9]+|[xX][0-9a-fA-F]+));")
_TEXT, _START, _END, _ENTITY, _CHARREF = 1, 4, 5, 6, 7
_ATTRIBUTE = re.compile(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)(=\"[^\"]*\"|='[^']*')?")
_TAG_OPEN = re.compile(r"<[a-zA-Z]")
#: Elements whose content some version of the library reads in a mode of its own (CDATA, RCDATA,
#: plaintext): their start tag is left to the library.
_OWN_MODE = frozenset({
    "script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
})


def _library_has_what_the_fast_loop_uses() -> bool:
    """Whether this Python's ``HTMLParser`` has the internals the fast loop relies on (undocumented: its
    mode, the pattern of that mode's end, its per-kind methods); without them the library reads alone."""
    probe = HTMLParser(convert_charrefs=False)
    return all(hasattr(probe, name) for name in (
        "cdata_elem", "interesting", "rawdata", "lineno", "goahead", "parse_starttag", "parse_endtag",
        "parse_comment", "parse_pi", "parse_html_declaration"))


_FAST = _library_has_what_the_fast_loop_uses()


class Tokenizer(HTMLParser):
    """``HTMLParser`` (``convert_charrefs=False``) whose ``goahead`` reads the common tokens itself."""

    def goahead(self, end: bool) -> None:
        if end or not _FAST or self.convert_charrefs or self.cdata_elem is not None:
            super().goahead(end)  # ``close``: what ``feed`` left, as the library reads it
            return
        rawdata = self.rawdata
        n = len(rawdata)
        i = 0
        count = rawdata.count
        plain = _PLAIN.match
        while i < n:
            token = plain(rawdata, i)
            if token is not None:
                kind = token.lastindex
                k = token.end()
                if kind == _TEXT:
                    self.handle_data(token.group(1))
                    self.lineno += count("\n", i, k)
                    i = k
                    continue
                if kind == _START:
                    tag = token.group(2).lower()
                    attributes = token.group(3)
                    if tag not in _OWN_MODE and "&" not in attributes:
                        self.lasttag = tag
                        attrs = _attributes(attributes) if attributes else []
                        if token.group(4):
                            self.handle_startendtag(tag, attrs)
                        else:
                            self.handle_starttag(tag, attrs)
                        self.lineno += count("\n", i, k)
                        i = k
                        continue
                elif kind == _END:
                    self.handle_endtag(token.group(5).lower())
                    i = k
                    continue
                elif kind == _ENTITY:
                    self.handle_entityref(token.group(6))
                    i = k
                    continue
                else:
                    self.handle_charref(token.group(7))
                    i = k
                    continue
            if rawdata[i] == "<":
                k = self._library_token(i)
            else:
                following = rawdata[i + 1:i + 2]
                if following and following != "#" and not ("a" <= following.lower() <= "z"):
                    self.handle_data("&")  # before neither a letter nor ``#``: text
                    i += 1
                    continue
                k = -1  # any other ``&``: the library's rules, which may stop early, from here on
            if k < 0:
                self._library_rest(i)
                return
            self.lineno += count("\n", i, k)
            i = k
            if self.cdata_elem is not None:
                i = self._library_own_mode(i)
                if i < 0:
                    return
        self.rawdata = rawdata[i:]

    def _library_token(self, i: int) -> int:
        """The token at ``i`` (a ``<``) read as the library's ``goahead`` reads it: by the library's
        method for its kind; the position after it, or -1 where the library needs more text."""
        rawdata = self.rawdata
        if _TAG_OPEN.match(rawdata, i):
            return self.parse_starttag(i)
        if rawdata.startswith("</", i):
            return self.parse_endtag(i)
        if rawdata.startswith("<!--", i):
            return self.parse_comment(i)
        if rawdata.startswith("<?", i):
            return self.parse_pi(i)
        if rawdata.startswith("<!", i):
            return self.parse_html_declaration(i)
        if i + 1 < len(rawdata):
            self.handle_data("<")
            return i + 1
        return -1

    def _library_own_mode(self, i: int) -> int:
        """After a start tag that put the library in an element's own mode: the library's ``goahead``
        reads up to the end its own pattern finds; the position after it, or -1 when the library was
        given everything left (no end found, or the library did not take the whole chunk)."""
        rawdata = self.rawdata
        close = self.interesting.search(rawdata, i)
        if close is None:
            self._library_rest(i)
            return -1
        k = close.end()
        self.rawdata = rawdata[i:k]
        HTMLParser.goahead(self, False)
        if self.rawdata or self.cdata_elem is not None:
            self.rawdata += rawdata[k:]
            HTMLParser.goahead(self, False)
            return -1
        self.rawdata = rawdata
        return k

    def _library_rest(self, i: int) -> None:
        """The library reads everything from ``i`` on, as its ``goahead`` would go on from there."""
        self.rawdata = self.rawdata[i:]
        HTMLParser.goahead(self, False)


def _attributes(text: str) -> list[tuple[str, str | None]]:
    """The attributes of a plain start tag as the library gives them: names in lower case, a bare one
    ``None``, a value without its quotes (a value with a ``&`` is left to the library, whose rules for
    references in values differ between versions)."""
    return [(name.lower(), quoted[2:-1] if quoted else None) for name, quoted in _ATTRIBUTE.findall(text)]


__all__ = ["Tokenizer"]
