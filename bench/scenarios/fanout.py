"""Fan-out: a comment on a project that 1,000 people follow, answered without waiting for them.

The first demo project gets 1,000 followers (new accounts: half want a mail at once, a third
the daily digest, the rest no mail, as the account settings offer). The demo resident signs
in and comments on the project, again and again, one request at a time. Each comment is one
event whose fan-out (1,000 notifications and about 500 mails) is a job that
`flask jobs worker` runs (at nice 10, as the README's production setup does), a process of
its own next to gunicorn, sharing the machine's two cores with it; the worker is busy the whole
time.

Target (issue 9): the comment request answers within 50 ms p95 (at concurrency 1 on loopback,
so the latency is the server's time, not queueing). Reported as well: how long the worker
took until all 1,000 notifications of a comment existed (not a target).
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

from bench.harness import Check, Result, Scenario
from bench.server import DATABASE_URL, PROJECT_ROOT, RESULTS_DIR, SERVE_ENV, _env

FOLLOWERS = 1_000
COMMENTS = 40
PAUSE_SECONDS = 0.25  # between comments: a lively discussion, not a flood
MAX_P95_MS = 50.0
DRAIN_WAIT_SECONDS = 150  # how long to wait for the worker after the last comment (reported only)
RESIDENT = ("resident@example.org", "leipzig-demo-2026")  # seeds/users.yaml
MAIL_CHOICES = ("immediately",) * 3 + ("daily",) * 2 + ("never",)


def add_followers(database_url: str = DATABASE_URL) -> tuple[int, str]:
    """1,000 confirmed accounts following the first published project; returns its id and slug."""
    now = datetime.now(UTC)
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT id, slug FROM project WHERE published ORDER BY id LIMIT 1")
        project_id, slug = cur.fetchone()
        cur.executemany(
            'INSERT INTO "user" (email, display_name, role, locale, notification_mail, '
            "email_confirmed_at, terms_accepted_at, created_at, updated_at) "
            "VALUES (%s, %s, 'resident', 'de', %s, %s, %s, %s, %s) ON CONFLICT (email) DO NOTHING",
            [
                (f"folgt-{n}@example.org", f"Nachbarin {n}", MAIL_CHOICES[n % len(MAIL_CHOICES)],
                 now, now, now, now)
                for n in range(FOLLOWERS)
            ],
        )
        cur.execute(
            "INSERT INTO follow (user_id, target_type, target_id, active, created_at) "
            "SELECT id, 'project', %s, true, %s FROM \"user\" WHERE email LIKE 'folgt-%%@example.org' "
            "ON CONFLICT DO NOTHING",
            (project_id, now),
        )
    return project_id, slug


class Browser:
    """One signed-in person over one keep-alive connection, cookies by hand (as a browser)."""

    def __init__(self, base_url: str):
        self.host = urlsplit(base_url).netloc
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, timeout=30)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"User-Agent": "participation-bench", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):  # a sync worker closes the connection after each answer
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, timeout=30)
                if attempt:
                    raise
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, text

    def csrf_token(self, path: str) -> str:
        _, page = self.request("GET", path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf-token" content="([^"]+)"', page)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)


def sign_in(base_url: str) -> Browser:
    browser = Browser(base_url)
    token = browser.csrf_token("/login")
    status, _ = browser.request("POST", "/login", {"csrf_token": token, "email": RESIDENT[0],
                                                   "password": RESIDENT[1]})
    if status not in (302, 303):
        raise RuntimeError(f"sign-in answered {status}")
    return browser


def notifications_of_last_comment(database_url: str) -> int:
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM notification WHERE comment_id = (SELECT max(id) FROM comment)")
        return cur.fetchone()[0]


def start_worker(outbox: str):
    log = (RESULTS_DIR / "jobs-worker.log").open("w")
    env = _env({**SERVE_ENV, "MAIL_OUTBOX_DIR": outbox})
    # At a lower CPU priority, as the README's production setup runs it: jobs can wait a
    # moment, a person waiting for a page should not.
    flask = str(Path(sys.executable).with_name("flask"))
    return subprocess.Popen(["nice", "-n", "10", flask, "jobs", "worker"],
                            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def measure_comments(base_url: str, project_id: int, slug: str) -> Result:
    browser = sign_in(base_url)
    token = browser.csrf_token(f"/projekte/{slug}")
    latencies, errors = [], 0
    started = time.monotonic()
    for n in range(COMMENTS):
        text = f"Beitrag {n}: Bitte den Radweg an der Lützner Straße mitdenken."
        form = {"csrf_token": token, "body": text}
        begin = time.perf_counter()
        status, _ = browser.request("POST", f"/kommentare/project/{project_id}", form)
        latencies.append((time.perf_counter() - begin) * 1000)
        errors += status not in (200, 302, 303)
        time.sleep(PAUSE_SECONDS)
    elapsed = time.monotonic() - started
    latencies.sort()
    return Result(
        label="comment, 1,000 followers", path=f"POST /kommentare/project/{project_id}",
        requests=len(latencies), errors=errors, seconds=elapsed, rps=len(latencies) / elapsed,
        p50_ms=latencies[len(latencies) // 2], p95_ms=latencies[int(len(latencies) * 0.95) - 1],
        concurrency=1, error_kinds={},
    )


def run(base_url: str) -> Scenario:
    project_id, slug = add_followers()
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as outbox:
        worker = start_worker(outbox)
        try:
            result = measure_comments(base_url, project_id, slug)
            waited = time.monotonic()
            deadline = waited + DRAIN_WAIT_SECONDS
            while notifications_of_last_comment(DATABASE_URL) < FOLLOWERS and time.monotonic() < deadline:
                time.sleep(0.5)
            drained_s = time.monotonic() - waited
            mails = len(os.listdir(outbox))
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    done = notifications_of_last_comment(DATABASE_URL)
    print(f"bench: fanout: {done} of the last comment's {FOLLOWERS} notifications made {drained_s:.1f} s "
          f"after the last request; {mails} mails written", file=sys.stderr)
    return Scenario(results=[result], checks=[Check(result, result, 0.0, max_p95_ms=MAX_P95_MS)])
