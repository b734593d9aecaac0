"""Events after commit: services announce what happened, subscribers act once it is committed.

A service calls `emit("idea.answered", actor=staff, subject=idea, status="done")` inside the
request's transaction. The event waits on the session; when the session's outermost
transaction commits, every subscriber of that kind runs, in the order they subscribed. A
rolled-back transaction drops its events, and so does a rolled-back SAVEPOINT
(`begin_nested()`) for the events emitted inside it. In the test suite the session's
outermost transaction is itself a SAVEPOINT of the test's connection: the session sees it
as its own transaction and commits it, so tests and production behave alike.

The feature that owns a kind declares it (`declare("idea.answered", "...")`); emitting an
undeclared kind raises, so a typo fails in the tests instead of reaching nobody.

Every event has a unique `id` from the moment it is emitted. Work that may run more than once
(a job that is retried or delivered twice, see core/jobs.py) records it, so that doing it again
changes nothing. `to_data()` and `Event.from_data()` carry an event as plain JSON data.

Subscribers get the `Event` (ids, not ORM objects: those are expired after the commit) and
run after the commit in a new transaction of the same session. The dispatcher commits what
a subscriber wrote; a subscriber that raises is logged with its traceback, its writes are
rolled back, and the other subscribers still run. Events emitted by subscribers are
dispatched when the dispatcher commits their work.

A transaction that emits nothing costs nothing: no query, only a dictionary look-up.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction

from participation.extensions import db

logger = logging.getLogger(__name__)

_PENDING = "participation_events_pending"  # [(Event, SessionTransaction it was emitted in)]
_READY = "participation_events_ready"  # committed, waiting for the transaction to end

KINDS: dict[str, str] = {}  # kind -> what it means
_subscribers: dict[str, list[Callable[[Event], Any]]] = {}


class UndeclaredEvent(LookupError):
    """`emit` was called with a kind no feature declared."""


@dataclass(frozen=True)
class Event:
    kind: str
    actor_id: int | None
    subject_type: str | None
    subject_id: int | None
    payload: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __getitem__(self, key: str) -> Any:
        return self.payload[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.payload.get(key, default)

    def to_data(self) -> dict[str, Any]:
        """The event as JSON-able data (its payload must be JSON-able itself)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "actor_id": self.actor_id,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "payload": dict(self.payload),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Event:
        return cls(
            kind=data["kind"],
            actor_id=data.get("actor_id"),
            subject_type=data.get("subject_type"),
            subject_id=data.get("subject_id"),
            payload=dict(data.get("payload") or {}),
            id=data["id"],
        )


def declare(kind: str, description: str = "") -> str:
    """The owning feature says this kind exists; declaring it again is harmless."""
    KINDS[kind] = description
    return kind


def declare_all(kinds: dict[str, str]) -> None:
    """A feature's `init_app` declares the kinds it owns: {kind: what it means}."""
    for kind, description in kinds.items():
        declare(kind, description)


def subscribe(kind: str, subscriber: Callable[[Event], Any]) -> None:
    """Run `subscriber(event)` after each committed event of `kind` (once, however often called)."""
    if kind not in KINDS:
        raise UndeclaredEvent(kind)
    listeners = _subscribers.setdefault(kind, [])
    if subscriber not in listeners:
        listeners.append(subscriber)


def unsubscribe(kind: str, subscriber: Callable[[Event], Any]) -> None:
    listeners = _subscribers.get(kind, [])
    if subscriber in listeners:
        listeners.remove(subscriber)


def subscribers(kind: str) -> list[Callable[[Event], Any]]:
    return list(_subscribers.get(kind, ()))


def _key(obj) -> tuple[str | None, int | None]:
    if obj is None:
        return None, None
    if isinstance(obj, tuple):
        return obj
    return getattr(obj, "__tablename__", type(obj).__name__.lower()), obj.id


def emit(kind: str, *, actor=None, subject=None, **payload: Any) -> Event:
    """Announce `kind` about `subject` (a model instance or a (type, id) pair), done by `actor`."""
    if kind not in KINDS:
        raise UndeclaredEvent(kind)
    subject_type, subject_id = _key(subject)
    announced = Event(
        kind=kind,
        actor_id=getattr(actor, "id", None),
        subject_type=subject_type,
        subject_id=subject_id,
        payload=payload,
    )
    session = db.session()
    if session.get_transaction() is None:
        session.begin()  # no SQL yet: the connection is only taken when a statement runs
    innermost = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((announced, innermost))
    return announced


def _inside(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@sa_event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [
            (announced, where) for announced, where in pending if not _inside(where, previous_transaction)
        ]


@sa_event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    # Also called when a SAVEPOINT is released; only the outermost transaction counts.
    if session.in_nested_transaction() or not session.info.get(_PENDING):
        return
    session.info.setdefault(_READY, []).extend(announced for announced, _ in session.info.pop(_PENDING))


@sa_event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)  # whatever was not committed (rollback, close) is gone
    ready = session.info.pop(_READY, None)
    if ready:
        # The committed transaction is closed: the session can start a new one for subscribers.
        dispatch(session, ready)


def dispatch(session: Session, announced_events: list[Event]) -> None:
    for announced in announced_events:
        for subscriber in subscribers(announced.kind):
            try:
                subscriber(announced)
                session.commit()
            except Exception:
                logger.exception("subscriber %r failed on %s", subscriber, announced)
                session.rollback()
