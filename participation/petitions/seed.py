"""Demo petitions from seeds/petitions/petitions.yaml, one in every state, with signature
histories that look like real ones (idempotent: a petition whose title exists is left alone).

Signatures are generated, not listed: a fixed random seed gives the same names, postcodes and
times on every machine. Most come in the first days, then a long tail with a second wave
(press coverage); postcodes follow the districts unevenly, a few come from outside Leipzig.
They are inserted in bulk: the open petition with over a thousand signers takes milliseconds.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import insert, select

from participation.accounts.models import User
from participation.core.districts import POSTCODE_DISTRICTS
from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions.models import NameShown, PaperList, Petition, PetitionState, Signature
from participation.petitions.signing import signer_key

FIRST_NAMES = (
    "Anna", "Lukas", "Marie", "Jonas", "Sophie", "Felix", "Emma", "Paul", "Mia", "Leon", "Hannah", "Ben",
    "Lea", "Elias", "Lina", "Noah", "Clara", "Finn", "Ida", "Anton", "Olena", "Mehmet", "Aylin", "Karim",
    "Fatima", "Dmytro", "Ewa", "Tomasz", "Ute", "Jürgen", "Monika", "Rainer", "Petra", "Uwe", "Sabine",
)
LAST_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun", "Zimmermann", "Krüger",
    "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Yılmaz", "Kovalenko", "Haddad", "Nowak",
)
OUTSIDE_POSTCODES = ("01067", "06108", "04420", "04416", "99084", "10115")  # Dresden, Halle, Markranstädt, …
MAIL_DOMAINS = ("web.de", "gmx.de", "posteo.de", "t-online.de", "gmail.com", "mailbox.org", "uni-leipzig.de")
NAME_SHOWN_WEIGHTS = ((NameShown.FULL.value, 5), (NameShown.INITIALS.value, 3), (NameShown.HIDDEN.value, 2))
# Postcodes near where a petition is about sign more: the petition's district weighs this much more.
HOME_DISTRICT_WEIGHT = 6


def seed_petitions(seeds_dir: Path) -> dict[str, int]:
    data = yaml.safe_load((seeds_dir / "petitions" / "petitions.yaml").read_text(encoding="utf-8"))
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    staff = db.session.scalar(User.by_email("staff@example.org"))
    created: dict[str, Petition] = {}
    counts = {"petitions": 0, "signatures": 0}
    for entry in data["petitions"]:
        if db.session.scalar(select(Petition.id).where(Petition.title == entry["title"])) is not None:
            continue
        petition = _petition(entry, now, staff, created)
        created[entry["slug"]] = petition
        counts["petitions"] += 1
        counts["signatures"] += _signatures(petition, entry, now)
        for paper in entry.get("paper", []):
            recorded = now - timedelta(days=paper["days_ago"])
            db.session.add(PaperList(
                petition_id=petition.id, signatures=paper["signatures"],
                in_municipality=paper["in_municipality"], districts=paper.get("districts"),
                note=paper.get("note", ""), collected_on=recorded, recorded_at=recorded,
                recorded_by_id=staff.id if staff else None,
            ))
    db.session.flush()
    return counts


def _petition(entry: dict, now: datetime, staff, created: dict[str, Petition]) -> Petition:
    author = db.session.scalar(User.by_email(entry["author"]))
    state = PetitionState(entry["state"])
    petition = Petition(
        title=entry["title"], request=entry["request"].strip(),
        background=(entry.get("background") or "").strip(),
        district=entry.get("district"), author_id=author.id if author else None, state=state.value,
        supporter_key=hashlib.sha256(f"demo-{entry['slug']}".encode()).hexdigest()[:32],
    )
    petition.set_geometry(entry.get("place"))
    if "opened_days_ago" in entry:
        opened = now - timedelta(days=entry["opened_days_ago"])
        petition.submitted_at = opened - timedelta(days=4)
        petition.decided_at = petition.opened_at = opened
        petition.closes_at = opened + timedelta(days=entry["days_open"])
        if state is not PetitionState.OPEN:
            petition.closed_at = petition.closes_at
    if "answered_days_ago" in entry:
        petition.answered_at = now - timedelta(days=entry["answered_days_ago"])
        petition.response, petition.response_url = entry["response"].strip(), entry.get("response_url")
    if "submitted_days_ago" in entry:
        petition.submitted_at = now - timedelta(days=entry["submitted_days_ago"])
    if rejection := entry.get("rejection"):
        petition.submitted_at = now - timedelta(days=rejection["days_ago"] + 2)
        petition.decided_at = now - timedelta(days=rejection["days_ago"])
        petition.rejection_reason = rejection["reason"]
        petition.rejection_explanation = rejection["explanation"]
        if duplicate := rejection.get("duplicate_of"):
            petition.duplicate_of_id = created[duplicate].id
    db.session.add(petition)
    db.session.flush()
    return petition


def _signatures(petition: Petition, entry: dict, now: datetime) -> int:
    """Insert the petition's signatures (supporters first); returns how many."""
    rng = random.Random(entry["slug"])
    spec = entry.get("signatures", {})
    supporters = entry.get("supporters", 3 if "opened_days_ago" in entry or "rejection" in entry else 0)
    start = petition.submitted_at or now - timedelta(days=2)
    times = [start - timedelta(hours=rng.uniform(2, 72)) for _ in range(supporters)]
    if online := spec.get("online", 0):
        end = min(petition.closes_at, now) if petition.closes_at else now
        times += _signing_times(rng, petition.opened_at, end, online)
    held = spec.get("held", 0)
    rows = [
        _row(petition, rng, number, at, spec.get("outside_share", 0.05), held=number >= len(times) - held)
        for number, at in enumerate(sorted(times))
    ]
    if rows:
        db.session.execute(insert(Signature), rows)
    return len(rows)


def _signing_times(rng: random.Random, opened: datetime, end: datetime, count: int) -> list[datetime]:
    """Many in the first days, a long tail, a second wave two thirds of the way through."""
    span = max((end - opened).total_seconds(), 3600)
    times = []
    for _ in range(count):
        # 15 % in the second wave, the others in the launch and its tail
        offset = rng.gauss(0.66, 0.05) if rng.random() < 0.15 else rng.expovariate(6.0)
        offset = min(max(offset, 0.0), 0.999)
        times.append(opened + timedelta(seconds=offset * span))
    return times


def _row(petition: Petition, rng: random.Random, number: int, at: datetime, outside_share: float,
         held: bool) -> dict:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    domain = rng.choice(MAIL_DOMAINS)
    local = f"{first}.{last}.{number}".lower().replace("ü", "ue").replace("ö", "oe").replace("ı", "i")
    email = f"{local}@{domain}"
    if rng.random() < outside_share:
        postcode, district = rng.choice(OUTSIDE_POSTCODES), None
    else:
        postcodes = list(POSTCODE_DISTRICTS)
        weights = [HOME_DISTRICT_WEIGHT if POSTCODE_DISTRICTS[p] == petition.district else 1
                   for p in postcodes]
        postcode = rng.choices(postcodes, weights)[0]
        district = POSTCODE_DISTRICTS[postcode]
    return {
        "petition_id": petition.id, "name": f"{first} {last}",
        "name_shown": rng.choices(*zip(*NAME_SHOWN_WEIGHTS, strict=True))[0],
        "email": email, "address_key": signer_key(email), "postcode": postcode,
        "in_municipality": district is not None, "district": district, "email_domain": domain,
        "ip_hash": hashlib.sha256(f"demo-net-{rng.randrange(400)}".encode()).hexdigest(),
        "created_at": at - timedelta(minutes=rng.uniform(1, 30)), "confirmed_at": at,
        "held": held, "held_reason": "ip" if held else None,
    }
