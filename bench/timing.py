"""Timing helpers: a monotonic stopwatch, and median / p95 summaries of repeated runs."""

from __future__ import annotations

import math
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class Stats:
    """A summary of repeated measurements, in milliseconds."""

    n: int
    median_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float

    @classmethod
    def of(cls, samples_ms: Sequence[float]) -> Stats:
        """Summarise samples; p95 is the nearest-rank percentile (the max below 20 samples)."""
        if not samples_ms:
            nan = float("nan")
            return cls(0, nan, nan, nan, nan)
        ordered = sorted(samples_ms)
        rank = max(1, math.ceil(0.95 * len(ordered)))
        return cls(len(ordered), statistics.median(ordered), ordered[rank - 1], ordered[0], ordered[-1])


@dataclass(kw_only=True)
class StepLog:
    """What a load run saw: step times in ms by step name, and errors by kind with examples.

    A subclass sets how many examples it keeps and how much of each it keeps.
    """

    steps: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    MAX_EXAMPLES: ClassVar[int] = 6
    EXAMPLE_CHARS: ClassVar[int] = 160

    def samples(self) -> list[float]:
        """Every step time, all steps together."""
        return [value for values in self.steps.values() for value in values]

    def stats(self, step: str | None = None) -> Stats:
        return Stats.of(self.samples() if step is None else self.steps.get(step, []))

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < self.MAX_EXAMPLES:
            self.examples.append(f"{kind}: {detail[: self.EXAMPLE_CHARS]}")


def stopwatch(fn: Callable[[], object]) -> tuple[float, object]:
    """Run ``fn`` once; return (milliseconds, its result)."""
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def interleaved(
    runs: dict[str, Callable[[], object]], repeats: int, budget_s: float, min_repeats: int = 5
) -> dict[str, Stats]:
    """Time several implementations of one query, alternating them run by run.

    Alternating (a, b, a, b, …) rather than all of a then all of b spreads the noise of a
    shared machine evenly over the implementations. Stops after ``repeats`` rounds, or
    after ``budget_s`` seconds once ``min_repeats`` rounds are done, so a slow baseline at
    a large N cannot blow the run's time budget.
    """
    samples: dict[str, list[float]] = {name: [] for name in runs}
    started = time.perf_counter()
    for round_number in range(repeats):
        for name, fn in runs.items():
            samples[name].append(stopwatch(fn)[0])
        if round_number + 1 >= min_repeats and time.perf_counter() - started > budget_s:
            break
    return {name: Stats.of(values) for name, values in samples.items()}
