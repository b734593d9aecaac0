"""Live updates on real servers: gunicorn's gevent workers with Redis, and the development server.

The gunicorn tests start `gunicorn -k gevent --workers 2` in a subprocess, on PostgreSQL when
TEST_DATABASE_URL names one (in a schema of its own) and on a SQLite file otherwise, with the
suite's Redis database and a prefix of the test's own. Which worker serves a connection is read
from /proc (the worker holding the socket's other end), so the app needs no test-only code.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import psycopg
import pytest
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from tests.live.conftest import REDIS_URL
from tests.live.servers import Browser, EventStream, gunicorn, prepare_database, serving_pid, worker_pids

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="reads /proc (Linux)")

DATABASE = "test_live_workers"


@pytest.fixture
def worker_database(tmp_path):
    """A database the served app shares with nobody, and what server_setup put into it."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgres"):
        url = f"sqlite:///{tmp_path / 'served.db'}"
        yield url, prepare_database(url)
        return
    # A database of its own rather than a schema: PostGIS's types live in the schema the
    # extension was created in, which a schema-only search path would hide.
    server = make_url(url)
    admin = server.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    own = server.set(database=DATABASE).render_as_string(hide_password=False)
    try:
        yield own, prepare_database(own)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


@pytest.fixture
def served(worker_database, redis_prefix, tmp_path):
    url, data = worker_database
    env = {"DATABASE_URL": url, "REDIS_URL": REDIS_URL, "LIVE_CHANNEL_PREFIX": redis_prefix,
           "MAIL_OUTBOX_DIR": str(tmp_path / "mail"), "LIVE_HEARTBEAT_SECONDS": "1",
           "JOBS_MODE": "immediate"}  # no job queue in the suite's Redis database
    with gunicorn(env, tmp_path / "gunicorn.log") as (process, port):
        yield process, port, data


def _streams_on_both_workers(process, port, path, wanted=2, limit=200):
    """Open streams until each worker serves at least one (or `limit` streams are open). A
    pause between them lets the worker that accepted the last one go idle, so that on a busy
    machine the other one wins the accept race too."""
    workers = worker_pids(process.pid)
    streams, by_worker = [], {}
    while len(streams) < limit:
        if streams:
            time.sleep(0.02)
        stream = EventStream(port, path)
        assert stream.response.status == 200
        assert stream.next_event("ready") is not None
        streams.append(stream)
        by_worker.setdefault(serving_pid(port, stream.client_port, workers), []).append(stream)
        if len([pid for pid in by_worker if pid is not None]) >= wanted:
            break
    return streams, by_worker


def test_two_gevent_workers_deliver_an_idea_to_streams_on_both(served):
    process, port, data = served
    path = f"/live/stream?topic=consultation:{data['consultation_id']}"
    streams, by_worker = _streams_on_both_workers(process, port, path)
    assert set(by_worker) == set(worker_pids(process.pid)), "both workers serve a stream"
    browser = Browser(port)  # a request to either worker writes the idea (PostgreSQL under gevent)
    browser.sign_in(data["email"], data["password"])
    idea_id = browser.add_idea(data["slug"])
    for stream in streams:
        event = stream.next_event("idea")
        assert event is not None and f'"idea_id":{idea_id}' in event["data"] and '"created"' in event["data"]
        stream.close()


def test_streams_hold_no_database_connection(served):
    """40 streams on 2 workers: one worker has more than its pool (5 + 10 overflow) could lend,
    yet every stream starts at once and a page that needs the database still answers."""
    process, port, data = served
    path = f"/live/stream?topic=consultation:{data['consultation_id']}"
    started = time.monotonic()
    streams = [EventStream(port, path, timeout=10) for _ in range(40)]
    assert all(stream.next_event("ready") is not None for stream in streams)
    assert time.monotonic() - started < 10  # a pool timeout would take 30 s
    status, _, text = Browser(port).request("GET", "/healthz")
    assert status == 200 and '"database":"ok"' in text
    for stream in streams:
        stream.close()


def test_a_graceful_stop_ends_the_streams_at_once(served):
    process, port, data = served
    path = f"/live/stream?topic=consultation:{data['consultation_id']}"
    streams, _ = _streams_on_both_workers(process, port, path)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop (graceful timeout: 20 s)
    for stream in streams:
        while stream.next_block() is not None:  # heartbeats until the stream ends
            pass
        stream.close()
    process.wait(timeout=15)
    assert time.monotonic() - started < 8, "the streams ended and no worker waited for them"
    assert process.returncode == 0


def test_the_development_server_serves_the_stream(app, broker, make_consultation):
    consultation = make_consultation()
    server = make_server("127.0.0.1", 0, app, threaded=True)  # what `flask run` (make run) uses
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        stream = EventStream(server.server_port, f"/live/stream?topic=consultation:{consultation.id}")
        assert stream.next_event("ready") is not None
        data = {"idea_id": 3, "change": "created"}
        event_id = broker.publish(f"consultation:{consultation.id}", "idea", data)
        event = stream.next_event("idea")
        assert event["id"] == event_id
        stream.close()
    finally:
        server.shutdown()
        thread.join(timeout=5)
