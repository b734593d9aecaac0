"""Pages: every public page type against bare Flask, on the demo data only.

Issue 9 (the platform core: events after commit, audit log, live updates, jobs) must not
slow the pages down: the event layer adds no query to a request that emits nothing, and
the live parts of a page are a script and a cursor. The floors are the ratios measured when
issue 13 was filed (wrk, demo data only): home 25 % of bare (the foundation's target),
consultation list 5 %, consultation page 2 %, project list 2 %, project page 1 %, idea page 1 %.
Issue 13 raises them; here they only may not fall. Runs right after `foundation`, before
other scenarios add their large data sets.
"""

from __future__ import annotations

import psycopg

from bench.harness import BARE_LABEL, BARE_PATH, Check, Scenario, measure_turns
from bench.server import DATABASE_URL

FLOORS = {
    "home": 0.25,
    "consultation list": 0.05,
    "consultation page": 0.02,
    "idea page": 0.01,
    "project list": 0.02,
    "project page": 0.01,
}


def demo_paths(database_url: str = DATABASE_URL) -> dict[str, str]:
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT c.slug, i.id FROM consultation c JOIN idea i ON i.consultation_id = c.id "
            "WHERE c.state = 'open' AND i.visibility = 'visible' ORDER BY c.id, i.id LIMIT 1"
        )
        consultation_slug, idea_id = cur.fetchone()
        cur.execute("SELECT slug FROM project WHERE published ORDER BY id LIMIT 1")
        (project_slug,) = cur.fetchone()
    return {
        "home": "/",
        "consultation list": "/beteiligung",
        "consultation page": f"/beteiligung/{consultation_slug}",
        "idea page": f"/beteiligung/{consultation_slug}/ideen/{idea_id}",
        "project list": "/projekte",
        "project page": f"/projekte/{project_slug}",
    }


def run(base_url: str) -> Scenario:
    pages = demo_paths()
    results = measure_turns(base_url, {BARE_LABEL: BARE_PATH, **pages})
    baseline = results[BARE_LABEL]
    checks = [Check(results[label], baseline, FLOORS[label]) for label in pages]
    return Scenario(results=list(results.values()), checks=checks)
