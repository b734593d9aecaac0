"""Absolute links are made in one place, from BASE_URL (core/urls.py).

`url_for(..., _external=True)` takes the host from the request, which the client chooses: a
Host or X-Forwarded-Host header would then decide where mails, feeds and API links point.
"""

import re
from pathlib import Path

import participation

PACKAGE = Path(participation.__file__).parent
ALLOWED = {PACKAGE / "core" / "urls.py"}
EXTERNAL = re.compile(r"_external\s*=\s*True|request\.(host_url|url_root)\b")


def test_no_absolute_url_is_built_from_the_request_outside_core_urls():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*"))
        if path.suffix in {".py", ".html", ".xml", ".txt", ".j2"} and path not in ALLOWED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if EXTERNAL.search(line)
    ]
    assert offenders == [], "use participation.core.urls.external_url instead: " + ", ".join(offenders)
