"""One audit log: who did what to which object, when, why, and what it was before and after.

`record()` adds the entry to the current transaction, so it is committed with the action or
not at all. Entries are append-only: no code path updates or deletes one, and on PostgreSQL a
trigger refuses UPDATE and DELETE on the table. There is no copy of the actor's name: the
entry points to the account, which shows "deleted user" once erased, so erasing an account
never has to change an entry.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DDL, JSON, ForeignKey, Index, String, Text, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.models import utcnow
from participation.extensions import db

# What the admin page calls each action; an action not listed shows its code.
ACTION_LABELS = {
    "role.changed": _l("Role changed"),
    "account.deleted": _l("Account deleted"),
    "audit.exported": _l("Audit log exported"),
    "consultation.created": _l("Consultation created"),
    "consultation.updated": _l("Consultation edited"),
    "consultation.state_changed": _l("Consultation state changed"),
    "consultation.exported": _l("Ideas exported"),
    "category.added": _l("Category added"),
    "category.deleted": _l("Category removed"),
    "layer.added": _l("Map layer added"),
    "layer.changed": _l("Map layer edited"),
    "layer.deleted": _l("Map layer removed"),
    "idea.answered": _l("Idea answered"),
    "project.created": _l("Project created"),
    "project.updated": _l("Project edited"),
    "project.update_added": _l("Project update posted"),
    "project.image_added": _l("Project image added"),
    "project.image_deleted": _l("Project image removed"),
    "petition.approved": _l("Petition approved"),
    "petition.rejected": _l("Petition rejected"),
    "petition.answered": _l("Council response to a petition published"),
    "petition.paper_list_recorded": _l("Paper signatures recorded"),
    "petition.paper_list_removed": _l("Paper signatures removed"),
    "petition.signatures_invalidated": _l("Signatures invalidated"),
    "petition.held_released": _l("Held signatures released"),
    "petition.signatures_exported": _l("Signatures exported"),
    "api_token.created": _l("Personal API token created"),
    "api_token.revoked": _l("Personal API token revoked"),
    "council.live.state": _l("Council session: state changed"),
    "council.live.current_item": _l("Council session: agenda item taken up"),
    "council.live.ticker": _l("Council session: ticker entry published"),
    "council.live.vote": _l("Council session: vote recorded"),
    "council.live.media": _l("Council session: stream or recording changed"),
    "council.meeting.created": _l("Council meeting created"),
    "council.meeting.updated": _l("Council meeting edited"),
    "council.meeting.deleted": _l("Council meeting deleted"),
    "council.agenda_item.created": _l("Agenda item added"),
    "council.agenda_item.updated": _l("Agenda item edited"),
    "council.agenda_item.moved": _l("Agenda item moved"),
    "council.agenda_item.deleted": _l("Agenda item deleted"),
    "council.paper.created": _l("Council paper created"),
    "council.paper.updated": _l("Council paper edited"),
    "council.paper.deleted": _l("Council paper deleted"),
    "council.person.created": _l("Council member created"),
    "council.person.updated": _l("Council member edited"),
    "council.person.deleted": _l("Council member deleted"),
    "council.organization.created": _l("Committee or group created"),
    "council.organization.updated": _l("Committee or group edited"),
    "council.organization.deleted": _l("Committee or group deleted"),
    "council.membership.created": _l("Membership added"),
    "council.membership.updated": _l("Membership edited"),
    "council.membership.deleted": _l("Membership deleted"),
    "council.file.attached": _l("Council document added"),
    "council.file.updated": _l("Council document edited"),
    "council.file.deleted": _l("Council document deleted"),
    "council.body.created": _l("Council body created"),
    "council.import.requested": _l("OParl import started"),
    "council.import.finished": _l("OParl import finished"),
    "council.import.failed": _l("OParl import failed"),
    "feedback.handled": _l("Accessibility feedback handled"),
    "feedback.reopened": _l("Accessibility feedback reopened"),
}

# The same statements are in the migration that creates the table (b7e1a2c30003); DDL
# formats with %, so the message's placeholder for the operation is written %%.
REFUSE_CHANGES_FUNCTION = DDL(
    "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_entry is append-only: %% refused', TG_OP; END; "
    "$$ LANGUAGE plpgsql"
)
REFUSE_CHANGES_TRIGGER = DDL(
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
)


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Accounts are erased in place, never deleted (accounts.services.delete_account), so a
    # plain foreign key never has to be set to NULL on an existing entry.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")

    @property
    def action_label(self) -> str:
        label = ACTION_LABELS.get(self.action)
        return str(label) if label is not None else self.action

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field in either snapshot."""
        before, after = self.before or {}, self.after or {}
        return [(key, before.get(key), after.get(key)) for key in sorted({*before, *after})]

    @classmethod
    def newest_first(cls):
        return select(cls).order_by(cls.created_at.desc(), cls.id.desc())


event.listen(
    AuditEntry.__table__, "after_create", REFUSE_CHANGES_FUNCTION.execute_if(dialect="postgresql")
)
event.listen(
    AuditEntry.__table__, "after_create", REFUSE_CHANGES_TRIGGER.execute_if(dialect="postgresql")
)


def _refuse_change(mapper, connection, entry) -> None:
    raise RuntimeError(f"audit entry {entry.id} is append-only: it cannot be changed or deleted")


# The same refusal in the application, on every database: the ORM never writes a change.
event.listen(AuditEntry, "before_update", _refuse_change)
event.listen(AuditEntry, "before_delete", _refuse_change)


def record(
    actor,
    action: str,
    obj_type: str,
    obj_id: int | None,
    reason: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Add one entry to the current transaction. `actor` is a User or None (the command line)."""
    entry = AuditEntry(
        action=action,
        object_type=obj_type,
        object_id=obj_id,
        reason=reason,
        before=before,
        after=after,
    )
    if actor is not None:
        entry.actor = actor
    db.session.add(entry)
    return entry


def changes(old: dict, new: dict, fields, texts=()) -> tuple[dict, dict]:
    """(before, after) of the `fields` that differ between two snapshots of an object; of the
    long `texts` only that they changed ("<field>_changed": True), so entries stay small."""
    before, after = {}, {}
    for field in fields:
        if old.get(field) != new[field]:
            if field in old:
                before[field] = old[field]
            after[field] = new[field]
    for field in texts:
        if (old.get(field) or "") != (new[field] or ""):
            after[f"{field}_changed"] = True
    return before, after
