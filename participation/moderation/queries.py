"""Reads of moderation: the queue, a case's context, the dashboard's figures."""

from __future__ import annotations

from sqlalchemy import Select, exists, func, select

from participation.moderation.models import Appeal, AppealState, CaseState, Decision, ModerationCase, Report

SORTS = ("oldest", "most_reported")


def open_cases(
    kind: str | None = None,
    reason: str | None = None,
    sort: str = "oldest",
    place: tuple[str, int] | None = None,
) -> Select:
    """Open cases, oldest first (or most reported first), filtered by kind, reason and place."""
    query = select(ModerationCase).where(ModerationCase.state == CaseState.OPEN.value)
    if kind:
        query = query.where(ModerationCase.target_type == kind)
    if place:
        query = query.where(ModerationCase.place_type == place[0], ModerationCase.place_id == place[1])
    if reason:
        query = query.where(exists().where(Report.case_id == ModerationCase.id, Report.reason == reason))
    if sort == "most_reported":
        return query.order_by(ModerationCase.report_count.desc(), ModerationCase.opened_at, ModerationCase.id)
    return query.order_by(ModerationCase.opened_at, ModerationCase.id)


def reasons_by_case(case_ids: list[int]) -> Select:
    """(case id, reason, how many) for the cases on one queue page."""
    return (
        select(Report.case_id, Report.reason, func.count(Report.id))
        .where(Report.case_id.in_(case_ids))
        .group_by(Report.case_id, Report.reason)
    )


def open_places(limit: int = 30) -> Select:
    """(kind, id, open cases) of the places with the most open cases, for the place filter."""
    count = func.count(ModerationCase.id)
    return (
        select(ModerationCase.place_type, ModerationCase.place_id, count)
        .where(ModerationCase.state == CaseState.OPEN.value, ModerationCase.place_type.is_not(None))
        .group_by(ModerationCase.place_type, ModerationCase.place_id)
        .order_by(count.desc(), ModerationCase.place_type, ModerationCase.place_id)
        .limit(limit)
    )


def open_count() -> Select:
    return select(func.count(ModerationCase.id)).where(ModerationCase.state == CaseState.OPEN.value)


def oldest_open() -> Select:
    return select(func.min(ModerationCase.opened_at)).where(ModerationCase.state == CaseState.OPEN.value)


def recent_decisions_by(moderator_id: int, limit: int = 10) -> Select:
    return (
        select(Decision)
        .where(Decision.moderator_id == moderator_id)
        .order_by(Decision.created_at.desc())
        .limit(limit)
    )


def open_appeals() -> Select:
    return select(Appeal).where(Appeal.state == AppealState.OPEN.value).order_by(Appeal.created_at)


def decisions_on(target_type: str, target_id: int) -> Select:
    return (
        select(Decision)
        .where(Decision.target_type == target_type, Decision.target_id == target_id)
        .order_by(Decision.created_at)
    )
