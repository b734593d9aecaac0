"""The figures of the public transparency report (DSA Art. 15 and 24): per month and year,
reports by reason and by kind of content, decisions by action and reason, the share of cases
an automated check opened, the median time from a case's opening to its decision, appeals
and their outcomes. Only counts leave this module: nothing names a person or a post."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import select

from participation.extensions import db
from participation.moderation.models import Appeal, CaseOrigin, Decision, ModerationCase, Report


@dataclass
class Period:
    label: str  # "2026" or "2026-11"
    reports_by_reason: Counter = field(default_factory=Counter)
    reports_by_kind: Counter = field(default_factory=Counter)
    decisions_by_action: Counter = field(default_factory=Counter)
    decisions_by_reason: Counter = field(default_factory=Counter)
    cases: int = 0
    automated_cases: int = 0
    hours_to_decision: list[float] = field(default_factory=list)
    appeals: int = 0
    appeals_by_outcome: Counter = field(default_factory=Counter)

    @property
    def reports(self) -> int:
        return sum(self.reports_by_reason.values())

    @property
    def decisions(self) -> int:
        return sum(self.decisions_by_action.values())

    @property
    def automated_share(self) -> float | None:
        return self.automated_cases / self.cases if self.cases else None

    @property
    def median_hours(self) -> float | None:
        return round(median(self.hours_to_decision), 1) if self.hours_to_decision else None


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def years() -> list[int]:
    """The years with any report or case, newest first."""
    found = {moment.year for moment in db.session.scalars(select(ModerationCase.opened_at))}
    return sorted(found, reverse=True)


def report_for(year: int) -> tuple[Period, list[Period]]:
    """The year's total and its months (January to December, also the empty ones)."""
    total = Period(str(year))
    months = {f"{year:04d}-{number:02d}": Period(f"{year:04d}-{number:02d}") for number in range(1, 13)}

    def periods(moment: datetime | None) -> list[Period]:
        if moment is None or moment.year != year:
            return []
        return [total, months[_month(moment)]]

    for created, reason, kind in db.session.execute(
        select(Report.created_at, Report.reason, Report.target_type)
    ):
        for period in periods(created):
            period.reports_by_reason[reason] += 1
            period.reports_by_kind[kind] += 1
    for opened, decided, origin in db.session.execute(
        select(ModerationCase.opened_at, ModerationCase.decided_at, ModerationCase.origin)
    ):
        for period in periods(opened):
            period.cases += 1
            period.automated_cases += origin == CaseOrigin.AUTOMATED.value
            if decided is not None:
                period.hours_to_decision.append((decided - opened).total_seconds() / 3600)
    for created, action, reason in db.session.execute(
        select(Decision.created_at, Decision.action, Decision.reason_category)
    ):
        for period in periods(created):
            period.decisions_by_action[action] += 1
            if reason:
                period.decisions_by_reason[reason] += 1
    for created, state in db.session.execute(select(Appeal.created_at, Appeal.state)):
        for period in periods(created):
            period.appeals += 1
            period.appeals_by_outcome[state] += 1
    return total, list(months.values())


def as_csv(rows: list[Period], reasons: list[str], kinds: list[str], actions: list[str]) -> str:
    """One row per period; the columns are stable codes so that spreadsheets can compare years."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "period",
            "reports",
            *(f"reports_reason_{r}" for r in reasons),
            *(f"reports_kind_{k}" for k in kinds),
            "cases",
            "automated_cases",
            "decisions",
            *(f"decisions_{a}" for a in actions),
            *(f"hidden_reason_{r}" for r in reasons),
            "median_hours_to_decision",
            "appeals",
            "appeals_open",
            "appeals_upheld",
            "appeals_reversed",
        ]
    )
    for p in rows:
        writer.writerow(
            [
                p.label,
                p.reports,
                *(p.reports_by_reason[r] for r in reasons),
                *(p.reports_by_kind[k] for k in kinds),
                p.cases,
                p.automated_cases,
                p.decisions,
                *(p.decisions_by_action[a] for a in actions),
                *(p.decisions_by_reason[r] for r in reasons),
                "" if p.median_hours is None else p.median_hours,
                p.appeals,
                p.appeals_by_outcome["open"],
                p.appeals_by_outcome["upheld"],
                p.appeals_by_outcome["reversed"],
            ]
        )
    return out.getvalue()
