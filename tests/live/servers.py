"""Serving the app for real in tests: gunicorn (gevent workers) or the development server, and
an HTTP client that reads event streams line by line and keeps its cookies."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EventStream:
    """One open GET /live/stream, read with a timeout, one event (or heartbeat) at a time."""

    def __init__(self, port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 10):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.connection.request("GET", path, headers=headers or {})
        self.client_port = self.connection.sock.getsockname()[1]
        self.response = self.connection.getresponse()

    def next_block(self) -> dict[str, str] | None:
        """The next block's fields ({"event": ..., "data": ...}); None at the end of the stream."""
        fields: dict[str, str] = {}
        while True:
            line = self.response.readline()
            if not line:
                return None
            line = line.decode().rstrip("\n")
            if not line:
                if fields:
                    return fields
                continue
            name, _, value = line.partition(":")
            fields[name or "comment"] = value.removeprefix(" ")

    def next_event(self, name: str | None = None) -> dict[str, str] | None:
        """The next real event (heartbeats skipped), of `name` if given."""
        while (block := self.next_block()) is not None:
            if "event" in block and (name is None or block["event"] == name):
                return block
        return None

    def close(self) -> None:
        self.response.close()
        self.connection.close()


class Browser:
    """Cookies and CSRF tokens over plain HTTP, enough to sign in and post a form."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        text = response.read().decode()
        connection.close()
        return response.status, dict(response.headers), text

    def csrf_token(self, path: str) -> str:
        _, _, page = self.request("GET", path)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def sign_in(self, email: str, password: str) -> None:
        token = self.csrf_token("/login")
        form = {"csrf_token": token, "email": email, "password": password}
        status, _, _ = self.request("POST", "/login", form)
        assert status == 302, "sign-in failed"

    def add_idea(self, slug: str) -> int:
        path = f"/beteiligung/{slug}/ideen/neu"
        form = {"csrf_token": self.csrf_token(path), "title": "Tempo 30", "body": "Zu schnell.",
                "kind": "point", "positions": "51.330, 12.325", "category": ""}
        status, headers, text = self.request("POST", path, form)
        assert status == 302, text[:2000]
        return int(re.search(r"/ideen/(\d+)", headers["Location"]).group(1))


def prepare_database(url: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "tests.live.server_setup", url], cwd=PROJECT_ROOT,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def gunicorn(env: dict[str, str], log: Path, *, workers: int = 2, graceful_timeout: int = 20):
    """gunicorn with gevent workers, as README's production command, on a free port."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "participation:create_app()", "-k", "gevent",
               "--worker-connections", "1000", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--graceful-timeout", str(graceful_timeout)]
    environ = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "PARTICIPATION_ENV": "production",
               "SECRET_KEY": "test-only", "RATELIMIT_ENABLED": "false", "BASE_URL": f"http://127.0.0.1:{port}",
               **env}
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environ, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        _wait_until_up(process, port, log, workers)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _wait_until_up(process, port: int, log: Path, workers: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        if len(worker_pids(process.pid)) == workers:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start:\n" + log.read_text())


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def serving_pid(server_port: int, client_port: int, candidates: list[int]) -> int | None:
    """Which process holds the server side of the loopback connection from `client_port`:
    the socket's inode from /proc/net/tcp, then the worker whose file descriptors include it."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        columns = line.split()
        local_port, remote_port = int(columns[1].split(":")[1], 16), int(columns[2].split(":")[1], 16)
        if (local_port, remote_port) == (server_port, client_port):
            inode = columns[9]
    if inode is None:
        return None
    for pid in candidates:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None
