"""What the accounts package keeps about a person, for the data export."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.accounts import sessions
from participation.accounts.models import NOTIFICATION_MAIL_LABELS, NotificationMail
from participation.core import personal_data
from participation.core.access import ROLE_LABELS, Role
from participation.core.audit import AuditEntry
from participation.core.locale import LOCALES
from participation.extensions import db

LABELS = {
    "email": _l("Email address"),
    "display_name": _l("Display name"),
    "role": _l("Role"),
    "language": _l("Language"),
    "notification_mail": _l("Mail about notifications"),
    "created_at": _l("Account created"),
    "email_confirmed_at": _l("Email address confirmed"),
    "terms_accepted_at": _l("Terms of use accepted"),
    "role_changes": _l("Changes of your role"),
    "at": _l("When"),
    "old_role": _l("Before"),
    "new_role": _l("After"),
    "sign_ins": _l("Where you are signed in"),
    "browser": _l("Browser"),
    "signed_in_at": _l("Signed in"),
    "ends_at": _l("Ends at the latest"),
}


def _role(value: str):
    try:
        return ROLE_LABELS[Role(value)]
    except ValueError:
        return value


def _role_changes(user) -> list[AuditEntry]:
    query = AuditEntry.newest_first().where(
        AuditEntry.action == "role.changed", AuditEntry.object_type == "user", AuditEntry.object_id == user.id
    )
    return list(reversed(db.session.scalars(query).all()))


def _export_account(user) -> dict:
    try:
        notification_mail = NOTIFICATION_MAIL_LABELS[NotificationMail(user.notification_mail)]
    except ValueError:
        notification_mail = user.notification_mail
    return {
        "email": user.email,
        "display_name": user.display_name,
        "role": _role(user.role),
        "language": LOCALES.get(user.locale or "", _l("Language of my browser")),
        "notification_mail": notification_mail,
        "created_at": user.created_at,
        "email_confirmed_at": user.email_confirmed_at,
        "terms_accepted_at": user.terms_accepted_at,
        "role_changes": [
            {
                "at": change.created_at,
                "old_role": _role((change.before or {}).get("role", "")),
                "new_role": _role((change.after or {}).get("role", "")),
            }
            for change in _role_changes(user)
        ],
        "sign_ins": [
            {"browser": row.label or _l("Unknown browser"), "signed_in_at": row.created_at,
             "ends_at": row.expires_at}
            for row in sessions.of_user(user)
        ],
    }


def register() -> None:
    """What the data export and the account deletion take from this feature (called by init_app)."""
    personal_data.register_exporter(
        "account", _export_account, title=_l("Your account"), labels=LABELS, position=0
    )
