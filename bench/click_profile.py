"""Where the time of a facet click goes, app against minimal page, side by side.

For each click (alternating between the two servers): pointerdown, the BackMsg leaving the
page, the server receiving it and writing each ForwardMsg (wall clock, logged by
:mod:`bench.click_launch`), each message reaching the page's main thread, the script-state
flips, and the long animation frames (with their scripts) in between. Times are ms after the
pointerdown. ``python -m bench.click_profile [--clicks 6] [--profile]``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import browser as chromium
from devtools.server import ROOT, Server, cpu_seconds, start_server

INSTRUMENT_JS = """(() => {
    window.__ws = [];
    window.__loaf = [];
    window.__keys = [];
    const Socket = window.WebSocket;
    const size = (d) => d.byteLength ?? d.size ?? d.length;
    window.WebSocket = class extends Socket {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', (e) => window.__ws.push([performance.now(), 'in', size(e.data)]));
        }
        send(d) { window.__ws.push([performance.now(), 'out', size(d)]); return super.send(d); }
    };
    addEventListener('keydown', (e) => window.__keys.push([performance.now(), e.key]), true);
    addEventListener('pointerup', () => window.__keys.push([performance.now(), 'pointerup']), true);
    addEventListener('click', () => window.__keys.push([performance.now(), 'click']), true);
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
            window.__loaf.push({start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
                render: e.renderStart, style: e.styleAndLayoutStart,
                scripts: e.scripts.map((s) => ({start: s.startTime, duration: s.duration, invoker: s.invoker,
                    fn: s.sourceFunctionName, src: (s.sourceURL || '').split('/').pop(), forced: s.forcedStyleAndLayoutDuration}))});
        }
    }).observe({type: 'long-animation-frame', buffered: true});
})();"""

COLLECT_JS = """() => ({t0: window.__t0, origin: performance.timeOrigin, transitions: window.__transitions,
    ws: window.__ws, loaf: window.__loaf, keys: window.__keys})"""


def start(script: Path, log: Path, data: Path | None, cache: Path | None, experiment: str = "") -> Server:
    """``script`` served through ``bench/click_launch.py``, which logs the websocket to ``log``."""
    own = (
        script.parent if script.name == "app.py" else ROOT
    )  # another checkout's app runs from its own folder
    env = {
        "CLICK_PROFILE_LOG": str(log),
        "PYTHONPATH": str(own),
        "EXPERIMENT": experiment,
        "MINIMAL_EXTRA": experiment.split("+")[0] if script.name == "minimal_app.py" and experiment else "0",
    }
    launcher = (str(ROOT / "bench" / "click_launch.py"),)
    return start_server(script, log.parent, data, cache, launcher=launcher, env=env, cwd=own)


def click(browser, url: str, label: str, log: Path, profile: bool, pid: int = 0) -> dict:
    """One measured click; a click that starts no rerun (the list still moving) is tried again."""
    for attempt in range(3):
        try:
            return _click(browser, url, label, log, profile, pid)
        except NoRerun:
            print(f"  no rerun for {label} on {url}, again ({attempt + 1})")
    raise NoRerun(label)


class NoRerun(Exception):
    pass


def _click(browser, url: str, label: str, log: Path, profile: bool, pid: int = 0) -> dict:
    context = browser.new_context(viewport=chromium.VIEWPORT, locale="en-US")
    context.add_init_script(script=chromium.RECORD_RUNS_JS)
    context.add_init_script(script=INSTRUMENT_JS)
    try:
        tab = context.new_page()
        tab.goto(url, wait_until="commit")
        tab.wait_for_function(chromium.READY_JS, arg=chromium.TABLE, polling=20, timeout=120_000)
        tab.evaluate(chromium.OBSERVE_JS)
        box = tab.locator('[data-testid="stMultiSelect"]').filter(has_text="Cancer type").first
        box.click()
        option = tab.get_by_role("option", name=re.compile("^" + re.escape(label)))
        option.wait_for()
        tab.wait_for_timeout(400)  # the list's opening animation
        cdp = None
        if profile:
            cdp = context.new_cdp_session(tab)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 500})
            cdp.send("Profiler.start")
        tab.evaluate(
            "() => { window.__ws.length = 0; window.__loaf.length = 0; window.__keys.length = 0;"
            " window.__armed = true; }"
        )
        server_from = time.time()
        cpu_before = cpu_seconds(pid) if pid else 0.0
        system = browser.new_browser_cdp_session()
        browser_before = _process_cpu(system)
        option.click()
        tab.keyboard.press("Escape")
        try:
            tab.wait_for_function(chromium.STARTED_JS, polling=20, timeout=5_000)
        except Exception as exc:
            raise NoRerun(label) from exc
        tab.wait_for_function(chromium.SETTLED_JS, arg=chromium.TABLE, polling=20, timeout=120_000)
        got = tab.evaluate(COLLECT_JS)
        got["server_cpu"] = (cpu_seconds(pid) - cpu_before) * 1000 if pid else float("nan")
        browser_after = _process_cpu(system)
        got["renderer_cpu"] = (browser_after["renderer"] - browser_before["renderer"]) * 1000
        got["browser_cpu"] = (sum(browser_after.values()) - sum(browser_before.values())) * 1000
        if cdp is not None:
            got["profile"] = cdp.send("Profiler.stop")["profile"]
        time.sleep(0.05)
        got["server"] = [json.loads(line) for line in log.read_text().splitlines()
                         if json.loads(line)[0] >= server_from - 0.5]  # fmt: skip
        return got
    finally:
        context.close()


def _process_cpu(system) -> Counter:
    """CPU seconds used so far by Chromium's processes, by type (renderer, browser, gpu…)."""
    out: Counter = Counter()
    for process in system.send("SystemInfo.getProcessInfo")["processInfo"]:
        out[process["type"]] += process["cpuTime"]
    return out


def breakdown(got: dict) -> dict:
    t0, origin = got["t0"], got["origin"]

    def rel_epoch(t: float) -> float:  # server wall clock (s) → ms after pointerdown
        return t * 1000 - origin - t0

    outs = [t - t0 for t, d, _ in got["ws"] if d == "out" and t >= t0]
    ins = [t - t0 for t, d, _ in got["ws"] if d == "in" and t >= t0]
    ends = [t - t0 for t, s in got["transitions"] if t >= t0 and s == "notRunning"]
    starts = [t - t0 for t, s in got["transitions"] if t >= t0 and s == "running"]
    server = got["server"]
    back = [rel_epoch(r[0]) for r in server if r[1] == "back" and r[2] == "rerun_script"]
    back = [b for b in back if b > -50]
    first_back = back[0] if back else float("nan")
    queued = [r for r in server if r[1] == "queue" and rel_epoch(r[0]) >= first_back - 1]
    sent = [rel_epoch(r[0]) for r in server if r[1] == "sent" and rel_epoch(r[0]) >= first_back - 1]
    deltas = [rel_epoch(r[0]) for r in queued if r[2] == "delta"]
    finished = [rel_epoch(r[0]) for r in queued if r[2] == "script_finished"]
    keys = {k: t - t0 for t, k in got["keys"]}
    flip = ends[-1] if ends else float("nan")
    last_in = ins[-1] if ins else float("nan")
    busy = [f for f in got["loaf"] if f["start"] + f["duration"] >= t0 and f["start"] <= t0 + flip]
    return {
        "click": keys.get("click", float("nan")),
        "escape": keys.get("Escape", float("nan")),
        "send": outs[0] if outs else float("nan"),
        "sends": len(outs),
        "server_back": first_back,
        "server_first_delta": deltas[0] if deltas else float("nan"),
        "server_finished": finished[-1] if finished else float("nan"),
        "server_last_sent": sent[-1] if sent else float("nan"),
        "msgs": len(queued),
        "first_in": ins[0] if ins else float("nan"),
        "last_in": last_in,
        "running": starts[0] if starts else float("nan"),
        "flip": flip,
        "after_last": flip - last_in,
        "loaf_ms": sum(f["duration"] for f in busy),
        "loaf_blocking": sum(f["blocking"] for f in busy),
        "loaf": busy,
        "kinds": Counter(f"{r[2]}:{r[3]}" for r in queued),
        "busy": busy_ms(got.get("profile")),
        "server_cpu": got["server_cpu"],
        "renderer_cpu": got["renderer_cpu"],
        "browser_cpu": got["browser_cpu"],
    }


def busy_ms(profile: dict | None) -> float:
    """Main-thread time that was not idle while the profile ran (JS, style, layout, GC)."""
    if not profile:
        return float("nan")
    nodes = {node["id"]: node["callFrame"]["functionName"] for node in profile["nodes"]}
    deltas = profile["timeDeltas"]
    return (
        sum(d for sample, d in zip(profile["samples"], deltas[1:] + [0]) if nodes[sample] != "(idle)") / 1000
    )


COLUMNS = ["click", "escape", "send", "server_back", "server_first_delta", "server_finished",
           "server_last_sent", "first_in", "last_in", "running", "flip", "after_last",
           "loaf_ms", "loaf_blocking", "busy", "server_cpu", "renderer_cpu", "browser_cpu", "msgs", "sends"]  # fmt: skip


def summarise(label: str, rows: list[dict]) -> None:
    print(f"\n== {label}: medians over {len(rows)} clicks (ms after pointerdown)")
    for column in COLUMNS:
        values = [r[column] for r in rows]
        print(f"  {column:20s} {statistics.median(values):8.1f}   [{', '.join(f'{v:.0f}' for v in values)}]")


def top_functions(profiles: list[dict], n: int = 25) -> list[tuple[str, float]]:
    total: Counter = Counter()
    for profile in profiles:
        nodes = {node["id"]: node for node in profile["nodes"]}
        deltas = profile["timeDeltas"]
        for sample, delta in zip(profile["samples"], deltas[1:] + [0]):
            frame = nodes[sample]["callFrame"]
            name = f"{frame['functionName'] or '(anon)'} {frame['url'].split('/')[-1]}:{frame['lineNumber']}"
            total[name] += delta / 1000 / len(profiles)
    return total.most_common(n)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=4, help="clicks per server per round (≤ 5)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="CPU profile of the page during the click")
    parser.add_argument("--only", choices=["app", "minimal"], default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--minimal-extra",
        default="",
        help="comma-separated: minimal page with N more multiselects (N+counts: labels that change)",
    )
    parser.add_argument("--before", type=Path, default=None, help="a checkout of the app to compare with")
    parser.add_argument("--variants", default="", help="comma-separated EXPERIMENT values, + joins flags")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="click-profile-"))
    cache = Path("/tmp/click-profile-cache")
    targets = {"minimal": (ROOT / "bench" / "minimal_app.py", "/", None),
               "app": (ROOT / "app.py", "/trials?lang=en", ROOT / "data")}  # fmt: skip
    if args.only:
        targets = {args.only: targets[args.only]}
    experiments = {label: "" for label in targets}
    if args.before:  # another checkout of the app (say, the commit before a change), side by side
        targets["before"] = (args.before / "app.py", "/trials?lang=en", args.before / "data")
        experiments["before"] = ""
    for extra in filter(None, args.minimal_extra.split(",")):
        label = f"minimal+{extra}"
        targets[label] = (ROOT / "bench" / "minimal_app.py", "/", None)
        experiments[label] = extra
    for variant in filter(None, args.variants.split(",")):
        targets[f"app[{variant}]"] = targets.get("app", (ROOT / "app.py", "/trials?lang=en", ROOT / "data"))
        experiments[f"app[{variant}]"] = variant.replace("+", ",")
    results: dict[str, list] = {label: [] for label in targets}
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            for _ in range(args.rounds):
                # fresh servers each round, so every click is a new filter state (cache miss)
                _round(browser, targets, experiments, work, cache, args, results)
        finally:
            browser.close()
    if True:
        for label, rows in results.items():
            summarise(label, rows)
            kinds = Counter()
            for row in rows:
                kinds.update(row["kinds"])
            print("  messages per click:", {k: v / len(rows) for k, v in kinds.most_common(12)})
            scripts: Counter = Counter()
            for row in rows:
                for frame in row["loaf"]:
                    for s in frame["scripts"]:
                        scripts[f"{s['invoker']} {s['fn']} {s['src']}"] += s["duration"] / len(rows)
            print("  LoAF scripts (ms per click):")
            for name, ms in scripts.most_common(12):
                print(f"    {ms:7.1f}  {name}")
            if args.profile:
                files: Counter = Counter()
                for row in rows:
                    for name, ms in row["by_file"].items():
                        files[name] += ms / len(rows)
                print("  self time by file (ms per click):", {k: round(v) for k, v in files.most_common(14)})
                print("  top self time (ms per click):")
                for name, ms in top_functions([r["profile"] for r in rows if r["profile"]]):
                    print(f"    {ms:7.1f}  {name}")
        if "minimal" in results:
            minimal = statistics.median(r["flip"] for r in results["minimal"])
            for label, rows in results.items():
                flip = statistics.median(r["flip"] for r in rows)
                busy = statistics.median(r["busy"] for r in rows)
                cpu = statistics.median(r["server_cpu"] for r in rows)
                renderer = statistics.median(r["renderer_cpu"] for r in rows)
                chrome = statistics.median(r["browser_cpu"] for r in rows)
                print(
                    f"{label:28s} flip {flip:6.0f}  ratio {flip / minimal:5.2f}  busy {busy:6.0f}  "
                    f"server cpu {cpu:5.0f}  renderer cpu {renderer:5.0f}  chromium cpu {chrome:5.0f}"
                )
        if args.json:
            for rows in results.values():
                for row in rows:
                    row.pop("profile", None)
                    row["by_file"] = dict(row["by_file"])
                    row["kinds"] = dict(row["kinds"])
            args.json.write_text(json.dumps(results, indent=1))


def _round(browser, targets, experiments, work, cache, args, results) -> None:
    servers = {}
    logs = {label: work / f"{label}-{len(results[label])}.log" for label in targets}
    try:
        for label, (script, _, data) in targets.items():
            servers[label] = start(script, logs[label], data, cache, experiments[label])
        for label, (_, path, _) in targets.items():  # warm-up: one first view each
            chromium.wait_idle_cpu(servers[label].pid)
            chromium.first_view(browser, servers[label].url + path)
        for number in range(args.clicks):
            option = chromium.CANCER_LABELS[number % len(chromium.CANCER_LABELS)]
            for label, (_, path, _) in targets.items():
                try:
                    got = click(
                        browser,
                        servers[label].url + path,
                        option,
                        logs[label],  # the websocket log, not the server's own output
                        args.profile,
                        servers[label].pid,
                    )
                except Exception as exc:  # noqa: BLE001 - a failed click is reported and skipped
                    print(f"{label} {option}: {type(exc).__name__}: {str(exc)[:200]}")
                    continue
                row = breakdown(got)
                row["profile"] = got.get("profile")
                if row["profile"]:
                    (work / f"{label}-{len(results[label])}.cpuprofile").write_text(
                        json.dumps(row["profile"])
                    )
                row["by_file"] = by_file(row["profile"])
                results[label].append(row)
    finally:
        for server in servers.values():
            server.stop()


def by_file(profile: dict | None) -> Counter:
    """Main-thread self time by script file (and V8's own buckets: program, GC)."""
    total: Counter = Counter()
    if not profile:
        return total
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    for sample, delta in zip(profile["samples"], profile["timeDeltas"][1:] + [0]):
        frame = nodes[sample]
        name = frame["url"].split("/")[-1].split(".")[0] or frame["functionName"]
        total[name] += delta / 1000
    return total


if __name__ == "__main__":
    main()
