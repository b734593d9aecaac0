"""Signatures of open petitions taken through the intake (core.intake), when Redis is there.

The signing page answers every signer alike ("check your inbox"), whatever their
submission turns out to be: new, a second one, over a limit. So under load the request need
not write it: it checks the form, computes what only it knows (the keyed hashes of the
address and the network, the district, the language) and appends that to the intake; a job
writes the signatures in batches with the same services as the request would (signing.sign,
abuse.judge, mails.send_for). The person's IP address never leaves the request.

Only for signers who are not signed in, on petitions that are open (the per-process count
cache says so, at most FRESH_SECONDS old): a signed-in resident with a confirmed address signs
in one step and sees the count at once, and gathering petitions are few and quiet, so both
stay in the request. A submission made while the petition was open counts even if the job
takes it after the close (signing.sign's `submitted_at`); one made after the close (the
cache was a second late) is refused by the same check and logged.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import request
from flask_babel import force_locale, get_locale
from flask_login import current_user

from participation.core import intake
from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions import abuse, live_count, mails, signing
from participation.petitions.forms import SignatureForm
from participation.petitions.models import NameShown, Petition, PetitionState

INTAKE = "petitions.signatures"
OPEN = PetitionState.OPEN.value

logger = logging.getLogger(__name__)


def petition_of_batch(petition_id: int) -> Petition | None:
    held = intake.batch_memo()
    if petition_id not in held:
        held[petition_id] = db.session.get(Petition, petition_id)
    return held[petition_id]


def register() -> None:
    intake.register(INTAKE, take)


def takes(petition_id: int) -> bool:
    """Whether a signing POST on this petition goes through the intake."""
    if not intake.available() or current_user.is_authenticated:
        return False
    return live_count.count_cache().get(petition_id).state == OPEN


def submit(petition_id: int, form: SignatureForm) -> None:
    observed = abuse.observe(email=form.email.data, postcode=form.postcode.data,
                             remote_addr=request.remote_addr)
    intake.submit(INTAKE, {
        "petition_id": petition_id, "name": form.name.data, "email": form.email.data,
        "postcode": form.postcode.data, "name_shown": form.name_shown.data,
        "ip_hash": observed.ip_hash, "email_domain": observed.email_domain, "district": observed.district,
        "locale": str(get_locale()),
        "submitted_at": utcnow().isoformat(),
    })


def take(item: dict) -> None:
    """One submission, in the job: sign (or find the signature) and queue its mail."""
    petition = petition_of_batch(item["petition_id"])
    if petition is None:
        logger.warning("intake: petition %s is gone; a signature was not taken", item["petition_id"])
        return
    observed = abuse.Signals(item["ip_hash"], item["email_domain"], item["district"])
    signals = abuse.judge(petition.id, observed)
    try:
        result = signing.sign(
            petition, name=item["name"], email=item["email"], postcode=item["postcode"],
            name_shown=NameShown(item["name_shown"]),
            submitted_at=datetime.fromisoformat(item["submitted_at"]), **signals.as_fields())
    except signing.SignatureRefused:
        logger.info("intake: petition %s closed before a signature was submitted", petition.id)
        return
    with force_locale(item["locale"]):
        mails.send_for(result, petition)
