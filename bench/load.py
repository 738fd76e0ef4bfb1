"""End-to-end check: a few concurrent browser sessions driving every page of one server.

Not the capacity measure (``bench/capacity.py`` is: its protocol-level client leaves the CPU
to the server). One headless Chromium, one context per session (async Playwright). Each session opens the
trials page once, then loops as a reader does — a search, then the sidebar to the trial
page, the forest plot, the survival comparison and back to the trials — until the deadline,
counting every error: page exceptions (``stException``), uncaught page errors, HTTP
responses ≥ 400, failed requests, websocket errors, and timeouts. Bounded in time (the
deadline, then a hard stop) and in count (iterations per session).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.browser import (
    CHART,
    CHROMIUM,
    CHROMIUM_ARGS,
    CONTENT_BOX_JS,
    CONTENT_SHOWN_JS,
    EXCEPTION,
    OBSERVE_JS,
    READY_JS,
    TABLE,
    VIEWPORT,
)
from bench.server import cpu_seconds, memory_mb
from bench.timing import StepLog
from devtools.browser import held_js

STEP_TIMEOUT_MS = 60_000
PICKER = '[data-testid="stSelectbox"]'
SEARCHES = ("lung", "肝癌", "sarcoma", "乳腺癌", "alectinib")  # consecutive terms always differ
PAGES = (
    ("trial", "Trial", "/trial", PICKER),  # no id in the link: the page shows its trial picker
    ("forest", "Forest plot", "/forest", CHART),
    ("survival", "Survival comparison", "/survival", CHART),
    ("trials", "Trials", "/trials", TABLE),
)
"""Step name, sidebar link, the page's path, and what shows the page has arrived."""
STEPS = ("open /trials", "search", *(name for name, _, _, _ in PAGES))
OPEN_TIMEOUT_MS = 120_000  # the one full page load per session, while others are loading too
RAMP_S = 2.5  # session n starts 2.5·n s in: readers do not all arrive in the same instant
POLL_MS = 500  # how often a waiting session checks its page; every check costs browser CPU


@dataclass
class LoadResult(StepLog):
    sessions: int
    duration_s: float
    iterations: int = 0
    aborted_requests: int = 0
    server_cpu_s: float = 0.0
    expected_probes: int = 0
    external_failures: Counter = field(default_factory=Counter)
    peak_rss_mb: float = 0.0
    wall_s: float = 0.0

    MAX_EXAMPLES = 12
    EXAMPLE_CHARS = 200


def _watch(page, base: str, result: LoadResult) -> None:
    """Count the failures a page reports by itself (not the ones a step detects)."""

    def on_response(response) -> None:
        if response.status < 400:
            return
        # Opened at /trials, Streamlit's frontend first looks for the server under that path
        # (/trials/_stcore/health, …) and then at the root: expected 404s, counted apart.
        if "/_stcore/" in response.url and not response.url.startswith(f"{base}/_stcore/"):
            result.expected_probes += 1
        else:
            result.error("http", f"{response.status} {response.url}")

    def on_failed(request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:
            # Leaving a page cancels its pending requests (fonts, the old websocket): not an error.
            result.aborted_requests += 1
        elif not request.url.startswith(base):
            # Not the app's server: e.g. the page icon from fonts.gstatic.com on an offline machine.
            result.external_failures[request.url.split("/")[2]] += 1
        else:
            result.error("request", f"{failure} {request.url}")

    def on_websocket(socket) -> None:
        socket.on("socketerror", lambda message: result.error("websocket", str(message)))

    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.on("websocket", on_websocket)
    page.on("pageerror", lambda exc: result.error("pageerror", str(exc)))


async def _visit(page, url: str, selector: str) -> float:
    await page.goto(url, wait_until="commit", timeout=OPEN_TIMEOUT_MS)
    await page.wait_for_function(READY_JS, arg=selector, polling=POLL_MS, timeout=OPEN_TIMEOUT_MS)
    return await page.evaluate("() => window.__readySince")


# Done after an action: it took effect (a run started after it, or the address shows the
# expected page or search), the script is idle, nothing stale or loading is left, and the
# content is shown; held 300 ms. Under load the browser may process "script started" and
# "script finished" in one batch, so the running state is not always seen: hence the address.
DONE_JS = held_js(
    f"""took && {CONTENT_SHOWN_JS} && !document.querySelector('[data-stale="true"]')""",
    params="[selector, expect]",
    prelude="""if (window.__t0 === null) return false;
    const href = decodeURIComponent(location.pathname + location.search);
    const took = window.__transitions.some(([t, s]) => t >= window.__t0 && s === 'running')
        || (expect.startsWith('/') ? location.pathname.endsWith(expect) : href.includes(expect));
    """
    + CONTENT_BOX_JS,
)


async def _timed(page, act, selector: str, expect: str) -> float:
    """Time ``act()`` (a click or a key press) until the page it leads to has settled.

    ``expect`` is the path of the page it goes to (``/forest``) or a part of the address it
    produces (``q=lung``).
    """
    await page.evaluate(OBSERVE_JS)
    await page.evaluate("() => { window.__armed = true; window.__idleSince = null; }")
    await act()
    await page.wait_for_function(DONE_JS, arg=[selector, expect], polling=POLL_MS, timeout=STEP_TIMEOUT_MS)
    return await page.evaluate("() => window.__idleSince - window.__t0")


async def _search(page, term: str) -> float:
    box = page.get_by_role("textbox", name="Search")
    await box.fill(term, timeout=STEP_TIMEOUT_MS)
    return await _timed(page, lambda: box.press("Enter"), TABLE, f"q={term}")


async def _navigate(page, link: str, path: str, selector: str) -> float:
    target = page.locator('[data-testid="stSidebar"]').get_by_role("link", name=link, exact=True)
    return await _timed(page, lambda: target.click(timeout=STEP_TIMEOUT_MS), selector, path)


async def _step(page, result: LoadResult, name: str, action) -> bool:
    try:
        ms = await action
    except Exception as exc:  # a failed step is counted, then the session goes on
        kind = "timeout" if "Timeout" in type(exc).__name__ else "step"
        result.error(kind, f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        return False
    result.steps.setdefault(name, []).append(ms)
    shown = await page.locator(EXCEPTION).count()
    if shown:
        result.error("exception", f"{name}: {shown} stException on {page.url}")
    return True


async def _session(browser, base: str, number: int, deadline: float, limit: int, result: LoadResult) -> None:
    """Open the app once, then loop: search, and the sidebar to every page and back."""
    await asyncio.sleep(number * RAMP_S)
    context = await browser.new_context(viewport=VIEWPORT, locale="en-US")
    try:
        page = await context.new_page()
        _watch(page, base, result)
        opened = await _step(page, result, "open /trials", _visit(page, f"{base}/trials?lang=en", TABLE))
        for iteration in range(limit):
            if time.monotonic() > deadline:
                break
            if not opened:  # a failed step leaves the page in an unknown state: load it afresh
                opened = await _step(
                    page, result, "open /trials", _visit(page, f"{base}/trials?lang=en", TABLE)
                )
                continue
            term = SEARCHES[(number + iteration) % len(SEARCHES)]
            opened = await _step(page, result, "search", _search(page, term))
            for name, link, path, selector in PAGES:
                opened = opened and await _step(page, result, name, _navigate(page, link, path, selector))
            result.iterations += 1
    finally:
        await context.close()


async def _sample_memory(pid: int, stop: asyncio.Event, result: LoadResult) -> None:
    while not stop.is_set():
        result.peak_rss_mb = max(result.peak_rss_mb, memory_mb(pid)["VmHWM"])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)
    result.peak_rss_mb = max(result.peak_rss_mb, memory_mb(pid)["VmHWM"])


async def _run(base, pid, sessions, duration_s, limit) -> LoadResult:
    from playwright.async_api import async_playwright

    result = LoadResult(sessions, duration_s)
    started = time.monotonic()
    deadline = started + duration_s
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stop = asyncio.Event()
        sampler = asyncio.create_task(_sample_memory(pid, stop, result))
        cpu_before = cpu_seconds(pid)
        tasks = [_session(browser, base, n, deadline, limit, result) for n in range(sessions)]
        try:
            # A step may be under way at the deadline: allow it to finish, then stop hard.
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=duration_s + 3 * STEP_TIMEOUT_MS / 1000)
        except TimeoutError:
            result.error("timeout", "the load test did not finish in time; sessions were stopped")
        finally:
            result.server_cpu_s = cpu_seconds(pid) - cpu_before
            stop.set()
            await sampler
            await browser.close()
    result.wall_s = time.monotonic() - started
    return result


def load_test(
    base_url: str, pid: int, sessions: int = 4, duration_s: float = 60, limit: int = 500
) -> LoadResult:
    """Drive ``sessions`` concurrent sessions against one server for ``duration_s`` seconds.

    Parameters
    ----------
    base_url : str
        The server, e.g. ``http://127.0.0.1:8501``.
    pid : int
        The server's process id, for its peak resident memory.
    sessions, duration_s, limit : int, float, int
        Concurrent sessions, how long they loop, and at most how many loops each.

    Returns
    -------
    LoadResult
        Step times (first view or rerun, in ms) per step, every error by kind, peak RSS.
    """
    return asyncio.run(_run(base_url, pid, sessions, duration_s, limit))
