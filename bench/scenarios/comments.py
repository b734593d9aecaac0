"""Comments: the first page of a 10,000-comment thread, on a project page and on its own.

The demo data has a handful of comments per project; this scenario adds a thread of
10,000 comments (4,000 top level, 6,000 replies up to three levels, 20,000 votes) to the
first demo project, straight into the bench database, then loads the first page.

Target (issue 4): p95 at most 100 ms. The load runs with as many connections as gunicorn
has workers, so a request never waits in the accept queue and the latency measured on
loopback is the server's time for the page, not queueing behind other requests.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import psycopg

from bench.harness import BARE_PATH, Check, Scenario, measure_turns
from bench.server import DATABASE_URL, WORKERS
from participation.core.sanitize import render_markdown

MAX_P95_MS = 100.0
TOP_LEVEL = 4_000
REPLIES = 6_000
VOTES = 20_000
SENTENCE = "Ein Satz zum Projekt mit **Markdown** und einem Link https://www.leipzig.de. "


def html(text: str) -> str:
    return str(render_markdown(text))  # as the comment service stores it


def seed_thread(database_url: str = DATABASE_URL, *, slug: str | None = None) -> tuple[int, str, int]:
    """Add the big thread to a project; returns (project id, slug, comments added)."""
    rng = random.Random(4)  # the same thread every run
    now = datetime.now(UTC)
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        if slug:
            cur.execute("SELECT id, slug FROM project WHERE slug = %s", (slug,))
        else:
            cur.execute("SELECT id, slug FROM project WHERE published ORDER BY id LIMIT 1")
        project_id, slug = cur.fetchone()
        cur.execute('SELECT id FROM "user" WHERE deleted_at IS NULL ORDER BY id')
        users = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT coalesce(max(id), 0) FROM comment")
        next_id = cur.fetchone()[0] + 1
        rows, tops, level_one = [], [], []
        start = now - timedelta(days=200)
        for n in range(TOP_LEVEL):
            created = start + timedelta(seconds=n * 4000)
            rows.append(
                (
                    next_id,
                    project_id,
                    None,
                    None,
                    0,
                    rng.choice(users),
                    created,
                    f"Kommentar {n}: " + SENTENCE * 3,
                    rng.choice(["for", "neutral", "against", None]),
                )
            )
            tops.append((next_id, created))
            next_id += 1
        for n in range(REPLIES):
            if level_one and n % 3 == 2:
                parent_id, root_id, created = rng.choice(level_one)
                depth = 2
            else:
                root_id, created = rng.choice(tops)
                parent_id, depth = root_id, 1
            created = created + timedelta(minutes=n % 500 + 1)
            rows.append(
                (
                    next_id,
                    project_id,
                    parent_id,
                    root_id,
                    depth,
                    rng.choice(users),
                    created,
                    f"Antwort {n}: Da stimme ich zu, aber bitte an die Anwohner denken.",
                    None,
                )
            )
            if depth == 1:
                level_one.append((next_id, root_id, created))
            next_id += 1
        cur.executemany(
            "INSERT INTO comment (id, target_type, target_id, parent_id, root_id, depth, author_id, "
            "visibility, is_official, created_at, updated_at, body, body_html, stance) VALUES "
            "(%s, 'project', %s, %s, %s, %s, %s, 'visible', false, %s, %s, %s, %s, %s)",
            [(i, t, p, r, d, a, c, c, b, html(b), s) for i, t, p, r, d, a, c, b, s in rows],
        )
        comment_ids = [row[0] for row in rows]
        pairs = set()
        while len(pairs) < VOTES:
            pairs.add((rng.choice(comment_ids), rng.choice(users)))
        cur.executemany(
            "INSERT INTO comment_vote (comment_id, user_id, value, created_at) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [(c, u, rng.choice([1, 1, 1, -1]), now) for c, u in pairs],
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('comment', 'id'), (SELECT max(id) FROM comment))")
        cur.execute("ANALYZE comment")
        cur.execute("ANALYZE comment_vote")
        conn.commit()
    return project_id, slug, len(rows)


def run(base_url: str) -> Scenario:
    project_id, slug, added = seed_thread()
    print(f"bench: comments: added a thread of {added} comments to /projekte/{slug}", flush=True)
    pages = {
        "bare Flask": BARE_PATH,
        "project page, 10k comments": f"/projekte/{slug}",
        "thread page, 10k comments": f"/kommentare/project/{project_id}",
        "htmx load more, page 2": f"/kommentare/project/{project_id}?sort=newest&page=2",
        "most helpful first": f"/kommentare/project/{project_id}?sort=helpful",
    }
    headers = {}
    results = measure_turns(base_url, pages, concurrency=WORKERS, headers=headers)
    baseline = results["bare Flask"]
    checks = [
        Check(results[label], baseline, min_ratio=0.0, max_p95_ms=MAX_P95_MS)
        for label in pages
        if label != "bare Flask"
    ]
    return Scenario(results=list(results.values()), checks=checks)
