"""A request that lies about where the site is: for tests that every absolute link comes from BASE_URL.

`proxied_app(settings)` runs behind one trusted proxy (so X-Forwarded-Host is believed, as in
production) at a BASE_URL unlike the test client's `localhost`; `@with_hostile_headers` runs a
test once for each way a request names another host (argument `hostile_headers`).
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from flask import Flask

from participation import create_app

BASE_URL = "https://beteiligung.leipzig.example"
HOSTILE_HEADERS = {
    "host": {"Host": "evil.example"},
    "forwarded-host": {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"},
}
_URL = re.compile(r"\b(?:https?:)?//[^\s<>\"')]+")


with_hostile_headers = pytest.mark.parametrize(
    "hostile_headers", list(HOSTILE_HEADERS.values()), ids=list(HOSTILE_HEADERS)
)
_apps: dict[int, Flask] = {}


def proxied_app(settings) -> Flask:
    """One per test session (the database schema is the `app` fixture's)."""
    if id(settings) not in _apps:
        _apps[id(settings)] = create_app(dataclasses.replace(settings, base_url=BASE_URL, trusted_proxies=1))
    return _apps[id(settings)]


def absolute_urls(text: str) -> list[str]:
    return _URL.findall(text)


def assert_all_from_base_url(urls: list[str]) -> None:
    assert urls, "no links found"
    wrong = [url for url in urls if not url.startswith(BASE_URL + "/")]
    assert not wrong, f"links not under {BASE_URL}: {wrong}"
