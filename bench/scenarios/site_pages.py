"""The pages around the map with city-scale data (issue 13), anonymous and signed in.

Runs after the scenarios that load their data into the bench database (alphabetical order):
`comments` adds a 10,000-comment thread to the first demo project and `consultations` adds
100,000 ideas to the demo consultation in Plagwitz. Measured in the same run as bare Flask:
the consultation list and page, an idea page, the project list and page, the home page and
the sign-in page, first as a visitor who is not signed in, then as the demo resident.

Targets: anonymous at least 25 % of bare Flask for every page; signed in at least 15 % for
the consultation, idea and project pages and both lists; the home page and sign-in keep 25 %.
"""

from __future__ import annotations

from bench.harness import BARE_LABEL, BARE_PATH, Check, Scenario, measure_turns
from bench.scenarios.fanout import sign_in
from bench.scenarios.pages import demo_paths

ANONYMOUS_RATIO = 0.25
SIGNED_IN_RATIO = 0.15
KEEP_25 = {"home", "sign-in"}


def run(base_url: str) -> Scenario:
    paths = {**demo_paths(), "sign-in": "/login"}
    anonymous = measure_turns(base_url, {BARE_LABEL: BARE_PATH, **paths})
    browser = sign_in(base_url)
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}
    signed_paths = {f"{label}, signed in": path for label, path in paths.items() if label != "sign-in"}
    signed = measure_turns(
        base_url, {f"{BARE_LABEL} (signed-in run)": BARE_PATH, **signed_paths}, headers=cookie
    )
    checks = [Check(anonymous[label], anonymous[BARE_LABEL], ANONYMOUS_RATIO) for label in paths]
    bare = signed[f"{BARE_LABEL} (signed-in run)"]
    for label in signed_paths:
        page = label.removesuffix(", signed in")
        checks.append(Check(signed[label], bare, ANONYMOUS_RATIO if page in KEEP_25 else SIGNED_IN_RATIO))
    return Scenario(results=[*anonymous.values(), *signed.values()], checks=checks)
