"""The pages around the map with city-scale data (issue 13), anonymous and signed in.

Runs after the scenarios that load their data into the bench database (alphabetical order):
`comments` adds a 10,000-comment thread to the first demo project and `consultations` adds
100,000 ideas to the demo consultation in Plagwitz. Measured in the same run as bare Flask:
the consultation list and page, an idea page, the project list and page, the home page and
the sign-in page, first as a visitor who is not signed in, then as the demo resident.

Targets: anonymous at least 25 % of bare Flask for every page, the home page and sign-in
included (they keep the foundation's 25 %); signed in at least 15 % for every page.
"""

from __future__ import annotations

from bench.harness import BARE_LABEL, BARE_PATH, Check, Scenario, measure_turns
from bench.scenarios.fanout import sign_in
from bench.scenarios.pages import demo_paths

ANONYMOUS_RATIO = 0.25
SIGNED_IN_RATIO = 0.15


def run(base_url: str) -> Scenario:
    paths = {**demo_paths(), "sign-in": "/login"}
    anonymous = measure_turns(base_url, {BARE_LABEL: BARE_PATH, **paths})
    browser = sign_in(base_url)
    # the page after signing in shows "You are signed in." once, as a browser's does; a cookie
    # taken before it would carry that message into every measured request
    browser.request("GET", "/")
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}
    signed_paths = {f"{label}, signed in": path for label, path in paths.items() if label != "sign-in"}
    signed = measure_turns(
        base_url, {f"{BARE_LABEL} (signed-in run)": BARE_PATH, **signed_paths}, headers=cookie
    )
    checks = [Check(anonymous[label], anonymous[BARE_LABEL], ANONYMOUS_RATIO) for label in paths]
    bare = signed[f"{BARE_LABEL} (signed-in run)"]
    checks += [Check(signed[label], bare, SIGNED_IN_RATIO) for label in signed_paths]
    return Scenario(results=[*anonymous.values(), *signed.values()], checks=checks)
