"""A council session watched live: does a change of the current item reach 5,000 live pages in
time, and how many polls a second does the fallback answer?

    .venv/bin/python -m bench.council_live              # 5000 streams, 3 runs of 5 item changes
    BENCH_COUNCIL_RUNS=1 BENCH_COUNCIL_STREAMS=1000 .venv/bin/python -m bench.council_live

Serves the app as in production (README): gunicorn with one gevent worker per core, Redis,
PostgreSQL with the demo data (bench.server), whose upcoming Ratsversammlung is run live. The
change goes the whole way a real one goes: the chamber's system POSTs the next agenda item to
/api/v1/meetings/<id>/live/current-item with a staff member's personal API token (made by
`flask users token`), the view commits, the event's subscriber publishes through Redis, and
every worker sends it to its streams. Each delay runs from just before the POST until the
`live` event's bytes arrive at a stream (asyncio protocols in this process, as in
bench/live_sse.py, on the same 2 cores: an upper bound).

Then wrk polls /live/poll for the meeting's topic with the ETag of the last answer
(If-None-Match), as a page without EventSource does: 304s, for 10 s.

Targets (issue 11): at 5,000 streams 95 % of deliveries within 1 s and all within 2 s; the
polling endpoint >= 2,000 answers a second. Worst of BENCH_COUNCIL_RUNS (3) runs; all runs go
to bench/results/council_live.json; exit 1 on a missed target, 2 when the harness fails.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass

import psycopg

from bench.live_sse import (
    CONNECTING_AT_ONCE,
    DELIVERY_TIMEOUT,
    READY_TIMEOUT,
    _percentile,
    _raise_open_files_limit,
)
from bench.server import DATABASE_URL, PROJECT_ROOT, RESULTS_DIR, SERVE_ENV, served_app

RUNS = int(os.environ.get("BENCH_COUNCIL_RUNS", "3"))
STREAMS = int(os.environ.get("BENCH_COUNCIL_STREAMS", "5000"))
CHANGES = int(os.environ.get("BENCH_COUNCIL_CHANGES", "5"))
POLL_SECONDS = 10
TARGET_WITHIN_1S, TARGET_WITHIN_2S, TARGET_POLLS = 0.95, 1.0, 2000.0
ITEM_CHANGE = re.compile(rb'event: live\ndata: \{"change":"item"')
STAFF_EMAIL = "staff@example.org"  # a demo account (seeds/users.yaml)


class Stream(asyncio.Protocol):
    def __init__(self, request: bytes, ready: asyncio.Future):
        self.request, self.ready = request, ready
        self.arrivals: list[float] = []
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
        self.arrivals += [now] * len(ITEM_CHANGE.findall(text))
        self.tail = text[-40:] if not ITEM_CHANGE.search(text[-40:]) else b""

    def connection_lost(self, exc):
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"stream closed before ready: {exc}"))


@dataclass
class Run:
    streams: int
    deliveries: int
    lost: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    within_1s: float
    within_2s: float
    post_ms: list[float]
    polls_per_s: float
    poll_statuses: dict


def _env() -> dict[str, str]:
    return {**os.environ, "FLASK_APP": "participation:create_app", **SERVE_ENV}


def _meeting_and_items() -> tuple[int, list[str]]:
    """The demo's next meeting and its public agenda items' numbers."""
    with psycopg.connect(DATABASE_URL) as conn:
        row = conn.execute(
            "SELECT id FROM council_meeting WHERE NOT deleted AND start > now() ORDER BY start LIMIT 1"
        ).fetchone()
        if row is None:
            raise RuntimeError("the demo data has no upcoming council meeting")
        numbers = [
            r[0]
            for r in conn.execute(
                "SELECT number FROM council_agenda_item WHERE meeting_id = %s AND public AND NOT deleted "
                'AND number IS NOT NULL ORDER BY "order", id',
                (row[0],),
            )
        ]
    if len(numbers) < 2:
        raise RuntimeError("the upcoming meeting needs at least two public agenda items")
    return row[0], numbers


def _token() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "users", "token", STAFF_EMAIL, "--name", "bench"],
        cwd=PROJECT_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask users token failed: {done.stdout}{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def _post(host: str, port: int, path: str, token: str, body: dict) -> float:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    started = time.perf_counter()
    conn.request(
        "POST",
        path,
        body=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"POST {path}: {response.status}")
    return (time.perf_counter() - started) * 1000


async def _deliveries(
    host: str, port: int, meeting_id: int, numbers: list[str], token: str, size: int, source: str
) -> tuple[list[float], int, list[float]]:
    loop = asyncio.get_running_loop()
    request = (
        f"GET /live/stream?topic=meeting:{meeting_id} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    ).encode()
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    streams: list[Stream] = []

    async def connect() -> None:
        async with gate:
            ready = loop.create_future()
            stream = Stream(request, ready)
            await loop.create_connection(lambda: stream, host, port, local_addr=(source, 0))
            streams.append(stream)
            await asyncio.wait_for(ready, READY_TIMEOUT)

    await asyncio.gather(*(connect() for _ in range(size)))
    await asyncio.sleep(1.0)
    delays, lost, post_ms = [], 0, []
    path = f"/api/v1/meetings/{meeting_id}/live/current-item"
    for change in range(CHANGES):
        number = numbers[change % len(numbers)]
        started = time.perf_counter()
        post_ms.append(
            round(await loop.run_in_executor(None, _post, host, port, path, token, {"number": number}), 1)
        )
        deadline = started + DELIVERY_TIMEOUT
        while time.perf_counter() < deadline and any(len(s.arrivals) <= change for s in streams):
            await asyncio.sleep(0.02)
        these = [s.arrivals[change] - started for s in streams if len(s.arrivals) > change]
        lost += len(streams) - len(these)
        delays += these
        await asyncio.sleep(max(0.0, started + 1.0 - time.perf_counter()))
    for stream in streams:
        stream.transport.close()
    await asyncio.sleep(2.0)
    return delays, lost, post_ms


def _polls(base_url: str, host: str, port: int, meeting_id: int) -> tuple[float, dict]:
    path = f"/live/poll?topic=meeting:{meeting_id}"
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", path)
    first = conn.getresponse()
    first.read()
    etag = first.getheader("ETag")
    conn.close()
    if first.status != 200 or not etag:
        raise RuntimeError(f"GET {path}: {first.status}, ETag {etag!r}")
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is missing: scripts/ensure-bench-tools installs it")
    done = subprocess.run(
        [
            wrk,
            "-t1",
            "-c32",
            f"-d{POLL_SECONDS}s",
            "--latency",
            "-H",
            f"If-None-Match: {etag}",
            base_url + path,
        ],
        capture_output=True,
        text=True,
        timeout=POLL_SECONDS + 30,
    )
    rps = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    return (float(rps.group(1)) if rps else 0.0), {"non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0}


def one_run(base_url: str, number: int, token: str) -> Run:
    host, port = base_url.removeprefix("http://").split(":")
    meeting_id, numbers = _meeting_and_items()
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    state = f"/api/v1/meetings/{meeting_id}/live/state"
    for body in ({"state": "running"},):
        conn.request(
            "POST",
            state,
            body=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        conn.getresponse().read()
    conn.close()
    delays, lost, post_ms = asyncio.run(
        _deliveries(host, int(port), meeting_id, numbers, token, STREAMS, f"127.0.0.{2 + number % 200}")
    )
    polls, statuses = _polls(base_url, host, int(port), meeting_id)
    delays.sort()
    count = len(delays) + lost
    return Run(
        streams=STREAMS,
        deliveries=count,
        lost=lost,
        p50_ms=round(_percentile(delays, 0.50) * 1000, 1) if delays else float("inf"),
        p95_ms=round(_percentile(delays, 0.95) * 1000, 1) if delays else float("inf"),
        max_ms=round(delays[-1] * 1000, 1) if delays and not lost else float("inf"),
        within_1s=round(sum(d <= 1.0 for d in delays) / count, 4) if count else 0.0,
        within_2s=round(sum(d <= 2.0 for d in delays) / count, 4) if count else 0.0,
        post_ms=post_ms,
        polls_per_s=round(polls),
        poll_statuses=statuses,
    )


def main(argv: list[str]) -> int:
    _raise_open_files_limit()
    workers = os.cpu_count() or 1
    env = {
        "LIVE_CHANNEL_PREFIX": f"bench-council-{uuid.uuid4().hex[:8]}",
        "GUNICORN_CMD_ARGS": "--worker-connections 12000",
    }
    runs: list[Run] = []
    print(
        f"bench: council_live with {workers} gevent workers, {STREAMS} streams, {RUNS} runs of {CHANGES} "
        "item changes",
        flush=True,
    )
    try:
        with served_app(env, workers=workers, worker_class="gevent") as base_url:
            token = _token()
            for number in range(1, RUNS + 1):
                run = one_run(base_url, number, token)
                runs.append(run)
                print(
                    f"bench: run {number}: p50 {run.p50_ms} ms, p95 {run.p95_ms} ms, max {run.max_ms} ms, "
                    f"{run.within_1s:.1%} within 1 s, {run.within_2s:.1%} within 2 s, lost {run.lost}; "
                    f"POSTs {run.post_ms} ms; polls {run.polls_per_s}/s {run.poll_statuses}",
                    flush=True,
                )
    except Exception as exc:  # noqa: BLE001 - report the failure, exit with 2
        print(f"bench: council_live failed: {exc!r}", file=sys.stderr)
        return 2
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "council_live.json").write_text(json.dumps([asdict(r) for r in runs], indent=2))
    worst = max(runs, key=lambda r: (r.lost, r.p95_ms))
    slowest_polls = min(run.polls_per_s for run in runs)
    print(
        f"\nworst of {len(runs)}: p95 {worst.p95_ms} ms, max {worst.max_ms} ms, "
        f"{worst.within_1s:.1%} within 1 s, {worst.within_2s:.1%} within 2 s, lost {worst.lost}; "
        f"polls {slowest_polls}/s"
    )
    ok_delivery = all(r.within_1s >= TARGET_WITHIN_1S and r.within_2s >= TARGET_WITHIN_2S for r in runs)
    ok_polls = slowest_polls >= TARGET_POLLS and not any(r.poll_statuses["non_2xx_3xx"] for r in runs)
    print(
        f"bench: {'met' if ok_delivery else 'MISSED'}: item change to {STREAMS} streams, 95 % within 1 s, "
        "all within 2 s"
    )
    print(f"bench: {'met' if ok_polls else 'MISSED'}: polling >= {TARGET_POLLS:.0f}/s with ETag/304")
    return 0 if ok_delivery and ok_polls else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
