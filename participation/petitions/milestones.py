"""Milestones: 25, 50, 75 and 100 % of the quorum, each announced once per petition.

The count publisher (live_count.py) calls `announce_crossed` with the fresh figures of an
open petition, about once a second while it is being signed, never inside a signer's request.
`Petition.milestone_reached` holds the highest percentage announced; it moves up with a
conditional UPDATE (`WHERE milestone_reached < :percent`), so of two workers (or two runs)
that see the same crossing only the one whose UPDATE changed the row announces it.

When several milestones are crossed at once (a large paper list), only the highest is
announced: one notification that says where the petition stands, not three at once.

Counts can fall (staff invalidate signatures). A milestone once announced stays announced
and is not announced again when the count climbs back: the notifications and mails about it
went out already, and telling people twice that 50 % were reached would be noise. The page
always shows the current count and progress.
"""

from __future__ import annotations

from sqlalchemy import update

from participation.core import events
from participation.extensions import db
from participation.petitions.models import Petition

MILESTONES = (25, 50, 75, 100)
PETITION_MILESTONE = "petition.milestone"
EVENTS = {  # declared by live_count.register, which init_app calls
    PETITION_MILESTONE: "an open petition reached a share of its quorum for the first time; "
    "subject: (petition, id); payload: percent (25, 50, 75 or 100), for_quorum, quorum",
}


def highest_reached(for_quorum: int, quorum: int) -> int:
    """The highest milestone that `for_quorum` signatures reach (0 for none)."""
    reached = [percent for percent in MILESTONES if quorum <= 0 or for_quorum * 100 >= percent * quorum]
    return reached[-1] if reached else 0


def announce_crossed(petition_id: int, for_quorum: int, quorum: int) -> int | None:
    """Record and announce the milestone the figures reached, if it is higher than the one
    announced before; returns its percentage, or None. Flushes; the caller commits."""
    percent = highest_reached(for_quorum, quorum)
    if percent == 0:
        return None
    changed = db.session.execute(
        update(Petition)
        .where(Petition.id == petition_id, Petition.milestone_reached < percent)
        .values(milestone_reached=percent)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return None
    events.emit(PETITION_MILESTONE, subject=("petition", petition_id), percent=percent,
                for_quorum=for_quorum, quorum=quorum)
    return percent
