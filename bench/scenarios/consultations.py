"""Consultations: 100,000 ideas in one consultation, on PostgreSQL and on SQLite.

The demo consultation in Plagwitz gets 100,000 more ideas (BENCH_IDEAS=1000000 for a million),
inserted in batches through SQLAlchemy core, the way real ideas lie: 40 % crowd around four
places (a dangerous crossing takes 15 % within about 50 m, a station, a school, the canal
bank), the rest spread over the participation area; mostly points, some short lines and
small areas. They are supported the way real ideas are: most by nobody or a few people, a
handful by thousands (a Pareto tail over 5,000 supporters, about two supports per idea on
average), so the map's support counts join a table of realistic size. The cluster pyramid is
counted once after the load, as `flask consultations rebuild-clusters` does. Targets (issue 13):

- a street-sized box (about 200 m x 120 m) answers in at most 10 ms p95 anywhere, on
  PostgreSQL and on SQLite: at the densest spot (clusters), at the busiest box that still
  lists its ideas one by one (the most features an answer sends before it clusters), in a
  quiet street, and at 200 places all over the area taken in turn. Every request carries a
  number no other request has, so no answer comes from a cache: what is timed is the query.
  "Server time" is the latency the load generator sees at concurrency 1 on loopback. SQLite
  is served by a second gunicorn with the same settings on a temporary database file
  prepared the same way (migrate, demo data);
- the whole-area view answers in at most 30 ms p95 with at most 2,000 features and 200 KB
  gzipped;
- the map page loads at most 80 KB of gzipped JavaScript (every script file plus the inline
  scripts, each gzipped on its own as a server would send it) and shows ideas within 1 s
  in headless Chromium: from navigation start to the first idea marker or cluster in the
  DOM, in a fresh browser context (a first visit, nothing cached), p95 over a few loads.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy
from sqlalchemy import create_engine, func, insert, select, text

from bench.harness import BARE_PATH, Check, Result, Scenario, measure_turns, served_app
from bench.server import DATABASE_URL, PROJECT_ROOT
from participation.accounts.models import User
from participation.consultations import clusters, queries
from participation.consultations.models import Category, Consultation, Idea, Support
from participation.core import geo
from participation.settings import compact_json

# Plain tables: SQLAlchemy core needs no configured mappers (and no app) for the bulk insert.
IDEA, CONSULTATION, CATEGORY = Idea.__table__, Consultation.__table__, Category.__table__
SUPPORT, USER = Support.__table__, User.__table__

IDEAS = int(os.environ.get("BENCH_IDEAS") or 100_000)
BATCH = 5_000
SUPPORTERS = 5_000
SUPPORT_TAIL = 1.5  # Pareto shape: P(an idea has at least k supports) falls as (k + 1) ** -1.5
SLUG = "plagwitz-am-kanal"
# One street on a zoomed-in map: about 200 m x 120 m, in degrees at Leipzig's latitude.
STREET_WIDTH, STREET_HEIGHT = 0.0029, 0.0011
# Where ideas crowd: (place, longitude, latitude, share of all ideas, spread in metres).
DENSE_SPOTS = (
    ("Kreuzung Karl-Heine-/Zschochersche Straße", 12.3305, 51.3318, 0.15, 45.0),
    ("S-Bahnhof Plagwitz", 12.3262, 51.3236, 0.10, 70.0),
    ("Schule an der Weißenfelser Straße", 12.3222, 51.3290, 0.08, 60.0),
    ("Stelzenhaus am Karl-Heine-Kanal", 12.3385, 51.3276, 0.07, 90.0),
)
METRES_PER_DEGREE_LAT = 111_320.0
METRES_PER_DEGREE_LON = METRES_PER_DEGREE_LAT * math.cos(math.radians(51.33))
QUIET_STREET = (12.3400, 51.3230)  # the south-east corner, away from every spot
RANDOM_BOXES = 200
MAX_STREET_P95_MS = 10.0
MAX_FEATURES = 2_000
MAX_AREA_GZIP = 200 * 1024
MAX_AREA_P95_MS = 30.0
MAX_JS_GZIP = 80 * 1024
MAX_FIRST_IDEA_MS = 1000.0
PAGE_LOADS = 5
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Set before any page script runs: the time (ms since navigation start) when the first idea
# marker or cluster icon is in the DOM. With 100,000 ideas the whole-area view is clustered,
# so ideas appear as icons in Leaflet's marker pane.
FIRST_IDEA_WATCH = """
window.__firstIdea = null;
new MutationObserver((_, observer) => {
    if (document.querySelector('.leaflet-marker-pane .leaflet-marker-icon')) {
        window.__firstIdea = performance.now();
        observer.disconnect();
    }
}).observe(document, {childList: true, subtree: true});
"""


@dataclass(frozen=True)
class LimitedCheck(Check):
    """A Check that also holds figures which are not about time (features, bytes): each of
    `limits` is (what, figure, most allowed)."""

    limits: tuple[tuple[str, float, float], ...] = ()

    @property
    def met(self) -> bool:
        return super().met and all(figure <= most for _what, figure, most in self.limits)


# --- the 100,000 ideas ------------------------------------------------------------------------


def _position(rng: random.Random, box: geo.BBox) -> tuple[float, float]:
    """Where the next idea goes: near a dense spot (by its share) or anywhere in the area."""
    roll = rng.random()
    for _place, lon, lat, share, spread in DENSE_SPOTS:
        if roll < share:
            return (rng.gauss(lon, spread / METRES_PER_DEGREE_LON),
                    rng.gauss(lat, spread / METRES_PER_DEGREE_LAT))
        roll -= share
    return rng.uniform(box.min_x, box.max_x), rng.uniform(box.min_y, box.max_y)


def _shape(rng: random.Random, area: dict, box: geo.BBox) -> dict:
    """A point (90 %), a short line (7 %) or a small area (3 %) inside the participation area."""
    while True:
        x, y = _position(rng, box)
        roll = rng.random()
        if roll < 0.90:
            shape = {"type": "Point", "coordinates": [x, y]}
        elif roll < 0.97:
            end = [x + rng.uniform(0.0002, 0.0008), y + rng.uniform(-0.0003, 0.0003)]
            shape = {"type": "LineString", "coordinates": [[x, y], end]}
        else:
            w, h = rng.uniform(0.0001, 0.0004), rng.uniform(0.0001, 0.0003)
            shape = {"type": "Polygon",
                     "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]}
        shape = geo.normalise(shape)  # rounded and checked as the app stores an idea
        if all(geo.point_in_area(p, area) for p in geo.vertices(shape)):
            return shape


@dataclass
class Load:
    """What add_ideas() wrote: the ideas there and the boxes of those it added."""

    total: int
    seconds: float
    boxes: list[tuple[float, float, float, float]]
    area: geo.BBox


def add_ideas(database_url: str, count: int = IDEAS) -> Load:
    """Insert `count` ideas into the Plagwitz consultation and count its cluster pyramid."""
    started = time.monotonic()
    rng = random.Random(3)  # the same ideas every run
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1),
                           json_serializer=compact_json)  # as the app's engine writes JSON
    kinds = {"Point": "point", "LineString": "line", "Polygon": "polygon"}
    boxes = []
    with engine.begin() as conn:
        consultation = conn.execute(
            select(CONSULTATION.c.id, CONSULTATION.c.geometry).where(CONSULTATION.c.slug == SLUG)).one()
        categories = conn.scalars(
            select(CATEGORY.c.id).where(CATEGORY.c.consultation_id == consultation.id)).all()
        users = conn.scalars(text('SELECT id FROM "user" ORDER BY id')).all()
        area = consultation.geometry
        box = geo.bbox(area)
        for start in range(0, count, BATCH):
            rows = []
            for n in range(start, min(start + BATCH, count)):
                shape = _shape(rng, area, box)
                min_x, min_y, max_x, max_y = geo.bbox(shape).as_list()
                boxes.append((min_x, min_y, max_x, max_y))
                rows.append({
                    "consultation_id": consultation.id, "category_id": rng.choice(categories),
                    "author_id": rng.choice(users), "visibility": "visible",
                    "title": f"Idee {n}: mehr Grün und sichere Wege", "kind": kinds[shape["type"]],
                    "body": "Eine Idee aus dem Lasttest, mit einem Satz Text wie die meisten echten Ideen.",
                    "geometry": shape, "min_lon": min_x, "min_lat": min_y, "max_lon": max_x, "max_lat": max_y,
                })
            conn.execute(insert(IDEA), rows)  # executemany: batched multi-row INSERTs
        added = conn.scalars(select(IDEA.c.id).where(IDEA.c.consultation_id == consultation.id)
                             .order_by(IDEA.c.id.desc()).limit(count)).all()
        _add_supports(conn, rng, added)
        clusters.rebuild_on(conn, consultation.id, clusters.GEOGRAPHIC_BASE)
        total = conn.scalar(
            select(func.count()).select_from(IDEA).where(IDEA.c.consultation_id == consultation.id))
    if engine.dialect.name == "postgresql":  # what autovacuum does after such a load (outside a transaction)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return Load(total, time.monotonic() - started, boxes, box)


def _add_supports(conn, rng: random.Random, idea_ids: list[int]) -> None:
    """SUPPORTERS people who support ideas (they never sign in), and their supports."""
    conn.execute(insert(USER), [
        {"display_name": f"Lasttest {n}", "role": "resident", "notification_mail": "never"}
        for n in range(SUPPORTERS)
    ])
    people = conn.scalars(select(USER.c.id).order_by(USER.c.id.desc()).limit(SUPPORTERS)).all()
    rows = []
    for idea_id in idea_ids:
        supports = min(int(rng.paretovariate(SUPPORT_TAIL)) - 1, SUPPORTERS)
        rows.extend({"idea_id": idea_id, "user_id": person} for person in rng.sample(people, supports))
        if len(rows) >= BATCH * 4:
            conn.execute(insert(SUPPORT), rows)
            rows = []
    if rows:
        conn.execute(insert(SUPPORT), rows)


def prepare_sqlite(path: Path) -> str:
    """A SQLite file migrated and seeded exactly like the PostgreSQL bench database."""
    url = f"sqlite:///{path}"
    env = {**os.environ, "FLASK_APP": "participation:create_app", "DATABASE_URL": url,
           "PARTICIPATION_ENV": "development"}
    env.pop("FLASK_DEBUG", None)
    for args in (["db", "upgrade"], ["seed", "demo"]):
        done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} on SQLite failed:\n{done.stdout}{done.stderr}")
    return url


# --- the API ----------------------------------------------------------------------------------


def _bbox_path(box, fresh: bool = True) -> str:
    path = f"/api/v1/consultations/{SLUG}/ideas.geojson?bbox=" + ",".join(f"{v:.6f}" for v in box)
    return path + "&fresh={n}" if fresh else path  # bench/load.py numbers every request


def whole_area_bbox(base_url: str) -> tuple[float, float, float, float]:
    """The participation area's box widened by a fifth on every side, as a map viewport is."""
    with urllib.request.urlopen(f"{base_url}/api/v1/consultations/{SLUG}") as response:
        west, south, east, north = json.load(response)["bbox"]
    dx, dy = (east - west) / 5, (north - south) / 5
    return (west - dx, south - dy, east + dx, north + dy)


def _street(lon: float, lat: float) -> tuple[float, float, float, float]:
    return (lon - STREET_WIDTH / 2, lat - STREET_HEIGHT / 2, lon + STREET_WIDTH / 2, lat + STREET_HEIGHT / 2)


def street_boxes(load: Load, base_url: str) -> dict[str, tuple | list]:
    """The street-sized boxes the benchmark asks for: the densest spot, the busiest box that
    is not clustered yet (the most ideas one answer lists), a quiet street, and many places
    all over the area. Counted from the ideas just written, with numpy."""
    ideas = numpy.array(load.boxes)

    def count(box) -> int:
        west, south, east, north = box
        return int(numpy.count_nonzero((ideas[:, 0] <= east) & (ideas[:, 2] >= west)
                                       & (ideas[:, 1] <= north) & (ideas[:, 3] >= south)))
    rng = random.Random(11)
    area = load.area
    anywhere = [_street(rng.uniform(area.min_x, area.max_x), rng.uniform(area.min_y, area.max_y))
                for _ in range(RANDOM_BOXES)]
    # walk out from every spot in eight directions, and over a grid, for the busiest box that
    # still lists its ideas
    candidates = list(anywhere)
    for _place, lon, lat, _share, _spread in DENSE_SPOTS:
        for step in range(1, 60):
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)):
                candidates.append(_street(lon + dx * step * 0.00008, lat + dy * step * 0.00004))
    # the pyramid counts whole cells at the box's edges, so the server may cluster a box of
    # fewer ideas: the busiest box it lists is found by asking it
    listed = sorted(((count(box), box) for box in candidates if count(box) <= queries.CLUSTER_ABOVE),
                    reverse=True)
    busiest_listed = next(
        (n, box) for n, box in listed
        if not json.loads(_get(base_url, _bbox_path(box, fresh=False)))["properties"]["clustered"])
    spot = DENSE_SPOTS[0]
    return {
        f"densest spot ({spot[0]}, {count(_street(spot[1], spot[2]))} ideas)": _street(spot[1], spot[2]),
        f"busiest listed box ({busiest_listed[0]} ideas)": busiest_listed[1],
        f"quiet street ({count(_street(*QUIET_STREET))} ideas)": _street(*QUIET_STREET),
        f"{RANDOM_BOXES} places in turn (up to {max(count(b) for b in anywhere)} ideas)": anywhere,
    }


def _get(base_url: str, path: str) -> bytes:
    with urllib.request.urlopen(base_url + path, timeout=30) as response:
        return response.read()


def api_checks(base_url: str, engine: str, whole_area: tuple,
               boxes: dict) -> tuple[list[Result], list[Check]]:
    area = _bbox_path(whole_area)
    area_raw = _get(base_url, _bbox_path(whole_area, fresh=False))
    area_body = json.loads(area_raw)
    features, zipped = len(area_body["features"]), len(gzip.compress(area_raw))
    print(f"bench: consultations [{engine}]: whole area matches {area_body['properties']['total']} ideas "
          f"-> {features} features, {len(area_raw) / 1024:.1f} KB, {zipped / 1024:.1f} KB gzip", flush=True)
    streets = {}
    for label, box in boxes.items():
        many = box if isinstance(box, list) else [box]
        body = json.loads(_get(base_url, _bbox_path(many[0], fresh=False)))
        print(f"bench: consultations [{engine}]: {label}: {len(body['features'])} features, "
              f"clustered: {body['properties']['clustered']}", flush=True)
        streets[f"{engine}: street box, {label}"] = "\n".join(_bbox_path(b) for b in many)
    labels = {"bare Flask": BARE_PATH, **streets,
              f"{engine}: whole area, {features} features, {zipped / 1024:.0f} KB gz": area}
    results = measure_turns(base_url, labels, concurrency=1)
    bare = results["bare Flask"]
    checks = [Check(results[label], bare, min_ratio=0.0, max_p95_ms=MAX_STREET_P95_MS) for label in streets]
    area_result = results[list(labels)[-1]]
    checks.append(LimitedCheck(area_result, bare, min_ratio=0.0, max_p95_ms=MAX_AREA_P95_MS,
                               limits=(("features", features, MAX_FEATURES),
                                       ("gzip bytes", zipped, MAX_AREA_GZIP))))
    return list(results.values()), checks


# --- the map page in Chromium -------------------------------------------------------------------


def map_page_check(base_url: str, bare: Result) -> tuple[Result, Check]:
    from playwright.sync_api import sync_playwright

    path = f"/beteiligung/{SLUG}"
    times: list[float] = []
    scripts: dict[str, int] = {}
    errors: dict[str, int] = {}
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for load in range(PAGE_LOADS + 1):  # the first load warms the server up and is not counted
            context = browser.new_context(locale="de-DE")
            context.add_init_script(FIRST_IDEA_WATCH)
            page = context.new_page()
            bodies = []
            page.on("response", lambda response, bodies=bodies: bodies.append(response))
            page.goto(base_url + path)
            try:
                page.wait_for_function("() => window.__firstIdea !== null", timeout=10_000)
                if load:
                    times.append(page.evaluate("window.__firstIdea") / 1000)
            except Exception as exc:  # noqa: BLE001 - a page that never shows ideas is a miss, not a crash
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            if load == 0:
                for response in (r for r in bodies if r.request.resource_type == "script"):
                    scripts[response.url.removeprefix(base_url)] = len(gzip.compress(response.body()))
                inline = page.evaluate(
                    "() => [...document.scripts].filter(s => !s.src).map(s => s.textContent)")
                for number, source in enumerate(inline):
                    scripts[f"inline script {number + 1}"] = len(gzip.compress(source.encode()))
            context.close()
        browser.close()
    js_total = sum(scripts.values())
    for name, size in scripts.items():
        print(f"bench: consultations [map page]: {size / 1024:6.1f} KB gzip  {name}", flush=True)
    print(f"bench: consultations [map page]: {js_total / 1024:.1f} KB gzipped JavaScript in total; "
          f"first idea after {', '.join(f'{t * 1000:.0f}' for t in times)} ms", flush=True)
    ordered = sorted(times)
    result = Result(label=f"map page: first idea shown (JS {js_total / 1024:.1f} KB gz)", path=path,
                    requests=len(times), errors=sum(errors.values()),
                    seconds=round(time.monotonic() - started, 3),
                    rps=len(times) / max(sum(times), 1e-9),
                    p50_ms=_percentile(ordered, 0.5), p95_ms=_percentile(ordered, 0.95),
                    concurrency=1, error_kinds=errors)
    check = LimitedCheck(result, bare, min_ratio=0.0, max_p95_ms=MAX_FIRST_IDEA_MS,
                         limits=(("gzipped JavaScript bytes", js_total, MAX_JS_GZIP),))
    return result, check


def _percentile(ordered: list[float], fraction: float) -> float | None:
    if not ordered:
        return None
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1] * 1000


# --- the scenario -----------------------------------------------------------------------------


def _print_verdicts(checks: list[Check]) -> None:
    for check in checks:
        limits = getattr(check, "limits", ())
        figures = [f"p95 {check.result.p95_ms:.1f} ms <= {check.max_p95_ms:.0f} ms"
                   if check.result.p95_ms is not None else "no successful request"]
        figures += [f"{what} {figure:,.0f} <= {most:,.0f}" for what, figure, most in limits]
        print(f"bench: consultations: {'met' if check.met else 'MISSED'}: {check.result.label}: "
              + "; ".join(figures), flush=True)


def run(base_url: str) -> Scenario:
    load = add_ideas(DATABASE_URL)
    print(f"bench: consultations [postgresql]: {load.total} ideas in {SLUG} ({load.seconds:.1f} s to insert "
          "and count the cluster pyramid)", flush=True)
    boxes = street_boxes(load, base_url)
    whole_area = whole_area_bbox(base_url)
    results, checks = api_checks(base_url, "postgresql", whole_area, boxes)
    bare = results[0]
    # The page holds a live-update stream open, which ties up a sync worker until it notices
    # the closed tab (a heartbeat later): the map page is served as production serves pages
    # with live parts, by gevent workers (README, Production).
    with served_app({"BENCH_SERVER": "map page"}, setup=False, worker_class="gevent") as live_base:
        page_result, page_check = map_page_check(live_base, bare)
    results.append(page_result)
    checks.append(page_check)

    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as folder:
        started = time.monotonic()
        sqlite_url = prepare_sqlite(Path(folder) / "bench.db")
        sqlite_load = add_ideas(sqlite_url)
        print(f"bench: consultations [sqlite]: {sqlite_load.total} ideas in {SLUG} "
              f"({sqlite_load.seconds:.1f} s to insert, {time.monotonic() - started:.1f} s with migrating "
              "and seeding)", flush=True)
        with served_app({"DATABASE_URL": sqlite_url}, setup=False) as sqlite_base:
            sqlite_results, sqlite_checks = api_checks(sqlite_base, "sqlite", whole_area, boxes)
    results += sqlite_results
    checks += sqlite_checks
    _print_verdicts(checks)
    return Scenario(results=results, checks=checks)
