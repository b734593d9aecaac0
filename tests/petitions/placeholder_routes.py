"""Routes other parts of the petitions feature build (the public page, the supporters' link,
the staff's signatures page), stood in for while this checkout lacks them, so the pages that
link to them render. Each stands in only while the real one is missing."""

from __future__ import annotations

import pytest

PLACEHOLDERS = {
    "petitions.show": "/petitionen/<int:petition_id>",
    "petitions.support": "/petitionen/unterstuetzen/<key>",
    "petitions.signatures": "/staff/petitionen/<int:petition_id>/unterschriften",
}


@pytest.fixture(autouse=True)
def linked_routes(app):
    missing = {endpoint: rule for endpoint, rule in PLACEHOLDERS.items()
               if endpoint not in app.view_functions}
    if missing:
        started, app._got_first_request = app._got_first_request, False
        for endpoint, rule in missing.items():
            app.add_url_rule(rule, endpoint, lambda **_: "placeholder")
        app._got_first_request = started
    yield
