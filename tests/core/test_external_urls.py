"""Absolute links are made in one place, from BASE_URL (core/urls.py binds the URL map to it).

`url_for(..., _external=True)` takes the host from the request, which the client chooses: a
Host or X-Forwarded-Host header would then decide where mails, feeds and API links point.
"""

import dataclasses
import re
from pathlib import Path

import pytest

import participation
from participation import create_app
from participation.core.urls import external_url

PACKAGE = Path(participation.__file__).parent
EXTERNAL = re.compile(r"(?<!\w)_external\s*=\s*True|request\.(host_url|url_root)\b")


def test_no_absolute_url_is_built_from_the_request():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*"))
        if path.suffix in {".py", ".html", ".xml", ".txt", ".j2"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if EXTERNAL.search(line)
    ]
    assert offenders == [], "use participation.core.urls.external_url instead: " + ", ".join(offenders)


@pytest.mark.parametrize("base", ["https://beteiligung.example.org", "https://stadt.example.org/beteiligung/"])
def test_absolute_links_follow_base_url_with_its_path_and_keep_anchors(settings, base):
    app = create_app(dataclasses.replace(settings, base_url=base))
    root = base.rstrip("/")
    with app.test_request_context("/", base_url="http://evil.example"):
        assert external_url("projects.index", page=2) == f"{root}/projekte?page=2"
        account = external_url("accounts.account", _anchor="settings-heading")
        assert account == f"{root}/account#settings-heading"
