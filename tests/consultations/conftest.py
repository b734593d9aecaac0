"""Factories for consultations and ideas, and a throwaway upload folder per test."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from participation.consultations import services
from participation.consultations.models import Category, Consultation, Idea, MapLayer, Support
from participation.extensions import db

# A square in Leipzig-Plagwitz (lon/lat) with a notch cut out of its east side.
AREA = {
    "type": "Polygon",
    "coordinates": [
        [
            [12.320, 51.320],
            [12.340, 51.320],
            [12.340, 51.325],
            [12.330, 51.325],
            [12.330, 51.327],
            [12.340, 51.327],
            [12.340, 51.335],
            [12.320, 51.335],
            [12.320, 51.320],
        ]
    ],
}
INSIDE = (51.330, 12.325)  # latitude, longitude as typed in the form
OUTSIDE = (51.400, 12.400)


@pytest.fixture
def client(english_client):
    return english_client


@pytest.fixture(autouse=True)
def _uploads_in_tmp(upload_storage):
    return upload_storage


def close_body(response) -> None:
    """The test client keeps a large request body in a temporary file and, without
    follow_redirects, never closes it; -W error would then fail on a ResourceWarning."""
    response.request.input_stream.close()


def png_bytes(size=(200, 100), color=(30, 120, 60), fmt="PNG", exif=None) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif is not None:
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def make_consultation(app, user_factory):
    def _make(
        *,
        state="open",
        map_mode="geographic",
        area=AREA,
        kinds=("point", "line", "polygon"),
        categories=("Verkehr", "Grün"),
        plan_size=None,
        title="Plagwitz Ideen",
        results="",
    ) -> Consultation:
        with app.test_request_context():
            staff = user_factory(role="staff")
            consultation = services.save_consultation(
                None,
                title=title,
                summary="Kurz",
                description="Lang",
                map_mode=map_mode,
                allowed_kinds=list(kinds),
                area=area,
                keep_area=False,
                author=staff,
                results=results,
            )
            consultation.state = state
            for name in categories:
                services.add_category(consultation, name, "#aa3300")
            if plan_size:
                db.session.add(
                    MapLayer(
                        consultation=consultation,
                        name="Grundriss",
                        kind="image",
                        image_key="layers/plan.png",
                        image_width=plan_size[0],
                        image_height=plan_size[1],
                    )
                )
            db.session.commit()
            db.session.refresh(consultation)
            return consultation

    return _make


@pytest.fixture
def make_idea(app, user_factory):
    def _make(
        consultation,
        *,
        author=None,
        lonlat=(12.325, 51.330),
        status="received",
        category=None,
        visibility="visible",
        geometry=None,
        title="Mehr Bäume",
    ) -> Idea:
        with app.test_request_context():
            author = author or user_factory()
            idea = Idea(
                consultation_id=consultation.id,
                author_id=author.id,
                title=title,
                body="Bitte Bäume pflanzen.",
                kind="point",
                status=status,
                visibility=visibility,
                category_id=category.id if category else None,
            )
            idea.set_geometry(geometry or {"type": "Point", "coordinates": list(lonlat)})
            if geometry:
                idea.kind = {"Point": "point", "LineString": "line", "Polygon": "polygon"}[geometry["type"]]
            db.session.add(idea)
            db.session.commit()
            db.session.refresh(idea)
            return idea

    return _make


def support(app, idea, user) -> None:
    with app.app_context():
        db.session.add(Support(idea_id=idea.id, user_id=user.id))
        db.session.commit()


def first_category(app, consultation) -> Category:
    with app.app_context():
        category = db.session.scalars(
            db.select(Category).where(Category.consultation_id == consultation.id).order_by(Category.id)
        ).first()
        db.session.expunge(category)
        return category
