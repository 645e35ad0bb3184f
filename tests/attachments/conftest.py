"""Fixtures of the attachment tests."""

from __future__ import annotations

import pytest
from productive_docs.sync.api.client import Client


@pytest.fixture
def page_id(client: Client) -> str:
    """A doc on the local server to attach files to."""
    return client.create_with_markdown("Doc", "x").id
