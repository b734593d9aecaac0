"""Which topics a request may follow, checked before anything is streamed.

`consultation:<id>` follows the consultation's own rule (`Consultation.can_view`: a draft does
not exist for the public, so it is 404 like its page). `user:<id>` is a person's own topic
(their notification counter): the server adds it for whoever is signed in, and nobody may ask
for another person's.
"""

from __future__ import annotations

import re

from flask import abort, request
from flask_login import current_user

from participation.consultations.models import Consultation
from participation.core.inputs import parse_int
from participation.extensions import db

MAX_TOPICS = 4  # asked for in one request; the person's own topic comes on top
_TOPIC = re.compile(r"(consultation|user):([0-9]{1,10})")


def consultation_topic(consultation_id: int) -> str:
    return f"consultation:{consultation_id}"


def user_topic(user_id: int) -> str:
    return f"user:{user_id}"


def requested_topics() -> list[str]:
    """The request's `topic` parameters, each allowed, plus the person's own topic; aborts
    with 400 (too many, none), 403 (another person's topic) or 404 (no such topic)."""
    asked = request.args.getlist("topic")
    if len(asked) > MAX_TOPICS:
        abort(400, description=f"At most {MAX_TOPICS} topics.")
    signed_in = current_user.is_authenticated
    topics: list[str] = []
    for raw in asked:
        match = _TOPIC.fullmatch(raw)
        number = parse_int(match.group(2)) if match else None
        if number is None:
            abort(404)
        if match.group(1) == "user":
            if not signed_in or number != current_user.id:
                abort(403)
        else:
            consultation = db.session.get(Consultation, number)
            if consultation is None or not consultation.can_view(current_user):
                abort(404)
        topics.append(f"{match.group(1)}:{number}")
    if signed_in:
        topics.append(user_topic(current_user.id))
    if not topics:
        abort(400, description="Name at least one topic.")
    return list(dict.fromkeys(topics))
