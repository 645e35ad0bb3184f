"""A push does each piece of work once (issue 11): one render per body sent, and a page prepared again only
when an id it depends on changed during planning."""

from __future__ import annotations

from collections import Counter

import pytest
from productive_docs.converter.model import Node
from productive_docs.converter.writers import markdown
from productive_docs.sync.engine.push.planning import Planner
from productive_docs.sync.engine.push.run import push_folder
from productive_docs.sync.engine.push.work import Work
from productive_docs.sync.engine.state import default_path, load


def _count_renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    renders: list[int] = []
    original = markdown._document

    def counted(blocks: list[Node], w: markdown.Writer) -> str:
        renders.append(1)
        return original(blocks, w)

    monkeypatch.setattr(markdown, "_document", counted)
    return renders


def test_each_markdown_body_is_rendered_once_and_an_html_one_never_as_markdown(
        make_tree, fast_client, monkeypatch: pytest.MonkeyPatch) -> None:
    renders = _count_renders(monkeypatch)
    root = make_tree({"index.md": "# Home\n\nWelcome.\n", "a.md": "# A\n\nPlain *text*.\n",
                      "b.md": "# B\n\n- one\n- two\n",
                      "centred.md": "# Centred\n\nMiddle.\n\n<!-- attrs {\"textAlign\":\"center\"} -->\n"})
    result = push_folder(root, fast_client, project_id="1")
    assert result.exit_code == 0, result.outcomes
    # three bodies go as Markdown (one render each), the centred one as HTML (no Markdown rendered for it)
    assert len(renders) == 3
    html = fast_client.get_page(next(o.page_id for o in result.outcomes if o.key == "centred.md"))
    assert "center" in str(html.body)


def test_a_changed_id_prepares_again_only_the_pages_that_depend_on_it(
        make_tree, fast_client, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tree({"index.md": "# Home\n\nSee [the FAQ](faq.md).\n", "faq.md": "# FAQ\n\nAnswers.\n",
                      "a.md": "# A\n\nx\n", "b.md": "# B\n\ny\n", "c.md": "# C\n\nSee [A](a.md).\n"})
    assert push_folder(root, fast_client, project_id="1", write_ids=True).exit_code == 0
    state = load(default_path(root))
    del state.pages["faq.md"]  # found again by the id in its front matter: its id changes during planning
    state.save()
    prepared: Counter[str] = Counter()
    original = Planner.prepare

    def counted(self: Planner, item: Work) -> None:
        prepared[item.page.key] += 1
        original(self, item)

    monkeypatch.setattr(Planner, "prepare", counted)
    result = push_folder(root, fast_client)
    assert result.exit_code == 0, result.outcomes
    assert "taken over" in " ".join(next(o for o in result.outcomes if o.key == "faq.md").notes)
    # the page taken over and the page linking to it twice, the others once
    assert prepared == {"": 2, "faq.md": 2, "a.md": 1, "b.md": 1, "c.md": 1}
