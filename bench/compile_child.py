"""``python -m bench.compile_child CORPUS CACHE``: compile in a fresh process and print JSON.

A fresh process, so the peak memory is the compile's own (``VmHWM`` of this process, and the
largest worker's), not the high-water mark of a benchmark that already held other corpora.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
import time
from pathlib import Path

from core import db


def main(argv: list[str]) -> int:
    corpus, cache = Path(argv[0]), Path(argv[1])
    shutil.rmtree(cache, ignore_errors=True)
    captured: list[db.BuildStats] = []
    original = db.build_from_folder

    def capture(*args, **kwargs):
        stats = original(*args, **kwargs)
        captured.append(stats)
        return stats

    db.build_from_folder = capture
    started = time.perf_counter()
    path = db.compiled_database(corpus, cache)
    total = time.perf_counter() - started
    out = dataclasses.asdict(captured[0]) if captured else {}
    out.update(total_s=total, database_mb=path.stat().st_size / 2**20, peak_rss_mb=db._own_peak_mb())
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
