"""Import cleanup of whole HTML pages (issue 14): what other editors add for looks goes, with a report."""

from __future__ import annotations

from productive_docs.converter import Report, read, write

PAGE = "<html><body>{}</body></html>"


def md_of(body: str, page: bool = True) -> tuple[str, list[str]]:
    report = Report()
    doc = read(PAGE.format(body) if page else body, "html", report=report).doc
    return write(doc, "md"), [f"{entry.what} -> {entry.became}" for entry in report.entries]


def test_spacers_edges_and_mark_spaces_go_with_one_entry_per_kind() -> None:
    md, report = md_of(
        "<p></p><p><br></p><p>&nbsp;</p><p><b>Status: </b>done <a href='https://x.org/a'>link </a>.</p>"
        "<h4>Positive Aspects&nbsp;</h4><p>end<br></p>"
    )
    assert md == "**Status:** done [link](https://x.org/a) .\n\n#### Positive Aspects\n\nend\n"
    assert sorted(report) == [
        "line breaks and spaces at a paragraph's edge (2) -> dropped",
        "spacer paragraphs (3) -> dropped",
        "spaces at the edge of a mark (2) -> moved outside the mark",
    ]


def test_fragments_are_read_as_written() -> None:
    md = md_of("<p></p><p>a<br></p>", page=False)[0]
    assert md == '<!-- paragraph {} -->\n\na\n\n<!-- attrs {"br":[0,1]} -->\n'
    assert read(md, "md").doc == read("<p></p><p>a<br></p>", "html").doc


def test_plain_urls_become_autolinks_and_media_a_link_to_its_source() -> None:
    md, report = md_of('<p>see https://x.org/a_b. <video><source src="https://x.org/v.mp4"></video></p>')
    assert md == "see <https://x.org/a_b>. <https://x.org/v.mp4>\n"
    assert "<video> element -> a link to its source" in report


def test_empty_links_are_kept_as_autolinks_and_reported() -> None:
    md, report = md_of(
        '<p>See <a href="https://x.org/a"></a> and <a href="mailto:a@b.c"></a>.<a name="t"></a></p>'
    )
    assert md == "See <https://x.org/a> and <mailto:a@b.c>.\n"
    assert report.count("empty link -> a link showing its address") == 2


def test_default_colours_and_weights_are_no_style_reported_once() -> None:
    md, report = md_of(
        '<h3><span style="font-weight: 400; color: #434343">Heading three</span></h3>'
        '<p><span style="color: #434343; font-weight: 400">grey</span> '
        '<span style="color:#000000">black</span> '
        '<span style="color: red; font-weight: normal">red</span></p>'
    )
    assert md == (
        '### Heading three\n\n<span style="color: #434343">grey</span> black '
        '<span style="color: red">red</span>\n'
    )
    assert report == ["styles that are the default (black, weight 400, heading grey) (4) -> dropped"]
