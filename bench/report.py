"""Print the figures as a table and keep them as JSON for comparing runs."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench import server
from bench.harness import Check, Result, Scenario
from bench.load import default_concurrency, default_rounds, default_seconds, default_warmup

HEADER = ("scenario", "endpoint", "path", "requests", "errors", "rps", "p50 ms", "p95 ms",
          "vs bare", "target", "met")
RIGHT = {"requests", "errors", "rps", "p50 ms", "p95 ms", "vs bare", "target"}


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _row(name: str, result: Result, check: Check | None) -> tuple[str, ...]:
    comparison = ("-", "-", "")
    if check is not None:
        target = f">= {check.min_ratio:.0%}"
        if check.max_p95_ms is not None:
            target = f"p95 <= {check.max_p95_ms:.0f} ms" if not check.min_ratio else \
                f"{target}, p95 <= {check.max_p95_ms:.0f} ms"
        comparison = (f"{check.ratio:.1%}", target, "yes" if check.met else "MISSED")
    return (name, result.label, _shown_path(result.path), str(result.requests), str(result.errors),
            f"{result.rps:.1f}", _ms(result.p50_ms), _ms(result.p95_ms), *comparison)


def _shown_path(path: str) -> str:
    """A path, or for paths taken in turn (one per line) the first and how many: the table
    stays readable; bench/results/latest.json has them all."""
    paths = path.split("\n")
    return paths[0] if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} more in turn)"


def table(scenarios: dict[str, Scenario]) -> str:
    rows = [HEADER]
    for name, scenario in scenarios.items():
        checks = {id(check.result): check for check in scenario.checks}
        rows += [_row(name, r, checks.get(id(r))) for r in scenario.results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.rjust(w) if HEADER[i] in RIGHT else cell.ljust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in rows]
    return "\n".join(lines)


def error_notes(scenarios: dict[str, Scenario]) -> list[str]:
    return [f"{name} {r.label} ({r.path}): errors {r.error_kinds}"
            for name, scenario in scenarios.items() for r in scenario.results if r.errors]


def _check_json(check: Check) -> dict:
    return {"label": check.result.label, "path": check.result.path, "rps": check.result.rps,
            "baseline_rps": check.baseline.rps, "ratio": check.ratio,
            "min_ratio": check.min_ratio, "p95_ms": check.result.p95_ms,
            "max_p95_ms": check.max_p95_ms, "met": check.met}


def _git() -> dict:
    """Which code was measured: the commit, and whether the working tree differed from it."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=server.PROJECT_ROOT, capture_output=True,
                              text=True)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def write_json(scenarios: dict[str, Scenario], path: Path) -> None:
    data = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {"seconds": default_seconds(), "warmup": default_warmup(),
                     "rounds": default_rounds(), "concurrency": default_concurrency(),
                     "workers": server.WORKERS, "worker_class": server.WORKER_CLASS,
                     "threads": server.THREADS if server.WORKER_CLASS == "gthread" else 1,
                     "cpu_count": os.cpu_count(), "load_average_after": os.getloadavg()},
        "git": _git(),
        "ok": all(s.ok for s in scenarios.values()),
        "scenarios": {name: {"ok": s.ok, "results": [asdict(r) for r in s.results],
                             "checks": [_check_json(c) for c in s.checks]}
                      for name, s in scenarios.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
