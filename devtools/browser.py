"""Debian's Chromium as the browser tests and the docs screenshots drive it, and how they wait.

``settle`` waits for the app's own script state, never a sleep: connected, the script finished,
no skeleton, and all of that held for 300 ms (a page can rerun right after its first run).
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

_IDLE = """() => {
    const app = document.querySelector('[data-test-script-state]');
    const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"]');
    // idle must hold for 300 ms: a page can rerun right after its first run
    // (the router's rerun on a cold server, a widget writing the URL)
    if (!idle) { window.__idleSince = null; return false; }
    window.__idleSince = window.__idleSince || performance.now();
    return performance.now() - window.__idleSince > 300;
}"""


def settle(tab, timeout: float = 30_000) -> None:
    """Wait until the app is connected and its script has stayed finished (no sleeps)."""
    tab.wait_for_selector('[data-test-connection-state="CONNECTED"]', timeout=timeout)
    tab.evaluate("() => { window.__idleSince = null; }")
    tab.wait_for_function(_IDLE, timeout=timeout, polling=100)
