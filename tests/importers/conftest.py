"""What the importer tests share: building a zip in memory (hostile archives, exports laid out by hand)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def make_zip() -> Callable[[dict[str, bytes]], bytes]:
    """The bytes of a zip holding ``entries`` (name -> bytes), names written as given."""
    return _zip
