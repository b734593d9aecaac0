"""New content on its way in: pre-moderation where staff switched it on, and the automated
checks (the watch-word lists of every language, the number of links) that put suspicious
content into the queue while it stays visible.

Features never call this module: they ask core.content for the visibility of new content
(this module registers the check) and announce every new row of the mixin with
`content.created`, to which `on_content_created` listens.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import and_, delete, or_, select

from participation.core import audit
from participation.core.content import Scope, Visibility
from participation.core.events import Event
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.moderation import content, services
from participation.moderation.models import CaseOrigin, PreModeration, WatchWord

LOCALES = ("de", "en", "uk", "ar")
# Petitions go through their own review before they are published; the checks here are for
# what appears at once.
NOT_SCREENED = {"petition"}
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


# Pre-moderation -----------------------------------------------------------------------------


def is_premoderated(scopes: list[Scope]) -> bool:
    """Whether any of the places new content is written to wants it approved first."""
    if not scopes:
        return False
    matches = [
        and_(
            PreModeration.scope_type == kind,
            or_(PreModeration.scope_id.is_(None), PreModeration.scope_id == i),
        )
        for kind, i in scopes
    ]
    return db.session.scalar(select(PreModeration.id).where(or_(*matches)).limit(1)) is not None


def premoderated_places() -> list[PreModeration]:
    return list(db.session.scalars(select(PreModeration).order_by(PreModeration.created_at)))


def switch_on(scope_type: str, scope_id: int | None, staff) -> PreModeration:
    existing = db.session.scalar(
        select(PreModeration).where(
            PreModeration.scope_type == scope_type,
            PreModeration.scope_id.is_(None) if scope_id is None else PreModeration.scope_id == scope_id,
        )
    )
    if existing is not None:
        return existing
    row = PreModeration(scope_type=scope_type, scope_id=scope_id, created_by_id=staff.id)
    db.session.add(row)
    db.session.flush()
    audit.record(staff, "moderation.premoderation_on", scope_type, scope_id)
    return row


def switch_off(row: PreModeration, staff) -> None:
    """New content appears at once again; what already waits keeps waiting for a decision."""
    audit.record(staff, "moderation.premoderation_off", row.scope_type, row.scope_id)
    db.session.execute(delete(PreModeration).where(PreModeration.id == row.id))


# Watch words and links ---------------------------------------------------------------------


def watch_words() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {locale: [] for locale in LOCALES}
    for row in db.session.scalars(select(WatchWord).order_by(WatchWord.word)):
        found.setdefault(row.locale, []).append(row.word)
    return found


def replace_watch_words(locale: str, words: list[str], staff) -> None:
    """The list of one language as staff typed it: one word or phrase per line."""
    cleaned = sorted({w.strip().casefold() for w in words if w.strip()})
    before = watch_words().get(locale, [])
    if cleaned == before:
        return
    db.session.execute(delete(WatchWord).where(WatchWord.locale == locale))
    db.session.add_all(WatchWord(locale=locale, word=word[:100]) for word in cleaned)
    db.session.flush()
    audit.record(
        staff,
        "moderation.watch_words",
        "moderation_watch_word",
        None,
        reason=locale,
        before={"words": before},
        after={"words": cleaned},
    )


def findings(text: str) -> str:
    """What the automated checks found in `text`, stored on the case in no language
    ("words:a,b;links:5"; `describe` puts it into the moderator's); empty: nothing."""
    folded = (text or "").casefold()
    found = []
    words = [w for listed in watch_words().values() for w in listed]
    hits = sorted({w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded)})
    if hits:
        found.append("words:" + ",".join(hits))
    links = len(_LINK.findall(text or ""))
    if links > current_settings().moderation_max_links:
        found.append(f"links:{links}")
    return ";".join(found)[:200]


def describe(flag_reason: str | None) -> str:
    """The stored findings, for the moderator reading them."""
    parts = []
    for part in (flag_reason or "").split(";"):
        code, _sep, detail = part.partition(":")
        if code == "words":
            parts.append(_("watch words: %(words)s", words=detail.replace(",", ", ")))
        elif code == "links":
            parts.append(_("%(num)s links", num=detail))
        elif part:
            parts.append(part)
    return "; ".join(parts)


# New content -------------------------------------------------------------------------------


def on_content_created(event: Event) -> None:
    """A case for what waits for approval, and for what the automated checks flag."""
    obj = content.load(event.subject_type or "", event.subject_id or 0)
    if obj is None:
        return
    if obj.visibility == Visibility.PENDING.value:
        services.open_case(event.subject_type, obj.id, CaseOrigin.PRE_MODERATION)
        return
    if event.subject_type in NOT_SCREENED or not obj.is_visible:
        return
    if services.open_case_of(event.subject_type, obj.id) is not None:
        return  # already waiting for a moderator
    found = findings(content.all_text(obj))
    if found:
        case = services.open_case(event.subject_type, obj.id, CaseOrigin.AUTOMATED)
        case.flag_reason = found
        audit.record(None, "moderation.flagged", event.subject_type, obj.id, reason=case.flag_reason)
