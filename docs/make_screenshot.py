"""Rewrite docs/explain.png: the `dreamgen explain --format html` page in headless Chromium.

    python docs/make_screenshot.py [--seed 42] [--chromium /usr/bin/chromium]

Needs Playwright (the ``test`` extra) and a system Chromium (Debian: ``apt-get install
chromium``). A Markov sentence is clicked so the picture shows its origin panel.
"""

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from dreamgen import Dreamer
from dreamgen.explain import explain
from dreamgen.output.explain_html import render_html

DOCS = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", default=str(DOCS / "explain.png"))
    args = parser.parse_args()
    page_html = render_html(explain(Dreamer.load(), args.seed))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dream.html"
        path.write_text(page_html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 760})
            page.goto(path.as_uri())
            page.locator(".s.markov").nth(1).click()
            page.screenshot(path=args.out)
            browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
