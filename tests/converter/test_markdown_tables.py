"""Pipe tables and attribute lines of the ``md`` writer (issue 14): readable, and read back the same."""

from __future__ import annotations

from productive_docs.converter import Report, read, write
from productive_docs.converter.model import Mark, Node, normalize


def cell(kind: str, *paragraphs: list[Node], **attrs: object) -> Node:
    return Node(kind, dict(attrs), [Node("paragraph", content=content) for content in paragraphs])


def t(value: str) -> list[Node]:
    return [Node("text", text=value)]


def round_trip(doc: Node) -> str:
    md = write(doc, "md")
    assert normalize(read(md, "md").doc) == normalize(doc)
    return md


def test_a_table_without_header_with_widths_and_paragraphs_is_a_pipe_table() -> None:
    table = Node("table", content=[
        Node("table_row", content=[
            cell("table_cell", t("a"), t("b"), colwidth=[120]), cell("table_cell", t("x")),
        ]),
        Node("table_row", content=[cell("table_header", t("h"), colwidth=[120]), cell("table_cell", t("y"))]),
    ])
    md = round_trip(Node("doc", content=[table]))
    assert md.startswith("| a<br>b | x |\n| --- | --- |\n| h | y |\n\n<!-- table ")
    assert '"head":false' in md and '"headcol":true' in md and '"p":[0]' in md


def test_a_paragraph_break_in_markdown_input_stays_a_pipe_table() -> None:
    md = "| x<br>y | z |\n| --- | --- |\n| 1 | 2 |\n"
    assert write(read(md, "md").doc, "md") == md


def test_merged_cells_are_a_pipe_table_with_the_covered_cells_empty() -> None:
    table = Node("table", content=[
        Node("table_row", content=[cell("table_header", t("a"), colspan=2), cell("table_header", t("b"))]),
        Node("table_row", content=[cell("table_cell", t("c"), rowspan=2), cell("table_cell", t("d")),
                                   cell("table_cell", t("e"))]),
        Node("table_row", content=[cell("table_cell", t("f"), colspan=2)]),
    ])
    report = Report()
    md = write(Node("doc", content=[table]), "md", report=report)
    assert md == (
        "| a |  | b |\n| --- | --- | --- |\n| c | d | e |\n|  | f |  |\n\n"
        '<!-- table {"size":[3,3],"cells":{"0,0":{"colspan":2},"1,0":{"rowspan":2},'
        '"2,1":{"colspan":2}}} -->\n'
    )
    assert not report
    assert normalize(read(md, "md").doc) == normalize(Node("doc", content=[table]))
    edited = md.replace("|  | f |  |", "| typed | f |  |")
    back_report = Report()
    read(edited, "md", report=back_report)
    assert "a cell that a merged cell covers is not empty" in str(back_report)


def test_merged_cells_that_do_not_make_a_rectangle_are_an_html_table_and_reported() -> None:
    table = Node("table", content=[Node("table_row", content=[cell("table_header", t("a"), rowspan=2)])])
    report = Report()
    assert write(Node("doc", content=[table]), "md", report=report).startswith("<table>")
    assert [entry.what for entry in report.entries] == [
        "table with rows of different lengths (merged cells counted)"
    ]


def test_alignment_and_image_width_go_into_an_attribute_line() -> None:
    image = Node("image", {"src": "https://x.org/a.png", "width": 300})
    doc = Node("doc", content=[Node("paragraph", {"textAlign": "center"}, [*t("see "), image])])
    assert round_trip(doc) == (
        '![](https://x.org/a.png)'.join(["see ", "\n\n"])
        + '<!-- attrs {"textAlign":"center","images":[{"width":300}]} -->\n'
    )


def test_a_link_whose_text_is_its_url_is_an_autolink() -> None:
    link = Node("text", text="https://x.org/a_b", marks=[Mark("link", {"href": "https://x.org/a_b"})])
    assert round_trip(Node("doc", content=[Node("paragraph", content=[link])])) == "<https://x.org/a_b>\n"
