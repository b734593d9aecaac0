"""Foundation: the home page and the sign-in page against the bare Flask endpoint.

These two pages carry every request-wide cost the foundation adds (settings, locale
selection, access check, CSRF, security headers, base template), so they show the
baseline overhead that later features build on. Target: at least 25 % of bare.
"""

from __future__ import annotations

from bench.harness import Scenario, compare_with_bare

MIN_RATIO = 0.25
PAGES = {"home": "/", "login": "/login"}


def run(base_url: str) -> Scenario:
    return compare_with_bare(base_url, PAGES, min_ratio=MIN_RATIO)
