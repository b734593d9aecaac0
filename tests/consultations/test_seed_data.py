"""The demo consultations load, obey every rule and load only once."""

from sqlalchemy import func, select

from participation.consultations.models import Consultation, Idea, MapLayer, Support
from participation.consultations.seed import seed_consultations
from participation.extensions import db
from participation.seed import SEEDS_DIR, seed_users


def test_demo_consultations(app, upload_storage):
    with app.test_request_context():
        seed_users()
        first = seed_consultations(SEEDS_DIR)
        again = seed_consultations(SEEDS_DIR)
        assert first["consultations"] == 2 and again == {"consultations": 0, "ideas": 0, "supports": 0}
        plagwitz = db.session.scalar(select(Consultation).where(Consultation.slug == "plagwitz-am-kanal"))
        youth = db.session.scalar(select(Consultation).where(Consultation.slug == "jugendzentrum-west"))
        assert plagwitz.is_open and not plagwitz.is_plan and plagwitz.geometry["type"] == "Polygon"
        assert youth.is_plan and youth.plan_box().as_list() == [0, 0, 1200, 800]

        def ideas(consultation):
            return db.session.scalars(select(Idea).where(Idea.consultation_id == consultation.id)).all()

        geo_ideas = ideas(plagwitz)
        assert len(geo_ideas) >= 40 and len(ideas(youth)) >= 15
        assert {i.kind for i in geo_ideas} == {"point", "line", "polygon"}
        assert {i.status for i in geo_ideas} == {
            "received",
            "in_review",
            "accepted",
            "partially_accepted",
            "rejected",
            "implemented",
        }
        assert youth.is_open
        assert all(len(i.title) <= 120 for i in geo_ideas + list(ideas(youth)))
        assert len({i.author_id for i in geo_ideas}) >= 5
        supports = db.session.execute(select(Support.idea_id, Support.user_id)).all()
        assert len(supports) > 50
        authors = {i.id: i.author_id for i in geo_ideas + ideas(youth)}
        assert all(authors[idea_id] != user_id for idea_id, user_id in supports)  # no self-support
        layers = db.session.scalars(select(MapLayer)).all()
        assert {layer.is_base for layer in layers if layer.consultation_id == plagwitz.id} == {True, False}
        assert all(upload_storage.read(layer.image_key) for layer in layers)
        assert db.session.scalar(select(func.count()).select_from(Consultation)) == 2


def test_the_demo_map_page_renders(app, client, upload_storage):
    with app.test_request_context():
        seed_users()
        seed_consultations(SEEDS_DIR)
        db.session.commit()
    page = client.get("/beteiligung/plagwitz-am-kanal")
    assert page.status_code == 200
    data = client.get("/api/v1/consultations/plagwitz-am-kanal/ideas.geojson").get_json()
    assert len(data["features"]) >= 40
    assert client.get("/beteiligung/jugendzentrum-west").status_code == 200
