"""Report form (anyone), queue and case pages (moderators), statement and appeal (authors)."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from participation.core import data_versions, targets
from participation.core.content import Visibility
from participation.core.forms import show_form
from participation.core.pagination import page_number
from participation.extensions import db, limiter
from participation.moderation import content, queries, services
from participation.moderation.blueprint import bp
from participation.moderation.forms import (
    AppealDecisionForm,
    AppealForm,
    BulkDecisionForm,
    DecisionForm,
    ReportForm,
)
from participation.moderation.models import (
    ACTION_LABELS,
    KIND_LABELS,
    REPORT_REASON_LABELS,
    Appeal,
    AppealState,
    CaseState,
    Decision,
    ModerationCase,
)
from participation.moderation.transparency_views import VERSION_GROUP

QUEUE_PAGE_SIZE = 25


def _visible_target(target_type: str, target_id: int):
    """The content to report: 404 for what does not exist or what this person cannot see."""
    obj = content.load(target_type, target_id)
    if obj is None or obj.visibility == Visibility.DELETED.value:
        abort(404)
    if obj.visibility != Visibility.VISIBLE.value and not obj.is_author(current_user):
        abort(404)
    return obj


@bp.route("/melden/<target_type>/<int:target_id>", methods=["GET", "POST"])
@limiter.limit("20/hour", methods=["POST"])
def report(target_type: str, target_id: int):
    obj = _visible_target(target_type, target_id)
    located = content.locate(target_type, obj)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report(
                target_type,
                target_id,
                reporter=current_user,
                key=services.reporter_key(current_user, request.remote_addr),
                reason=form.reason.data,
                explanation=form.explanation.data,
                illegal_location=form.illegal_location.data,
                illegal_grounds=form.illegal_grounds.data,
                good_faith=bool(form.good_faith.data),
                contact_email=form.contact_email.data,
            )
        except services.AlreadyReported as refused:
            return render_template("moderation/report_sent.html", located=located, message=str(refused))
        db.session.commit()
        return render_template(
            "moderation/report_sent.html",
            located=located,
            message=_("Thank you. Your report has been received; moderators will look at it."),
        )
    return show_form(
        "moderation/report.html", form, located=located, target_type=target_type, target_id=target_id
    )


def _place_arg() -> tuple[str, int] | None:
    kind, _sep, number = (request.args.get("place") or "").partition(":")
    return (kind, int(number)) if kind and number.isdigit() else None


def _dashboard_figures() -> tuple[int, datetime | None, list[tuple[str, int, int]]]:
    """Open cases, the oldest one's date and the places with most open cases: three scans of
    the open cases that every queue page shows, kept until moderation's tables change."""

    def figures():
        busiest = [tuple(row) for row in db.session.execute(queries.open_places())]
        return db.session.scalar(queries.open_count()), db.session.scalar(queries.oldest_open()), busiest

    return data_versions.remembered([VERSION_GROUP], "moderation-dashboard", figures)


def _queue_page(bulk_form: BulkDecisionForm | None = None, status: int = 200):
    kind = request.args.get("kind") or None
    kind = kind if kind in content.kinds() else None
    reason = request.args.get("reason") or None
    reason = reason if reason in REPORT_REASON_LABELS else None
    sort = request.args.get("sort") if request.args.get("sort") in queries.SORTS else "oldest"
    place = _place_arg()
    open_total, oldest, busiest = _dashboard_figures()
    unfiltered = not (kind or reason or place)
    page = db.paginate(
        queries.open_cases(kind, reason, sort, place),
        page=page_number(),
        per_page=QUEUE_PAGE_SIZE,
        error_out=False,
        count=not unfiltered,
    )
    if unfiltered:
        page.total = open_total  # the same count, kept with the dashboard's figures
    cases = list(page.items)
    reasons: dict[int, list[tuple[str, int]]] = {}
    for case_id, code, count in db.session.execute(queries.reasons_by_case([c.id for c in cases])):
        reasons.setdefault(case_id, []).append((code, count))
    loaded = content.preload([(c.target_type, c.target_id) for c in cases])
    loaded += content.preload([(c.place_type, c.place_id) for c in cases] + [(t, i) for t, i, _n in busiest])
    items = [(case, content.load(case.target_type, case.target_id)) for case in cases]
    places = []
    for place_type, place_id, count in busiest:
        target = targets.resolve(place_type, place_id)
        if target is not None:
            places.append((f"{place_type}:{place_id}", target.title, count))
    body = render_template(
        "moderation/queue.html",
        page=page,
        items=items,
        reasons=reasons,
        kind=kind,
        reason=reason,
        sort=sort,
        place=f"{place[0]}:{place[1]}" if place else "",
        places=places,
        kinds=content.kinds(),
        open_total=open_total,
        oldest=oldest,
        mine=list(db.session.scalars(queries.recent_decisions_by(current_user.id, limit=5))),
        appeals=list(db.session.scalars(queries.open_appeals().limit(20))),
        bulk_form=bulk_form or BulkDecisionForm(),
    )
    return body, status


@bp.get("/moderation/")
def queue():
    return _queue_page()


@bp.post("/moderation/sammelentscheidung")
def bulk_decide():
    """One decision with the same reasons for several cases; a case another moderator holds,
    or one the action does not fit, is skipped and named."""
    form = BulkDecisionForm()
    if not form.validate_on_submit():
        return _queue_page(bulk_form=form, status=422)
    decided, skipped = 0, []
    for case_id in form.case_ids.data:
        found = db.session.get(ModerationCase, case_id)
        if found is None or found.state != CaseState.OPEN.value:
            continue
        try:
            with db.session.begin_nested():
                services.decide(
                    found,
                    current_user,
                    form.action.data,
                    rule=form.rule.data,
                    facts=form.facts.data,
                    reason_category=form.reason_category.data or None,
                )
        except services.ModerationError as refused:
            skipped.append(_("Case %(number)d: %(reason)s", number=case_id, reason=str(refused)))
        else:
            decided += 1
    db.session.commit()
    flash(ngettext("%(num)d case decided.", "%(num)d cases decided.", decided), "success")
    for message in skipped:
        flash(message, "error")
    return redirect(url_for("moderation.queue"))


@bp.route("/moderation/faelle/<int:case_id>", methods=["GET", "POST"])
def case(case_id: int):
    found = db.get_or_404(ModerationCase, case_id)
    obj = content.load(found.target_type, found.target_id)
    if obj is None:
        abort(404)
    form = DecisionForm()
    error = None
    if found.state == CaseState.OPEN.value:
        try:
            services.hold(found, current_user)
        except services.HeldByOther as held:
            error = str(held)
    if error is None and form.validate_on_submit():
        try:
            services.decide(
                found,
                current_user,
                form.action.data,
                rule=form.rule.data,
                facts=form.facts.data,
                reason_category=form.reason_category.data or None,
                passage=form.passage.data,
                block_days=form.chosen_block_days,
                hide_pending=bool(form.hide_pending.data),
            )
        except services.ModerationError as refused:
            error = str(refused)
        else:
            db.session.commit()
            flash(_("Decided. The author and the reporters have been told."), "success")
            return redirect(url_for("moderation.queue"))
    db.session.commit()  # the hold
    body = render_template(
        "moderation/case.html",
        case=found,
        obj=obj,
        located=content.locate(found.target_type, obj),
        thread=content.thread_around(found.target_type, obj),
        form=form,
        error=error,
        decisions=list(db.session.scalars(queries.decisions_on(found.target_type, found.target_id))),
    )
    return (body, 422) if form.is_submitted() else body


@bp.route("/moderation/entscheidungen/<int:decision_id>", methods=["GET", "POST"])
def decision(decision_id: int):
    """The author's statement of reasons, with the appeal form while an appeal is possible."""
    found = db.get_or_404(Decision, decision_id)
    moderating = current_user.role in ("moderator", "staff", "admin")
    if found.author_id != current_user.id and not moderating:
        abort(404)  # nobody else learns that a decision exists
    obj = content.load(found.target_type, found.target_id)
    existing = db.session.scalar(db.select(Appeal).where(Appeal.decision_id == found.id))
    form = AppealForm()
    error = None
    if existing is not None and form.is_submitted():
        error = _("You have already appealed against this decision.")
    elif found.author_id == current_user.id and form.validate_on_submit():
        try:
            services.appeal(found, current_user, form.text.data)
        except services.ModerationError as refused:
            error = str(refused)
        else:
            db.session.commit()
            flash(_("Your appeal has been received. A different moderator will decide."), "success")
            return redirect(url_for("moderation.decision", decision_id=found.id))
    body = render_template(
        "moderation/decision.html",
        decision=found,
        obj=obj,
        located=content.locate(found.target_type, obj) if obj is not None else None,
        appeal=existing,
        form=form,
        error=error,
    )
    return (body, 422) if form.is_submitted() else body


@bp.route("/moderation/beschwerden/<int:appeal_id>", methods=["GET", "POST"])
def appeal(appeal_id: int):
    found = db.get_or_404(Appeal, appeal_id)
    form = AppealDecisionForm()
    allowed = services.may_decide_appeal(found, current_user)
    error = None if allowed else _("A different moderator than the one who decided must handle the appeal.")
    if allowed and found.state == AppealState.OPEN.value and form.validate_on_submit():
        try:
            services.decide_appeal(found, current_user, form.outcome.data, form.explanation.data)
        except services.ModerationError as refused:
            error = str(refused)
        else:
            db.session.commit()
            flash(_("The appeal is decided. The author has been told."), "success")
            return redirect(url_for("moderation.queue"))
    obj = content.load(found.decision.target_type, found.decision.target_id)
    body = render_template(
        "moderation/appeal.html",
        appeal=found,
        decision=found.decision,
        obj=obj,
        located=content.locate(found.decision.target_type, obj) if obj is not None else None,
        form=form,
        error=error,
        allowed=allowed,
    )
    return (body, 422) if form.is_submitted() else body


def hidden_label(obj) -> str:
    """The placeholder the public sees for hidden content: the reason category, no more."""
    if obj.hidden_reason == services.HIDDEN_BY_REPORTS:
        return _("Hidden while moderators check reports about it.")
    label = REPORT_REASON_LABELS.get(obj.hidden_reason)
    if label is None:
        return _("Hidden by moderation.")
    return _("Hidden by moderation. Reason: %(reason)s", reason=label)


@bp.context_processor
def moderation_helpers() -> dict:
    from participation.core.content import VISIBILITY_LABELS
    from participation.core.models import utcnow

    return {
        "locate": content.locate,
        "action_label": lambda code: ACTION_LABELS.get(code, code),
        "visibility_label": lambda code: VISIBILITY_LABELS.get(code, code),
        "reason_labels": REPORT_REASON_LABELS,
        "kind_labels": KIND_LABELS,
        "now": utcnow(),
    }
