"""The consultation rules, called through the services directly: each refusal is one
ConsultationRuleError naming its field, and a refused write leaves nothing behind."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from participation.consultations import rules, services
from participation.consultations.forms import LayerForm
from participation.consultations.models import Category, Consultation, Idea, LayerKind, MapLayer, State
from participation.consultations.rules import (
    ConsultationRuleError,
    InvalidTransition,
    PlanMissing,
    ResultsMissing,
)
from participation.core.audit import AuditEntry
from participation.extensions import db
from tests.consultations.conftest import png_bytes

INSIDE_LONLAT = {"type": "Point", "coordinates": [12.325, 51.330]}
OUTSIDE_LONLAT = {"type": "Point", "coordinates": [12.400, 51.400]}


@pytest.fixture
def staff(user_factory):
    return user_factory(role="staff")


@pytest.fixture
def in_request(app):
    """An English request context, as the services run in one (messages, settings)."""

    @contextmanager
    def _in_request():
        with app.test_request_context(headers={"Accept-Language": "en"}):
            yield

    return _in_request


def _written(upload_storage) -> tuple:
    """What a refused write must not change: the rows of every table the services write, and
    the stored files."""
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Consultation, Category, MapLayer, Idea, AuditEntry)
    )
    files = sorted(str(p) for p in upload_storage.root.rglob("*") if p.is_file())
    return counts, files


@contextmanager
def refused(field: str | None, message: str, upload_storage, error_type=ConsultationRuleError):
    """The block is refused with `message` at `field`, and it wrote nothing (nothing flushed,
    nothing pending in the session, no file stored)."""
    before = _written(upload_storage)
    with pytest.raises(error_type) as caught:
        yield caught
    assert caught.value.field == field
    assert message in str(caught.value.message)
    assert not db.session.new and not db.session.dirty and not db.session.deleted
    assert _written(upload_storage) == before


def _get(model, pk):
    return db.session.get(model, pk)


# --- consultations ---------------------------------------------------------------------------


def _consultation_fields(consultation, **changes) -> dict:
    fields = {
        "title": "Anders",
        "summary": consultation.summary,
        "description": consultation.description,
        "map_mode": consultation.map_mode,
        "allowed_kinds": list(consultation.allowed_kinds),
        "area": None,
        "keep_area": True,
    }
    return {**fields, **changes}


def test_the_kind_of_map_is_locked_once_there_are_ideas(
    app, in_request, make_consultation, make_idea, staff, upload_storage
):
    consultation = make_consultation(state="draft")
    make_idea(consultation)
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused("map_mode", "The kind of map cannot change once there are ideas.", upload_storage):
            services.save_consultation(stored, author=staff, **_consultation_fields(stored, map_mode="plan"))
        assert (stored.map_mode, stored.title) == ("geographic", consultation.title)
        # the same kind of map is no change: saving goes on
        services.save_consultation(stored, author=staff, **_consultation_fields(stored))
        assert stored.title == "Anders"


def test_without_ideas_the_kind_of_map_may_change(app, in_request, make_consultation, staff):
    consultation = make_consultation(state="draft", area=None)
    with in_request():
        stored = _get(Consultation, consultation.id)
        services.save_consultation(stored, author=staff, **_consultation_fields(stored, map_mode="plan"))
        assert stored.is_plan


@pytest.mark.parametrize(
    "given,field,message",
    [
        ({"file_data": b"{not json", "positions": ""}, "area_file", ""),
        ({"file_data": None, "positions": "51.33, 12.32\n51.34, 12.33"}, "area_positions", ""),
        ({"file_data": None, "positions": "x"}, "area_positions", ""),
    ],
)
def test_a_participation_area_that_cannot_be_read_is_refused_at_its_field(
    in_request, upload_storage, given, field, message
):
    with in_request(), refused(field, message, upload_storage) as caught:
        rules.participation_area("geographic", **given)
    assert str(caught.value.message)  # a reason for the person, not an empty refusal


def test_no_area_sent_keeps_the_current_one(in_request):
    with in_request():
        assert rules.participation_area("geographic", file_data=None, positions="  ") is None


def test_an_unreadable_area_and_a_locked_map_are_told_together(
    in_request, make_consultation, make_idea, upload_storage
):
    consultation = make_consultation(state="draft")
    make_idea(consultation)
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused("area_positions", "", upload_storage) as caught:
            rules.area_from_input(stored, map_mode="plan", file_data=None, positions="x")
        fields = [field for field, _message in caught.value.problems]
        assert fields == ["area_positions", "map_mode"]


# --- state changes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,target,error_type,message",
    [
        ("draft", "closed", InvalidTransition, "This change of state is not possible."),
        ("evaluated", State.OPEN, InvalidTransition, "This change of state is not possible."),
        ("open", "archived", InvalidTransition, "This change of state is not possible."),
        ("closed", State.EVALUATED, ResultsMissing, "Please write the results in the field “Results”"),
    ],
)
def test_state_changes_follow_the_state_machine(
    in_request, make_consultation, staff, upload_storage, start, target, error_type, message
):
    consultation = make_consultation(state=start)
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused(None, message, upload_storage, error_type):
            services.change_state(stored, target, actor=staff)
        assert stored.state == start


def test_a_plan_consultation_opens_only_with_its_plan(in_request, make_consultation, staff, upload_storage):
    consultation = make_consultation(state="draft", map_mode="plan", area=None)
    with in_request():
        stored = _get(Consultation, consultation.id)
        message = "A plan-only consultation needs its plan image before it can open."
        with refused(None, message, upload_storage, PlanMissing):
            services.change_state(stored, "open", actor=staff)
        assert stored.state == "draft"


def test_every_state_refusal_is_the_one_rule_error():
    assert issubclass(PlanMissing, InvalidTransition) and issubclass(ResultsMissing, InvalidTransition)
    assert issubclass(InvalidTransition, ConsultationRuleError) and issubclass(
        ConsultationRuleError, ValueError
    )


def test_an_allowed_state_change_is_made(in_request, make_consultation, staff):
    consultation = make_consultation(state="closed", results="Zwölf Ideen werden umgesetzt.")
    with in_request():
        stored = _get(Consultation, consultation.id)
        services.change_state(stored, "evaluated", actor=staff)
        assert stored.state == "evaluated"


# --- layers -----------------------------------------------------------------------------------

CORNERS = {"south": 51.32, "west": 12.32, "north": 51.335, "east": 12.34}


def _image_layer(consultation, staff, **changes):
    given = {
        "name": "Luftbild",
        "data": png_bytes(),
        "description": "Luftbild von Plagwitz",
        **CORNERS,
        "is_base": False,
        "opacity": 1.0,
        "attribution": "",
        "actor": staff,
        **changes,
    }
    return services.add_image_layer(consultation, **given)


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"data": None}, "image", "Please choose an image file."),
        ({"south": None}, "south", "Please give both corners: south-west and north-east."),
        (
            {"south": 51.34},
            "south",
            "The south-west corner must lie south and west of the north-east corner.",
        ),
        ({"west": 12.35}, "south", "The south-west corner must lie south and west of the north-east corner."),
        ({"description": "  "}, "description", "Please describe what the image shows"),
        ({"data": b"not an image"}, "image", "The file is not an image we can read."),
        ({"data": b"%PDF-1.4\nnot really a pdf"}, "image", "The PDF could not be read."),
    ],
)
def test_image_layers_are_refused_at_their_field(
    in_request, make_consultation, staff, upload_storage, changes, field, message
):
    consultation = make_consultation()
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused(field, message, upload_storage):
            _image_layer(stored, staff, **changes)


def test_a_missing_description_is_told_together_with_the_corners(
    in_request, make_consultation, staff, upload_storage
):
    consultation = make_consultation()
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused("description", "Please describe", upload_storage) as caught:
            _image_layer(stored, staff, description="", north=None)
        assert [field for field, _message in caught.value.problems] == ["description", "south"]


def test_a_plan_consultation_has_exactly_one_plan(in_request, make_consultation, staff, upload_storage):
    consultation = make_consultation(map_mode="plan", area=None, plan_size=(800, 600))
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused("image", "A plan-only consultation has exactly one plan image.", upload_storage):
            _image_layer(stored, staff, south=None, west=None, north=None, east=None)


def test_a_plan_needs_no_corners(in_request, make_consultation, staff):
    consultation = make_consultation(map_mode="plan", area=None)
    with in_request():
        layer = _image_layer(_get(Consultation, consultation.id), staff, south=None, north=None)
        assert (layer.image_width, layer.south) == (200, None)


def _service_layer(consultation, staff, kind, url, wms_layers=None):
    return services.add_service_layer(
        consultation,
        name="Dienst",
        kind=kind,
        url=url,
        wms_layers=wms_layers,
        is_base=False,
        opacity=1.0,
        attribution="",
        actor=staff,
    )


@pytest.mark.parametrize(
    "kind,url,layers,field,message",
    [
        (
            LayerKind.XYZ,
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            None,
            "url",
            "must first be allowed",
        ),
        (LayerKind.XYZ, "//tile.openstreetmap.org/{z}/{x}/{y}.png", None, "url", "must first be allowed"),
        (LayerKind.XYZ, None, None, "url", "Please give an address on this website"),
        (
            LayerKind.XYZ,
            "/tiles/osm.png",
            None,
            "url",
            "A tile address needs the placeholders {z}, {x} and {y}.",
        ),
        (LayerKind.WMS, "/wms/leipzig", "", "wms_layers", "Please name at least one WMS layer."),
    ],
)
def test_service_layers_are_refused_at_their_field(
    in_request, make_consultation, staff, upload_storage, kind, url, layers, field, message
):
    consultation = make_consultation()
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused(field, message, upload_storage):
            _service_layer(stored, staff, kind, url, layers)


def test_a_host_not_allowed_names_the_hosts_that_are(
    app, in_request, make_consultation, staff, upload_storage, monkeypatch
):
    monkeypatch.setitem(app.config, "MAP_TILE_ORIGINS", ("https://geodienste.leipzig.de",))
    consultation = make_consultation()
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused("url", "one of these hosts: https://geodienste.leipzig.de.", upload_storage):
            _service_layer(stored, staff, LayerKind.XYZ, "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        layer = _service_layer(stored, staff, LayerKind.WMS, " https://geodienste.leipzig.de/wms ", "dop20")
        assert layer.url == "https://geodienste.leipzig.de/wms"


# --- ideas ------------------------------------------------------------------------------------


def _idea(consultation, author, idea=None, **changes):
    given = {
        "author": author,
        "title": "Tempo 30",
        "body": "Hier fahren Autos zu schnell.",
        "category": None,
        "geometry": INSIDE_LONLAT,
        "photo": None,
        "photo_description": None,
        **changes,
    }
    return services.save_idea(idea, consultation, **given)


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"geometry": OUTSIDE_LONLAT}, "Please place your idea inside the participation area."),
        (
            {"geometry": {"type": "LineString", "coordinates": [[12.321, 51.33], [12.322, 51.331]]}},
            "This consultation does not accept this kind of shape.",
        ),
        ({"geometry": {"type": "Point", "coordinates": [512.3, 51.3]}}, ""),
    ],
)
def test_an_idea_shape_is_refused_at_the_positions(
    in_request, make_consultation, user_factory, upload_storage, changes, message
):
    consultation = make_consultation(kinds=("point",))
    author = user_factory()
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused("positions", message, upload_storage):
            _idea(stored, author, **changes)


@pytest.mark.parametrize(
    "plan_size,at,message",
    [
        (None, [10, 10], "This consultation has no plan yet."),
        ((800, 600), [900, 10], "Please place your idea on the plan."),
    ],
)
def test_a_plan_idea_lies_on_the_plan(
    in_request, make_consultation, user_factory, upload_storage, plan_size, at, message
):
    consultation = make_consultation(map_mode="plan", area=None, plan_size=plan_size)
    author = user_factory()
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused("positions", message, upload_storage):
            _idea(stored, author, geometry={"type": "Point", "coordinates": at})


def test_typed_positions_that_cannot_be_read_are_refused_at_the_positions(
    in_request, make_consultation, upload_storage
):
    consultation = make_consultation()
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused("positions", "", upload_storage) as caught:
            rules.idea_geometry(stored, "point", "nicht hier")
        assert str(caught.value.message)
        assert rules.idea_geometry(stored, "point", "51.33, 12.325") == INSIDE_LONLAT


def test_the_category_belongs_to_the_consultation(
    in_request, make_consultation, user_factory, upload_storage
):
    consultation = make_consultation()
    other = make_consultation(title="Andere Beteiligung", categories=("Spielplatz",))
    author = user_factory()
    with in_request():
        stored = _get(Consultation, consultation.id)
        foreign = _get(Consultation, other.id).categories[0]
        with refused("category", "Please choose one of the categories.", upload_storage):
            _idea(stored, author, category=foreign)
        with refused("category", "Please choose one of the categories.", upload_storage):
            rules.chosen_category(stored, str(foreign.id))
        own = stored.categories[0]
        assert rules.chosen_category(stored, str(own.id)) is own
        assert rules.chosen_category(stored, "") is None
        assert _idea(stored, author, category=own).category is own


def test_a_photo_that_is_no_image_is_refused_at_the_photo(
    in_request, make_consultation, user_factory, upload_storage
):
    consultation = make_consultation()
    author = user_factory()
    with in_request():
        stored = _get(Consultation, consultation.id)
        with refused("photo", "The file is not an image we can read.", upload_storage):
            _idea(stored, author, photo=b"not an image")


def test_a_refused_edit_leaves_the_idea_as_it_was(
    in_request, make_consultation, make_idea, user_factory, upload_storage
):
    consultation = make_consultation()
    author = user_factory()
    idea = make_idea(consultation, author=author, title="Mehr Bäume")
    with in_request():
        stored = _get(Consultation, consultation.id)
        existing = _get(Idea, idea.id)
        with refused("positions", "inside the participation area", upload_storage):
            _idea(stored, author, existing, title="Weniger Bäume", geometry=OUTSIDE_LONLAT)
        assert existing.title == "Mehr Bäume"
        assert existing.geometry == {"type": "Point", "coordinates": [12.325, 51.330]}


# --- showing a refusal ------------------------------------------------------------------------


def test_a_refusal_is_shown_at_each_of_its_fields(in_request):
    with in_request():
        form = LayerForm(formdata=None, meta={"csrf": False})
        error = ConsultationRuleError(
            "Please describe", "description", also=[ConsultationRuleError("Both corners", "south")]
        )
        error.put_on(form)
        assert (form.description.errors, form.south.errors) == (["Please describe"], ["Both corners"])
