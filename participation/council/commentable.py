"""The council's papers, meetings and organisations in comments and follows (core.targets).

Residents comment on papers (what the council decides on is where debate belongs); meetings
and organisations are followed only: a meeting's followers hear when its session begins, a
paper's followers hear of new comments. Deleted objects take nothing new and show nothing.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from participation.core import targets
from participation.core.targets import TargetType
from participation.council.models import Meeting, Organization, Paper
from participation.extensions import db

PAPER, MEETING, ORGANIZATION = "council_paper", "council_meeting", "council_organization"


def _shown(obj) -> bool:
    return obj is not None and not obj.deleted


def _loader(model):
    return lambda object_id: db.session.get(model, object_id)


def register() -> None:
    """Papers take comments and followers; meetings and organisations followers (init_app)."""
    targets.register(
        TargetType(
            key=PAPER,
            load=_loader(Paper),
            title=lambda paper: paper.name or paper.reference or str(_l("Paper")),
            url=lambda paper: url_for("council.paper", paper_id=paper.id),
            can_view=lambda paper, user: _shown(paper),
            is_open=_shown,
            stances=lambda paper: True,
            label=_l("council paper"),
            page=("council.paper", "paper_id"),
        )
    )
    targets.register(
        TargetType(
            key=MEETING,
            load=_loader(Meeting),
            title=lambda meeting: meeting.name or str(_l("Meeting")),
            url=lambda meeting: url_for("council.meeting", meeting_id=meeting.id),
            can_view=lambda meeting, user: _shown(meeting),
            is_open=_shown,
            commentable=False,
            label=_l("council meeting"),
            page=("council.meeting", "meeting_id"),
        )
    )
    targets.register(
        TargetType(
            key=ORGANIZATION,
            load=_loader(Organization),
            title=lambda organization: organization.name or str(_l("Committee")),
            url=lambda organization: url_for("council.organization", organization_id=organization.id),
            can_view=lambda organization, user: _shown(organization),
            is_open=_shown,
            commentable=False,
            label=_l("committee or group"),
        )
    )
