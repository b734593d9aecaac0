"""Moderation: the queue with 50,000 open reports, as a moderator sees it.

Reports are not spread evenly in real use: one comment in a heated debate is reported by
hundreds of people, a few dozen items by dozens, and the long tail by one or two. This
scenario writes straight into the bench database: about 24,000 new comments on the demo
projects (the reported ones), open cases on them and on every demo idea and petition, and
50,000 reports over eight weeks with the reasons weighted as reports come in (spam and
insults most, illegal content rarely); one comment gets 600 reports, twenty get 30–150, and
items reported by three or more people are hidden as the threshold does. A share of the
cases was opened by the automated check.

The demo moderator signs in and loads the queue: oldest first, most reported first, a rare
reason (illegal content), ideas only, and a page deep in the queue. Target (issue 12): p95 at
most 150 ms server time, with as many connections as gunicorn has workers, so a request never
waits in the accept queue.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql

from bench.harness import BARE_PATH, Check, Scenario, measure_turns
from bench.scenarios.fanout import Browser
from bench.server import DATABASE_URL, WORKERS

MAX_P95_MS = 150.0
REPORTS = 50_000
MODERATOR = ("moderator@example.org", "leipzig-demo-2026")  # seeds/users.yaml
REASONS = (
    ["spam"] * 30
    + ["insult"] * 30
    + ["off_topic"] * 15
    + ["personal_data"] * 8
    + ["misinformation"] * 8
    + ["other"] * 5
    + ["illegal"] * 4
)
PILE_UPS = [600] + [30 + 6 * n for n in range(20)]  # the heated debate's comments
COMMENT_TEXT = "Das ist doch wieder typisch für diese Stadtverwaltung, {n} Mal gesagt und nichts passiert."


def _report_counts(rng: random.Random, budget: int) -> list[int]:
    """Reports per case: the pile-ups, then a long tail of ones and twos (and some threes)."""
    counts = list(PILE_UPS)
    budget -= sum(counts)
    while budget > 0:
        n = min(budget, rng.choices([1, 2, 3, 4], weights=[70, 20, 7, 3])[0])
        counts.append(n)
        budget -= n
    return counts


def seed_reports(database_url: str = DATABASE_URL) -> tuple[int, int, str]:
    """Write the open cases and reports; returns (cases, reports, the place with most cases)."""
    rng = random.Random(12)  # the same queue every run
    now = datetime.now(UTC)
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM project WHERE published ORDER BY id")
        projects = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT id, consultation_id FROM idea ORDER BY id")
        idea_places = dict(cur.fetchall())
        ideas = list(idea_places)
        cur.execute("SELECT id FROM petition ORDER BY id")
        petitions = [row[0] for row in cur.fetchall()]
        cur.execute('SELECT id FROM "user" WHERE deleted_at IS NULL ORDER BY id')
        users = [row[0] for row in cur.fetchall()]
        counts = _report_counts(rng, REPORTS)
        rng.shuffle(counts)
        cur.execute("SELECT target_type, target_id FROM moderation_case WHERE state = 'open'")
        already_open = set(cur.fetchall())  # the demo's cases stay as they are
        targets = [
            t
            for t in [("idea", i) for i in ideas] + [("petition", p) for p in petitions]
            if t not in already_open
        ]
        comments_needed = len(counts) - len(targets)
        cur.execute("SELECT coalesce(max(id), 0) FROM comment")
        first_comment = cur.fetchone()[0] + 1
        start = now - timedelta(days=56)
        comment_rows = []
        for n in range(comments_needed):
            created = start + timedelta(seconds=rng.randrange(56 * 86400))
            body = COMMENT_TEXT.format(n=n)
            comment_rows.append(
                (
                    first_comment + n,
                    rng.choice(projects),
                    rng.choice(users),
                    created,
                    created,
                    body,
                    f"<p>{body}</p>",
                )
            )
        cur.executemany(
            "INSERT INTO comment (id, target_type, target_id, parent_id, root_id, depth, author_id, "
            "visibility, is_official, created_at, updated_at, body, body_html, stance) VALUES "
            "(%s, 'project', %s, NULL, NULL, 0, %s, 'visible', false, %s, %s, %s, %s, NULL)",
            comment_rows,
        )
        targets += [("comment", row[0]) for row in comment_rows]
        # The pile-ups are comments: the long tail takes the ideas and petitions at random.
        counts.sort(reverse=True)
        comment_targets = [t for t in targets if t[0] == "comment"]
        other_targets = [t for t in targets if t[0] != "comment"]
        ordered = comment_targets[: len(PILE_UPS)] + rng.sample(
            comment_targets[len(PILE_UPS) :] + other_targets, len(counts) - len(PILE_UPS)
        )
        cur.execute("SELECT coalesce(max(id), 0) FROM moderation_case")
        case_id = cur.fetchone()[0]
        case_rows, report_rows, hidden = [], [], {"comment": [], "idea": [], "petition": []}
        comment_projects = {row[0]: row[1] for row in comment_rows}
        places = {
            "comment": lambda i: ("project", comment_projects[i]),
            "idea": lambda i: ("consultation", idea_places[i]),
            "petition": lambda i: ("petition", i),
        }
        for (kind, target_id), count in zip(ordered, counts, strict=True):
            case_id += 1
            opened = start + timedelta(seconds=rng.randrange(56 * 86400))
            automated = rng.random() < 0.05
            case_rows.append(
                (
                    case_id,
                    kind,
                    target_id,
                    "automated" if automated else "reports",
                    "words:vollidiot" if automated else None,
                    count,
                    opened,
                    *places[kind](target_id),
                )
            )
            reason = rng.choice(REASONS)
            for n in range(count):
                created = min(now, opened + timedelta(minutes=n * rng.randrange(1, 30)))
                this_reason = reason if rng.random() < 0.8 else rng.choice(REASONS)
                illegal = this_reason == "illegal"
                report_rows.append(
                    (
                        case_id,
                        kind,
                        target_id,
                        this_reason,
                        "Bitte prüfen, das geht so nicht." if n % 3 else "",
                        "Im zweiten Satz." if illegal else None,
                        "§ 185 StGB" if illegal else None,
                        illegal,
                        f"bench-{case_id}-{n}",
                        created,
                    )
                )
            if count >= 3:
                hidden[kind].append(target_id)
        cur.executemany(
            "INSERT INTO moderation_case (id, target_type, target_id, state, origin, flag_reason, "
            "report_count, opened_at, place_type, place_id) "
            "VALUES (%s, %s, %s, 'open', %s, %s, %s, %s, %s, %s)",
            case_rows,
        )
        cur.executemany(
            "INSERT INTO moderation_report (case_id, target_type, target_id, reason, explanation, "
            "illegal_location, illegal_grounds, good_faith, reporter_key, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            report_rows,
        )
        for kind, ids in hidden.items():
            if ids:
                hide = "UPDATE {} SET visibility = 'hidden', hidden_reason = 'reports' WHERE id = ANY(%s)"
                cur.execute(sql.SQL(hide).format(sql.Identifier(kind)), (ids,))
        for table in ("comment", "moderation_case", "moderation_report"):
            cur.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT max(id) FROM {}))").format(
                    sql.Literal(table), sql.Identifier(table)
                )
            )
            cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
        conn.commit()
    busiest = Counter(f"{row[-2]}:{row[-1]}" for row in case_rows).most_common(1)[0][0]
    return len(case_rows), len(report_rows), busiest


def sign_in_as_moderator(base_url: str) -> dict[str, str]:
    browser = Browser(base_url)
    token = browser.csrf_token("/login")
    status, _ = browser.request(
        "POST", "/login", {"csrf_token": token, "email": MODERATOR[0], "password": MODERATOR[1]}
    )
    if status not in (302, 303):
        raise RuntimeError(f"sign-in answered {status}")
    status, page = browser.request("GET", "/moderation/")
    if status != 200 or 'id="open-total"' not in page:
        raise RuntimeError(f"the moderator's queue answered {status}")
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}


def run(base_url: str) -> Scenario:
    cases, reports, busiest = seed_reports()
    print(f"bench: moderation: {reports} open reports on {cases} cases", flush=True)
    pages = {
        "bare Flask": BARE_PATH,
        "queue, oldest first": "/moderation/",
        "queue, most reported first": "/moderation/?sort=most_reported",
        "queue, illegal content": "/moderation/?reason=illegal",
        "queue, ideas": "/moderation/?kind=idea",
        "queue, page 200": "/moderation/?page=200",
        "queue, the busiest place": f"/moderation/?place={busiest}",
    }
    results = measure_turns(base_url, pages, concurrency=WORKERS, headers=sign_in_as_moderator(base_url))
    baseline = results["bare Flask"]
    checks = [
        Check(results[label], baseline, min_ratio=0.0, max_p95_ms=MAX_P95_MS)
        for label in pages
        if label != "bare Flask"
    ]
    return Scenario(results=list(results.values()), checks=checks)
