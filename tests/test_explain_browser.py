"""The `dreamgen explain --format html` page in a real headless Chromium, at phone and desktop
sizes. Skipped, saying why, where Playwright or a system Chromium is missing."""

import os
import re
import shutil

import pytest

from dreamgen.explain import explain
from dreamgen.output.explain_html import render_html

CHROMIUM = os.environ.get("DREAMGEN_CHROMIUM") or shutil.which("chromium") or \
    shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}



def _missing(reason):
    # CI sets DREAMGEN_REQUIRE_BROWSER, so there a missing browser fails instead of skipping.
    if os.environ.get("DREAMGEN_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}; DREAMGEN_REQUIRE_BROWSER is set", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


try:
    from playwright import sync_api
except ImportError:
    _missing("Playwright is not installed (pip install '.[test]')")
if not CHROMIUM:
    _missing("no system Chromium (apt-get install chromium, or set DREAMGEN_CHROMIUM)")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page_url(dreamer, tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "dream-42.html"
    path.write_text(render_html(explain(dreamer, 42)), encoding="utf-8")
    return path.as_uri()


def open_page(browser, url, size):
    context = browser.new_context(**(PHONE if size == "phone" else DESKTOP))
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(url)
    page.size = size
    return page


@pytest.fixture(params=["phone", "desktop"])
def page(request, browser, page_url):
    page = open_page(browser, page_url, request.param)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser, page_url):
    page = open_page(browser, page_url, "phone")
    yield page
    page.context.close()


def press(page, locator):
    if page.size == "phone":
        locator.tap()
    else:
        locator.click()


def style(locator, prop):
    return locator.evaluate(f"e => getComputedStyle(e)[{prop!r}]")


def test_both_origins_are_visible_and_told_apart(page):
    grammar, markov = page.locator(".s.grammar").first, page.locator(".s.markov").first
    assert grammar.is_visible() and markov.is_visible()
    assert style(grammar, "backgroundColor") != style(markov, "backgroundColor")
    # Not by colour alone: the underline differs too.
    assert style(grammar, "borderBottomStyle") == "solid"
    assert style(markov, "borderBottomStyle") == "dotted"
    legend = page.locator(".legend")
    assert legend.is_visible()
    assert "grammar" in legend.inner_text() and "Markov" in legend.inner_text()


def test_the_page_is_readable_at_its_width(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    sentence = page.locator(".s").nth(3)
    assert float(style(sentence, "fontSize").rstrip("px")) >= 16
    box = page.locator("main").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert box["width"] >= min(width - 40, 500)


def test_pressing_a_markov_sentence_shows_its_corpus_lines(page):
    sentence = page.locator(".s.markov").nth(2)
    sentence.scroll_into_view_if_needed()
    press(page, sentence)
    panel = page.locator("#panel-body")
    assert panel.is_visible()
    text = panel.inner_text()
    assert "markov" in text and sentence.inner_text() in text
    assert re.search(r"corpus/\w+\.txt:\d+", text)
    assert sentence.get_attribute("aria-pressed") == "true"
    box = panel.bounding_box()
    assert box["y"] < page.viewport_size["height"] and box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"]


def test_pressing_a_grammar_sentence_shows_its_rule(page):
    sentence = page.locator(".s.grammar").nth(4)
    sentence.scroll_into_view_if_needed()
    press(page, sentence)
    text = page.locator("#panel-body").inner_text()
    assert "grammar" in text and sentence.inner_text() in text
    assert re.search(r"grammars/\w+\.json:\d+", text)


def test_hover_names_the_origin(page):
    title = page.locator(".s.markov").first.get_attribute("title")
    assert title.startswith("markov: chain ") and "longest overlap" in title
    assert page.locator(".s.grammar").first.get_attribute("title").startswith("grammar: ")


def test_on_a_phone_the_panel_is_a_sheet_that_closes_again(phone):
    panel = phone.locator("#panel-body")
    assert not panel.is_visible()
    press(phone, phone.locator(".s.markov").first)
    assert panel.is_visible()
    sheet = phone.locator("aside").bounding_box()
    assert sheet["width"] == 375 and sheet["height"] <= 740 * 0.6 + 1
    assert sheet["y"] + sheet["height"] == pytest.approx(740, abs=1)
    press(phone, panel.locator(".close"))
    assert not panel.is_visible()


def test_the_page_asks_for_nothing_over_the_network(page):
    press(page, page.locator(".s.markov").first)
    assert [u for u in page.requests if not u.startswith("file://")] == []
