"""OParl servers on 127.0.0.1 for the importer's tests, in a thread of the test process.

`FixtureServer` answers routes by path and query (`modified_since` aside, which a route reads
from the request); `real_sites.py` mounts the captured answers of real servers from
../shared/oparl-real (read there at test time, their content untouched; only the System, Body
and page wrappers the captures lack are invented), and `synthetic.py` a larger invented OParl
1.1 body with several pages per list.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, str]
    raw_query: str
    since: datetime | None
    times: int  # how often this exact URL was asked for, this one included

    @property
    def page(self) -> int:
        return int(self.query.get("page", "1"))


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    content_type: str = "application/json; charset=utf-8"

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


Handler = Callable[[Request], Reply]


def page(objects: list, *, next_url: str | None = None, total: int | None = None) -> dict:
    return {
        "data": objects,
        "pagination": {} if total is None else {"totalElements": total},
        "links": {"next": next_url} if next_url else {},
    }


def raw_page(object_texts: list[str]) -> bytes:
    """A list page around objects kept byte for byte as captured (broken JSON included)."""
    return ('{"data": [' + ",\n".join(object_texts) + '], "pagination": {}, "links": {}}').encode("utf-8")


NOT_FOUND = Reply(404, {"type": "https://schema.oparl.org/1.1/Error", "message": "Nicht gefunden"})


@dataclass
class FixtureServer:
    routes: dict[str, Handler | Reply] = field(default_factory=dict)
    prefixes: dict[str, Handler] = field(default_factory=dict)
    asked: Counter = field(default_factory=Counter)
    base: str = ""

    def add(self, path_and_query: str, answer: Handler | Reply | dict | list | bytes | str) -> None:
        """`/x/papers?body=1` answers only that query; `/x/papers` any query without a route of its own."""
        if not isinstance(answer, Reply) and not callable(answer):
            answer = Reply(200, answer)
        self.routes[path_and_query] = answer

    def add_prefix(self, path_prefix: str, handler: Handler) -> None:
        """Every path below `path_prefix` that has no route of its own (objects by id)."""
        self.prefixes[path_prefix.rstrip("/") + "/"] = handler

    def url(self, path: str) -> str:
        return self.base + path

    def answer(self, target: str) -> Reply:
        parts = urlsplit(target)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = dict(pairs)
        kept = "&".join(
            f"{k}={v}" for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "modified_since"
        )
        since = None
        if "modified_since" in query:
            try:
                since = datetime.fromisoformat(query["modified_since"].replace(" ", "+"))
            except ValueError:
                return Reply(
                    400, {"type": "https://schema.oparl.org/1.1/Error", "message": "bad modified_since"}
                )
        self.asked[target] += 1
        handler = self.routes.get(f"{parts.path}?{kept}" if kept else parts.path) or self.routes.get(
            parts.path
        )
        if handler is None:
            for prefix in sorted(self.prefixes, key=len, reverse=True):
                if parts.path.startswith(prefix):
                    handler = self.prefixes[prefix]
                    break
        if handler is None:
            return NOT_FOUND
        if isinstance(handler, Reply):
            return handler
        return handler(Request(parts.path, query, parts.query, since, self.asked[target]))

    def start(self) -> FixtureServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: one connection for a whole import

            def setup(self):
                super().setup()
                # headers and body go out in two writes: without this, delayed ACKs cost 40 ms each
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self):  # noqa: N802 - the http.server name
                try:
                    reply = server.answer(self.path)
                except Exception as error:  # noqa: BLE001 - a broken fixture answers 500, the test sees why
                    reply = Reply(500, f"fixture error: {error!r}", "text/plain")
                body = reply.encoded()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="oparl-fixture", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
