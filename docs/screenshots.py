"""Regenerate the page screenshots: `make screenshots`.

Starts the app with devtools/server.py (as the browser tests do), opens every page in Debian's
Chromium at the three sizes its readers use — a 1440×900 desktop, a 1920×1080 screen in
presentation mode (what a tumour board sees) and a 390×844 phone — in English, Simplified and
Traditional Chinese, and saves ``docs/screenshots/<size>/<page>-<lang>.png``.

Each picture is the first screen, as the reader sees it without scrolling (Streamlit scrolls
inside its own container, so a "full page" picture would be the first screen too). ``python -m docs.screenshots forest trial`` limits the
run to some pages.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from devtools.browser import CHROMIUM, CHROMIUM_ARGS, settle
from devtools.server import ROOT, start_server

OUT = Path(__file__).resolve().parent / "screenshots"
LANGUAGES = ("en", "zh-Hans", "zh-Hant")

PAGES = {
    "trials": "/trials?cancer=nsclc-alk",
    "trial": "/trial?trial=crown",
    "forest": "/forest?endpoint=PFS&cancer=nsclc-alk",
    "survival": "/survival?endpoint=PFS&cancer=nsclc-alk",
    "compare": "/compare?endpoint=PFS&pair=alex:a2020-pfs-hr|crown:jco-pfs-hr",
    "sources": "/sources",
    "import": "/import",
}
"""Each page at a view a reader would prepare (the ALK-positive lung cancer trials)."""

SIZES = {
    "desktop": ({"width": 1440, "height": 900}, "", False),
    "present": ({"width": 1920, "height": 1080}, "&present=1", False),
    "phone": ({"width": 390, "height": 844}, "", False),
}
"""Name → (viewport, extra query, whole page)."""


def shoot(browser, url: str, names: list[str]) -> None:
    """Save every page in ``names`` at every size and language."""
    for size, (viewport, extra, full_page) in SIZES.items():
        (OUT / size).mkdir(parents=True, exist_ok=True)
        for name in names:
            for lang in LANGUAGES:
                tab = browser.new_page(viewport=viewport)
                path = PAGES[name]
                joiner = "&" if "?" in path else "?"
                tab.goto(f"{url}{path}{joiner}lang={lang}{extra}")
                settle(tab)
                target = OUT / size / f"{name}-{lang}.png"
                tab.screenshot(path=str(target), full_page=full_page)
                tab.close()
                print(target.relative_to(ROOT))


def main(argv: list[str]) -> None:
    names = [name for name in argv if name in PAGES] or list(PAGES)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(ROOT / "app.py", Path(tmp), cache_dir=Path(tmp) / "cache")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                shoot(browser, server.url, names)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
