"""Petitions under a viral load: signatures a second, none lost or twice, and the count endpoint.

    .venv/bin/python -m bench.petitions_signing            # 3 runs of 60 s, worst reported
    BENCH_PETITIONS_RUNS=1 BENCH_PETITIONS_SECONDS=15 .venv/bin/python -m bench.petitions_signing

Each run, on its own PostgreSQL database (participation_bench_petitions, recreated and
migrated), creates one open petition through the services (a draft, its supporters, a staff
approval) and serves the app as production does (README): gunicorn with one gevent worker
per core, Redis, PARTICIPATION_ENV=production, rate limits off, MAIL_SERVER pointing at an
SMTP sink in this process, and `flask jobs worker` (niced, 8 threads, as the README runs it)
writing the signatures from the intake and delivering the queued mails. Then, with wrk
(Debian's package; `make bench` installs it when root, see scripts/ensure-bench-tools) and
the Lua scripts in bench/wrk/:

1. Bare: a form POST to the bare Flask app in the same gunicorn (bench/wsgi.py), 10 s.
2. Signing: BENCH_PETITIONS_SECONDS (60) of signing POSTs to the one petition, everyone
   signing it. Every request a new person, except every 10th: a person of a moment ago again,
   spelt another way (mixed case, GoogleMail.com for gmail.com, a +tag, a dot at gmail).
   Addresses at four domains, most postcodes from Leipzig. Each POST carries a real session
   cookie and CSRF token: the bench fetched the signing page once per session (200 of them,
   as 200 browsers would) and the requests take turns with them.
3. Mail: waits until the worker has written every submission from the signing intake (Redis,
   participation/core/intake.py) and delivered every queued mail to the sink; every person
   must have had a confirmation link, and the database one row per person.
4. Confirming: every person's mailed link is followed (the POST of the page's button),
   in the order they signed, with, next to every 10th, the same person signing again and,
   next to every 20th, the same link pressed a second time (two tabs): these go out at the
   same moment on other connections, racing the confirmation. Most of them go out as fast as
   the server answers; the last PACED_CONFIRMS_PER_S x 15 s at that steady rate (a petition
   gone viral: 360,000 confirmations an hour), while wrk loads the count endpoint
   (GET /api/v1/petitions/<id>/count) for 15 s: its throughput is measured while the count
   keeps changing, next to the confirmations that change it, not against a machine that the
   full-speed confirmations alone already fill, nor against the job worker still writing
   their re-submissions (the bench waits for it first). Throughout, a poller reads the endpoint every
   20 ms: for every answer, how long ago the oldest confirmation it does not show yet was
   committed (its `confirmed_at`, so commit latency is charged to the count).
5. The final count, from the API (after FRESH_SECONDS) and from the database, must equal the
   supporters plus the distinct persons confirmed, exactly.

Targets (the issue's): signing >= 500/s (also shown as a share of the bare POST), every
check of steps 3 to 5 passed, the count endpoint >= 3,000 requests/s and never more than
2 s behind. A target counts as met only when the worst of BENCH_PETITIONS_RUNS runs (3) meets
it. All runs go to bench/results/petitions.json; exit status 1 on a missed target, 2 when the
harness fails (no wrk, no PostgreSQL or Redis, a server that does not start).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg
import redis
from psycopg import sql

from bench.server import ADMIN_URL, PROJECT_ROOT, RESULTS_DIR, SERVE_ENV, exclusive, served_app
from bench.wsgi import BARE_POST_PATH

DB_NAME = "participation_bench_petitions"
DATABASE_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
WRK_DIR = PROJECT_ROOT / "bench" / "wrk"
WORK_DIR = RESULTS_DIR / "petitions"

RUNS = int(os.environ.get("BENCH_PETITIONS_RUNS", "3"))
SIGN_SECONDS = float(os.environ.get("BENCH_PETITIONS_SECONDS", "60"))
BARE_SECONDS = 10.0
COUNT_SECONDS = 15.0
PACED_CONFIRMS_PER_S = 100
PACED_CONNECTIONS, PACED_PAUSE_MS = 16, 150  # 16 x 1000 / (150 ms + the answer's ms): about 100/s
CONNECTIONS = int(os.environ.get("BENCH_PETITIONS_CONNECTIONS", "64"))
WRK_THREADS = 2
SESSIONS = 200
DUPLICATE_EVERY = 10  # every 10th signing POST: someone who signed a moment ago, spelt otherwise
RESUBMIT_EVERY, SECOND_CLICK_EVERY = 10, 20  # next to confirmations: sign again, press twice
POLL_SECONDS = 0.02
MAIL_DRAIN_TIMEOUT = 600.0
TARGET_SIGN_RPS, TARGET_COUNT_RPS, TARGET_MAX_LAG_S = 500.0, 3000.0, 2.0

PERSON = re.compile(r"^s(\d+)x(\d+)$")
LINK = re.compile(r"https?://[^/\s]+(/petitionen/bestaetigen/[^\s]+)")
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class HarnessError(RuntimeError):
    """The bench itself could not run (exit 2), as opposed to a missed target (exit 1)."""


# --- the SMTP sink ---------------------------------------------------------------------------------

class SmtpSink:
    """Just enough SMTP for smtplib: every message is kept as bytes, in a thread of its own."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="smtp-sink", daemon=True)

    def start(self) -> SmtpSink:
        self._thread.start()
        if not self._ready.wait(10):
            raise HarnessError("the SMTP sink did not start")
        return self

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 bench-sink ESMTP\r\n")
        try:
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb == b"EHLO":
                    writer.write(b"250-bench-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 go ahead\r\n")
                    await writer.drain()
                    data = await reader.readuntil(b"\r\n.\r\n")
                    self.messages.append(data[:-5])
                    writer.write(b"250 kept\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    break
                else:  # HELO, MAIL, RCPT, RSET, NOOP
                    writer.write(b"250 ok\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def take(self) -> list[bytes]:
        taken, self.messages = self.messages, []
        return taken


@dataclass(frozen=True)
class Mail:
    to: str
    link: str | None  # the confirmation link's path, None for "already signed"


def parse_mail(raw: bytes) -> Mail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()
    link = LINK.search(body)
    return Mail(str(message["To"]), link.group(1) if link else None)


def person_of(address: str) -> tuple[int, int] | None:
    """(thread, number) of a bench signer, however the address was spelt (bench/wrk/common.lua)."""
    local = address.strip().lower().rpartition("@")[0].split("+", 1)[0].replace(".", "")
    match = PERSON.match(local)
    return (int(match.group(1)), int(match.group(2))) if match else None


# --- database, petition, servers ---------------------------------------------------------------

def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, "FLASK_APP": "participation:create_app", **SERVE_ENV, **extra}
    env.pop("FLASK_DEBUG", None)
    return env


def prepare_database(env: dict[str, str]) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        name = sql.Identifier(DB_NAME)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    done = subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=PROJECT_ROOT,
                          env=_env(env), capture_output=True, text=True)
    if done.returncode != 0:
        raise HarnessError(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


def create_petition(env: dict[str, str]) -> tuple[int, int]:
    """One open petition, made as people make it; in a process of its own with the server's
    settings (the same SECRET_KEY keys the signers). Returns (petition id, supporters)."""
    done = subprocess.run([sys.executable, "-m", "bench.petitions_signing", "--create-petition"],
                          cwd=PROJECT_ROOT, env=_env(env), capture_output=True, text=True)
    if done.returncode != 0:
        raise HarnessError(f"creating the petition failed:\n{done.stdout}{done.stderr}")
    petition_id, supporters = done.stdout.split()[-2:]
    return int(petition_id), int(supporters)


def _create_petition_here() -> None:
    from participation import create_app
    from participation.accounts import services as accounts
    from participation.core.access import Role
    from participation.core.settings_access import current_settings
    from participation.extensions import db
    from participation.petitions import services, signing
    from participation.petitions.models import NameShown

    app = create_app()
    with app.test_request_context():
        password = "bench-only-password-" + uuid.uuid4().hex
        author = accounts.register("Petra Petentin", "petentin@example.org", password, locale=None,
                                   confirmed=True)
        staff = accounts.register("Stefan Stadtverwaltung", "staff@example.org", password, locale=None,
                                  confirmed=True)
        accounts.change_role(staff, Role.STAFF, changed_by=None)
        petition = services.create_draft(
            author, title="Kostenloser Nahverkehr für alle unter 18",
            request="Die Stadt Leipzig führt ab dem nächsten Schuljahr ein kostenloses Ticket für alle "
                    "Kinder und Jugendlichen ein.",
            background="Viele Familien können sich die Fahrkarten kaum leisten.", district="Mitte")
        services.start_gathering(petition)
        supporters = current_settings().petition_supporters_needed
        for number in range(supporters):
            signed = signing.sign(petition, name=f"Unterstützerin {number}",
                                  email=f"support{number}@example.org", postcode="04109",
                                  name_shown=NameShown.FULL)
            signing.confirm(signing.confirmation_token(signed.signature_id))
        services.submit_when_supported(petition)
        services.approve(petition, staff)
        db.session.commit()
        print(petition.id, supporters)


class JobWorker:
    """`flask jobs worker` at nice 10, as the README runs it next to gunicorn."""

    def __init__(self, env: dict[str, str]):
        self.log = RESULTS_DIR / "petitions-jobs-worker.log"
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                ["nice", "-n", "10", sys.executable, "-m", "flask", "jobs", "worker"],
                cwd=PROJECT_ROOT, env=_env(env), stdout=log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _get_page(host: str, port: int, path: str, cookie: str | None) -> tuple[int, str, str | None]:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    headers = {"Accept": "text/html", "User-Agent": "participation-bench"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    set_cookie = "; ".join(value.split(";", 1)[0] for name, value in response.getheaders()
                           if name.lower() == "set-cookie")
    return response.status, body, set_cookie or None


def fetch_sessions(host: str, port: int, path: str, count: int, out: Path) -> None:
    """`count` browser sessions: the signing page once each, its cookie and CSRF token kept.
    The page is opened a second time with the cookie, as a browser comes back to it: the
    session settles (Flask-Login marks it on the second request), and the signing POSTs send
    the cookie a browser would have by then."""
    lines = []
    for _ in range(count):
        status, body, cookie = _get_page(host, port, path, None)
        token = TOKEN.search(body)
        if status != 200 or not cookie or token is None:
            raise HarnessError(f"GET {path}: {status}, no session cookie or CSRF token")
        status, _body, settled = _get_page(host, port, path, cookie)
        if status != 200:
            raise HarnessError(f"GET {path} again: {status}")
        lines.append(f"{settled or cookie}\t{token.group(1)}")
    out.write_text("\n".join(lines) + "\n")


# --- wrk -------------------------------------------------------------------------------------------

def wrk_command() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise HarnessError("wrk is missing: `make bench` installs it (scripts/ensure-bench-tools), "
                           "or run: apt-get install wrk")
    return found


def run_wrk(base_url: str, script: str, args: list[str], *, seconds: float, connections: int = CONNECTIONS,
            threads: int = WRK_THREADS, marker: Path | None = None) -> dict:
    """Run wrk for at most `seconds`; with a marker, end it as soon as every thread has written
    its marker file (it has sent all it had to and has every answer). Returns the report JSON."""
    if marker is not None:
        for old in marker.parent.glob(marker.name + ".*"):
            old.unlink()
    cmd = [wrk_command(), f"-t{threads}", f"-c{connections}", f"-d{int(seconds) + 1}s", "--timeout", "10s",
           "-s", str(WRK_DIR / script), base_url, "--", *args]
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env={**os.environ, "BENCH_WRK_LIB": str(WRK_DIR)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if marker is not None:
        while proc.poll() is None and len(list(marker.parent.glob(marker.name + ".*"))) < threads:
            time.sleep(0.1)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # wrk stops, reports and exits
    stdout, stderr = proc.communicate(timeout=seconds + 60)
    for line in stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line.removeprefix("BENCH-JSON "))
    raise HarnessError(f"wrk {script} gave no report (exit {proc.returncode}):\n{stdout}\n{stderr}")


def _statuses(report: dict) -> Counter:
    total: Counter = Counter()
    for values in report["threads"].values():
        total.update({str(int(float(k))): int(v) for k, v in (values.get("statuses") or {}).items()})
    return total


def _window(report: dict) -> tuple[int, float]:
    """(answers, seconds from the first request to the last answer) over all threads."""
    threads = report["threads"].values()
    answered = sum(int(t["answered"]) for t in threads)
    start = min(float(t["first_sent"]) for t in threads if float(t["first_sent"]))
    return answered, max(float(t["last_answer"]) for t in threads) - start


def _errors(report: dict) -> int:
    return int(sum(report["errors"].values()))


def form_load(base_url: str, path: str, seconds: float, sessions: Path) -> dict:
    """The signing load (bench/wrk/sign.lua) on `path` for `seconds`: the rate of answers."""
    marker = WORK_DIR / "sign-done"
    deadline = time.time() + seconds
    report = run_wrk(base_url, "sign.lua", [path, str(sessions), f"{deadline:.3f}", str(DUPLICATE_EVERY),
                                             str(marker)], seconds=seconds + 15, marker=marker)
    answered, window = _window(report)
    statuses = _statuses(report)
    threads = report["threads"].values()
    return {
        "rps": statuses.get("303", 0) / window, "seconds": round(window, 2), "answered": answered,
        "sent": sum(int(t["sent"]) for t in threads), "statuses": dict(statuses),
        "socket_errors": _errors(report), "latency_ms": report["latency_ms"],
        "persons": {str(int(float(t["tid"]))): int(t["persons"]) for t in threads},
        "duplicates": sum(int(t["duplicates"]) for t in threads),
    }


# --- the staleness poller --------------------------------------------------------------------------

class CountPoller:
    """Reads the count endpoint every POLL_SECONDS on one keep-alive connection: (time, count)."""

    def __init__(self, host: str, port: int, path: str):
        self.host, self.port, self.path = host, port, path
        self.samples: list[tuple[float, int]] = []
        self.errors = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="count-poller", daemon=True)

    def start(self) -> CountPoller:
        self._thread.start()
        return self

    def _run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        while not self._stop.is_set():
            try:
                conn.request("GET", self.path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                body = response.read()
                if response.status == 200:
                    self.samples.append((time.time(), int(json.loads(body)["signature_count"])))
                else:
                    self.errors += 1
            except (OSError, http.client.HTTPException, ValueError):
                self.errors += 1
                conn.close()
            self._stop.wait(POLL_SECONDS)
        conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def max_lag(samples: list[tuple[float, int]], confirmed_at: list[float]) -> tuple[float, float]:
    """For each answer (t, shown): how long before t the oldest confirmation it leaves out was
    committed (0 when it shows all committed by t). Returns (max, 99th percentile) in seconds.
    `confirmed_at` is sorted, the k-th confirmation (from 1) making the count k."""
    lags = []
    for at, shown in samples:
        if shown < len(confirmed_at) and confirmed_at[shown] <= at:
            lags.append(at - confirmed_at[shown])
        else:
            lags.append(0.0)
    if not lags:
        return float("inf"), float("inf")
    ordered = sorted(lags)
    return ordered[-1], ordered[int(0.99 * (len(ordered) - 1))]


# --- one run ---------------------------------------------------------------------------------------

@dataclass
class Run:
    number: int
    sign_rps: float = 0.0
    bare_post_rps: float = 0.0
    share_of_bare: float = 0.0
    sign_p95_ms: float | None = None
    count_rps: float = 0.0
    count_p95_ms: float | None = None
    max_lag_s: float = float("inf")
    lag_p99_s: float = float("inf")
    persons: int = 0
    duplicates: int = 0
    confirmed: int = 0
    api_count: int | None = None
    db_count: int | None = None
    expected_count: int = 0
    mails: int = 0
    mail_drain_s: float = 0.0
    confirm_rps: float = 0.0
    problems: list[str] = field(default_factory=list)  # of exactness: a lost, doubled or wrong count
    count_problems: list[str] = field(default_factory=list)  # of the count endpoint under load
    details: dict = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        return not self.problems


def _db(query: str, *args):
    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute(query, args).fetchall()


def intake_waiting(jobs_name: str) -> int:
    """Submissions still on the signing intake (participation/core/intake.py), a drain under way
    counting as one more: the job writes them, and queues their mail, after the answer."""
    store = redis.Redis.from_url(SERVE_ENV["REDIS_URL"])
    key = f"{jobs_name}:intake:petitions.signatures"
    return int(store.llen(key)) + int(store.exists(key + ":draining")) + int(store.llen(key + ":failed"))


def wait_for_mail(sink: SmtpSink, mails: list[Mail], started: float, jobs_name: str,
                  before: int = 0) -> float:
    """Until the intake is written and every queued mail is in the sink (`before` of them taken
    earlier); returns the seconds it took after `started`. A submission the intake could not
    take stays on its failed list, and the wait ends in the harness error."""
    deadline = time.monotonic() + MAIL_DRAIN_TIMEOUT
    while time.monotonic() < deadline:
        mails += [parse_mail(raw) for raw in sink.take()]
        if intake_waiting(jobs_name):
            time.sleep(0.5)
            continue
        (queued, unsent), = _db("SELECT count(*), count(*) FILTER (WHERE sent_at IS NULL) FROM outgoing_mail")
        if unsent == 0 and before + len(mails) >= queued:
            return time.monotonic() - started
        time.sleep(0.5)
    raise HarnessError(f"signatures not all taken or their mail not delivered within "
                       f"{MAIL_DRAIN_TIMEOUT:.0f} s "
                       f"({intake_waiting(jobs_name)} waiting on the intake)")


def one_run(number: int, sink: SmtpSink) -> Run:
    run = Run(number)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    env = {"DATABASE_URL": DATABASE_URL, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port),
           "JOBS_NAME": f"bench-petitions-{tag}", "LIVE_CHANNEL_PREFIX": f"bench-petitions-{tag}",
           "GUNICORN_CMD_ARGS": "--worker-connections 1000",
           "JOBS_WORKERS": "8"}  # the job worker's threads, as the README runs it
    prepare_database(env)
    petition_id, supporters = create_petition(env)
    sign_path = f"/petitionen/{petition_id}/unterschreiben"
    count_path = f"/api/v1/petitions/{petition_id}/count"
    sessions = WORK_DIR / "sessions.txt"
    sink.take()
    with served_app(env, setup=False, workers=os.cpu_count() or 2, worker_class="gevent") as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        port = int(port)
        worker = JobWorker(env)
        try:
            fetch_sessions(host, port, sign_path, SESSIONS, sessions)
            print(f"bench: run {number}: bare form POST for {BARE_SECONDS:.0f} s", flush=True)
            bare = form_load(base_url, BARE_POST_PATH, BARE_SECONDS, sessions)
            run.bare_post_rps = bare["rps"]
            print(f"bench: run {number}: signing for {SIGN_SECONDS:.0f} s", flush=True)
            signing = form_load(base_url, sign_path, SIGN_SECONDS, sessions)
            signed_at = time.monotonic()
            run.sign_rps, run.sign_p95_ms = signing["rps"], signing["latency_ms"]["p95"]
            run.share_of_bare = run.sign_rps / run.bare_post_rps if run.bare_post_rps else 0.0
            run.duplicates = signing["duplicates"]
            run.details.update(bare=bare, signing=signing)
            # wrk counts a keep-alive connection that the server closes while idle as a read
            # error; a request lost on one would leave answered below sent.
            if set(signing["statuses"]) != {"303"} or signing["answered"] != signing["sent"]:
                run.problems.append(f"signing answers: {signing['statuses']}, socket errors "
                                    f"{signing['socket_errors']}, {signing['answered']} of {signing['sent']}")
            print(f"bench: run {number}: {run.sign_rps:.0f} signatures/s ({run.share_of_bare:.0%} of bare "
                  f"{run.bare_post_rps:.0f}/s); waiting for the mail", flush=True)
            mails: list[Mail] = []
            run.mail_drain_s = wait_for_mail(sink, mails, signed_at, env["JOBS_NAME"])
            plan = check_signing(run, signing, mails, petition_id, supporters, sign_path)
            print(f"bench: run {number}: {run.mails} mails for {run.persons} persons, all in "
                  f"{run.mail_drain_s:.1f} s after signing; confirming", flush=True)
            later: list[Mail] = []  # the re-submissions' mails: a new link, or "already signed"

            def settle() -> None:  # what the fast confirmations left to the job worker is done
                run.details["settle_s"] = wait_for_mail(sink, later, time.monotonic(), env["JOBS_NAME"],
                                                        before=len(mails))

            confirm_phase(run, base_url, host, port, plan, sessions, count_path, settle)
            time.sleep(2.5)  # FRESH_SECONDS and one publisher interval: the count is final now
            final = _http_json(host, port, count_path)
            run.api_count = final["signature_count"] if final else None
            check_final(run, petition_id, supporters)
            wait_for_mail(sink, later, time.monotonic(), env["JOBS_NAME"], before=len(mails))
            run.details["mails_after_confirming"] = Counter(
                "link" if mail.link else "already signed" for mail in later)
        finally:
            worker.stop()
    return run


def check_signing(run: Run, signing: dict, mails: list[Mail], petition_id: int, supporters: int,
                  sign_path: str) -> list[str]:
    """Every person signed once and got a link; returns the confirmation plan for plan.lua."""
    submitted = {(int(t), n) for t, persons in signing["persons"].items() for n in range(1, persons + 1)}
    run.persons = len(submitted)
    links: dict[tuple[int, int], str] = {}
    others = Counter()
    for mail in mails:
        person = person_of(mail.to)
        if person is None:  # the creator hears that her petition opened
            others[mail.to] += 1
            continue
        if mail.link is None:
            run.problems.append(f"a mail without a confirmation link to {mail.to}")
            continue
        links[person] = mail.link  # a second link for a person works as well as the first
    run.mails = len(mails) - others.total()
    run.details["other_mails"] = dict(others)
    if set(links) != submitted:
        run.problems.append(f"links for {len(links)} persons, {len(submitted)} signed: "
                            f"{len(submitted - set(links))} without, {len(set(links) - submitted)} unknown")
    rows = _db("SELECT email, links_sent FROM petition_signature WHERE petition_id = %s", petition_id)
    per_person = Counter(person_of(email_address) for email_address, _ in rows)
    per_person.pop(None, None)
    if len(rows) != supporters + len(submitted) or any(n != 1 for n in per_person.values()):
        run.problems.append(f"{len(rows)} signature rows for {supporters} supporters and "
                            f"{len(submitted)} persons")
    if sum(links_sent for _, links_sent in rows) - supporters != run.mails:
        run.problems.append(f"{run.mails} mails for {sum(r[1] for r in rows) - supporters} links sent")
    plan = []
    for index, (person, link) in enumerate(sorted(links.items(), key=lambda item: (item[0][1], item[0][0]))):
        plan.append(f"C\t{link}")
        if index % RESUBMIT_EVERY == 3:
            plan.append(f"S\t{sign_path}\t{person[0]}\t{person[1]}\t1")
        if index % SECOND_CLICK_EVERY == 5:
            plan.append(f"C\t{link}")
    return plan


def _http_json(host: str, port: int, path: str) -> dict | None:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        return json.loads(response.read()) if response.status == 200 else None
    finally:
        conn.close()


def confirm_phase(run: Run, base_url: str, host: str, port: int, plan: list[str], sessions: Path,
                  count_path: str, settle) -> None:
    paced_lines = min(len(plan) // 3, int(COUNT_SECONDS * PACED_CONFIRMS_PER_S))
    fast_plan, paced_plan = plan[:len(plan) - paced_lines], plan[len(plan) - paced_lines:]
    poller = CountPoller(host, port, count_path).start()
    fast = _replay(base_url, "plan-fast", fast_plan, sessions)
    settle()  # the count load then shares the machine with the paced confirmations only
    count_report: dict = {}

    def count_load() -> None:
        time.sleep(1.0)  # into the paced confirmations first
        count_report.update(run_wrk(base_url + count_path, "count.lua", [], seconds=COUNT_SECONDS - 1,
                                    connections=32, threads=1, marker=None))

    counter = threading.Thread(target=count_load, name="count-load", daemon=True)
    counter.start()
    paced = _replay(base_url, "plan-paced", paced_plan, sessions, connections=PACED_CONNECTIONS,
                    pause_ms=PACED_PAUSE_MS)
    counter.join()
    time.sleep(3.0)  # the last confirmations must show too
    poller.stop()
    answered, window = _window(fast)
    run.confirm_rps = answered / window if window else 0.0
    for replayed, lines in ((fast, fast_plan), (paced, paced_plan)):
        statuses = _statuses(replayed)
        replayed_answers = sum(int(t["answered"]) for t in replayed["threads"].values())
        # at the end of a paced replay two connections may both send the last line (a second
        # click on a link, or a person signing again): harmless, and the final count checks it
        if set(statuses) - {"200", "303"} or replayed_answers < len(lines):
            run.problems.append(f"confirming answers: {dict(statuses)}, socket errors {_errors(replayed)}, "
                                f"{replayed_answers} of {len(lines)}")
    paced_answered, paced_window = _window(paced)
    count_statuses = _statuses(count_report)
    requests = sum(count_statuses.values())
    run.count_rps = count_statuses.get("200", 0) / count_report["duration_s"]
    run.count_p95_ms = count_report["latency_ms"]["p95"]
    not_count = sum(int(float(t.get("not_count") or 0)) for t in count_report["threads"].values())
    if set(count_statuses) != {"200"} or count_report["errors"]["timeout"] or not_count:
        run.count_problems.append(f"count endpoint answers: {dict(count_statuses)}, "
                                  f"{not_count} not the count document, errors {count_report['errors']}")
    confirmed_at = [float(row[0]) for row in _db(
        "SELECT extract(epoch FROM confirmed_at) FROM petition_signature "
        "WHERE confirmed_at IS NOT NULL AND NOT held AND invalidated_at IS NULL ORDER BY confirmed_at")]
    run.max_lag_s, run.lag_p99_s = max_lag(poller.samples, confirmed_at)
    run.details.update(confirming={"rps": run.confirm_rps, "statuses": dict(_statuses(fast)),
                                   "latency_ms": fast["latency_ms"], "requests": answered},
                       confirming_paced={"rps": paced_answered / paced_window if paced_window else 0.0,
                                         "requests": paced_answered, "statuses": dict(_statuses(paced))},
                       count={"requests": requests, "duration_s": count_report["duration_s"],
                              "statuses": dict(count_statuses), "latency_ms": count_report["latency_ms"]},
                       poller={"samples": len(poller.samples), "errors": poller.errors})


def _replay(base_url: str, name: str, lines: list[str], sessions: Path, *, connections: int = CONNECTIONS,
            pause_ms: int = 0) -> dict:
    """Replay plan lines with bench/wrk/plan.lua until every one is answered."""
    plan_file = WORK_DIR / f"{name}.txt"
    plan_file.write_text("\n".join(lines) + "\n")
    marker = WORK_DIR / f"{name}-done"
    return run_wrk(base_url, "plan.lua", [str(plan_file), str(sessions), str(marker), str(WRK_THREADS),
                                          str(pause_ms)], seconds=600, connections=connections, marker=marker)


def check_final(run: Run, petition_id: int, supporters: int) -> None:
    run.expected_count = supporters + run.persons
    (rows, confirmed, counted), = _db(
        "SELECT count(*), count(confirmed_at), count(*) FILTER (WHERE confirmed_at IS NOT NULL AND NOT held "
        "AND invalidated_at IS NULL) FROM petition_signature WHERE petition_id = %s", petition_id)
    run.confirmed, run.db_count = confirmed - supporters, counted
    if rows != run.expected_count:
        run.problems.append(f"{rows} signature rows after confirming, {run.expected_count} expected")
    if counted != run.expected_count:
        run.problems.append(f"database count {counted}, {run.expected_count} expected")
    if run.api_count != run.expected_count:
        run.problems.append(f"API count {run.api_count}, {run.expected_count} expected")


# --- report ----------------------------------------------------------------------------------------

def worst(runs: list[Run]) -> dict:
    return {
        "sign_rps": min(r.sign_rps for r in runs),
        "share_of_bare": min(r.share_of_bare for r in runs),
        "bare_post_rps": min(r.bare_post_rps for r in runs),
        "count_rps": min(r.count_rps for r in runs),
        "count_clean": not any(r.count_problems for r in runs),
        "max_lag_s": max(r.max_lag_s for r in runs),
        "exact": all(r.exact for r in runs),
    }


def verdicts(summary: dict) -> dict[str, bool]:
    return {
        f"signing >= {TARGET_SIGN_RPS:.0f}/s": summary["sign_rps"] >= TARGET_SIGN_RPS,
        "every signature confirmed, count exact": summary["exact"],
        f"count endpoint >= {TARGET_COUNT_RPS:.0f}/s, no errors or timeouts":
            summary["count_rps"] >= TARGET_COUNT_RPS and summary["count_clean"],
        f"count <= {TARGET_MAX_LAG_S:.0f} s behind": summary["max_lag_s"] <= TARGET_MAX_LAG_S,
    }


def table(runs: list[Run]) -> str:
    head = ("run", "sign/s", "bare POST/s", "share", "sign p95 ms", "persons", "dups", "mails", "mail s",
            "confirm/s", "paced/s", "count/s", "count p95 ms", "max lag s", "count", "expected", "exact")
    rows = [head]
    for r in runs:
        rows.append((str(r.number), f"{r.sign_rps:.0f}", f"{r.bare_post_rps:.0f}", f"{r.share_of_bare:.1%}",
                     f"{r.sign_p95_ms or 0:.1f}", str(r.persons), str(r.duplicates), str(r.mails),
                     f"{r.mail_drain_s:.1f}", f"{r.confirm_rps:.0f}",
                     f"{r.details.get('confirming_paced', {}).get('rps', 0):.0f}", f"{r.count_rps:.0f}",
                     f"{r.count_p95_ms or 0:.1f}", f"{r.max_lag_s:.2f}", str(r.api_count),
                     str(r.expected_count), "yes" if r.exact else "NO"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and value == float("inf"):
        return None
    return value


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through served_app() and JobWorker.stop()


def main(argv: list[str]) -> int:
    if argv == ["--create-petition"]:
        _create_petition_here()
        return 0
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    runs: list[Run] = []
    print(f"bench: petitions signing, {RUNS} run(s) of {SIGN_SECONDS:.0f} s, {CONNECTIONS} connections",
          flush=True)
    try:
        wrk_command()
        sink = SmtpSink().start()
        with exclusive():  # before the first run drops the database another benchmark may be using
            for number in range(1, RUNS + 1):
                runs.append(one_run(number, sink))
                for problem in runs[-1].problems + runs[-1].count_problems:
                    print(f"bench: run {number}: {problem}", flush=True)
    except Exception as exc:  # noqa: BLE001 - report the harness failure, exit with 2
        print(f"bench: petitions_signing failed: {exc!r}", file=sys.stderr)
        return 2
    summary = worst(runs)
    met = verdicts(summary)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "petitions.json").write_text(json.dumps(
        _jsonable({"worst": summary, "targets": met, "runs": [asdict(r) for r in runs]}), indent=2))
    print()
    print(table(runs))
    print(f"\nworst of {len(runs)}: {summary['sign_rps']:.0f} signatures/s "
          f"({summary['share_of_bare']:.1%} of a bare Flask POST), count endpoint "
          f"{summary['count_rps']:.0f}/s, at most {summary['max_lag_s']:.2f} s behind, "
          f"counts {'exact' if summary['exact'] else 'NOT EXACT'}")
    for target, ok in met.items():
        print(f"bench: {'met' if ok else 'MISSED'}: {target}")
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
