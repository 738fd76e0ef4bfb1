"""A Chrome trace of one facet click: the main thread's tasks from pointerdown to settled.

``python -m bench.click_trace [--experiment noshot] [--only app]``: starts the servers like
:mod:`bench.click_profile`, clicks once per server after a first view, and prints every task
of the page's main thread longer than 1 ms (what it was: a websocket message, React's
scheduler, a timer, a frame) with its style/layout/paint/GC share.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from bench import browser as chromium
from bench.click_profile import INSTRUMENT_JS, start
from devtools.server import ROOT

CATEGORIES = [
    "toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute",
    "blink.user_timing", "loading", "latencyInfo", "disabled-by-default-devtools.timeline.frame",
]  # fmt: skip


def trace_click(browser, url: str, label: str) -> list[dict]:
    context = browser.new_context(viewport=chromium.VIEWPORT, locale="en-US")
    context.add_init_script(script=chromium.RECORD_RUNS_JS)
    context.add_init_script(script=INSTRUMENT_JS)
    tracing = False
    try:
        tab = context.new_page()
        tab.goto(url, wait_until="commit")
        tab.wait_for_function(chromium.READY_JS, arg=chromium.TABLE, polling=20, timeout=120_000)
        tab.evaluate(chromium.OBSERVE_JS)
        browser.start_tracing(page=tab, categories=CATEGORIES)
        tracing = True
        tab.locator('[data-testid="stMultiSelect"]').filter(has_text="Cancer type").first.click()
        option = tab.get_by_role("option", name=re.compile("^" + re.escape(label)))
        option.wait_for()
        tab.wait_for_timeout(400)
        tab.evaluate("() => { window.__armed = true; }")
        option.click()
        tab.keyboard.press("Escape")
        tab.wait_for_function(chromium.STARTED_JS, polling=50, timeout=15_000)
        tab.wait_for_function(chromium.SETTLED_JS, arg=chromium.TABLE, polling=50, timeout=120_000)
        flip = tab.evaluate(chromium.SETTLED_AT_JS)
        events = json.loads(browser.stop_tracing())["traceEvents"]
        tracing = False
        return events, flip
    finally:
        if tracing:
            browser.stop_tracing()
        context.close()


def main_thread(events: list[dict]) -> tuple[int, int]:
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    candidates = Counter((e["pid"], e["tid"]) for e in events if e.get("name") == "EventDispatch")
    for key, _ in candidates.most_common():
        if names.get(key) == "CrRendererMain":
            return key
    return candidates.most_common(1)[0][0]


def summarise(events: list[dict], flip: float) -> None:
    pid, tid = main_thread(events)
    mine = [e for e in events if e.get("pid") == pid and e.get("tid") == tid and e.get("ph") == "X"]
    down = [
        e
        for e in mine
        if e["name"] == "EventDispatch" and e["args"].get("data", {}).get("type") == "pointerdown"
    ]
    sends = [e["ts"] for e in events if e["name"] == "WebSocketSend"]
    t0 = max(e["ts"] for e in down if not sends or e["ts"] < sends[0])  # the option's, not the box's
    end = t0 + flip * 1000 + 5000
    tasks = sorted(
        (e for e in mine if e["name"] == "RunTask" and t0 - 1000 <= e["ts"] <= end), key=lambda e: e["ts"]
    )
    inner = [e for e in mine if e["name"] != "RunTask" and t0 - 1000 <= e["ts"] <= end]
    print(f"  flip at {flip:.0f} ms; main-thread tasks ≥ 1 ms from pointerdown to flip:")
    kinds: Counter = Counter()
    totals: Counter = Counter()
    for task in tasks:
        start, stop = task["ts"], task["ts"] + task.get("dur", 0)
        inside = [e for e in inner if start <= e["ts"] < stop]
        what = describe(inside)
        parts = defaultdict(float)
        for e in inside:
            if e["name"] in ("UpdateLayoutTree", "Layout", "Paint", "PrePaint", "Layerize", "MinorGC", "MajorGC",
                             "V8.GC_SCAVENGER", "ParseHTML", "HitTest", "Commit"):  # fmt: skip
                parts[e["name"]] += e.get("dur", 0) / 1000
        ms = task.get("dur", 0) / 1000
        kinds[what] += ms
        for k, v in parts.items():
            totals[k] += v
        totals["all tasks"] += ms
        if ms >= 1:
            extra = " ".join(
                f"{k}={v:.1f}" for k, v in sorted(parts.items(), key=lambda kv: -kv[1]) if v >= 0.5
            )
            print(f"    {(start - t0) / 1000:7.1f} {ms:6.1f} ms  {what:34s} {extra}")
    print("  by kind (ms):", {k: round(v, 1) for k, v in kinds.most_common()})
    print("  totals (ms):", {k: round(v, 1) for k, v in totals.most_common()})


def describe(inside: list[dict]) -> str:
    for e in inside:
        if e["name"] == "EventDispatch":
            return "event " + e["args"].get("data", {}).get("type", "?")
    for e in inside:
        if e["name"] == "FunctionCall":
            data = e["args"].get("data", {})
            return f"call {data.get('functionName') or '?'} {data.get('url', '').split('/')[-1][:18]}"
    for e in inside:
        if e["name"] in ("TimerFire", "FireAnimationFrame", "FireIdleCallback"):
            return e["name"]
    for e in inside:
        if e["name"] in ("UpdateLayoutTree", "Layout", "Paint", "PrePaint", "Commit"):
            return "frame (style/layout/paint)"
    return "other: " + ",".join(sorted({e["name"] for e in inside}))[:40]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experiment", default="")
    parser.add_argument("--only", choices=["app", "minimal"], default=None)
    parser.add_argument("--label", default=chromium.CANCER_LABELS[0])
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="click-trace-"))
    targets = {"minimal": (ROOT / "bench" / "minimal_app.py", "/", None),
               "app": (ROOT / "app.py", "/trials?lang=en", ROOT / "data")}  # fmt: skip
    if args.only:
        targets = {args.only: targets[args.only]}
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        for label, (script, path, data) in targets.items():
            server = start(
                script, work / f"{label}.log", data, Path("/tmp/click-profile-cache"), args.experiment
            )
            try:
                chromium.wait_idle_cpu(server.pid)
                chromium.first_view(browser, server.url + path)
                for _ in range(3):
                    try:
                        events, flip = trace_click(browser, server.url + path, args.label)
                        break
                    except Exception as exc:  # noqa: BLE001 - a click that started no rerun: again
                        print(f"  again: {str(exc)[:80]}")
                (work / f"{label}.json").write_text(json.dumps(events))
                print(f"== {label} ({work / f'{label}.json'})")
                summarise(events, flip)
            finally:
                server.stop()
        browser.close()


if __name__ == "__main__":
    main()
