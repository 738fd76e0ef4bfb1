"""Debian's Chromium as the browser tests and the docs screenshots drive it, and how they wait.

``settle`` waits for the app's own script state, never a sleep: connected, the script finished,
no skeleton, and all of that held for 300 ms (a page can rerun right after its first run).
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

SCRIPT_IDLE_JS = (
    "document.querySelector('[data-test-script-state]')?.getAttribute('data-test-script-state')"
    " === 'notRunning' && !document.querySelector('[data-testid=\"stSkeleton\"]')"
)
"""A JavaScript expression: the app's script has finished and no skeleton is left."""


def held_js(condition: str, params: str = "", prelude: str = "", since: str = "__idleSince") -> str:
    """A ``wait_for_function`` body that is true once ``condition`` has held for 300 ms.

    Parameters
    ----------
    condition : str
        A JavaScript expression, true while the page is as wanted.
    params : str
        The function's parameters (``selector``), as Playwright passes its ``arg``.
    prelude : str
        Statements before the test: constants the condition reads, an early ``return false``.
    since : str
        The ``window`` property that keeps when the condition began to hold (callers read it
        back as the moment the page settled); reset whenever the condition fails.
    """
    lead = f"    {prelude}\n" if prelude else ""
    return f"""({params}) => {{
{lead}    const held = {condition};
    if (!held) {{ window.{since} = null; return false; }}
    window.{since} = window.{since} || performance.now();
    return performance.now() - window.{since} > 300;
}}"""


# Idle must hold for 300 ms: a page can rerun right after its first run (the router's rerun
# on a cold server, a widget writing the URL).
_IDLE = held_js(SCRIPT_IDLE_JS)


def settle(tab, timeout: float = 30_000) -> None:
    """Wait until the app is connected and its script has stayed finished (no sleeps)."""
    tab.wait_for_selector('[data-test-connection-state="CONNECTED"]', timeout=timeout)
    tab.evaluate("() => { window.__idleSince = null; }")
    tab.wait_for_function(_IDLE, timeout=timeout, polling=100)
