"""Demo consultations from seeds/consultations/ (idempotent: a consultation whose slug exists
is left alone). Every idea goes through the same geometry checks as a resident's."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select

from participation.consultations import services
from participation.consultations.models import Consultation, LayerKind, MapLayer, Support
from participation.core import geo, uploads
from participation.core.locale import city_today
from participation.core.uploads import image_dimensions
from participation.extensions import db

FILES = ("plagwitz.yaml", "jugendzentrum.yaml")


def seed_consultations(seeds_dir: Path) -> dict[str, int]:
    folder = seeds_dir / "consultations"
    residents = _residents(folder, seeds_dir)
    staff = _staff()
    counts = {"consultations": 0, "ideas": 0, "supports": 0}
    for name in FILES:
        data = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        if db.session.scalar(select(Consultation.id).where(Consultation.slug == data["slug"])) is not None:
            continue
        ideas, supports = _seed_one(folder, data, residents, staff)
        counts["consultations"] += 1
        counts["ideas"] += ideas
        counts["supports"] += supports
    return counts


def _residents(folder: Path, seeds_dir: Path) -> list:
    from participation.accounts import services as account_services
    from participation.accounts.models import User

    password = yaml.safe_load((seeds_dir / "users.yaml").read_text(encoding="utf-8"))["demo_password"]
    people = []
    for entry in yaml.safe_load((folder / "residents.yaml").read_text(encoding="utf-8"))["residents"]:
        user = db.session.scalar(User.by_email(entry["email"]))
        if user is None:
            user = account_services.register(
                entry["display_name"], entry["email"], password, locale="de", confirmed=True
            )
        people.append(user)
    db.session.flush()
    return people


def _staff():
    from participation.accounts.models import User

    return db.session.scalar(User.by_email("staff@example.org"))


def _seed_one(folder: Path, data: dict, residents: list, staff) -> tuple[int, int]:
    plan = data["map_mode"] == "plan"
    area = None
    if data.get("area"):
        area = geo.normalise((folder / data["area"]).read_text(encoding="utf-8"), area=True)
    consultation = services.save_consultation(
        None,
        title=data["title"],
        summary=data["summary"],
        description=data["description"],
        map_mode=data["map_mode"],
        allowed_kinds=data["allowed_kinds"],
        area=area,
        keep_area=False,
        author=staff,
        results=data.get("results", ""),
        # relative to the day of seeding, so the demo stays open however old the checkout
        starts_on=_days_from_today(data.get("starts_in_days")),
        ends_on=_days_from_today(data.get("ends_in_days")),
    )
    consultation.slug = data["slug"]
    categories = {
        c["name"]: services.add_category(consultation, c["name"], c["color"]) for c in data["categories"]
    }
    for position, entry in enumerate(data["layers"]):
        _add_layer(consultation, folder, entry, position)
    db.session.flush()
    db.session.refresh(consultation)
    consultation.state = data["state"]
    supports = 0
    for number, entry in enumerate(data["ideas"]):
        author = residents[number % len(residents)]
        idea = services.save_idea(
            None,
            consultation,
            author=author,
            title=entry["title"],
            body=entry["text"],
            category=categories.get(entry.get("category")),
            geometry=_geometry(entry, plan),
            photo=None,
            photo_description=None,
        )
        if entry.get("status"):
            idea.status = entry["status"]
            if entry.get("response"):
                idea.response = entry["response"]
                idea.responded_at = idea.created_at
                idea.responded_by_id = staff.id if staff else None
        # a deterministic, uneven spread of supports from the other residents
        for offset, person in enumerate(residents):
            if person.id != author.id and (number * 7 + offset * 3) % 5 < 3 - (number % 3):
                db.session.add(Support(idea_id=idea.id, user_id=person.id))
                supports += 1
    db.session.flush()
    return len(data["ideas"]), supports


def _days_from_today(days: int | None) -> date | None:
    return None if days is None else city_today() + timedelta(days=days)


def _geometry(entry: dict, plan: bool) -> dict:
    """YAML positions are [latitude, longitude] on maps and [x, y] on plans, as in the form."""
    if "at" in entry:
        kind, positions = "point", [entry["at"]]
    elif "line" in entry:
        kind, positions = "line", entry["line"]
    else:
        kind, positions = "polygon", entry["area"]
    return geo.geometry_from_positions(kind, [tuple(p) for p in positions], geographic=not plan)


def _add_layer(consultation: Consultation, folder: Path, entry: dict, position: int) -> None:
    """Seed images are our own drawings: stored under a fixed key, so reseeding overwrites them."""
    data = (folder / entry["file"]).read_bytes()
    width, height = image_dimensions(data)
    uploads.storage().save(entry["key"], data)
    layer = MapLayer(
        consultation=consultation,
        name=entry["name"],
        kind=LayerKind.IMAGE.value,
        is_base=entry.get("is_base", False),
        shown_by_default=entry.get("shown", True),
        opacity=entry.get("opacity", 1.0),
        attribution=entry.get("attribution", ""),
        description=entry.get("description", ""),
        image_key=entry["key"],
        image_width=width,
        image_height=height,
        position=position,
    )
    if entry.get("bounds"):
        layer.south, layer.west, layer.north, layer.east = entry["bounds"]
    db.session.add(layer)
