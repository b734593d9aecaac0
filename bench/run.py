"""`make bench`: serve the app once, run every scenario against it, report, fail on a miss.

    .venv/bin/python -m bench.run              # all scenarios in bench/scenarios/
    .venv/bin/python -m bench.run foundation   # only these
    BENCH_SECONDS=3 .venv/bin/python -m bench.run   # shorter windows while iterating

Knobs (environment): BENCH_SECONDS (measured seconds per path, 8), BENCH_WARMUP (2),
BENCH_ROUNDS (turns the paths take, 4), BENCH_CONCURRENCY (connections, 4).

Exit status: 0 if every target is met, 1 if one is missed, 2 on a harness failure.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import signal
import sys
import time

import bench.scenarios
from bench import report
from bench.harness import Scenario, served_app
from bench.server import RESULTS_DIR

FIRST = ["foundation", "pages"]  # on the demo data alone, before other scenarios add theirs


def scenario_names(selected: list[str]) -> list[str]:
    found = [m.name for m in pkgutil.iter_modules(bench.scenarios.__path__)]
    unknown = sorted(set(selected) - set(found))
    if unknown:
        print(f"bench: unknown scenario(s): {', '.join(unknown)}; known: {', '.join(found)}",
              file=sys.stderr)
        raise SystemExit(2)
    names = selected or found
    return sorted(names, key=lambda n: (FIRST.index(n) if n in FIRST else len(FIRST), n))


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through served_app(), which stops gunicorn


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    names = scenario_names(argv)
    started = time.monotonic()
    scenarios: dict[str, Scenario] = {}
    busy = os.getloadavg()[0]
    if busy > (os.cpu_count() or 1) / 2:
        print(f"bench: warning: load average {busy:.1f} on {os.cpu_count()} cores before the run;"
              " other work competes with the server and the figures will be noisy", flush=True)
    print("bench: preparing database participation_bench and starting gunicorn", flush=True)
    try:
        with served_app() as base_url:
            for name in names:
                print(f"bench: running scenario {name} against {base_url}", flush=True)
                module = importlib.import_module(f"bench.scenarios.{name}")
                scenarios[name] = module.run(base_url)
    except Exception as exc:  # noqa: BLE001 - report the harness failure, exit with 2
        print(f"bench: failed: {exc}", file=sys.stderr)
        return 2
    print()
    print(report.table(scenarios))
    for note in report.error_notes(scenarios):
        print("bench: " + note)
    report.write_json(scenarios, RESULTS_DIR / "latest.json")
    ok = all(s.ok for s in scenarios.values())
    print(f"\nbench: {'all targets met' if ok else 'TARGET MISSED'} "
          f"({time.monotonic() - started:.0f} s; figures in bench/results/latest.json)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
