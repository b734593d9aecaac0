"""Load generator: a few keep-alive connections from a second process, timed per request.

The load runs in its own process (`python -m bench.load`, job as JSON on stdin, figures
as JSON on stdout) so its Python work shares no GIL with the caller or the server.

Each path first gets a warm-up (first requests pay for imports, template compilation and
new database connections) that is not counted. Then the measured time is cut into rounds
and the paths take turns, one at a time: bare, home, login, bare, home, login, ... On a
shared machine the load from other work drifts; taking turns spreads that drift over
every path instead of charging it to whichever path happened to run last. Time and
request count are both bounded.
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS = 200_000  # per path, whatever the duration
REQUEST_TIMEOUT = 10.0  # seconds; a hung request ends as an error, not a hung benchmark
DEFAULT_HEADERS = {"Accept": "text/html", "User-Agent": "participation-bench"}


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


def default_seconds() -> float:
    """Measured time per path: BENCH_SECONDS, 8 s unless set."""
    return _env_number("BENCH_SECONDS", 8.0)


def default_concurrency() -> int:
    """Concurrent connections: BENCH_CONCURRENCY, 4 unless set."""
    return int(_env_number("BENCH_CONCURRENCY", 4))


def default_warmup() -> float:
    """Warm-up per path before measuring: BENCH_WARMUP, 2 s unless set."""
    return _env_number("BENCH_WARMUP", 2.0)


def default_rounds() -> int:
    """Turns the measured time is cut into: BENCH_ROUNDS, 4 unless set."""
    return max(1, int(_env_number("BENCH_ROUNDS", 4)))


@dataclass(frozen=True)
class Result:
    """What one path did while measured. Only 200 responses count as requests."""

    label: str
    path: str
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float | None
    p95_ms: float | None
    concurrency: int
    error_kinds: dict[str, int]  # status code or exception name -> count


@dataclass(frozen=True)
class _Job:
    host: str
    port: int
    paths: dict[str, str]  # label -> path
    headers: dict[str, str]
    concurrency: int
    warmup: float
    seconds: float
    rounds: int
    max_requests: int


def _percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile, in milliseconds."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1] * 1000


_RUN = os.urandom(4).hex()  # this load process's, so that no two runs share a number
_NUMBERS = itertools.count(1)


def _paths(path: str):
    """The paths one connection asks for, in turn. A "path" may be several, one per line, asked
    for in turn, and `{n}` in it becomes a number that no request repeats: views of many
    places, each new to the server's caches."""
    choices = path.split("\n")
    while True:
        for choice in choices:
            yield choice.replace("{n}", f"{_RUN}-{next(_NUMBERS)}")


def _client(job: _Job, path: str, stop: float, limit: int, out: dict) -> None:
    """One connection sending requests back to back until `stop`."""
    conn = http.client.HTTPConnection(job.host, job.port, timeout=REQUEST_TIMEOUT)
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    last_done = time.monotonic()
    paths = _paths(path)
    while (sent := time.monotonic()) < stop and len(latencies) + errors.total() < limit:
        try:
            conn.request("GET", next(paths), headers=job.headers)
            response = conn.getresponse()
            response.read()
            outcome = str(response.status)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()  # the next request() reconnects
            outcome = type(exc).__name__
            time.sleep(0.05)  # a refused connection must not become a busy loop
        last_done = time.monotonic()
        if outcome == "200":
            latencies.append(last_done - sent)
        else:
            errors[outcome] += 1
    conn.close()
    out.update(latencies=latencies, errors=errors, last_done=last_done)


def _turn(job: _Job, path: str, seconds: float, limit: int) -> tuple[list, Counter, float]:
    """All connections on one path for `seconds`; returns latencies, errors, elapsed time."""
    start = time.monotonic()
    outs: list[dict] = [{} for _ in range(job.concurrency)]
    threads = [threading.Thread(target=_client, args=(job, path, start + seconds, limit, out))
               for out in outs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = [x for out in outs for x in out["latencies"]]
    errors = sum((out["errors"] for out in outs), Counter())
    return latencies, errors, max(out["last_done"] for out in outs) - start


def run_job(job: dict) -> dict:
    """The load process's work: warm every path up, then let the paths take turns."""
    job = _Job(**job)
    limit = max(1, job.max_requests // (job.concurrency * job.rounds))
    for path in job.paths.values():
        _turn(job, path, job.warmup, limit)
    figures = {label: {"latencies": [], "errors": Counter(), "window": 0.0}
               for label in job.paths}
    for _ in range(job.rounds):
        for label, path in job.paths.items():
            latencies, errors, elapsed = _turn(job, path, job.seconds / job.rounds, limit)
            figures[label]["latencies"] += latencies
            figures[label]["errors"] += errors
            figures[label]["window"] += elapsed
    return figures


def measure_turns(base_url: str, paths: dict[str, str], seconds: float | None = None,
                  concurrency: int | None = None, headers: dict[str, str] | None = None, *,
                  warmup: float | None = None, rounds: int | None = None,
                  max_requests: int = MAX_REQUESTS) -> dict[str, Result]:
    """Load several paths (label -> path) taking turns; `seconds` of measuring per path.

    `headers` add to DEFAULT_HEADERS (e.g. a Cookie for a signed-in session). Defaults come
    from BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_WARMUP and BENCH_ROUNDS.
    """
    url = urlsplit(base_url)
    job = _Job(host=url.hostname or "127.0.0.1", port=url.port or 80, paths=paths,
               headers={**DEFAULT_HEADERS, **(headers or {})},
               concurrency=concurrency or default_concurrency(),
               warmup=default_warmup() if warmup is None else warmup,
               seconds=seconds or default_seconds(), rounds=rounds or default_rounds(),
               max_requests=max_requests)
    turns = len(paths) * (job.rounds + 1)
    timeout = len(paths) * (job.warmup + job.seconds) + turns * REQUEST_TIMEOUT + 30
    # A plain subprocess rather than multiprocessing: a fresh interpreter that does not
    # re-import the caller's main module, so any script or test can call measure().
    try:
        done = subprocess.run([sys.executable, "-m", "bench.load"], cwd=PROJECT_ROOT,
                              input=json.dumps(asdict(job)), capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"load process for {list(paths.values())} timed out") from None
    if done.returncode != 0:
        raise RuntimeError(f"load process for {list(paths.values())} failed:\n{done.stderr}")
    return {label: _result(label, paths[label], figures, job.concurrency)
            for label, figures in json.loads(done.stdout).items()}


def _result(label: str, path: str, figures: dict, concurrency: int) -> Result:
    latencies = sorted(figures["latencies"])
    window = max(figures["window"], 1e-9)
    return Result(label=label, path=path, requests=len(latencies),
                  errors=sum(figures["errors"].values()), seconds=round(window, 3),
                  rps=len(latencies) / window, p50_ms=_percentile(latencies, 0.50),
                  p95_ms=_percentile(latencies, 0.95), concurrency=concurrency,
                  error_kinds=figures["errors"])


def measure(base_url: str, path: str, seconds: float | None = None,
            concurrency: int | None = None, headers: dict[str, str] | None = None, *,
            label: str | None = None, warmup: float | None = None,
            rounds: int | None = None) -> Result:
    """Load one path; see measure_turns for the arguments."""
    label = label or path
    return measure_turns(base_url, {label: path}, seconds, concurrency, headers,
                         warmup=warmup, rounds=rounds)[label]


if __name__ == "__main__":
    json.dump(run_job(json.load(sys.stdin)), sys.stdout)
