"""Erase who signed, a while after a petition is over; keep how many signed, where and when.

`anonymize_due` (daily, from the job scheduler, and `flask petitions anonymize`) clears the
name, address, postcode, IP hash and mail domain of every signature of a petition that was
answered or closed more than PETITION_ANONYMIZE_AFTER_DAYS ago, and unlinks the account.
It keeps the district and the times (the counts by district and by day stay as they were)
and the address key: a keyed hash (signing.signer_key) from which nobody can read the
address, which keeps one row per person, so the count stays exact.

All in a few bulk UPDATEs; a petition is marked `anonymized_at`, and running it again
changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.petitions.models import NameShown, Petition, PetitionState, Signature


def due_petitions(now: datetime):
    """Petitions over for long enough and not yet anonymised: answered (counted from the
    answer), closed below the quorum (from the close) or rejected (from the decision: its
    supporters' data serves nothing more). Awaiting the council's response, they wait."""
    cutoff = now - timedelta(days=current_settings().petition_anonymize_after_days)
    return select(Petition.id).where(
        Petition.anonymized_at.is_(None),
        or_(
            and_(Petition.state == PetitionState.ANSWERED.value, Petition.answered_at <= cutoff),
            and_(Petition.state == PetitionState.CLOSED.value, Petition.closed_at <= cutoff),
            and_(Petition.state == PetitionState.REJECTED.value, Petition.decided_at <= cutoff),
        ),
    )


def anonymize_due(now: datetime | None = None) -> list[int]:
    """Anonymise the signatures of every petition that is due; returns their ids. Flushes."""
    now = now or utcnow()
    petition_ids = list(db.session.scalars(due_petitions(now)))
    if not petition_ids:
        return []
    db.session.execute(
        update(Signature)
        .where(Signature.petition_id.in_(petition_ids))
        .values(name=None, name_shown=NameShown.HIDDEN.value, email=None, postcode=None,
                ip_hash=None, email_domain=None, user_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Petition).where(Petition.id.in_(petition_ids)).values(anonymized_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return petition_ids
