"""Links as a docs site's sources write them, on real docs nobody here wrote (the npm CLI docs in
``../shared/corpora``): ``[npm outdated](npm-outdated)`` and ``[npm outdated](/commands/npm-outdated)`` name
``commands/npm-outdated.md``. Pushed to the local server over HTTP, every such link becomes the page's URL,
none is reported as naming no page, and a second push writes nothing."""

from __future__ import annotations

import re
import shutil

import pytest
from productive_docs.sync.engine.push.run import push_folder
from shared_corpora import CORPORA

NPM = CORPORA / "markdown" / "npm-cli"
#: A site link to a page: no scheme, no suffix on its last name (``npm-outdated``, ``/commands/npm-ls``).
SITE_LINK = re.compile(r"\]\((/?(?:commands|configuring-npm|using-npm)/[\w.-]+|npm-[\w-]+)(#[\w-]*)?\)")


@pytest.mark.corpus
def test_npm_docs_site_links_become_page_urls(tmp_path, fast_client):
    root = tmp_path / "npm"
    shutil.copytree(NPM, root)
    linked = sum(len(SITE_LINK.findall(path.read_text(encoding="utf-8"))) for path in root.rglob("*.md"))
    assert linked > 100, "the corpus has the site links this test is about"
    result = push_folder(root, fast_client, project_id="1")
    assert result.exit_code == 0
    notes = [note for outcome in result.outcomes for note in outcome.notes]
    assert not [note for note in notes if "names no synced page" in note], notes
    ids = [outcome.page_id for outcome in result.outcomes if outcome.page_id]
    bodies = [str(fast_client.get_page(page_id).body) for page_id in ids]
    assert not [href for body in bodies for href in re.findall(r"'href': '(/commands/[^']*)'", body)]
    assert sum(body.count("/docs/doc/") for body in bodies) >= linked
    again = push_folder(root, fast_client)
    assert again.requests["writes"] == 0 and set(again.counts()) == {"unchanged"}
