"""Which topics a request may follow, checked before anything is streamed.

A topic is `<kind>:<id>`. Features register the kinds of topic they publish on, each with its
own visibility rule (`register_kind`, from their init_app): `consultation:<id>` follows the
consultation's rule (`Consultation.can_view`: a draft does not exist for the public, so it is
404 like its page), `petition:<id>` the petition's (public states only). `user:<id>` is a
person's own topic (their notification counter): the server adds it for whoever is signed
in, and nobody may ask for another person's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import abort, request
from flask_login import current_user

from participation.core.inputs import parse_int

MAX_TOPICS = 4  # asked for in one request; the person's own topic comes on top
USER_KIND = "user"
_TOPIC = re.compile(r"([a-z_]{1,30}):([0-9]{1,10})")

# kind -> (id, user) -> whether the user may follow it; False answers 404, as its page does
_kinds: dict[str, Callable[[int, object], bool]] = {}


def register_kind(kind: str, may_follow: Callable[[int, object], bool]) -> None:
    """Let clients follow `<kind>:<id>` where `may_follow(id, current_user)` is true."""
    if kind == USER_KIND or not re.fullmatch(r"[a-z_]{1,30}", kind):
        raise ValueError(f"live topic kind {kind!r} is not allowed")
    _kinds[kind] = may_follow


def rule_for(kind: str) -> Callable[[int, object], bool] | None:
    """The visibility rule of a kind of topic (None for unknown kinds and `user`)."""
    return _kinds.get(kind)


def parse_topic(raw: str) -> tuple[str, int] | None:
    """("meeting", 12) for "meeting:12"; None for anything malformed."""
    match = _TOPIC.fullmatch(raw)
    number = parse_int(match.group(2)) if match else None
    return None if number is None else (match.group(1), number)


def registered_kinds() -> list[str]:
    return sorted(_kinds)


def consultation_topic(consultation_id: int) -> str:
    return f"consultation:{consultation_id}"


def petition_topic(petition_id: int) -> str:
    return f"petition:{petition_id}"


def user_topic(user_id: int) -> str:
    return f"{USER_KIND}:{user_id}"


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
        kind = match.group(1)
        if kind == USER_KIND:
            if not signed_in or number != current_user.id:
                abort(403)
        else:
            may_follow = _kinds.get(kind)
            if may_follow is None or not may_follow(number, current_user):
                abort(404)
        topics.append(f"{kind}:{number}")
    if signed_in:
        topics.append(user_topic(current_user.id))
    if not topics:
        abort(400, description="Name at least one topic.")
    return list(dict.fromkeys(topics))
