"""All outgoing mail goes through `send_mail`.

Without MAIL_SERVER every message is written as an .eml file to MAIL_OUTBOX_DIR as soon as
the request's transaction commits (a "mail.written" event, see core.events; a mail sent inside
a SAVEPOINT that is rolled back is dropped with it). With MAIL_SERVER the message is queued in the database
in the same transaction, and `flask mail send` delivers the queue over SMTP: a request
never waits for a mail server, and a rolled-back request sends nothing.
"""

from __future__ import annotations

import smtplib
import uuid
from datetime import datetime
from email.header import Header
from email.headerregistry import HeaderRegistry, UniqueUnstructuredHeader
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import Text, select
from sqlalchemy.orm import Mapped, mapped_column

from participation.core import events
from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.extensions import db

MAX_ATTEMPTS = 5
MAIL_WRITTEN = "mail.written"
EVENTS = {MAIL_WRITTEN: "a mail for the outbox folder; payload: outbox, message"}


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(db.String(320))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


def _encoded(name: str, text: str, policy) -> str:
    return Header(text, "utf-8", maxlinelen=policy.max_line_length, header_name=name).encode(
        linesep=policy.linesep
    )


class _SubjectHeader(UniqueUnstructuredHeader):
    """Non-ASCII text folded by `email.header.Header`, which puts the spaces inside the encoded words.

    The standard library's folder (3.11) can drop the space where it breaks the line between two
    encoded words ("...R3LDvG4=?=\\n =?utf-8?b?ZsO8ciBQbMOk...": "Grün" / "für"), and RFC 2047
    tells readers to ignore whitespace between encoded words anyway: mail programs showed
    "Grünfür". Address headers fold correctly and keep the standard folder.
    """

    def fold(self, *, policy):
        value = str(self)
        if value.isascii():
            return super().fold(policy=policy)
        return f"{self.name}: {_encoded(self.name, value, policy)}{policy.linesep}"


_headers = HeaderRegistry()
_headers.map_to_type("subject", _SubjectHeader)
MAIL_POLICY = default_policy.clone(header_factory=_headers)


def build_message(to: str, subject: str, body: str, headers: dict[str, str] | None = None):
    settings = current_settings()
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = settings.mail_default_sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="participation.invalid")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    message = build_message(to, subject, body, headers)
    if current_settings().mail_server:
        db.session.add(OutgoingMail(recipient=to, message=message.as_string()))
    else:
        # the transaction's commit or rollback decides whether it is written
        events.emit(MAIL_WRITTEN, outbox=Path(current_settings().mail_outbox_dir), message=message)


def _write_outbox_file(written: events.Event) -> None:
    outbox: Path = written["outbox"]
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    (outbox / name).write_bytes(bytes(written["message"]))


def init_app(app) -> None:
    events.declare_all(EVENTS)
    events.subscribe(MAIL_WRITTEN, _write_outbox_file)


def deliver_queue(limit: int = 100) -> int:
    """Send queued messages over SMTP; returns how many went out."""
    settings = current_settings()
    query = (
        select(OutgoingMail)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
        .order_by(OutgoingMail.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    batch = db.session.scalars(query).all()
    if not batch:
        return 0
    sent = 0
    smtp = smtplib.SMTP(settings.mail_server, settings.mail_port, timeout=30)
    try:
        if settings.mail_use_tls:
            smtp.starttls()
        if settings.mail_username:
            smtp.login(settings.mail_username, settings.mail_password or "")
        for mail in batch:
            mail.attempts += 1
            try:
                smtp.sendmail(
                    _sender_address(settings.mail_default_sender), [mail.recipient], mail.message.encode()
                )
            except smtplib.SMTPException as error:
                mail.last_error = str(error)
                current_app.logger.warning("mail %s not sent: %s", mail.id, error)
            else:
                mail.sent_at = utcnow()
                sent += 1
    finally:
        smtp.quit()
        db.session.commit()
    return sent


def _sender_address(sender: str) -> str:
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()
