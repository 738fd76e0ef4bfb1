"""Regenerate the README's page screenshots: `make screenshots`.

Starts the app with devtools/server.py (as the browser tests do), opens each page in
Debian's Chromium and saves docs/screenshots/<page>.png.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from devtools.browser import CHROMIUM, CHROMIUM_ARGS, settle
from devtools.server import ROOT, start_server

OUT = Path(__file__).resolve().parent / "screenshots"
PAGES = {
    "trials": ("/trials?lang=en", 1500, 1250),
    "trial": ("/trial?trial=lead&lang=en", 1500, 2600),
    "forest": ("/forest?lang=en", 1500, 1500),
    "survival": ("/survival?lang=en&endpoint=OS", 1500, 2200),
    "sources": ("/sources?lang=en", 1500, 1700),
    "import": ("/import?lang=en", 1500, 1100),
    "compare": ("/compare?lang=en&endpoint=PFS&pair=alex:a2020-pfs-hr|crown:jco-pfs-hr&swap=1", 1500, 1500),
    "trials-zh-hant": ("/trials?lang=zh-Hant&q=肝癌", 1500, 1000),
    "forest-present": ("/forest?lang=zh-Hans&present=1&endpoint=PFS", 1500, 1300),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(ROOT / "app.py", Path(tmp), cache_dir=Path(tmp) / "cache")
        url = server.url
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, (path, width, height) in PAGES.items():
                    tab = browser.new_page(viewport={"width": width, "height": height})
                    tab.goto(url + path)
                    settle(tab)
                    tab.screenshot(path=str(OUT / f"{name}.png"))
                    tab.close()
                    print(f"docs/screenshots/{name}.png")
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
