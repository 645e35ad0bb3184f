"""The file names users already have stay the same: each caller of ``sync.assets.naming`` (pull, download,
Confluence import) is pinned to the names it gave before the naming code moved into one module (issue 11).
A change here renames users' files on their next pull or import: make it on purpose, never by accident."""

from __future__ import annotations

import pytest
from productive_docs.sync.assets.naming import download_name, import_asset_name, import_slug, page_stem

TITLES = ["Getting started", "API / Reference", "FAQ: what & why?", "Café – déjà vu", "日本語のページ", "CON",
          "con.txt", "index", "README", "..", "  .hidden. ", "a\\b|c*d?e", "Release notes (2024)",
          "x" * 130 + ".png",
          "Ünïcödé naïve.JPEG", "tab\there", "report.final.v2.PDF", "", "Émoji 🎉 page", "Nul.tar.gz"]

PINNED = {
    "pull": [
        "Getting started",
        "API - Reference",
        "FAQ- what & why",
        "Café – déjà vu",
        "日本語のページ",
        "CON-page",
        "con-page.txt",
        "index-page",
        "README-page",
        "untitled",
        "hidden",
        "a-b-c-d-e",
        "Release notes (2024)",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "Ünïcödé naïve.JPEG",
        "tab-here",
        "report.final.v2.PDF",
        "untitled 2",
        "Émoji 🎉 page",
        "Nul-page.tar.gz"
    ],
    "download": [
        "Getting started",
        "API _ Reference",
        "FAQ_ what & why_",
        "Café – déjà vu",
        "日本語のページ",
        "CON-file",
        "con-file.txt",
        "index",
        "README",
        "file",
        "hidden",
        "a_b_c_d_e",
        "Release notes (2024)",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.png",
        "Ünïcödé naïve.JPEG",
        "tab_here",
        "report.final.v2.PDF",
        "file",
        "Émoji 🎉 page",
        "Nul-file.tar.gz"
    ],
    "import_asset": [
        "Getting-started",
        "API-Reference",
        "FAQ-what-why",
        "Café-déjà-vu",
        "日本語のページ",
        "CON-file",
        "con-file.txt",
        "index",
        "README",
        "file",
        "hidden",
        "a-b-c-d-e",
        "Release-notes-2024",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.png",
        "Ünïcödé-naïve.JPEG",
        "tab-here",
        "report.final.v2.PDF",
        "file",
        "Émoji-page",
        "Nul-file.tar.gz"
    ],
    "import_asset_png": [
        "Getting-started.png",
        "API-Reference.png",
        "FAQ-what-why.png",
        "Café-déjà-vu.png",
        "日本語のページ.png",
        "CON-file.png",
        "con-file.txt",
        "index.png",
        "README.png",
        "file.png",
        "hidden.png",
        "a-b-c-d-e.png",
        "Release-notes-2024.png",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.png",
        "Ünïcödé-naïve.JPEG",
        "tab-here.png",
        "report.final.v2.PDF",
        "file.png",
        "Émoji-page.png",
        "Nul-file.tar.gz"
    ],
    "import_slug": [
        "getting-started",
        "api-reference",
        "faq-what-why",
        "cafe-deja-vu",
        "",
        "con",
        "con-txt",
        "index",
        "readme",
        "",
        "hidden",
        "a-b-c-d-e",
        "release-notes-2024",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "unicode-naive-jpeg",
        "tab-here",
        "report-final-v2-pdf",
        "",
        "emoji-page",
        "nul-tar-gz"
    ]
}


def test_pull_names_are_stable() -> None:
    taken: set[str] = set()
    assert [page_stem(title, taken) for title in TITLES] == PINNED["pull"]


@pytest.mark.parametrize(("caller", "name"), [
    ("download", download_name),
    ("import_asset", import_asset_name),
    ("import_asset_png", lambda title: import_asset_name(title, ".png")),
    ("import_slug", import_slug),
])
def test_names_are_stable(caller: str, name) -> None:
    assert [name(title) for title in TITLES] == PINNED[caller]
