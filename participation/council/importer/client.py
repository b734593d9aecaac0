"""Fetching OParl documents: over HTTP or from a directory, with the repairs real servers need.

- Spurious 5xx answers and dropped connections are retried with exponential backoff, a bounded
  number of times (ALLRIS and Somacos both do this under load).
- JSON with raw control characters inside strings (Braunschweig ALLRIS) is repaired by escaping
  them, then parsed; text that is mojibake already (CP850 read as CP1252) stays as it is.
- Ids whose host or path differ from the URL that answers (Karlsruhe's ids say `/oparl/`, only
  `/ris/oparl/` answers): the object keeps its own id, fetching goes through a rewrite, either
  given (`--rewrite FROM=TO`) or learned when an object fetched at one URL names another id
  with the same last path segment.
- Lists: `links.next` is followed; a single object where a list page belongs, a bare JSON array,
  a 404 for an empty `modified_since` result (Sternberg) are all read as lists.
- `modified_since` goes out with `+` encoded and `:` literal: Somacos fails on `%3A`, and a
  literal `+` would be read as a space.
- Over HTTP the next page of a list is asked for while the importer writes the one before (one
  request at a time still, so no server sees more than it did): the server's time and ours
  overlap instead of adding up. Only the request runs ahead; its answer is checked, retried and
  parsed when the page is wanted, as any other.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from participation.council.importer.report import Report

DEFAULT_TIMEOUT = (10.0, 60.0)  # connect, read
USER_AGENT = "participation-oparl-importer/1.0 (Leipzig e-participation; +{base_url})"


class FetchError(Exception):
    def __init__(self, url: str, status: int | None, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.status = status
        self.reason = reason


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = ""
    url: str = ""  # where it came from in the end (after redirects)


class HttpTransport:
    """requests, with a User-Agent, timeouts, and (for tests and cautious staff) a list of the
    only hosts that may be asked."""

    reads_ahead = True  # the next page while this one is imported

    MAX_REDIRECTS = 5

    def __init__(self, *, user_agent: str, timeout=DEFAULT_TIMEOUT, allowed_hosts=None, public_only=False):
        import requests  # here, not at module import: the app starts without touching the network stack

        self.session = requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        self.timeout = timeout
        self.allowed_hosts = set(allowed_hosts) if allowed_hosts else None
        # An import started from the staff pages asks hosts on the internet only: a URL (or a
        # link or redirect in what a server sends) must not make our server read its own
        # network (localhost, the cloud's metadata address, the intranet).
        self.public_only = public_only
        self._public: dict[str, bool] = {}
        self._errors = (requests.ConnectionError, requests.Timeout)

    def close(self) -> None:
        self.session.close()  # its pooled keep-alive connections

    def _check_host(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            raise FetchError(url, None, f"host {host!r} is not among the allowed hosts")
        if self.public_only:
            if host not in self._public:
                self._public[host] = is_public_host(host)
            if not self._public[host]:
                raise FetchError(url, None, f"host {host!r} is not on the public internet")

    def get(self, url: str) -> Answer:
        for _ in range(self.MAX_REDIRECTS + 1):
            self._check_host(url)
            try:
                response = self.session.get(url, timeout=self.timeout, allow_redirects=False)
            except self._errors as error:
                raise ConnectionProblem(url, None, f"{type(error).__name__}: {error}") from error
            location = response.headers.get("Location") if response.is_redirect else None
            if not location:
                return Answer(
                    response.status_code, response.content, response.headers.get("Content-Type", ""), url
                )
            url = urljoin(url, location)  # each hop is checked like the first address
        raise FetchError(url, None, f"more than {self.MAX_REDIRECTS} redirects")


def is_public_host(host: str) -> bool:
    """Whether every address `host` resolves to is a global one (no loopback, private,
    link-local or reserved network). A name that does not resolve is left to the request,
    which then fails with its own error."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return True
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos)


class ConnectionProblem(FetchError):
    """No answer at all: worth another try, like a 5xx."""


class DirectoryTransport:
    """A directory of JSON files as an OParl server, for tests and for dumps.

    The entry is `system.json` (its `id` says which URL it stands for). Other URLs are found in
    `urls.json` ({"url": "relative/file.json"}) if there is one, else at `<host>/<path>` with
    the query appended as `?query`, with or without `.json`. Anything else answers 404.
    """

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.urls: dict[str, str] = {}
        index = self.root / "urls.json"
        if index.is_file():
            self.urls.update(json.loads(index.read_text(encoding="utf-8")))
        system = self.root / "system.json"
        self.entry = None
        if system.is_file():
            try:
                self.entry = json.loads(system.read_text(encoding="utf-8")).get("id")
            except (ValueError, AttributeError):
                self.entry = None
            if self.entry:
                self.urls.setdefault(self.entry, "system.json")

    def _file(self, url: str) -> Path | None:
        candidates = []
        if url in self.urls:
            candidates.append(self.urls[url])
        parts = urlsplit(url)
        base = f"{parts.hostname or ''}{unquote(parts.path)}".rstrip("/")
        if parts.query:
            base += "?" + parts.query
        candidates += [base, base + ".json", base + "/index.json"]
        for relative in candidates:
            path = (self.root / relative).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return path
        return None

    def get(self, url: str) -> Answer:
        path = self._file(url)
        if path is None:
            return Answer(404, b'{"type": "https://schema.oparl.org/1.1/Error"}', "application/json", url)
        return Answer(200, path.read_bytes(), "application/json", url)


@dataclass
class Page:
    objects: list
    total: int | None = None
    url: str = ""


@dataclass
class Rewrite:
    source: str
    target: str
    learned: bool = False


@dataclass
class OParlClient:
    transport: HttpTransport | DirectoryTransport
    report: Report
    rewrites: list[Rewrite] = field(default_factory=list)
    retries: int = 3
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    learn: bool = True
    max_learned: int = 10
    _ahead: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    def close(self) -> None:
        """Let go of the read-ahead thread and the transport's connections (after a run)."""
        if self._ahead is not None:
            self._ahead.shutdown(wait=True, cancel_futures=True)
            self._ahead = None
        close = getattr(self.transport, "close", None)
        if close is not None:
            close()

    # -- where to ask ----------------------------------------------------------------------
    def locate(self, url: str) -> str:
        """The URL that answers for an id (rewritten where ids and answering URLs differ)."""
        for rule in sorted(self.rewrites, key=lambda r: len(r.source), reverse=True):
            if url.startswith(rule.source) and not url.startswith(rule.target):
                return rule.target + url[len(rule.source) :]
        return url

    def _learn(self, oparl_id: str, answered_at: str) -> None:
        """An object that answered at one URL but names another id: where its siblings answer."""
        if not self.learn or oparl_id == answered_at or self.locate(oparl_id) == answered_at:
            return
        own_dir, own_tail = oparl_id.rsplit("/", 1) if "/" in oparl_id else ("", oparl_id)
        at_dir, at_tail = answered_at.rsplit("/", 1) if "/" in answered_at else ("", answered_at)
        if own_tail != at_tail or "://" not in own_dir or "://" not in at_dir:
            self.report.warn("id-differs-from-url", f"{answered_at} calls itself {oparl_id}")
            return
        if sum(rule.learned for rule in self.rewrites) >= self.max_learned:
            return
        self.rewrites.append(Rewrite(own_dir + "/", at_dir + "/", learned=True))
        self.report.warn(
            "id-differs-from-url",
            f"ids under {own_dir}/ answer at {at_dir}/: kept as ids, fetched via the latter",
        )

    # -- fetching --------------------------------------------------------------------------
    def get_json(self, url: str, *, since: datetime | None = None, ahead: tuple[str, Future] | None = None):
        """The parsed document at `url` (an id or a list URL). Raises FetchError. `ahead` is a
        first try at it already under way (`read_ahead`)."""
        located = self.locate(url)
        if since is not None:
            located = _with_modified_since(located, since)
        first_try = ahead[1] if ahead is not None and ahead[0] == located else None
        answer = self._get_with_retries(located, first_try)
        if answer.status != 200:
            raise FetchError(located, answer.status, f"HTTP {answer.status}")
        data = self._parse(answer.body, located)
        if isinstance(data, dict) and isinstance(data.get("id"), str) and since is None:
            self._learn(data["id"], answer.url or located)
        return data

    def read_ahead(self, url: str) -> tuple[str, Future] | None:
        """Ask for `url` in the background, if the transport is worth it (HTTP)."""
        if not getattr(self.transport, "reads_ahead", False):
            return None
        if self._ahead is None:
            self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oparl-read-ahead")
        located = self.locate(url)
        return located, self._ahead.submit(self.transport.get, located)

    def _get_with_retries(self, url: str, first_try: Future | None = None) -> Answer:
        attempt = 0
        while True:
            try:
                answer = (
                    first_try.result() if first_try is not None and attempt == 0 else self.transport.get(url)
                )
                if answer.status < 500:
                    return answer
                problem = f"HTTP {answer.status}"
            except ConnectionProblem as error:
                problem = error.reason
            if attempt >= self.retries:
                raise FetchError(url, None, f"{problem}, {attempt + 1} tries")
            delay = self.backoff * (2**attempt)
            self.report.warn("server-error-retried", f"{url}: {problem}, again in {delay:g} s")
            self.sleep(delay)
            attempt += 1

    def _parse(self, body: bytes, url: str):
        text = body.decode("utf-8", errors="replace")
        if text.startswith("\ufeff"):
            text = text[1:]
        try:
            return json.loads(text)
        except ValueError:
            pass
        repaired = escape_control_characters(text)
        try:
            data = json.loads(repaired)
        except ValueError as error:
            raise FetchError(url, 200, f"not JSON: {error}") from error
        self.report.warn("control-characters-in-json", f"{url}: escaped and parsed")
        return data

    def get_object(self, url: str) -> dict | None:
        """One object by its id, or None (warned) when it cannot be had."""
        try:
            data = self.get_json(url)
        except FetchError as error:
            self.report.warn("link-unreachable", f"{url}: {error.reason}")
            return None
        if isinstance(data, list) and len(data) >= 1 and isinstance(data[0], dict):
            self.report.warn("array-for-object", f"{url}: took the first of {len(data)}")
            data = data[0]
        if not isinstance(data, dict):
            self.report.warn("link-unreachable", f"{url}: answered {type(data).__name__}, not an object")
            return None
        return data

    def pages(self, url: str, *, since: datetime | None = None) -> Iterator[Page]:
        """The pages of an external list, first to last. A page that cannot be fetched ends the
        list with a FetchError (after the pages before it were yielded)."""
        next_url: str | None = url
        seen: set[str] = set()
        first = True
        ahead = None
        while next_url:
            if next_url in seen:
                self.report.warn("pagination-loop", f"{next_url} came again; list ended there")
                return
            seen.add(next_url)
            try:
                data = self.get_json(next_url, since=since if first else None, ahead=ahead)
            except FetchError as error:
                if error.status == 404 and since is not None and first:
                    self.report.warn("404-for-empty-list", f"{url}: read as nothing changed")
                    return
                raise
            page, next_url = self._page(data, next_url)
            if next_url and since is not None and "modified_since" not in next_url:
                self.report.warn("filter-lost-in-next", f"{next_url}: modified_since added again")
                next_url = _with_modified_since(next_url, since)
            first = False
            ahead = self.read_ahead(next_url) if next_url and next_url not in seen else None
            yield page

    def _page(self, data, url: str) -> tuple[Page, str | None]:
        if isinstance(data, list):
            if data:
                self.report.warn("bare-array-for-list", f"{url}: {len(data)} objects without a page")
            else:
                self.report.warn("bare-array-for-list", f"{url}: [] read as an empty page")
            return Page(data, len(data), url), None
        if not isinstance(data, dict):
            raise FetchError(url, 200, f"a list page must be an object, not {type(data).__name__}")
        if "data" not in data and "id" in data:
            self.report.warn("object-for-list", f"{url}: one {data.get('type', 'object')} instead of a list")
            return Page([data], 1, url), None
        objects = data.get("data")
        if objects is None:
            objects = []
        elif not isinstance(objects, list):
            self.report.warn("object-for-list", f"{url}: data is not an array")
            objects = [objects]
        pagination = data.get("pagination") if isinstance(data.get("pagination"), dict) else {}
        total = pagination.get("totalElements")
        links = data.get("links") if isinstance(data.get("links"), dict) else {}
        next_url = links.get("next") if isinstance(links.get("next"), str) and links.get("next") else None
        return Page(objects, total if isinstance(total, int) else None, url), next_url


def _with_modified_since(url: str, since: datetime) -> str:
    stamp = since.astimezone(UTC).isoformat(timespec="seconds").replace("+", "%2B")
    return f"{url}{'&' if '?' in url else '?'}modified_since={stamp}"


def escape_control_characters(text: str) -> str:
    """Escape raw control characters inside JSON strings (outside them they are whitespace or
    an error JSON would report anyway)."""
    out = []
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            elif ord(char) < 0x20:
                out.append(f"\\u{ord(char):04x}")
                continue
        elif char == '"':
            in_string = True
        out.append(char)
    return "".join(out)
