"""Live updates under load: how fast does one event reach N open streams?

    .venv/bin/python -m bench.live_sse                 # N = 1000, 5000, 10000; 3 runs each
    .venv/bin/python -m bench.live_sse 5000            # only these N
    BENCH_LIVE_RUNS=1 BENCH_LIVE_EVENTS=3 .venv/bin/python -m bench.live_sse 1000

Serves the app as in production (README): gunicorn with one gevent worker per core,
`--worker-connections 12000`, Redis, PostgreSQL with the demo data (bench.server). This
process is the load: asyncio protocols (no extra dependency) open N streams on one public
consultation's topic and wait until every stream has said `ready`. Then it publishes events
through the Redis broker, as a worker's subscriber would after a commit, one per second,
and takes, for every stream and event, the time from just before `publish()` until the
event's bytes arrive. The figures include this process's own reading, on the same 2 cores
as gunicorn and Redis, so they are an upper bound of what the server needs.

Each N runs BENCH_LIVE_RUNS times (3) on fresh connections; the table shows the worst run
(highest p95), `bench/results/live_sse.json` all of them. Target at N = 5000: 95 % of the
deliveries within 1 s and all within 2 s; exit status 1 when missed, 2 on a failure.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import sys
import time
import uuid
from dataclasses import asdict, dataclass

import psycopg

from bench.server import DATABASE_URL, RESULTS_DIR, SERVE_ENV, served_app
from participation.live.redis_broker import RedisBroker

SIZES = (1000, 5000, 10000)
RUNS = int(os.environ.get("BENCH_LIVE_RUNS", "3"))
EVENTS = int(os.environ.get("BENCH_LIVE_EVENTS", "5"))
CONNECTING_AT_ONCE = 200  # connects in flight: each one costs the server a query and two Redis calls
READY_TIMEOUT = 180.0
DELIVERY_TIMEOUT = 10.0
TARGET_SIZE, TARGET_WITHIN_1S, TARGET_WITHIN_2S = 5000, 0.95, 1.0
MARK = re.compile(rb'"idea_id":(\d+)')


class StreamReader(asyncio.Protocol):
    """One open stream: notes when `ready` came and when each marked event arrived."""

    def __init__(self, request: bytes, ready: asyncio.Future, arrivals: dict[int, float]):
        self.request, self.ready, self.arrivals = request, ready, arrivals
        self.tail = b""
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes):
        now = time.perf_counter()
        text = self.tail + data
        if not self.ready.done() and b"event: ready" in text:
            self.ready.set_result(True)
        for match in MARK.finditer(text):
            self.arrivals.setdefault(int(match.group(1)), now)
        self.tail = text[-64:]  # an event split across two reads is still found

    def connection_lost(self, exc):
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"stream closed before ready: {exc}"))


@dataclass
class Run:
    subscribers: int
    deliveries: int
    lost: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    within_1s: float
    within_2s: float
    connect_seconds: float
    max_ms_per_event: list[float]  # shows whether one event was slow for everyone, or some streams always


def _percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


async def _one_run(host: str, port: int, path: str, size: int, broker: RedisBroker, source: str,
                   topic: str, first_mark: int) -> Run:
    loop = asyncio.get_running_loop()
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    readers: list[StreamReader] = []

    async def connect() -> None:
        async with gate:
            ready = loop.create_future()
            reader = StreamReader(request, ready, {})
            await loop.create_connection(lambda: reader, host, port, local_addr=(source, 0))
            readers.append(reader)
            await asyncio.wait_for(ready, READY_TIMEOUT)

    started = time.perf_counter()
    await asyncio.gather(*(connect() for _ in range(size)))
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)  # let the connect storm settle before measuring

    delays, lost, max_per_event = [], 0, []
    for mark in range(first_mark, first_mark + EVENTS):
        published = time.perf_counter()
        broker.publish(topic, "idea", {"idea_id": mark, "change": "created"})
        deadline = published + DELIVERY_TIMEOUT
        while time.perf_counter() < deadline and any(mark not in r.arrivals for r in readers):
            await asyncio.sleep(0.02)
        these = [reader.arrivals[mark] - published for reader in readers if mark in reader.arrivals]
        lost += len(readers) - len(these)
        delays += these
        max_per_event.append(round(max(these, default=float("inf")) * 1000, 1))
        await asyncio.sleep(max(0.0, published + 1.0 - time.perf_counter()))
    for reader in readers:
        reader.transport.close()
    await asyncio.sleep(2.0)  # the workers notice the closed streams and unsubscribe

    delays.sort()
    count = len(delays) + lost
    return Run(
        subscribers=size, deliveries=count, lost=lost,
        p50_ms=round(_percentile(delays, 0.50) * 1000, 1) if delays else float("inf"),
        p95_ms=round(_percentile(delays, 0.95) * 1000, 1) if delays else float("inf"),
        max_ms=round(delays[-1] * 1000, 1) if delays and not lost else float("inf"),
        within_1s=round(sum(d <= 1.0 for d in delays) / count, 4),
        within_2s=round(sum(d <= 2.0 for d in delays) / count, 4),
        connect_seconds=round(connect_seconds, 1),
        max_ms_per_event=max_per_event,
    )


def _raise_open_files_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # gunicorn inherits it too
    needed = max(SIZES) + 1000
    if hard < needed:
        print(f"bench: warning: open files limited to {hard}; {needed} needed for the largest run")


def _public_consultation_id() -> int:
    with psycopg.connect(DATABASE_URL) as connection:
        query = "SELECT id FROM consultation WHERE state = 'open' ORDER BY id LIMIT 1"
        row = connection.execute(query).fetchone()
    if row is None:
        raise RuntimeError("the demo data has no open consultation")
    return row[0]


def _table(results: dict[int, list[Run]]) -> str:
    lines = ["worst of the runs:",
             "subscribers | p50 ms | p95 ms | max ms | within 1 s | within 2 s | lost | connect s",
             "---|---|---|---|---|---|---|---"]
    for size, runs in results.items():
        worst = max(runs, key=lambda r: (r.lost, r.p95_ms))
        lines.append(f"{size} | {worst.p50_ms} | {worst.p95_ms} | {worst.max_ms} | {worst.within_1s:.1%} | "
                     f"{worst.within_2s:.1%} | {worst.lost} | {worst.connect_seconds}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or list(SIZES)
    _raise_open_files_limit()
    workers = os.cpu_count() or 1
    prefix = f"bench-live-{uuid.uuid4().hex[:8]}"
    env = {"LIVE_CHANNEL_PREFIX": prefix, "GUNICORN_CMD_ARGS": "--worker-connections 12000"}
    results: dict[int, list[Run]] = {}
    print(f"bench: live_sse with {workers} gevent workers, sizes {sizes}, {RUNS} runs of {EVENTS} events",
          flush=True)
    try:
        with served_app(env, workers=workers, worker_class="gevent") as base_url:
            host, port = base_url.removeprefix("http://").split(":")
            consultation_id = _public_consultation_id()
            topic = f"consultation:{consultation_id}"
            broker = RedisBroker(SERVE_ENV["REDIS_URL"], prefix=prefix)
            mark, run_number = 1_000_000, 0
            for size in sizes:
                for _ in range(RUNS):
                    run_number += 1
                    source = f"127.0.0.{2 + run_number % 200}"  # fresh source ports for each run
                    run = asyncio.run(_one_run(host, int(port), f"/live/stream?topic={topic}", size, broker,
                                               source, topic, mark))
                    mark += EVENTS
                    results.setdefault(size, []).append(run)
                    print(f"bench: {size} streams: p50 {run.p50_ms} ms, p95 {run.p95_ms} ms,"
                          f" max {run.max_ms} ms, {run.within_1s:.1%} within 1 s, lost {run.lost},"
                          f" connected in {run.connect_seconds} s; max per event {run.max_ms_per_event}",
                          flush=True)
            broker.close()
    except Exception as exc:  # noqa: BLE001 - report the failure, exit with 2
        print(f"bench: live_sse failed: {exc!r}", file=sys.stderr)
        return 2
    print()
    print(_table(results))
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "live_sse.json").write_text(json.dumps(
        {str(size): [asdict(r) for r in runs] for size, runs in results.items()}, indent=2))
    target_runs = results.get(TARGET_SIZE, [])
    ok = all(r.within_1s >= TARGET_WITHIN_1S and r.within_2s >= TARGET_WITHIN_2S for r in target_runs)
    verdict = "target met" if ok else "TARGET MISSED"
    print(f"\nbench: {verdict} at {TARGET_SIZE} streams: 95 % within 1 s, all within 2 s"
          + ("" if target_runs else " (not measured)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
