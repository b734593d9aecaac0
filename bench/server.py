"""Prepare the benchmark database and serve the app with gunicorn, always stopping it again.

The benchmark uses its own PostgreSQL database (dropped and recreated on every run) so
the figures come from the production database engine with the demo data, and no run can
touch a developer's data.
"""

from __future__ import annotations

import fcntl
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"

DB_NAME = "participation_bench"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"

# Environment for the served app. Production, because that is the configuration residents
# get (secure cookies, real secret key, https URLs). Rate limits are off: every request
# comes from 127.0.0.1, so the limiter would start refusing the load generator and we
# would measure 429 responses instead of pages.
SERVE_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "PARTICIPATION_ENV": "production",
    "SECRET_KEY": "bench-only-secret-key",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "RATELIMIT_ENABLED": "false",
}

# gunicorn: 2 workers for the 2 cores, sync worker class. gthread would keep the load
# generator's connections alive, but it pins each connection to the worker that accepted
# it: with a handful of connections, one worker often carried all of them while the other
# idled (seen with `ss` during a run), so figures depended on who won the accept race.
# A sync worker takes the next connection whenever it is free, so both workers always
# share the load. It answers "Connection: close" and http.client reconnects, which costs
# little on loopback next to rendering a page. sync is also gunicorn's default, the usual
# setup behind a buffering proxy. THREADS only applies to gthread (served_app's option).
WORKERS = 2
WORKER_CLASS = "sync"
THREADS = 4


def _env(overrides: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, "FLASK_APP": "participation:create_app", **overrides}
    env.pop("FLASK_DEBUG", None)
    return env


def prepare_database() -> None:
    """Recreate the bench database, migrate it and load the demo data."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        name = sql.Identifier(DB_NAME)
        # FORCE ends connections a crashed earlier run may have left behind.
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    # `flask seed demo` refuses production, so setting up runs as development.
    env = _env({"DATABASE_URL": DATABASE_URL, "PARTICIPATION_ENV": "development"})
    for args in (["db", "upgrade"], ["seed", "demo"]):
        done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=PROJECT_ROOT,
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:  # quiet on success, everything on failure
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def free_port() -> int:
    """A loopback port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def _log_tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _wait_until_healthy(proc: subprocess.Popen, port: int, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; end of {log}:\n"
                               + _log_tail(log))
        if _healthy(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn not healthy after {timeout:.0f} s; end of {log}:\n"
                       + _log_tail(log))


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # SIGTERM: graceful shutdown of master and workers
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


_lock_held = False  # this process holds the lock: a scenario serving a second app inside the run


@contextmanager
def exclusive(lock_path: Path = RESULTS_DIR / ".lock") -> Iterator[None]:
    """One benchmark at a time: two runs would drop each other's database and share CPU.
    Re-entrant within the process, so a scenario can serve a second app (other settings)
    next to the one bench.run started."""
    global _lock_held
    if _lock_held:
        yield
        return
    RESULTS_DIR.mkdir(exist_ok=True)
    with lock_path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError("another benchmark is running (bench/results/.lock)") from None
        _lock_held = True
        try:
            yield
        finally:
            _lock_held = False


@contextmanager
def served_app(env: dict[str, str] | None = None, *, setup: bool = True, workers: int = WORKERS,
               worker_class: str = WORKER_CLASS, threads: int = THREADS) -> Iterator[str]:
    """Serve bench.wsgi with gunicorn on a free loopback port and yield its base URL.

    `env` adds to or overrides SERVE_ENV; `setup=False` keeps the database as it is.
    gunicorn's output goes to bench/results/gunicorn.log (gunicorn-extra.log with `env`).
    The server is stopped when the block ends, also on errors and Ctrl-C.
    """
    with exclusive():
        if setup:
            prepare_database()
        with _gunicorn(env or {}, workers, worker_class, threads) as base_url:
            yield base_url


@contextmanager
def _gunicorn(env: dict[str, str], workers: int, worker_class: str,
              threads: int) -> Iterator[str]:
    # a second app served with other settings inside the run keeps its own log
    log = RESULTS_DIR / ("gunicorn-extra.log" if env else "gunicorn.log")
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "bench.wsgi:create_application()",
           "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
           "--worker-class", worker_class, "--log-level", "warning"]
    if worker_class == "gthread":  # with sync, --threads > 1 would switch to gthread
        cmd += ["--threads", str(threads)]
    with log.open("w") as log_file:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=_env({**SERVE_ENV, **env}),
                                stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(proc, port, log, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)
