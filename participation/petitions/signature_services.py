"""What staff do to a petition's signatures: paper lists, invalidation, releasing held ones.

Services flush; the view commits. Each action goes to the audit log in the same transaction
and announces COUNT_CHANGED, so the live count and the milestones follow at once (after the
commit). Counts are never stored: counts.py derives them from the rows, leaving out
invalidated and held signatures, so an UPDATE of those rows is all a correction takes.

The audit log is append-only and outlives anonymisation: it never gets an email address,
only the signer key (a keyed hash) when staff invalidate one address.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from participation.core import audit, events, uploads
from participation.core.districts import DISTRICTS
from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions.models import PaperList, Petition, PetitionState, Signature
from participation.petitions.signing import COUNT_CHANGED, signer_key

# Lists are collected until the deadline and often handed in after it: recorded while the
# petition is open and while it awaits the council's response (the quorum was reached, the
# lists add to it). A petition closed below the quorum is final, as is an answered one.
RECORDABLE = {PetitionState.OPEN.value, PetitionState.AWAITING_RESPONSE.value}
SCAN_FOLDER = f"{uploads.PRIVATE_FOLDER}/petition-lists"
SCAN_MAX_BYTES = 12 * 1024 * 1024
SCAN_IMAGE_FORMATS = frozenset({"JPEG", "PNG"})
IP_PREFIX_MIN = 8  # the overview shows ten characters of the hash; fewer could match others


class SignatureRuleError(ValueError):
    """A rule refused the change; `field` is the form field the message belongs to, if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message, self.field = message, field

    def put_on(self, form) -> None:
        field = getattr(form, self.field, None) if self.field else None
        if field is None:
            field = form.reason if hasattr(form, "reason") else next(iter(form))
        field.errors = [*field.errors, self.message]


def _count_changed(petition: Petition) -> None:
    events.emit(COUNT_CHANGED, subject=("petition", petition.id), why="paper")


# --- paper lists --------------------------------------------------------------------------------

def _check_counts(petition: Petition, signatures: int, in_municipality: int, districts: dict[str, int],
                  collected_on: date | None) -> None:
    if petition.state not in RECORDABLE:
        raise SignatureRuleError(_l("Paper lists can be recorded while a petition is open or awaits "
                                    "the council's response."))
    if signatures < 1:
        raise SignatureRuleError(_l("A list has at least one signature."), "signatures")
    if not 0 <= in_municipality <= signatures:
        raise SignatureRuleError(_l("This cannot be more than the signatures on the list."),
                                 "in_municipality")
    unknown = set(districts) - set(DISTRICTS)
    if unknown or any(count < 0 for count in districts.values()):
        raise SignatureRuleError(_l("Please give the districts as numbers of zero or more."), "signatures")
    if sum(districts.values()) > in_municipality:
        # Districts are parts of the city: only signers with a Leipzig address are in one.
        raise SignatureRuleError(
            _l("The districts add up to %(sum)d, more than the %(count)d signatures from Leipzig.",
               sum=sum(districts.values()), count=in_municipality), "district_0")
    if collected_on is not None:
        if collected_on > utcnow().date():
            raise SignatureRuleError(_l("This day is still to come."), "collected_on")
        if petition.closed_at is not None and collected_on > petition.closed_at.date():
            raise SignatureRuleError(_l("Lists collected after the petition closed do not count."),
                                     "collected_on")


def store_scan(data: bytes | None) -> str:
    """Keep the scanned list: a PDF as it is (its magic bytes checked), an image re-encoded
    from its pixels (no EXIF: location, camera, author). Returns the storage key."""
    if not data:
        raise SignatureRuleError(_l("Please add the scanned list."), "scan")
    if len(data) > SCAN_MAX_BYTES:
        raise SignatureRuleError(_l("The file is too large. Please use at most %(size)d MB.",
                                    size=SCAN_MAX_BYTES // (1024 * 1024)), "scan")
    if uploads.is_pdf(data):
        key = f"{SCAN_FOLDER}/{secrets.token_hex(12)}.pdf"
        uploads.storage().save(key, data)
        return key
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        try:
            stored = uploads.store_image(data, SCAN_FOLDER, lossless=data.startswith(b"\x89PNG"),
                                         max_side=6000, formats=SCAN_IMAGE_FORMATS)
        except uploads.UploadError as refused:
            raise SignatureRuleError(refused.message, "scan") from refused
        return stored.key
    raise SignatureRuleError(_l("Please upload the scanned list as a PDF, JPEG or PNG file."), "scan")


def record_paper_list(petition: Petition, actor, *, signatures: int, in_municipality: int,
                      districts: dict[str, int], scan: bytes | None, collected_on: date | None,
                      note: str = "") -> PaperList:
    districts = {name: int(count) for name, count in districts.items() if count}
    _check_counts(petition, signatures, in_municipality, districts, collected_on)
    key = store_scan(scan)  # last: a refused form leaves no file behind
    paper_list = PaperList(
        petition_id=petition.id, signatures=signatures, in_municipality=in_municipality,
        districts=districts or None, file_key=key, note=(note or "").strip(),
        collected_on=datetime.combine(collected_on, time(12), tzinfo=UTC) if collected_on else None,
        recorded_by_id=actor.id if actor is not None else None,
    )
    db.session.add(paper_list)
    db.session.flush()
    audit.record(actor, "petition.paper_list_recorded", "petition", petition.id,
                 after={"paper_list": paper_list.id, **_summary(paper_list)})
    _count_changed(petition)
    return paper_list


def _summary(paper_list: PaperList) -> dict:
    return {
        "signatures": paper_list.signatures, "in_municipality": paper_list.in_municipality,
        "districts": paper_list.districts or {},
        "collected_on": paper_list.collected_on.date().isoformat() if paper_list.collected_on else None,
    }


def remove_paper_list(petition: Petition, paper_list: PaperList, actor, *, reason: str) -> None:
    """Take back a wrongly recorded list, in any state: a correction is never too late. The
    audit entry keeps its figures; the scan is deleted after the commit."""
    reason = (reason or "").strip()
    if not reason:
        raise SignatureRuleError(_l("Please say why the list is removed."), "reason")
    audit.record(actor, "petition.paper_list_removed", "petition", petition.id, reason=reason,
                 before={"paper_list": paper_list.id, **_summary(paper_list)})
    if paper_list.file_key:
        uploads.delete_after_commit(paper_list.file_key)
    db.session.delete(paper_list)
    db.session.flush()
    _count_changed(petition)


# --- invalidation and held signatures -----------------------------------------------------------

def _ip_too_short():  # noqa: N802 - reads as the message it is
    return _l("Please enter at least %(count)d characters of the IP range.", count=IP_PREFIX_MIN)


def _matching(criterion: str, *, email: str = "", domain: str = "", ip_hash: str = "",
              start: datetime | None = None, end: datetime | None = None) -> tuple[list, dict]:
    """(WHERE conditions, what the audit log keeps) for one criterion; refuses an empty one."""
    if criterion == "email":
        if "@" not in (email or ""):
            raise SignatureRuleError(_l("Please enter the email address."), "email")
        key = signer_key(email)
        return [Signature.address_key == key], {"signer_key": key}
    if criterion == "domain":
        domain = (domain or "").strip().lstrip("@").lower()
        if not domain or "." not in domain:
            raise SignatureRuleError(_l("Please enter the domain, for example example.org."), "domain")
        return [Signature.email_domain == domain], {"domain": domain}
    if criterion == "ip":
        ip_hash = (ip_hash or "").strip().lower()
        if len(ip_hash) < IP_PREFIX_MIN:
            raise SignatureRuleError(_ip_too_short(), "ip_hash")
        return [Signature.ip_hash.startswith(ip_hash, autoescape=True)], {"ip_hash": ip_hash}
    if criterion == "time":
        # The form's times are UTC, as the overview shows them.
        start, end = (value.replace(tzinfo=UTC) if value and value.tzinfo is None else value
                      for value in (start, end))
        if start is None and end is None:
            raise SignatureRuleError(_l("Please give the start or the end of the time range."), "start")
        if start is not None and end is not None and end <= start:
            raise SignatureRuleError(_l("The end must come after the start."), "end")
        conditions = []
        if start is not None:
            conditions.append(Signature.created_at >= start)
        if end is not None:
            conditions.append(Signature.created_at < end)
        return conditions, {"from": start.isoformat() if start else None,
                            "to": end.isoformat() if end else None}
    raise SignatureRuleError(_l("Please choose which signatures to invalidate."), "criterion")


def invalidate(petition: Petition, actor, *, criterion: str, reason: str, **values) -> int:
    """Invalidate the matching signatures that are not yet invalid, in one UPDATE; returns
    how many. Pending ones too: a later confirmation then counts nothing."""
    reason = (reason or "").strip()
    conditions, criteria = _matching(criterion, **values)
    if not reason:
        raise SignatureRuleError(_l("Please give a reason."), "reason")
    affected = db.session.execute(
        update(Signature)
        .where(Signature.petition_id == petition.id, Signature.invalidated_at.is_(None), *conditions)
        .values(invalidated_at=utcnow(), invalidation_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(actor, "petition.signatures_invalidated", "petition", petition.id, reason=reason,
                 after={"criterion": criterion, **criteria, "signatures": affected})
    if affected:
        events.emit(COUNT_CHANGED, subject=("petition", petition.id), why="invalidated")
    return affected


def release_held(petition: Petition, actor, *, scope: str = "all", value: str = "") -> int:
    """Count held signatures after all (all of them, or those of one reason, IP range or
    domain); they keep their `held_reason` as a trace. Returns how many."""
    value = (value or "").strip()
    conditions = []
    if scope == "reason":
        conditions.append(Signature.held_reason == value)
    elif scope == "ip":
        if len(value) < IP_PREFIX_MIN:
            raise SignatureRuleError(_ip_too_short(), "value")
        conditions.append(Signature.ip_hash.startswith(value.lower(), autoescape=True))
    elif scope == "domain":
        conditions.append(Signature.email_domain == value.lstrip("@").lower())
    elif scope != "all":
        raise SignatureRuleError(_l("Please choose which signatures to release."), "scope")
    if scope != "all" and not value:
        raise SignatureRuleError(_l("Please say which ones."), "value")
    released = db.session.execute(
        update(Signature)
        .where(Signature.petition_id == petition.id, Signature.held.is_(True),
               Signature.invalidated_at.is_(None), *conditions)
        .values(held=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(actor, "petition.held_released", "petition", petition.id,
                 after={"scope": scope, "value": value or None, "signatures": released})
    if released:
        events.emit(COUNT_CHANGED, subject=("petition", petition.id), why="released")
    return released


def record_export(petition: Petition, actor, rows: int) -> None:
    audit.record(actor, "petition.signatures_exported", "petition", petition.id, after={"rows": rows})
    db.session.flush()
