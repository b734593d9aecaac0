"""The rules consultations, their layers and their ideas follow, checked before anything is written.

Every check refuses with one error type, `ConsultationRuleError`: a message for the person and the
form field it belongs to. The services call these checks before they write, so a refusal leaves no
half-written row; the views catch the one error and show it at its field (or as a flash).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from participation.consultations import queries
from participation.consultations.models import TRANSITIONS, Category, Consultation, LayerKind, MapMode, State
from participation.core import geo
from participation.core.security import is_allowed_tile_url, tile_origins


class ConsultationRuleError(ValueError):
    """A rule said no and nothing was written. `message` tells the person why (lazily translated),
    `field` names the form field it belongs to (None: the request as a whole). Mistakes a form
    tells at once travel together: the others are in `also`."""

    def __init__(self, message, field: str | None = None, *, also: Iterable[ConsultationRuleError] = ()):
        super().__init__(message)
        self.message = message
        self.field = field
        self.also = tuple(also)

    def __str__(self) -> str:
        return str(self.message)

    @property
    def problems(self) -> list[tuple[str | None, object]]:
        """(field, message) of this refusal and of those told with it."""
        return [(self.field, self.message), *(p for other in self.also for p in other.problems)]

    def put_on(self, form) -> None:
        """Show every message at its field, so the form comes back filled in and annotated."""
        for field, message in self.problems:
            target = getattr(form, field)
            target.errors = [*target.errors, str(message)]


class InvalidTransition(ConsultationRuleError):
    """The consultation may not move to this state now (see models.TRANSITIONS)."""

    default_message = _l("This change of state is not possible.")

    def __init__(self, message=None):
        super().__init__(self.default_message if message is None else message)


class ResultsMissing(InvalidTransition):
    """Results are published only once staff have written them."""

    default_message = _l(
        "Please write the results in the field “Results” and save them before you publish them."
    )


class PlanMissing(InvalidTransition):
    """A plan-only consultation opens only with its plan: ideas are placed on the plan's pixels."""

    default_message = _l("A plan-only consultation needs its plan image before it can open.")


class _Refusals:
    """Rules a form tells together: run each inside `with refusals:`, then `raise_any()`."""

    def __init__(self) -> None:
        self.found: list[ConsultationRuleError] = []

    def __enter__(self) -> _Refusals:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if isinstance(error, ConsultationRuleError):
            self.found.append(error)
            return True
        return False

    def raise_any(self) -> None:
        if self.found:
            first, *others = self.found
            first.also = (*first.also, *others)
            raise first


# --- consultations ---------------------------------------------------------------------------


def check_map_mode(consultation: Consultation | None, map_mode: str) -> None:
    """The kind of map is fixed once there are ideas: their coordinates would change their meaning."""
    if consultation is not None and map_mode != consultation.map_mode and queries.has_ideas(consultation):
        raise ConsultationRuleError(_l("The kind of map cannot change once there are ideas."), "map_mode")


def participation_area(map_mode: str, *, file_data: bytes | None, positions: str | None) -> dict | None:
    """The area staff sent: a GeoJSON file if they chose one, else the typed corners; None if
    neither (the current area stays)."""
    geographic = map_mode != MapMode.PLAN.value
    try:
        if file_data is not None:
            return geo.normalise(file_data, geographic=geographic, area=True)
        if (positions or "").strip():
            corners = geo.parse_positions(positions)
            polygon = geo.geometry_from_positions("polygon", corners, geographic=geographic)
            return geo.normalise(polygon, geographic=geographic, area=True)
    except geo.GeometryError as error:
        field = "area_file" if file_data is not None else "area_positions"
        raise ConsultationRuleError(error.message, field) from error
    return None


def area_from_input(
    consultation: Consultation | None, *, map_mode: str, file_data: bytes | None, positions: str | None
) -> dict | None:
    """participation_area(), checked together with the kind of map (check_map_mode): the form
    tells both mistakes at once."""
    refusals, area = _Refusals(), None
    with refusals:
        area = participation_area(map_mode, file_data=file_data, positions=positions)
    with refusals:
        check_map_mode(consultation, map_mode)
    refusals.raise_any()
    return area


def check_transition(consultation: Consultation, target: State | str) -> State:
    """The state `target` names, if the consultation may move there now."""
    try:
        target = State(target)
    except ValueError:
        raise InvalidTransition() from None
    if target is State.OPEN and consultation.is_plan and consultation.plan_layer is None:
        raise PlanMissing()
    if target not in TRANSITIONS[State(consultation.state)]:
        raise InvalidTransition()
    if target is State.EVALUATED and not (consultation.results or "").strip():
        raise ResultsMissing()
    return target


# --- layers -----------------------------------------------------------------------------------


def image_layer_corners(
    consultation: Consultation,
    *,
    data: bytes | None,
    description: str | None,
    south: float | None,
    west: float | None,
    north: float | None,
    east: float | None,
) -> geo.BBox | None:
    """Where a new image layer lies: by its south-west and north-east corners on a geographic
    map, None on a plan-only one (the plan's pixels are the map, and there is one plan). A
    missing text alternative is told together with any mistake in the placement."""
    if data is None:
        raise ConsultationRuleError(_l("Please choose an image file."), "image")
    refusals, corners = _Refusals(), None
    with refusals:
        check_image_description(description)
    with refusals:
        corners = _image_placement(consultation, south, west, north, east)
    refusals.raise_any()
    return corners


def check_image_description(description: str | None) -> None:
    """An image layer needs its text alternative: what the image shows."""
    if not (description or "").strip():
        raise ConsultationRuleError(
            _l("Please describe what the image shows, for people who cannot see it."), "description"
        )


def _image_placement(consultation, south, west, north, east) -> geo.BBox | None:
    if consultation.is_plan:
        if consultation.plan_layer is not None:
            raise ConsultationRuleError(_l("A plan-only consultation has exactly one plan image."), "image")
        return None
    if any(value is None for value in (south, west, north, east)):
        raise ConsultationRuleError(_l("Please give both corners: south-west and north-east."), "south")
    if south >= north or west >= east:
        raise ConsultationRuleError(
            _l("The south-west corner must lie south and west of the north-east corner."), "south"
        )
    return geo.BBox(west, south, east, north)


def service_layer_url(kind: LayerKind, url: str | None, wms_layers: str | None) -> str:
    """The address of a tile or WMS layer, if browsers may load it and it names what it needs."""
    url = (url or "").strip()
    if not is_allowed_tile_url(url):
        # The CSP admits images from this site and the operator's MAP_TILE_ORIGINS only.
        origins = tile_origins()
        if origins:
            message = _l(
                "This host is not allowed. Please give an address on this website (starting "
                "with “/”) or on one of these hosts: %(origins)s. An administrator must allow "
                "any other host first.",
                origins=", ".join(origins),
            )
        else:
            message = _l(
                "Please give an address on this website, starting with “/”. Other hosts must "
                "first be allowed by an administrator."
            )
        raise ConsultationRuleError(message, "url")
    if kind is LayerKind.XYZ and not all(p in url for p in ("{z}", "{x}", "{y}")):
        raise ConsultationRuleError(_l("A tile address needs the placeholders {z}, {x} and {y}."), "url")
    if kind is LayerKind.WMS and not wms_layers:
        raise ConsultationRuleError(_l("Please name at least one WMS layer."), "wms_layers")
    return url


# --- ideas ------------------------------------------------------------------------------------


def chosen_category(consultation: Consultation, choice: str | None) -> Category | None:
    """The category picked in the idea form: none, or one of this consultation's."""
    if not choice:
        return None
    category = next((c for c in consultation.categories if str(c.id) == choice), None)
    if category is None:
        raise ConsultationRuleError(_l("Please choose one of the categories."), "category")
    return category


def check_category(consultation: Consultation, category: Category | None) -> None:
    """An idea's category is one of its own consultation's."""
    if category is not None and category not in consultation.categories:
        raise ConsultationRuleError(_l("Please choose one of the categories."), "category")


def idea_geometry(consultation: Consultation, kind: str, positions: str | None) -> dict:
    """The shape typed or clicked in the idea form: x, y on a plan, latitude, longitude on a map."""
    try:
        return geo.geometry_from_positions(
            kind, geo.parse_positions(positions), geographic=not consultation.is_plan
        )
    except geo.GeometryError as error:
        raise ConsultationRuleError(error.message, "positions") from error


def check_idea_geometry(consultation: Consultation, geometry: dict) -> dict:
    """The rules every idea's shape follows; returns it normalised."""
    try:
        geometry = geo.normalise(geometry, geographic=not consultation.is_plan)
    except geo.GeometryError as error:
        raise ConsultationRuleError(error.message, "positions") from error
    if geo.kind_of(geometry) not in consultation.allowed_kinds:
        raise ConsultationRuleError(_l("This consultation does not accept this kind of shape."), "positions")
    if consultation.is_plan:
        box = consultation.plan_box()
        if box is None:
            raise ConsultationRuleError(_l("This consultation has no plan yet."), "positions")
        if not geo.within_box(geometry, box):
            raise ConsultationRuleError(_l("Please place your idea on the plan."), "positions")
    if consultation.geometry and not geo.within(geometry, consultation.geometry):
        raise ConsultationRuleError(_l("Please place your idea inside the participation area."), "positions")
    return geometry
