"""The reusable benchmark API: serve, measure, compare with the bare Flask endpoint.

A scenario module (bench/scenarios/<name>.py) defines `run(base_url) -> Scenario`; the
simplest one is a single call:

    from bench.harness import compare_with_bare

    def run(base_url):
        return compare_with_bare(base_url, {"new page": "/new-page"}, min_ratio=0.25)

Figures are relative to the bare endpoint measured in the same run and server, because
absolute requests per second mostly describe the machine, not the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.load import Result, measure, measure_turns
from bench.server import served_app
from bench.wsgi import BARE_PATH

__all__ = ["BARE_PATH", "Check", "Result", "Scenario", "compare_with_bare", "measure",
           "measure_turns", "served_app"]

BARE_LABEL = "bare Flask"


@dataclass(frozen=True)
class Check:
    """A target: `result` must reach `min_ratio` of `baseline`'s rps without any error (and
    stay within `max_p95_ms` when given)."""

    result: Result
    baseline: Result
    min_ratio: float
    max_p95_ms: float | None = None  # and, when set, a p95 latency of at most this

    @property
    def ratio(self) -> float:
        return self.result.rps / self.baseline.rps if self.baseline.rps else 0.0

    @property
    def met(self) -> bool:
        no_errors = self.result.errors == 0 and self.baseline.errors == 0
        fast = self.max_p95_ms is None or (
            self.result.p95_ms is not None and self.result.p95_ms <= self.max_p95_ms)
        return no_errors and self.ratio >= self.min_ratio and fast


@dataclass
class Scenario:
    """What a scenario hands back to bench.run: every measurement and the targets."""

    results: list[Result] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.met for check in self.checks)


def compare_with_bare(base_url: str, pages: dict[str, str], min_ratio: float,
                      headers: dict[str, str] | None = None, seconds: float | None = None,
                      concurrency: int | None = None) -> Scenario:
    """Measure the bare endpoint and each page (label -> path), taking turns, and check
    every page against bare. The bare endpoint is measured again for every scenario, so
    each comparison comes from the same minutes of the run."""
    results = measure_turns(base_url, {BARE_LABEL: BARE_PATH, **pages}, seconds, concurrency,
                            headers)
    baseline = results[BARE_LABEL]
    checks = [Check(results[label], baseline, min_ratio) for label in pages]
    return Scenario(results=list(results.values()), checks=checks)
