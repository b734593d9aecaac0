"""The public transparency report: a page per year, and the same figures as CSV."""

from __future__ import annotations

from flask import Response, render_template

from participation.core.anonymous_pages import cached_for_anonymous
from participation.core.inputs import int_arg
from participation.core.models import utcnow
from participation.moderation import content, transparency
from participation.moderation.blueprint import bp
from participation.moderation.models import ACTION_LABELS, KIND_LABELS, REPORT_REASON_LABELS

VERSION_GROUP = "moderation"


def _year() -> int:
    this_year = utcnow().year
    year = int_arg("year", this_year)
    return year if 2000 <= year <= this_year else this_year


@bp.get("/transparenz")
@cached_for_anonymous([VERSION_GROUP], args=("year",))
def transparency_report():
    year = _year()
    total, months = transparency.report_for(year)
    return render_template(
        "moderation/transparency.html",
        year=year,
        years=sorted({year, *transparency.years()}, reverse=True),
        total=total,
        months=months,
        reason_labels=REPORT_REASON_LABELS,
        action_labels=ACTION_LABELS,
        kind_labels=KIND_LABELS,
        kinds=content.kinds(),
    )


@bp.get("/transparenz.csv")
def transparency_csv():
    year = _year()
    total, months = transparency.report_for(year)
    body = transparency.as_csv(
        [total, *months],
        [r.value for r in REPORT_REASON_LABELS],
        content.kinds(),
        [a.value for a in ACTION_LABELS],
    )
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="transparenzbericht-{year}.csv"'},
    )
