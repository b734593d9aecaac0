"""Browser fixtures: the app as a real server, one headless Chromium, a fresh context per test.

The server runs in a subprocess on a free loopback port with its own SQLite file and mail
outbox, migrated and seeded with the demo accounts exactly as `make run` does.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import Browser, Page, sync_playwright

from participation.settings import PROJECT_ROOT, Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
    }));
}"""
HOST = "127.0.0.1"
DEMO_PASSWORD = "leipzig-demo-2026"
TIMEOUT_MS = 10_000


@pytest.fixture(autouse=True)
def db_session():
    """Replaces the unit tests' transaction fixture: browser tests use the server's database."""
    yield None


@pytest.fixture(scope="session")
def translate():
    """translate(lang, message): the text as the server shows it in `lang` (the msgid itself
    until the catalog translates it), so assertions on text survive the translators' work."""

    def _translate(lang: str, message: str) -> str:
        return Translations.load(str(PROJECT_ROOT / "translations"), [lang]).gettext(message)

    return _translate


# --- the server ------------------------------------------------------------------------------

@dataclass
class Server:
    base_url: str
    outbox: Path
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def newest_mail(self, to: str, containing: str = "", seconds: float = 5) -> email.message.EmailMessage:
        """The newest mail to `to` (with `containing` in it). Notification mails are written by
        a background job a moment after the request: wait for it a little, as a person would."""
        deadline = time.monotonic() + seconds
        while True:
            paths = sorted(self.outbox.glob("*.eml")) if self.outbox.exists() else []
            mails = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                     for p in paths]
            mails = [m for m in mails if m["To"] == to and containing in m.get_content()]
            if mails or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert mails, f"no mail to {to} in {self.outbox}"
        return mails[-1]  # the file names start with a timestamp

    def link_in_newest_mail(self, to: str) -> str:
        body = self.newest_mail(to).get_content()
        match = re.search(r"https?://\S+", body)
        assert match, f"no link in the mail to {to}:\n{body}"
        return match.group(0)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _server_env(base: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    # Nothing from the developer's shell (a DATABASE_URL, a MAIL_SERVER ...) may leak in.
    for f in fields(Settings):
        env.pop(Settings.ENV_NAMES.get(f.name, f.name.upper()), None)
    env.update(
        FLASK_APP="participation:create_app",
        PARTICIPATION_ENV="development",
        SECRET_KEY=secrets.token_hex(16),
        DATABASE_URL=f"sqlite:///{base / 'browser.db'}",
        MAIL_OUTBOX_DIR=str(base / "mail"),
        BASE_URL=f"http://{HOST}:{port}",
        RATELIMIT_ENABLED="false",  # the suite signs in more often than a person would
        LIVE_POLL_SECONDS="2",  # the polling fallback's test need not wait 20 s for its news
    )
    return env


def _flask(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        pytest.fail(f"`flask {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}",
                    pytrace=False)


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the app server exited with {process.returncode}:\n{log.read_text()}",
                        pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {seconds} s:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("browser")
    port = _free_port()
    env = _server_env(base, port)
    _flask("db", "upgrade", env=env)
    _flask("seed", "demo", env=env)
    log = base / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "run", "--host", HOST, "--port", str(port),
             "--no-reload", "--no-debugger"],
            cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(f"http://{HOST}:{port}/healthz", process, log)
        yield Server(base_url=f"http://{HOST}:{port}", outbox=base / "mail", log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the browser -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser() -> Iterator[Browser | None]:
    """Headless Chromium, or None when it is missing: then `need_browser` fails every test."""
    if not CHROMIUM.exists():
        yield None
        return
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def need_browser(browser: Browser | None) -> Browser:
    if browser is None:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser"
                    " tests (they are never skipped, and `playwright install` is not used).",
                    pytrace=False)
    return browser


class Site:
    """A page of the app in its own browser context, watching every request it makes."""

    def __init__(self, page: Page, server: Server):
        self.page = page
        self.server = server
        self.foreign_requests: list[str] = []
        self.csp_errors: list[str] = []
        page.on("request", self._on_request)
        page.on("console", self._on_console)

    def _on_request(self, request) -> None:
        url = request.url
        if not url.startswith((self.server.base_url + "/", "data:", "blob:")):
            self.foreign_requests.append(url)

    def _on_console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)

    def assert_clean(self) -> None:
        assert not self.foreign_requests, f"requests to other hosts: {self.foreign_requests}"
        assert not self.csp_errors, f"CSP violations: {self.csp_errors}"

    def goto(self, path: str, status: int = 200) -> None:
        response = self.page.goto(self.server.url(path))
        got = response.status if response else None
        assert got == status, f"GET {path}: expected {status}, got {got}" + (
            f"\nserver log:\n{self.server.log.read_text()[-3000:]}" if got and got >= 500 else "")
        self.assert_clean()

    def check_axe(self) -> None:
        # evaluate, not a <script> tag: the page's CSP (nonces only) must stay as it is.
        self.page.evaluate(_axe_source())
        violations = self.page.evaluate(AXE_RUN, AXE_TAGS)
        self.assert_clean()
        report = "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}\n    "
                           + "\n    ".join(v["nodes"]) for v in violations)
        assert not violations, f"axe: {len(violations)} violation(s) on {self.page.url}:\n{report}"

    # keyboard helpers: they only press keys, and only read which element has focus
    def focused(self, selector: str) -> bool:
        return self.page.evaluate(
            "(s) => !!document.activeElement && document.activeElement.matches(s)", selector)

    def describe_focus(self) -> str:
        return self.page.evaluate(
            "() => document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : '-'")

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            self.page.keyboard.press(key)
            if self.focused(selector):
                return
        raise AssertionError(f"{limit}× {key} never reached {selector} on {self.page.url}")

    def press_and_load(self, key: str = "Enter") -> None:
        """Press `key` on the focused element and wait until the page it leads to has loaded."""
        with self.page.expect_event("load"):
            self.page.keyboard.press(key)
        self.assert_clean()

    def html_lang_dir(self) -> tuple[str, str]:
        root = "document.documentElement"
        return tuple(self.page.evaluate(f"() => [{root}.lang, {root}.dir]"))


_axe_cache: list[str] = []


def _axe_source() -> str:
    if not _axe_cache:
        _axe_cache.append(AXE_JS.read_text(encoding="utf-8"))
    return _axe_cache[0]


@pytest.fixture(scope="session")
def signed_in_states() -> dict[str, dict]:
    """Storage state (cookies) of a signed-in demo account per role, made on first use."""
    return {}


@pytest.fixture
def open_site(browser, server, signed_in_states) -> Iterator:
    """open_site(lang="de", role=None) -> Site: a new context, signed in as a demo role."""
    contexts = []
    sites = []

    def _open(lang: str = "de", role: str | None = None) -> Site:
        need_browser(browser)
        state = _signed_in_state(browser, server, signed_in_states, role) if role else None
        context = browser.new_context(locale="de-DE", storage_state=state)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies([{"name": "locale", "value": lang, "url": server.base_url}])
        contexts.append(context)
        site = Site(context.new_page(), server)
        sites.append(site)
        return site

    yield _open
    for context in contexts:
        context.close()
    for site in sites:
        site.assert_clean()


def _signed_in_state(browser: Browser, server: Server, states: dict[str, dict], role: str):
    if role not in states:
        context = browser.new_context(locale="de-DE")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(server.url("/login"))
        page.fill("#email", f"{role}@example.org")
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_event("load"):
            page.click("main form button[type=submit]")
        assert page.url == server.url("/"), f"signing in as {role} failed: {page.url}"
        states[role] = context.storage_state()
        context.close()
    return states[role]


@pytest.fixture(scope="session")
def feedback_sent(browser, server) -> None:
    """One piece of accessibility feedback, so the staff list shows an entry."""
    context = need_browser(browser).new_context(locale="de-DE")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(server.url("/barrierefreiheit?page=/karte"))
    page.fill("#message", "Die Karte lässt sich nicht mit der Tastatur bedienen.\nBitte prüfen.")
    page.fill("#reply_email", "leserin@example.org")
    with page.expect_event("load"):
        page.click("main form button[type=submit]")
    assert page.url == server.url("/barrierefreiheit"), page.url
    context.close()
