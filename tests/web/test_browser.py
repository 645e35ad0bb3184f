"""The preview in a real browser: headless Chromium (Debian's ``chromium`` + ``chromium-driver``, installed by
``.ci/install-browser``) driven through Selenium against the preview of fixtures/docs.

Checks the rendered DOM per node type, that images load, that a page whose stored body holds every hostile
vector of the HTML safety tests runs no script (the vectors would set a global or the title; the browser
says whether one ran), and saves screenshots of three pages under the path the test prints.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from markdown_it import MarkdownIt
from productive_docs.converter.model import Mark, Node, text, to_json
from productive_docs.converter.readers.html import read
from productive_docs.converter.report import Report
from productive_docs.sync.cli.preview import PreviewPrinter, preview_client, push_preview, throwaway_server
from productive_docs.sync.server.app import LocalServer

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "docs"
#: Where the screenshots go (CI keeps this folder as an artefact); printed by the test.
ARTEFACTS = Path(os.environ.get("PREVIEW_ARTEFACTS", ROOT / "build" / "preview-screenshots"))
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1280,900")
#: Every hostile vector sets this global (or the title) if it runs.
PAYLOAD = "top.pwned=1"
HOSTILE_TITLE = f"<img src=x onerror=\"document.title='pwned';{PAYLOAD}\">Hostile"
#: A table with widths, as Productive's HTML form writes it (the sample docs have none).
WIDTHS_PAGE = ('<h1>Table widths</h1><table><tr><th data-colwidth="200"><p>Name</p></th>'
               '<th data-colwidth="120"><p>Role</p></th><th data-colwidth="320"><p>Notes</p></th></tr>'
               "<tr><td><p>Ana</p></td><td><p>Lead</p></td><td><p>Owns the platform.</p></td></tr></table>")

pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[test]')")


def browser_paths() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


pytestmark = pytest.mark.skipif(browser_paths() is None,
                                reason="no chromium/chromedriver installed (run .ci/install-browser as root)")


def safety_vectors() -> list[str]:
    """The hostile HTML of tests/html/test_html_safety.py, each made to set ``top.pwned`` if it ran."""
    sys.path.insert(0, str(ROOT / "tests" / "html"))
    spec = importlib.util.spec_from_file_location("preview_html_safety", ROOT / "tests" / "html" /
                                                  "test_html_safety.py")
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    vectors = list(module.ATTACKS)
    if module.XSS.is_file():  # markdown-it's XSS cases (shared corpora; absent on some machines)
        vectors += [MarkdownIt("commonmark", {"html": True}).render(case) for case in module.xss_cases()]
    return [vector.replace("alert(1)", PAYLOAD).replace("msgbox(1)", PAYLOAD) for vector in vectors]


def hostile_body() -> str:
    """A stored body holding every vector: as the HTML reader stores it, as literal text, and in the
    attributes a stored tree can carry (which no reader would have let through)."""
    vectors = safety_vectors()
    attack = f"<img src=x onerror={PAYLOAD}>"
    nodes = list(read("\n".join(vectors), Report()).doc.content)
    nodes += [Node("paragraph", content=[text(vector)]) for vector in vectors]
    nodes += [
        Node("paragraph", content=[
            text("link", [Mark("link", {"href": f"javascript:{PAYLOAD}"})]),
            Node("image", {"src": f"javascript:{PAYLOAD}", "alt": f'"><script>{PAYLOAD}</script>'}),
            Node("mention", {"type": f'user" onmouseover="{PAYLOAD}', "id": "1", "label": attack}),
            Node("file", {"url": f"javascript:{PAYLOAD}", "name": attack, "fileType": "text/html"}),
            Node("var", {"name": f'"><script>{PAYLOAD}</script>'}),
            text("styled", [Mark("styles", {"color": f"red;background:url(javascript:{PAYLOAD})"})]),
        ]),
        Node("banner", {"type": f'info"><img src=x onerror={PAYLOAD}>'}, [Node("paragraph", content=[
            text("banner")])]),
        Node("codeblock", {"language": f'"><script>{PAYLOAD}</script>'}, [text(attack)]),
        Node("heading", {"level": f"<script>{PAYLOAD}</script>"}, [text("heading")]),
        Node(f"<script>{PAYLOAD}</script>", content=[text("unknown node")]),
    ]
    return json.dumps(to_json(Node("doc", content=nodes)))


@dataclass
class Preview:
    server: LocalServer
    url: str

    def page(self, title: str) -> str:
        with self.server.store.transaction() as db:
            row = db.execute("SELECT id FROM pages WHERE title = ?", (title,)).fetchone()
        assert row is not None, title
        return f"{self.server.root}/pages/{row[0]}"


@pytest.fixture(scope="module")
def previewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """The preview of fixtures/docs (a copy, with one page of table widths added), plus a hostile page."""
    docs = Path(shutil.copytree(SAMPLE, tmp_path_factory.mktemp("preview") / "docs"))
    (docs / "02-guides" / "table-widths.html").write_text(WIDTHS_PAGE, encoding="utf-8")
    with throwaway_server(None) as (server, scratch), preview_client(server) as client:
        printer = PreviewPrinter(server, out=io.StringIO(), err=io.StringIO(), root=docs)
        url, _, code = push_preview(docs, server, scratch, client, printer)
        assert code == 0, printer.out.getvalue()
        server.store.create(HOSTILE_TITLE, hostile_body(), project_id=1)
        yield Preview(server, url)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = browser_paths()
    assert paths is not None
    os.environ.setdefault("SE_AVOID_STATS", "true")  # selenium sends no usage statistics from tests
    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    profile = tempfile.mkdtemp(prefix="preview-chromium-")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=paths[1]), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def load(driver: object, url: str) -> None:
    """Open ``url`` and wait until it and its images finished loading."""
    driver.get(url)
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all([...document.images].map(i => i.complete ? 0 : new Promise(r => {"
        "  i.onload = i.onerror = r; }))).then(() => setTimeout(done, 300));")


def script(driver: object, code: str) -> object:
    return driver.execute_script(code)


def test_banners_have_their_colour(previewed: Preview, browser: object) -> None:
    load(browser, previewed.page("Mentions and alerts"))
    banners = script(browser, "return [...document.querySelectorAll('banner')].map(b => "
                              "[b.className, getComputedStyle(b).backgroundColor])")
    assert [name for name, _ in banners] == ["banner banner-info", "banner banner-success",
                                             "banner banner-info", "banner banner-warning",
                                             "banner banner-critical"]
    colours = {name: colour for name, colour in banners}
    assert len(set(colours.values())) == 4 and "rgba(0, 0, 0, 0)" not in colours.values()
    mentions = script(browser, "return [...document.querySelectorAll('span[mention-type]')].map(m => "
                               "getComputedStyle(m, '::before').content + m.textContent)")
    assert mentions == ['"@"Ana Horvat', '"@"Luka Babić']


def test_checklists_have_checkboxes(previewed: Preview, browser: object) -> None:
    load(browser, previewed.page("Checklists"))
    boxes = script(browser, "return [...document.querySelectorAll('li[type=checklist_item] > "
                            "input[type=checkbox]')].map(b => [b.checked, b.disabled])")
    assert boxes == [[True, True], [True, True], [False, True], [False, True],
                     [False, True], [False, True], [False, True]]


def test_tables_keep_their_column_widths(previewed: Preview, browser: object) -> None:
    load(browser, previewed.page("Table widths"))
    widths = script(browser, "return [...document.querySelectorAll('.document tr:first-child th')]"
                             ".map(c => Math.round(c.getBoundingClientRect().width))")
    assert widths == [200, 120, 320]


def test_images_load_and_columns_sit_side_by_side(previewed: Preview, browser: object) -> None:
    load(browser, previewed.page("Layout and media"))
    images = script(browser, "return [...document.images].map(i => [i.naturalWidth, "
                             "performance.getEntriesByName(i.src)[0]?.responseStatus])")
    assert len(images) == 2 and all(width > 0 and status == 200 for width, status in images), images
    columns = script(browser, "return [...document.querySelectorAll('[data-column]')].map(c => "
                              "Math.round(c.getBoundingClientRect().top))")
    assert len(columns) == 2 and columns[0] == columns[1]
    code = script(browser, "return getComputedStyle(document.querySelector('.document span[var]')).display")
    assert code == "inline"


def test_code_blocks_show_as_code(previewed: Preview, browser: object) -> None:
    load(browser, previewed.page("Code samples"))
    blocks = script(browser, "return [...document.querySelectorAll('.document pre')].map(p => ["
                             "getComputedStyle(p, '::before').content, getComputedStyle(p).whiteSpace])")
    assert blocks and ['"python"', "pre"] in blocks  # the language label, whitespace kept


def test_a_hostile_body_runs_no_script(previewed: Preview, browser: object) -> None:
    browser.get(f"data:text/html,<title>t</title><img src=x onerror={PAYLOAD}>")
    browser.implicitly_wait(0)
    assert script(browser, "return new Promise(r => setTimeout(() => r(window.pwned), 300))") == 1  # detects
    load(browser, previewed.page(HOSTILE_TITLE))
    script(browser, "document.querySelectorAll('.document *').forEach(e => ['mouseover', 'focus'].forEach("
                    "kind => e.dispatchEvent(new MouseEvent(kind, {bubbles: true}))))")
    state = script(browser, "return new Promise(r => setTimeout(() => r([window.pwned === undefined, "
                            "document.title, document.querySelectorAll('.document script, .document iframe, "
                            ".document object, .document embed, .document form').length]), 500))")
    assert state[0], "a hostile vector ran"
    assert state[1] == f"{HOSTILE_TITLE} · productive-docs preview"  # shown as text, never run
    assert state[2] == 0
    assert "/pages/" in browser.current_url and "Hostile" in browser.title
    rendered = script(browser, "return document.querySelectorAll('.document p').length")
    assert rendered > 20  # the page did render its content (escaped), not an error


def test_screenshots_of_three_pages(previewed: Preview, browser: object) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\npreview screenshots in {ARTEFACTS}")
    for title, name in (("Mentions and alerts", "alerts"), ("Checklists", "checklists"),
                        ("Layout and media", "layout")):
        load(browser, previewed.page(title))
        path = ARTEFACTS / f"preview-{name}.png"
        assert browser.save_screenshot(str(path))
        assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000


def test_a_live_page_reloads_itself_when_the_preview_changes(previewed: Preview, browser: object) -> None:
    url = previewed.page("Tables")
    previewed.server.web.live = True
    try:
        load(browser, url)
        script(browser, "window.before_reload = true")
        previewed.server.web.set_notes(url.rsplit("/", 1)[1], ["02-guides/tables.md:3: saved again -> shown"])
        deadline = time.monotonic() + 20
        while script(browser, "return window.before_reload === true || !document.querySelector('.notes')"):
            assert time.monotonic() < deadline, "the page did not reload (is reload.js blocked by the CSP?)"
            time.sleep(0.2)
        assert "saved again" in script(browser, "return document.querySelector('.notes').textContent")
    finally:
        previewed.server.web.live = False
