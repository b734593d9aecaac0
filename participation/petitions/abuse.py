"""Signals against mass signing: where a signature came from, and whether it is held.

A signature keeps only a keyed hash of its IP *network* (IPv4 /24, IPv6 /64: one household,
office or mobile cell, not one device), never the address itself; the key is the app's
SECRET_KEY, so the hash cannot be reversed by trying the four billion IPv4 addresses without
it. The domain of the mail address is kept as well. Staff see both per hour (fraud views).

More than PETITION_SIGNATURES_PER_IP_HOUR new signatures on one petition within an hour from
one network, or more than PETITION_SIGNATURES_PER_DOMAIN_HOUR from one mail domain that is not
a big provider (`common_mail_domains`), and the next one is *held*: written as usual, the
signer sees the normal flow and gets the normal mail, but it counts only once staff release
it. Refusing instead would tell a bot where the limit is, and would turn away a school class
signing from one network. RATELIMIT_ENABLED=false (load tests) switches the checks off.

The check is one statement: a COUNT per dimension, each on its index
(ix_petition_signature_ip, ix_petition_signature_domain). Two signatures arriving at the same
moment may both pass the last free place; a limit that is one or two high under a flood is
fine for a signal that staff review, and costs no lock on the hot path.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, literal, select

from participation.core.districts import district_of_postcode
from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.petitions.identity import stored_address
from participation.petitions.models import Signature

WINDOW = timedelta(hours=1)
HELD_FOR_IP, HELD_FOR_DOMAIN = "ip", "domain"


@dataclass(frozen=True)
class Signals:
    """What signing.sign stores with a new signature besides what the person typed."""

    ip_hash: str | None
    email_domain: str | None
    district: str | None
    held: bool = False
    held_reason: str | None = None

    def as_fields(self) -> dict:
        return {"ip_hash": self.ip_hash, "email_domain": self.email_domain, "district": self.district,
                "held": self.held, "held_reason": self.held_reason}


def network_of(ip: str | None) -> str | None:
    """The /24 (IPv4) or /64 (IPv6) an address belongs to; None for no or no valid address."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # "::ffff:1.2.3.4" from a dual-stack socket is IPv4
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def ip_hash(ip: str | None) -> str | None:
    network = network_of(ip)
    if network is None:
        return None
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"petition-ip:{network}".encode(), hashlib.sha256).hexdigest()


def domain_of(email: str) -> str | None:
    _local, at, domain = stored_address(email).rpartition("@")
    return domain if at and domain else None


def assess(petition_id: int, *, email: str, postcode: str | None, remote_addr: str | None) -> Signals:
    """The signals of a new signature on the petition, and whether it is over a limit."""
    return judge(petition_id, observe(email=email, postcode=postcode, remote_addr=remote_addr))


def observe(*, email: str, postcode: str | None, remote_addr: str | None) -> Signals:
    """What the request knows (no query): the network's hash, the domain, the district. The
    address itself goes no further than this (a signature taken later by the intake, too)."""
    return Signals(ip_hash(remote_addr), domain_of(email), district_of_postcode(postcode))


def judge(petition_id: int, observed: Signals) -> Signals:
    """`observed`, held if its network or domain is over the limit on this petition."""
    hashed, domain, district = observed.ip_hash, observed.email_domain, observed.district
    settings = current_settings()
    if not settings.ratelimit_enabled:
        return Signals(hashed, domain, district)
    since = utcnow() - WINDOW
    check_domain = domain is not None and domain not in settings.common_mail_domains
    if hashed is None and not check_domain:
        return Signals(hashed, domain, district)
    nothing = literal(0)
    from_network = _recent(petition_id, since, Signature.ip_hash == hashed) if hashed else nothing
    from_domain = _recent(petition_id, since, Signature.email_domain == domain) if check_domain else nothing
    by_network, by_domain = db.session.execute(select(from_network, from_domain)).one()
    if by_network >= settings.petition_signatures_per_ip_hour:
        return Signals(hashed, domain, district, held=True, held_reason=HELD_FOR_IP)
    if by_domain >= settings.petition_signatures_per_domain_hour:
        return Signals(hashed, domain, district, held=True, held_reason=HELD_FOR_DOMAIN)
    return Signals(hashed, domain, district)


def _recent(petition_id: int, since, same_source):
    """How many signatures the petition got from one source in the window (a scalar subquery)."""
    return (
        select(func.count())
        .select_from(Signature)
        .where(Signature.petition_id == petition_id, same_source, Signature.created_at >= since)
        .scalar_subquery()
    )
