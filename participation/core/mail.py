"""All outgoing mail goes through `send_mail`.

Without MAIL_SERVER every message is written as an .eml file to MAIL_OUTBOX_DIR as soon as
the request's transaction commits (a "mail.written" event, see core.events; a mail sent inside
a SAVEPOINT that is rolled back is dropped with it). That stays in the request: it is one
local file write, and the message object need not become JSON.

With MAIL_SERVER the message is queued in `outgoing_mail` in the same transaction and
announced ("mail.queued"), so a job (core/jobs.py) delivers it right after the commit: a
request never waits for a mail server, and a rolled-back request sends nothing. `send_mails`
queues many at once, in one INSERT, for one job that sends them over one SMTP connection (a
fan-out to many people). `flask mail send` delivers whatever is left.

`queue_composed` is for the hot paths (hundreds of petition signatures a second): the request
stores only the recipient, a composer's name and its parameters (JSON), and the delivery
writes the message (`register_composer`), once: it is kept on the row before it is sent, so a
retry sends the same text. Building a MIME message and rendering its template cost more than
the whole rest of such a request; done by the job, they leave the web workers free. Without
MAIL_SERVER the message is composed at once and written to the outbox as any other.

A mail is sent at most once however many jobs and `flask mail send` runs reach it: a delivery
first claims the row in one committed UPDATE (unsent, not given up, and not claimed, or claimed
longer ago than CLAIM_TIMEOUT by a worker that died), which also counts the attempt, and marks
it sent, or releases it with the error, right after the SMTP server answered. Both updates only
touch the row while it is still this attempt's claim. After MAX_ATTEMPTS it stays unsent,
with its last error. The one gap left is a worker that dies between the server's answer and
the mark: after CLAIM_TIMEOUT that mail goes out again (better twice than never).
"""

from __future__ import annotations

import contextlib
import smtplib
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from email.header import Header
from email.headerregistry import HeaderRegistry, UniqueUnstructuredHeader
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import JSON, String, Text, insert, or_, select, text, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Session, mapped_column

from participation.core import events, jobs
from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.extensions import db

MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = timedelta(minutes=10)  # far longer than an SMTP exchange (its timeout is 30 s)
MAIL_WRITTEN = "mail.written"
MAIL_QUEUED = "mail.queued"
EVENTS = {
    MAIL_WRITTEN: "a mail for the outbox folder; payload: outbox, message",
    MAIL_QUEUED: "mails wait in outgoing_mail; payload: mail_ids",
}


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(db.String(320))
    message: Mapped[str | None] = mapped_column(Text)  # None until a composed mail is written
    composer: Mapped[str | None] = mapped_column(String(80))  # queue_composed's mails
    params: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None]  # a delivery is under way since then


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
    send_mails([(to, subject, body, headers)])


def send_mails(mails: Iterable[tuple[str, str, str, dict[str, str] | None]]) -> None:
    """Several mails (to, subject, body, headers) at once: one INSERT, one delivery job."""
    messages = [(to, build_message(to, subject, body, headers)) for to, subject, body, headers in mails]
    if not messages:
        return
    settings = current_settings()
    if not settings.mail_server:
        for _to, message in messages:  # the transaction's commit or rollback decides whether it is written
            events.emit(MAIL_WRITTEN, outbox=Path(settings.mail_outbox_dir), message=message)
        return
    now = utcnow()
    mail_ids = db.session.scalars(
        insert(OutgoingMail).returning(OutgoingMail.id),
        [{"recipient": to, "message": message.as_string(), "created_at": now} for to, message in messages],
    ).all()
    events.emit(MAIL_QUEUED, mail_ids=sorted(mail_ids))


# A composer turns its parameters into (subject, body); it runs in an app context, in the
# request (no MAIL_SERVER) or in the delivering job, and chooses its language itself.
Composer = Callable[[dict], tuple[str, str]]
_composers: dict[str, Composer] = {}
_COMPOSED_IDS = "participation.mail.composed_ids"  # in Session.info until the commit
# On the table, not the entity: a Core statement, compiled once, without the ORM's bulk-insert
# machinery around it (the hot path pays only for its parameters).
_INSERT_COMPOSED = insert(OutgoingMail.__table__).returning(OutgoingMail.__table__.c.id)


class UnknownComposer(KeyError):
    """A mail names a composer nobody registered."""


def register_composer(name: str, compose: Composer) -> None:
    _composers[name] = compose


def queue_composed(to: str, composer: str, params: dict) -> None:
    """A mail that `composer` writes from `params` when it is delivered (see the module)."""
    if composer not in _composers:
        raise UnknownComposer(composer)
    if not current_settings().mail_server:
        send_mail(to, *_composers[composer](params))
        return
    mail_id = db.session.execute(
        _INSERT_COMPOSED, {"recipient": to, "composer": composer, "params": params, "created_at": utcnow()}
    ).scalar_one()
    # Announced together at the commit: a batch of the signing intake is one delivery job
    # over one SMTP connection, not one job per mail.
    db.session.info.setdefault(_COMPOSED_IDS, []).append(mail_id)


@sa_event.listens_for(Session, "before_commit")
def _announce_composed(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: its mails wait for the real commit
        return
    mail_ids = session.info.pop(_COMPOSED_IDS, None)
    if mail_ids:  # ids of a rolled-back SAVEPOINT's mails are skipped by the delivery: no such row
        events.emit(MAIL_QUEUED, mail_ids=sorted(mail_ids))


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_composed(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction ended without a commit: nothing to announce
        session.info.pop(_COMPOSED_IDS, None)


def _composed(claimed) -> str:
    """The text of a claimed composed mail, written now (the claim's transaction stores it)."""
    compose = _composers.get(claimed.composer or "")
    if compose is None:
        raise UnknownComposer(claimed.composer)
    return build_message(claimed.recipient, *compose(claimed.params or {})).as_string()


def _write_outbox_file(written: events.Event) -> None:
    outbox: Path = written["outbox"]
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    (outbox / name).write_bytes(bytes(written["message"]))


def init_app(app) -> None:
    events.declare_all(EVENTS)
    events.subscribe(MAIL_WRITTEN, _write_outbox_file)
    jobs.subscribe(MAIL_QUEUED, deliver_queued)


def deliver_queued(queued: events.Event) -> None:
    """The job that follows queued mails. If one may still go out on a later try (a failed
    attempt, an unreachable server), it raises, so the job is retried; sent ones are skipped."""
    _sent, again = _deliver_all(queued["mail_ids"])
    if again:
        raise MailNotSent(f"mails {queued['mail_ids']} are not all sent yet")


class MailNotSent(Exception):
    """This attempt failed and another may follow (the error is on the row)."""


SENT, FAILED, GIVEN_UP, SKIPPED = "sent", "failed", "given up", "skipped"
# the server refused this one mail; the connection still serves the others
MAIL_REFUSED = smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPDataError


def _deliverable(now: datetime):
    return (
        OutgoingMail.sent_at.is_(None),
        OutgoingMail.attempts < MAX_ATTEMPTS,
        or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - CLAIM_TIMEOUT),
    )


def deliver_queue(limit: int = 100) -> int:
    """Send queued messages over one SMTP connection; returns how many went out."""
    ids = db.session.scalars(
        select(OutgoingMail.id).where(*_deliverable(utcnow())).order_by(OutgoingMail.id).limit(limit)
    ).all()
    db.session.commit()
    return _deliver_all(ids)[0]


def _deliver_all(mail_ids: list[int]) -> tuple[int, bool]:
    """Deliver over one connection: how many went out, and whether some may on another try."""
    sent, again = 0, False
    connection = _Connection()
    try:
        for done, mail_id in enumerate(mail_ids, start=1):
            outcome = _deliver(mail_id, connection)
            sent += outcome == SENT
            again = again or outcome == FAILED
            if connection.broken:  # the server is away: the rest waits for the next try
                return sent, again or done < len(mail_ids)
    finally:
        connection.close()
    return sent, again


def _deliver(mail_id: int, connection: _Connection) -> str:
    """One delivery attempt: SENT; FAILED (released with its error, another attempt may follow)
    or GIVEN_UP (that was the last); SKIPPED when it is sent, given up, or another's claim.
    A composed mail gets its text in the claim's transaction, so a retry sends the same."""
    _without_waiting_for_the_disk()
    claimed = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, *_deliverable(utcnow()))
        .values(claimed_at=utcnow(), attempts=OutgoingMail.attempts + 1)
        .returning(OutgoingMail.attempts, OutgoingMail.recipient, OutgoingMail.message, OutgoingMail.composer,
                   OutgoingMail.params)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if claimed is None:
        db.session.commit()
        return SKIPPED
    attempt, message = claimed.attempts, claimed.message
    if message is None:
        try:
            message = _composed(claimed)
        except Exception as error:  # noqa: BLE001 - a composer's fault is this mail's failed attempt
            return _failed_to_compose(mail_id, error)
        db.session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id).values(message=message)
                           .execution_options(synchronize_session=False))
    db.session.commit()  # the claim must be visible to every other worker before we send
    settings = current_settings()
    try:
        connection.open().sendmail(_sender_address(settings.mail_default_sender), [claimed.recipient],
                                   message.encode())
    except OSError as error:  # smtplib.SMTPException is one too
        if not isinstance(error, MAIL_REFUSED):
            connection.broken = True  # not this mail's fault: the rest of a batch waits
        _release(mail_id, attempt, last_error=str(error) or repr(error))
        current_app.logger.warning(
            "mail %s not sent (attempt %d of %d): %s", mail_id, attempt, MAX_ATTEMPTS, error
        )
        return FAILED if attempt < MAX_ATTEMPTS else GIVEN_UP
    _release(mail_id, attempt, sent_at=utcnow(), last_error=None)
    return SENT


def _failed_to_compose(mail_id: int, error: Exception) -> str:
    """The claim is rolled back with whatever the composer broke; the attempt is counted anew."""
    db.session.rollback()
    attempt = db.session.execute(
        update(OutgoingMail).where(OutgoingMail.id == mail_id, *_deliverable(utcnow()))
        .values(attempts=OutgoingMail.attempts + 1, last_error=f"composing failed: {error!r}")
        .returning(OutgoingMail.attempts).execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    db.session.commit()
    current_app.logger.error("mail %s not composed (attempt %s of %d): %r", mail_id, attempt, MAX_ATTEMPTS,
                             error)
    if attempt is None:
        return SKIPPED
    return FAILED if attempt < MAX_ATTEMPTS else GIVEN_UP


def _without_waiting_for_the_disk() -> None:
    """This transaction's commit returns before PostgreSQL has flushed it to disk: a delivery
    commits twice per mail, and waiting for each flush held it to a few dozen mails a
    second. What is committed is visible to every other worker at once (the claim still
    works); a database crash may lose the last fraction of a second of bookkeeping, and
    those mails then go out again, the gap this module accepts anyway (better twice than
    never). SQLite commits as it always does."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def _release(mail_id: int, attempt: int, **values) -> None:
    # Only while it is still this attempt's claim: after CLAIM_TIMEOUT another may hold it.
    _without_waiting_for_the_disk()
    db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.attempts == attempt)
        .values(claimed_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


class _Connection:
    """One SMTP connection, opened for the first mail that needs it."""

    def __init__(self):
        self.smtp: smtplib.SMTP | None = None
        self.broken = False

    def open(self) -> smtplib.SMTP:
        if self.smtp is None:
            settings = current_settings()
            try:
                self.smtp = smtplib.SMTP(settings.mail_server, settings.mail_port, timeout=30)
                if settings.mail_use_tls:
                    self.smtp.starttls()
                if settings.mail_username:
                    self.smtp.login(settings.mail_username, settings.mail_password or "")
            except OSError:
                self.broken = True
                self.close()
                raise
        return self.smtp

    def close(self) -> None:
        if self.smtp is not None:
            # the mails are marked already: a connection that ends badly changes nothing
            with contextlib.suppress(OSError):
                self.smtp.quit()
            self.smtp = None


def _sender_address(sender: str) -> str:
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()
