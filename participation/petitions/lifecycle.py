"""A petition's way as the page shows it: every step with its date, the current one marked.

Dates of steps still to come are shown only where they are known (the planned end of the
signature period); the rest are listed without a date, so people see what comes next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from participation.petitions.models import Petition, PetitionState

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    when: datetime | None
    status: str  # DONE, CURRENT or UPCOMING
    planned: bool = False  # `when` lies ahead (the deadline of an open petition)

    @property
    def is_current(self) -> bool:
        return self.status == CURRENT


# The index of the current step on the usual way, by state.
_POSITION = {
    PetitionState.DRAFT: 0,
    PetitionState.GATHERING: 1,
    PetitionState.IN_REVIEW: 2,
    PetitionState.OPEN: 3,
    PetitionState.AWAITING_RESPONSE: 4,
    PetitionState.CLOSED: 4,
    PetitionState.ANSWERED: 5,
}


def steps(petition: Petition) -> list[Step]:
    state = PetitionState(petition.state)
    if state is PetitionState.REJECTED:
        return _statuses([
            ("created", _l("Started"), petition.created_at, False),
            ("gathering", _l("First supporters"), None, False),
            ("submitted", _l("Submitted for review"), petition.submitted_at, False),
            ("rejected", _l("Rejected"), petition.decided_at, False),
        ], 3)
    open_ = state is PetitionState.OPEN
    end_label = _l("Signature period ends") if state in (
        PetitionState.DRAFT, PetitionState.GATHERING, PetitionState.IN_REVIEW, PetitionState.OPEN,
    ) else _l("Signature period ended")
    ways = [
        ("created", _l("Started"), petition.created_at, False),
        ("gathering", _l("First supporters"), None, False),
        ("submitted", _l("Submitted for review"), petition.submitted_at, False),
        ("opened", _l("Open for signatures"), petition.opened_at, False),
        ("closed", end_label, petition.closed_at or petition.closes_at, open_),
    ]
    if state is PetitionState.CLOSED:
        ways[-1] = ("closed", _l("Closed below the quorum"), petition.closed_at, False)
    else:
        ways.append(("answered", _l("The council's response"), petition.answered_at, False))
    if state is PetitionState.AWAITING_RESPONSE:
        awaiting = _l("Quorum reached: awaiting the council's response")
        ways[-2] = ("closed", awaiting, petition.closed_at, False)
    return _statuses(ways, _POSITION[state])


def _statuses(ways, current: int) -> list[Step]:
    return [
        Step(key, label, when, DONE if index < current else CURRENT if index == current else UPCOMING,
             planned=planned)
        for index, (key, label, when, planned) in enumerate(ways)
    ]


def state_date(petition: Petition) -> datetime | None:
    """The date that goes with the state's badge in lists: since when it is in that state."""
    state = PetitionState(petition.state)
    return {
        PetitionState.OPEN: petition.opened_at,
        PetitionState.AWAITING_RESPONSE: petition.closed_at,
        PetitionState.CLOSED: petition.closed_at,
        PetitionState.ANSWERED: petition.answered_at,
        PetitionState.REJECTED: petition.decided_at,
        PetitionState.IN_REVIEW: petition.submitted_at,
    }.get(state, petition.created_at)
