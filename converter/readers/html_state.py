"""What the HTML rules see of the reader running them, and the rule signature.

Its own module, as markdown-it-py's ``rules_block/state_block.py``: the rule modules (``html_blocks``,
``html_inline``, ``html_confluence``, ``html_rules``) import this protocol, not the reader (``html.Reader``,
which imports the rule tables), so no import cycle remains, not even a type-only one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from productive_docs.converter.model import Mark, Node
from productive_docs.converter.readers.html_builder import Builder, Frame
from productive_docs.converter.readers.html_tree import Element


class Reader(Protocol):
    """The reader as the rules use it (implemented by ``html.Reader``)."""

    builder: Builder
    #: A whole page being imported (not a fragment): the import cleanup's rules apply.
    page: bool

    def by_tag(self, el: Element) -> bool: ...

    def after(self, action: Callable[[], None]) -> None: ...

    def block(self, node: Node) -> Frame: ...

    def mark(self, mark: Mark) -> None: ...

    def preserve_whitespace(self) -> None: ...

    def wrapper(self) -> None: ...

    def lowered(self, what: str, became: str, *, once: bool = False) -> None: ...

    def safe_url(self, el: Element, attr: str, *, image: bool = False) -> str | None: ...

    def styles_of(self, el: Element) -> dict[str, str]: ...


#: A rule: handles an element, True when its children are to be read as well.
Handler = Callable[[Reader, Element], bool]
