"""Signing a petition, confirming the signature by the mailed link, and the supporters' link.

Whatever happened to a submission (a new signature, a second one for the same mailbox, one
already confirmed, a bot in the honeypot, one held over a limit), the signer is sent to the
same "check your inbox" page: only the mail differs, and it goes to the stored address. The
one exception is the signed-in resident with a confirmed address, whose signature counts at
once; they are told so.

The signing POST is the hot path (hundreds a second when a petition goes viral). With Redis
(production) a valid submission to an open petition only goes onto the intake list and is
answered with the redirect: no query, nothing rendered (signing_intake.py). Otherwise it
loads the petition, runs one COUNT statement for the abuse signals, one INSERT (or the
look-up of the existing row), queues the mail and answers with the same redirect.

Flask-Limiter's limit on it (SIGN_LIMIT, per client address) is only a brake on floods: the
real per-network and per-domain limits hold signatures for staff instead of refusing them
(abuse.py), so a refusal here must stay rare. It is generous enough for a family or an
office behind one address; a refused form comes back filled in (core.rate_limits).
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.core.settings_access import current_settings
from participation.extensions import db, limiter
from participation.petitions import abuse, mails, services, signing, signing_intake
from participation.petitions.blueprint import bp
from participation.petitions.forms import SignatureForm, signature_form
from participation.petitions.mails import PUBLIC_STATES
from participation.petitions.models import Petition, PetitionState
from participation.petitions.signing import ConfirmationFailed, Failure, Outcome, SignatureRefused

SIGN_LIMIT = "30 per minute"
OPEN, GATHERING, DRAFT = PetitionState.OPEN.value, PetitionState.GATHERING.value, PetitionState.DRAFT.value
# Reached only by the creator (drafts) or by the private supporters' link (gathering): by id, 404.
PRIVATE_STATES = frozenset({DRAFT, GATHERING})
FAILURE_STATUS = {Failure.INVALID: 400, Failure.EXPIRED: 410, Failure.GONE: 410, Failure.CLOSED: 410}


def register(app) -> None:
    """Nothing to plug in: the routes are on the petitions blueprint."""


def _public_petition(petition_id: int) -> Petition:
    petition = db.session.get(Petition, petition_id)
    if petition is None or petition.state in PRIVATE_STATES:
        abort(404)
    return petition


def _not_signable(petition: Petition):
    """This petition takes no signatures (now): say so, and sign nothing."""
    body = render_template("petitions/sign.html", petition=petition, closed=True,
                           public=petition.state in PUBLIC_STATES)
    return body, 409 if request.method == "POST" else 200


@bp.route("/petitionen/<int:petition_id>/unterschreiben", methods=["GET", "POST"])
@limiter.limit(SIGN_LIMIT, methods=["POST"])
@rerenders_on_csrf_error
def sign(petition_id: int):
    form = None
    if request.method == "POST" and signing_intake.takes(petition_id):
        form = signature_form()
        if form.validate_on_submit():
            if not form.is_bot:  # looks accepted, signs nothing
                signing_intake.submit(petition_id, form)
            db.session.commit()  # announces a drain of the intake, if none is under way
            return redirect(url_for("petitions.sign_sent", petition_id=petition_id), 303)
    petition = _public_petition(petition_id)
    if petition.state != OPEN:
        return _not_signable(petition)
    form = form or signature_form()
    if not form.validate_on_submit():
        return show_form("petitions/sign.html", form, sign_form=form, petition=petition)
    return _take_signature(petition, form,
                           counted_at_once=lambda: url_for("petitions.show", petition_id=petition.id))


@bp.get("/petitionen/<int:petition_id>/unterschrieben")
def sign_sent(petition_id: int):
    """"Check your inbox": the same for every signer, whatever their address had done before."""
    petition = db.session.get(Petition, petition_id)
    if petition is None or petition.state == DRAFT:
        abort(404)
    # A gathering petition is private: this page, open to anyone with the id, names it not.
    return render_template("petitions/sign_sent.html", petition=petition,
                           public=petition.state in PUBLIC_STATES)


@bp.route("/petitionen/unterstuetzen/<key>", methods=["GET", "POST"])
@limiter.limit(SIGN_LIMIT, methods=["POST"])
@rerenders_on_csrf_error
def support(key: str):
    """The creator's private link: the draft, and the signing form for the first supporters."""
    petition = db.session.scalar(select(Petition).where(Petition.supporter_key == key))
    if petition is None or petition.state == DRAFT:
        abort(404)
    if petition.state != GATHERING:
        body = render_template("petitions/support.html", petition=petition, moved_on=True,
                               public=petition.state in PUBLIC_STATES)
        return _private(body, 409 if request.method == "POST" else 200)
    form = signature_form()
    if not form.validate_on_submit():
        page = show_form("petitions/support.html", form, sign_form=form, petition=petition,
                         sign_action=url_for("petitions.support", key=key),
                         supporters_needed=current_settings().petition_supporters_needed)
        return _private(*(page if isinstance(page, tuple) else (page, 200)))
    return _take_signature(petition, form, counted_at_once=lambda: url_for("petitions.support", key=key))


def _private(body, status: int):
    """The supporters' page: not for search engines, and its key not in any Referer."""
    response = make_response(body, status)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _take_signature(petition: Petition, form: SignatureForm, *, counted_at_once):
    sent = url_for("petitions.sign_sent", petition_id=petition.id)
    if form.is_bot:  # looks accepted, signs nothing
        return redirect(sent, 303)
    signals = abuse.assess(petition.id, email=form.email.data, postcode=form.postcode.data,
                           remote_addr=request.remote_addr)
    try:
        result = signing.sign(petition, name=form.name.data, email=form.email.data,
                              postcode=form.postcode.data, name_shown=form.name_shown.data,
                              user=current_user, **signals.as_fields())
    except SignatureRefused:  # closed between loading it and signing
        db.session.rollback()
        return _not_signable(petition)
    mails.send_for(result, petition)
    if result.outcome is Outcome.CONFIRMED_AT_ONCE and petition.state == GATHERING:
        services.submit_when_supported(petition)
    db.session.commit()
    if result.outcome is Outcome.CONFIRMED_AT_ONCE:
        flash(_("Thank you. Your signature counts."), "success")
        return redirect(counted_at_once(), 303)
    return redirect(sent, 303)


@bp.route("/petitionen/bestaetigen/<token>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def confirm(token: str):
    """The mailed link opens a page with a button: mail scanners that open every link must
    not sign for anyone. A confirmed signature shows the success page, however often."""
    if request.method == "POST":
        quick = _confirm_quickly(token)
        if quick is not None:
            return quick
    try:
        signature, _issued = signing.signature_for_link(token)
    except ConfirmationFailed as failed:
        return _link_failed(failed)
    petition = signature.petition
    form = ActionForm()
    if signature.confirmed_at is None and form.validate_on_submit():
        try:
            signing.confirm(token)
        except ConfirmationFailed as failed:
            db.session.rollback()
            return _link_failed(failed)
        if petition.state == GATHERING:  # enough supporters now? then on to moderation
            services.submit_when_supported(petition)
        db.session.commit()
        return redirect(url_for("petitions.confirm", token=token), 303)
    if signature.confirmed_at is not None:
        return render_template("petitions/confirm.html", petition=petition, confirmed=True,
                               public=petition.state in PUBLIC_STATES)
    return show_form("petitions/confirm.html", form, petition=petition, token=token)


def _confirm_quickly(token: str):
    """The button's usual press, without loading the signature (signing.confirm_quickly);
    None leaves everything else to the full path below."""
    if not ActionForm().validate_on_submit():
        return None
    if signing.confirm_quickly(token) is None:
        return None
    db.session.commit()
    return redirect(url_for("petitions.confirm", token=token), 303)


def _link_failed(failed: ConfirmationFailed):
    petition = db.session.get(Petition, failed.petition_id) if failed.petition_id else None
    sign_again = None
    if petition is not None and petition.state == OPEN:
        sign_again = url_for("petitions.sign", petition_id=petition.id)
    elif petition is not None and petition.state == GATHERING:
        sign_again = url_for("petitions.support", key=petition.supporter_key)
    body = render_template("petitions/confirm.html", failure=failed, sign_again=sign_again, petition=petition,
                           public=petition is not None and petition.state in PUBLIC_STATES)
    return body, FAILURE_STATUS[failed.failure]
