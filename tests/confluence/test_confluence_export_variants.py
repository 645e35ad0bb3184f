"""Defects found on Confluence HTML exports other than the one the importer was built on (issue 16).

Markup variants are made from real export pages at test time (the tiny export's pages, and the
``confluence-varlab`` corpus when it is beside the project): the same page written with single-quoted
attributes or other whitespace must give the same Markdown; the emoticon and mention markup is quoted
from the varlab export (MIT).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from productive_docs.sync.confluence.importer import import_export
from productive_docs.sync.confluence.report import REPORT_NAME

from productive_docs import converter

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "confluence" / "tiny-export"
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora" / "confluence-varlab"
_DOUBLE_QUOTED = re.compile(r"""(\s[\w:-]+)="([^"']*)\"""")
_CHROME = ("Created by", "last modified", "Attachments:", "index.html")


def _single_quoted(html: str) -> str:
    """The page with every attribute value that has no quote in it written in single quotes."""
    return _DOUBLE_QUOTED.sub(r"\1='\2'", html)


def _spaced(html: str) -> str:
    """The page with line breaks and spaces around ``=`` inside its tags, as older templates write them."""
    return _DOUBLE_QUOTED.sub(r'\n   \1 = "\2"', html)


def _outputs(folder: Path) -> dict[str, str]:
    pages = sorted(folder.rglob("*.md"))
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in pages if p.name != REPORT_NAME}


@pytest.mark.parametrize("variant", [_single_quoted, _spaced], ids=["single-quoted", "spaced"])
def test_markup_variant_of_an_export_gives_the_same_folder(tmp_path: Path, variant) -> None:
    export = tmp_path / "export"
    shutil.copytree(FIXTURE, export)
    for page in export.glob("*.html"):
        page.write_text(variant(page.read_text(encoding="utf-8")), encoding="utf-8")
    assert "main-content'" in (export / "Home_100.html").read_text() or variant is _spaced
    expected = import_export(FIXTURE, tmp_path / "plain", progress=False)
    varied = import_export(export, tmp_path / "varied", progress=False)
    assert _outputs(varied.out_dir) == _outputs(expected.out_dir)
    assert len(varied.stats.broken_links) == len(expected.stats.broken_links)
    for text in _outputs(varied.out_dir).values():
        body = text.split("\n---\n", 1)[1]
        assert not any(chrome in body for chrome in _CHROME), body


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "index.html").is_file(), reason="confluence-varlab corpus not here")
def test_single_quoted_corpus_pages_read_the_same() -> None:
    pages = sorted(CORPUS.glob("*.html"))[::25]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        plain = converter.convert(html, "html", "md")
        assert converter.convert(_single_quoted(html), "html", "md") == plain, page.name


def _body(fragment: str) -> str:
    page = f"<html><body><div id='main-content' class='wiki-content group'>{fragment}</div></body></html>"
    return converter.convert(page, "html", "md")


def test_emoticon_with_a_javascript_escaped_fallback_is_the_character() -> None:
    # From the varlab export: the fallback is a JavaScript string escape of a surrogate pair.
    heading = ('<h2><img class="emoticon emoticon-blue-star" data-emoji-id="1f4cb" '
               'data-emoji-shortname=":clipboard:" data-emoji-fallback="\\uD83D\\uDCCB" '
               'src="images/icons/emoticons/72/1f4cb.png" width="16" height="16" '
               'data-emoticon-name="blue-star" alt="(blue star)"/> Date</h2>')
    assert _body(heading).strip() == "## \N{CLIPBOARD} Date"


def test_emoticon_with_a_shortcode_fallback_uses_its_code_points() -> None:
    tick = ('<p><img class="emoticon emoticon-tick" data-emoji-id="atlassian-check_mark" '
            'data-emoji-shortname=":check_mark:" data-emoji-fallback=":check_mark:" '
            'src="images/icons/emoticons/check.png" data-emoticon-name="tick" alt="(tick)"/> done</p>'
            '<p><img class="emoticon" data-emoji-id="1f44d-1f3fb" '
            'data-emoji-fallback=":thumbsup::skin-tone-2:" alt=":thumbsup:"/></p>')
    assert _body(tick).split() == ["\N{WHITE HEAVY CHECK MARK}", "done", "\N{THUMBS UP SIGN}\U0001F3FB"]


def test_mentions_written_next_to_each_other_stay_apart() -> None:
    # Two mentions as the varlab export writes them, with nothing between the links.
    mention = ('<a class="confluence-userlink user-mention" data-account-id="712020:{0}" '
               'href="https://varlab-dev.atlassian.net/wiki/people/712020:{0}?ref=confluence" '
               'target="_blank" data-linked-resource-type="userinfo">{1}</a>')
    people = ["Jack Woodman", "Kian DSOUZA", "Calvin Lee"]
    names = "".join(mention.format(n, name) for n, name in enumerate(people))
    cell = f"<table><tbody><tr><td class='confluenceTd'><p>said {names}</p></td></tr></tbody></table>"
    assert "said Jack Woodman Kian DSOUZA Calvin Lee" in _body(cell)
    assert "WoodmanKian" not in _body(cell)
