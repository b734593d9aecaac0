"""Reads for the staff's fraud overview of a petition: who signed how fast, from where.

Every figure is one grouped query over the petition's signatures (the indexes on
(petition, ip_hash) and (petition, email_domain) serve them), never one query per row. The IP
itself is never stored: a range is a keyed hash of the network (/24, /64), shown by the first
characters of the hash.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import case, func, select

from participation.extensions import db
from participation.petitions.models import Signature

LABEL_CHARS = 10  # of the IP hash, as a range's name
TOP_ROWS = 25
UNUSUAL_FACTOR = 3  # a group with more than three times the median ...
UNUSUAL_MIN = 5  # ... and at least this many signatures is highlighted


def _hour(column):
    """The hour a time falls in: PostgreSQL truncates, SQLite formats (parsed by `as_hour`)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d %H:00:00", column)
    return func.date_trunc("hour", func.timezone("UTC", column))  # UTC hours, whatever the session's zone


def as_hour(value) -> datetime:
    """The hour as an aware UTC datetime, from either database's form of it."""
    hour = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return hour.replace(tzinfo=UTC) if hour.tzinfo is None else hour.astimezone(UTC)


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def status_counts(petition_id: int):
    """One row: counted, pending (not yet confirmed), held, invalidated. Each signature is in
    exactly one of them (an invalidated one only there, a held one only there)."""
    invalid = Signature.invalidated_at.is_not(None)
    valid = Signature.invalidated_at.is_(None)
    held = valid & Signature.held.is_(True)
    pending = valid & Signature.held.is_(False) & Signature.confirmed_at.is_(None)
    counted = valid & Signature.held.is_(False) & Signature.confirmed_at.is_not(None)
    return select(
        _sum(counted).label("counted"), _sum(pending).label("pending"),
        _sum(held).label("held"), _sum(invalid).label("invalidated"),
    ).where(Signature.petition_id == petition_id)


def _window(petition_id: int, since: datetime | None) -> list:
    conditions = [Signature.petition_id == petition_id, Signature.invalidated_at.is_(None)]
    if since is not None:
        conditions.append(Signature.created_at >= since)
    return conditions


def per_hour(petition_id: int, since: datetime | None):
    """(hour, signatures) of the window, newest first; invalidated ones left out."""
    hour = _hour(Signature.created_at)
    return (select(hour.label("hour"), func.count().label("signatures"))
            .where(*_window(petition_id, since)).group_by(hour).order_by(hour.desc()))


def per_group_and_hour(petition_id: int, since: datetime | None, column):
    """(group, hour, signatures, held) for `column` (ip_hash or email_domain)."""
    hour = _hour(Signature.created_at)
    return (select(column.label("group"), hour.label("hour"), func.count().label("signatures"),
                   _sum(Signature.held.is_(True)).label("held"))
            .where(*_window(petition_id, since), column.is_not(None))
            .group_by(column, hour))


def held_signatures(petition_id: int, limit: int = 200):
    return (select(Signature)
            .where(Signature.petition_id == petition_id, Signature.held.is_(True),
                   Signature.invalidated_at.is_(None))
            .order_by(Signature.created_at.desc(), Signature.id.desc()).limit(limit))


def held_reasons(petition_id: int):
    """(reason, signatures) of the held ones."""
    return (select(Signature.held_reason, func.count())
            .where(Signature.petition_id == petition_id, Signature.held.is_(True),
                   Signature.invalidated_at.is_(None))
            .group_by(Signature.held_reason).order_by(Signature.held_reason))


@dataclass
class Group:
    key: str  # the domain, or the whole IP hash (for the invalidation form)
    label: str
    signatures: int = 0
    held: int = 0
    peak: int = 0  # the most in one hour
    peak_hour: datetime | None = None
    unusual: bool = False
    common: bool = False  # a big mail provider: many signatures are normal there


def groups(rows, *, label=lambda key: key, common: frozenset[str] = frozenset()) -> list[Group]:
    """Sum the (group, hour, signatures, held) rows per group, most first, the unusual ones
    marked: more than UNUSUAL_FACTOR × the median and at least UNUSUAL_MIN (big mail
    providers are never marked); the TOP_ROWS largest are returned."""
    by_key: dict[str, Group] = {}
    for key, hour, signatures, held in rows:
        group = by_key.setdefault(key, Group(key, label(key), common=key in common))
        group.signatures += int(signatures)
        group.held += int(held)
        if int(signatures) > group.peak:
            group.peak, group.peak_hour = int(signatures), as_hour(hour)
    ordered = sorted(by_key.values(), key=lambda group: (-group.signatures, group.key))
    if ordered:
        median = statistics.median(group.signatures for group in ordered)
        for group in ordered:
            group.unusual = (not group.common and group.signatures >= UNUSUAL_MIN
                             and group.signatures > UNUSUAL_FACTOR * median)
    return ordered[:TOP_ROWS]


def ip_label(ip_hash: str) -> str:
    return ip_hash[:LABEL_CHARS]


@dataclass(frozen=True)
class Overview:
    counted: int
    pending: int
    held: int
    invalidated: int
    hours: list[tuple[datetime, int]]
    ip_ranges: list[Group]
    domains: list[Group]
    held_reasons: list[tuple[str | None, int]]
    held_signatures: list[Signature]


def overview(petition_id: int, since: datetime | None, common_domains: frozenset[str]) -> Overview:
    counted, pending, held, invalidated = db.session.execute(status_counts(petition_id)).one()
    return Overview(
        int(counted), int(pending), int(held), int(invalidated),
        hours=[(as_hour(hour), int(n)) for hour, n in db.session.execute(per_hour(petition_id, since))],
        ip_ranges=groups(db.session.execute(per_group_and_hour(petition_id, since, Signature.ip_hash)),
                         label=ip_label),
        domains=groups(db.session.execute(per_group_and_hour(petition_id, since, Signature.email_domain)),
                       common=common_domains),
        held_reasons=[(reason, int(n)) for reason, n in db.session.execute(held_reasons(petition_id))],
        held_signatures=list(db.session.scalars(held_signatures(petition_id))),
    )
