"""``python -m bench``: run every benchmark and write docs/benchmarks.md.

Examples
--------
The full run (``make bench``)::

    .venv/bin/python -m bench

A quick iteration without the browser::

    .venv/bin/python -m bench --sizes 1000,10000 --skip-browser --skip-load --out /tmp/bench-quick.md
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import math
import os
import pickle
import sys
import time
from pathlib import Path

from bench import capacity
from bench import run as phases
from bench.machine import describe
from bench.report import Results, render
from bench.server import ROOT
from bench.targets import FINDINGS, METHOD, evaluate

DEFAULT_OUT = ROOT / "docs" / "benchmarks.md"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes, comma-separated")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-run"), help="corpora, caches, logs")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the markdown report")
    parser.add_argument("--seed", type=int, default=phases.Options.seed)
    parser.add_argument(
        "--repeats", type=int, default=phases.Options.repeats, help="timed runs per query path"
    )
    parser.add_argument("--skip-browser", action="store_true", help="no first-view / interaction timing")
    parser.add_argument("--skip-load", action="store_true", help="no browser end-to-end check")
    parser.add_argument("--sessions", type=int, default=phases.Options.sessions, help="load-test sessions")
    parser.add_argument("--load-seconds", type=float, default=phases.Options.load_seconds)
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the report from the last run's saved results"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one sample of each browser measurement, short end-to-end check (smoke run)",
    )
    return parser.parse_args(argv)


def write_report(out: Path, text: str) -> None:
    """Write the report, keeping the capacity section of the last ``make loadtest``."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if capacity.BEGIN in old and capacity.END in old:
        kept = capacity.BEGIN + old.split(capacity.BEGIN, 1)[1].split(capacity.END, 1)[0] + capacity.END
        text = capacity.splice(text, kept + "\n")
    out.write_text(text, encoding="utf-8")


def log(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:7.1f} s] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    options = phases.Options(
        sizes=tuple(int(size) for size in args.sizes.split(",") if size.strip()),
        workdir=args.workdir,
        seed=args.seed,
        repeats=args.repeats,
        browser=not args.skip_browser,
        load=not args.skip_load,
        sessions=args.sessions,
        load_seconds=args.load_seconds,
    )
    if args.quick:
        options = dataclasses.replace(
            options, repeats=min(args.repeats, 3), cold_starts=1, warm_visits=1, clicks=1,
            corpus_warm_visits=1, corpus_clicks=1, sessions=min(args.sessions, 3),
            load_seconds=min(args.load_seconds, 20),
        )  # fmt: skip
    options.workdir.mkdir(parents=True, exist_ok=True)
    saved = options.workdir / "results.pickle"
    if args.render_only:
        results = pickle.loads(saved.read_bytes())
        results.targets = evaluate(results)
        write_report(args.out, render(results, METHOD, FINDINGS))
        print(f"wrote {args.out} from {saved}")
        return 0
    started = time.perf_counter()
    command = "python -m bench" + (" " + " ".join(sys.argv[1:] if argv is None else argv)).rstrip()
    results = Results(
        command=command.strip(),
        started=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        machine=describe(),
        seed=options.seed,
    )

    log("compiling the bundled data", started)
    bundled_cache = phases.cache_for(options, "bundled")
    info, bundled_db = phases.compile_corpus(phases.BUNDLED, bundled_cache, "bundled")
    results.compiles.append(info)
    databases = {"bundled": (phases.BUNDLED, bundled_cache, bundled_db)}
    for n in options.sizes:
        log(f"writing a corpus of {n:,} trials", started)
        results.corpora.append(phases.make_corpus(options, n))
        log(f"compiling {n:,} trials", started)
        corpus, cache = phases.corpus_dir(options, n), phases.cache_for(options, str(n))
        info, database = phases.compile_corpus(corpus, cache, f"{n:,} trials")
        results.compiles.append(info)
        databases[f"{n:,}"] = (corpus, cache, database)
        log(f"compiled in {info.total_s:.1f} s; timing the query paths", started)
        results.queries.append(phases.query_run(options, database, n))

    if options.browser:
        log("first view, interaction and memory in Chromium", started)
        results.browser = phases.browser_phase(options, databases)
    if options.load:
        log(
            f"end-to-end check in Chromium: {options.sessions} sessions for {options.load_seconds:.0f} s",
            started,
        )
        results.load = phases.load_phase(options, bundled_cache, bundled_db)

    results.wall_s = time.perf_counter() - started
    results.load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    results.targets = evaluate(results)
    saved.write_bytes(pickle.dumps(results))  # --render-only rewrites the report from this
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_report(args.out, render(results, METHOD, FINDINGS))
    log(f"wrote {args.out}", started)
    missed = [target.name for target in results.targets if target.met is False]
    print("targets missed: " + ("; ".join(missed) if missed else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
