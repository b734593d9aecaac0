"""The public transparency report counts reports, decisions and appeals per month and year,
as a page and as CSV, without naming anybody."""

from __future__ import annotations

import csv
import io

from participation.core.models import utcnow
from tests.moderation.conftest import decide, send_report, signed_in, the_case


def test_the_report_counts_what_happened_this_year(app, user_factory, posted):
    send_report(app.test_client(), posted.comment_id, reason="insult")
    send_report(signed_in(app, user_factory)[0], posted.comment_id, reason="spam")
    decide(signed_in(app, user_factory, role="moderator")[0], the_case(app, posted.comment_id).id)
    year = utcnow().year
    page = app.test_client().get(f"/transparenz?year={year}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Ihr seid alle Idioten" not in body and "Jana Krüger" not in body  # counts only
    rows = list(
        csv.DictReader(
            io.StringIO(app.test_client().get(f"/transparenz.csv?year={year}").get_data(as_text=True))
        )
    )
    total = rows[0]
    assert total["period"] == str(year)
    assert (
        total["reports"] == "2"
        and total["reports_reason_insult"] == "1"
        and total["reports_reason_spam"] == "1"
    )
    assert total["reports_kind_comment"] == "2"
    assert total["decisions_hide"] == "1" and total["hidden_reason_insult"] == "1"
    assert total["automated_cases"] == "0" and total["median_hours_to_decision"] != ""
    month = next(row for row in rows[1:] if row["period"] == f"{year:04d}-{utcnow().month:02d}")
    assert month["reports"] == "2"
    assert sum(int(row["reports"]) for row in rows[1:]) == 2  # the months add up to the year


def test_every_page_links_the_report(app):
    assert 'href="/transparenz"' in app.test_client().get("/").get_data(as_text=True)
