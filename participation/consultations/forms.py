from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, Regexp, ValidationError

from participation.consultations.models import (
    IDEA_BODY_MAX,
    IDEA_STATUS_LABELS,
    IDEA_TITLE_MAX,
    KIND_LABELS,
    LAYER_KIND_LABELS,
    MAP_MODE_LABELS,
    WMS_FORMATS,
)
from participation.core import georef
from participation.core.forms import FiniteFloatField, MultiCheckboxField, choices, max_length, required

# How staff give the corners of an image layer on a geographic map.
PLACEMENT_WGS84 = "wgs84"
PLACEMENT_UTM33 = "utm33"
PLACEMENT_WORLD_FILE = "world_file"
PLACEMENT_LABELS = {
    PLACEMENT_WGS84: _l("WGS 84 degrees"),
    PLACEMENT_UTM33: _l("ETRS89 / UTM 33N (EPSG:25833) metres"),
    PLACEMENT_WORLD_FILE: _l("World file"),
}
WORLD_FILE_CRS_LABELS = {
    georef.UTM33: _l("ETRS89 / UTM 33N (EPSG:25833) metres"),
    georef.WGS84: _l("WGS 84 (EPSG:4326) degrees"),
}
WORLD_FILE_MAX_BYTES = 2048  # six lines of numbers; anything larger is not a world file


class ConsultationForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), max_length(200)])
    summary = TextAreaField(
        _l("Summary"),
        validators=[max_length(500)],
        description=_l("One or two sentences shown in lists."),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), max_length(20000)],
        description=_l("Markdown is allowed: **bold**, *italic*, lists and links."),
    )
    results = TextAreaField(
        _l("Results"),
        validators=[Optional(), max_length(20000)],
        description=_l(
            "What came of the ideas. Needed before you publish the results; shown on the public "
            "page from then on. Markdown is allowed: **bold**, *italic*, lists and links."
        ),
        render_kw={"rows": 6},
    )
    starts_on = DateField(
        _l("First day for ideas"),
        validators=[Optional()],
        description=_l("Before this day the consultation can be read but takes no ideas."),
    )
    ends_on = DateField(
        _l("Last day for ideas"),
        validators=[Optional()],
        description=_l("Ideas, supports and comments are taken until midnight of this day."),
    )
    map_mode = RadioField(
        _l("Kind of map"),
        choices=choices(MAP_MODE_LABELS.items()),
        default="geographic",
        validators=[required()],
    )
    allowed_kinds = MultiCheckboxField(
        _l("Residents may draw"), choices=choices(KIND_LABELS.items()), default=["point"]
    )
    area_file = FileField(
        _l("Participation area as a GeoJSON file"),
        description=_l("A Polygon or MultiPolygon in longitude/latitude. Ideas must lie inside it."),
    )
    area_positions = TextAreaField(
        _l("Or: corners of the participation area"),
        description=_l("One corner per line: latitude, longitude (on a plan: x, y)."),
        render_kw={"rows": 5, "data-positions": "polygon"},
    )
    clear_area = BooleanField(_l("Remove the participation area"))

    def describe_area(self, *, has_map: bool, has_area: bool) -> None:
        """The hint under the corners: it mentions the map and keeping the area only where
        the page has a map to click on and the consultation an area to keep (the template
        calls this before it renders the field)."""
        parts = [_("One corner per line: latitude, longitude (on a plan: x, y).")]
        if has_map:
            parts.append(_("You can also click the corners on the map."))
        if has_area:
            parts.append(_("Leave empty to keep the current area."))
        self.area_positions.description = " ".join(parts)

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot come before the first day."))

    def validate_allowed_kinds(self, field):
        if not field.data:
            raise ValidationError(_l("Please choose at least one kind of shape."))


class CategoryForm(FlaskForm):
    name = StringField(_l("Category name"), validators=[required(), max_length(80)])
    color = StringField(
        _l("Colour"),
        default="#0b5394",
        validators=[
            required(),
            Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Please give a colour like #0b5394.")),
        ],
        render_kw={"type": "color"},
    )


class LayerForm(FlaskForm):
    name = StringField(_l("Layer name"), validators=[required(), max_length(120)])
    kind = SelectField(_l("Kind of layer"), choices=choices(LAYER_KIND_LABELS.items()), default="image")
    image = FileField(_l("Image file"), description=_l(
        "PNG, JPEG, WebP or GIF, or a PDF whose first page is the plan. Needed for image layers."
    ))
    description = TextAreaField(
        _l("What does the image show?"),
        validators=[Optional(), max_length(1000)],
        description=_l(
            "Needed for image layers: a short description for people who cannot see the image, "
            "for example “Aerial photo of Plagwitz from 2025 with the Karl-Heine-Kanal”."
        ),
        render_kw={"rows": 3},
    )
    # step="any": a browser would otherwise allow whole numbers only and flag 51.3295 as invalid
    south = FiniteFloatField(
        _l("South-west corner: latitude"),
        validators=[Optional(), NumberRange(-90, 90)],
        render_kw={"step": "any"},
    )
    west = FiniteFloatField(
        _l("South-west corner: longitude"),
        validators=[Optional(), NumberRange(-180, 180)],
        render_kw={"step": "any"},
    )
    north = FiniteFloatField(
        _l("North-east corner: latitude"),
        validators=[Optional(), NumberRange(-90, 90)],
        render_kw={"step": "any"},
    )
    east = FiniteFloatField(
        _l("North-east corner: longitude"),
        validators=[Optional(), NumberRange(-180, 180)],
        render_kw={"step": "any"},
    )
    # Without JavaScript every way of placing the image is shown; this choice says which fields
    # are read (staff_views._image_bounds), the others are left as they are.
    placement = RadioField(
        _l("How are the corners given?"),
        choices=choices(PLACEMENT_LABELS.items()),
        default=PLACEMENT_WGS84,
        description=_l("Fill in the fields of the way you choose; the others are not read."),
    )
    sw_easting = FiniteFloatField(
        _l("South-west corner: easting (metres)"), validators=[Optional()], render_kw={"step": "any"}
    )
    sw_northing = FiniteFloatField(
        _l("South-west corner: northing (metres)"), validators=[Optional()], render_kw={"step": "any"}
    )
    ne_easting = FiniteFloatField(
        _l("North-east corner: easting (metres)"), validators=[Optional()], render_kw={"step": "any"}
    )
    ne_northing = FiniteFloatField(
        _l("North-east corner: northing (metres)"), validators=[Optional()], render_kw={"step": "any"}
    )
    world_file = FileField(
        _l("Upload the world file"),
        description=_l(
            "The .jgw, .pgw, .tfw or .wld file that belongs to the image: six numbers, one per line. "
            "At most 2 KB."
        ),
        render_kw={"accept": ".jgw,.pgw,.tfw,.wld,.gfw,.txt,text/plain"},
    )
    world_file_text = TextAreaField(
        _l("Or paste the world file"),
        validators=[Optional(), max_length(WORLD_FILE_MAX_BYTES)],
        description=_l("Read when no world file is chosen above."),
        render_kw={"rows": 6, "spellcheck": "false", "autocomplete": "off"},
    )
    world_file_crs = RadioField(
        _l("Coordinate system of the world file"),
        choices=choices(WORLD_FILE_CRS_LABELS.items()),
        default=georef.UTM33,
    )
    url = StringField(
        _l("Service address"),
        validators=[Optional(), max_length(500)],
        description=_l(
            "A tile template like https://tiles.example.org/{z}/{x}/{y}.png or a WMS address. "
            "It must be on this website (starting with “/”) or on a host an administrator has "
            "allowed first (setting MAP_TILE_ORIGINS)."
        ),
    )
    wms_layers = StringField(_l("WMS layer names"), validators=[Optional(), max_length(200)])
    wms_format = SelectField(
        _l("WMS image format"), choices=choices((f, f) for f in WMS_FORMATS), default=WMS_FORMATS[0]
    )
    attribution = StringField(_l("Attribution"), validators=[Optional(), max_length(300)])
    opacity = FiniteFloatField(
        _l("Opacity (0 to 1)"), default=1.0, validators=[NumberRange(0, 1)], render_kw={"step": "any"}
    )
    is_base = BooleanField(_l("Background layer (only one background is shown at a time)"))
    shown_by_default = BooleanField(_l("Shown when the map opens"), default=True)


class LayerSettingsForm(FlaskForm):
    """What staff change on a layer once it is on the map: its name, text alternative,
    attribution and how it is shown. Its image, place and service address stay; for those a
    layer is removed and added again. The fields are LayerForm's own, in its order."""

    name = LayerForm.name
    description = LayerForm.description
    attribution = LayerForm.attribution
    opacity = LayerForm.opacity
    is_base = LayerForm.is_base
    shown_by_default = LayerForm.shown_by_default


class StateForm(FlaskForm):
    target = HiddenField(validators=[required()])
    # "yes" once the person has confirmed a change that ends something (closing, results)
    confirmed = HiddenField()


class IdeaForm(FlaskForm):
    title = StringField(_l("Title of your idea"), validators=[required(), max_length(IDEA_TITLE_MAX)])
    body = TextAreaField(
        _l("Describe your idea"),
        validators=[required(), max_length(IDEA_BODY_MAX)],
        render_kw={"rows": 6},
    )
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    kind = RadioField(
        _l("Shape"), choices=choices(KIND_LABELS.items()), default="point", validators=[required()]
    )
    positions = TextAreaField(_l("Position"), validators=[required()], render_kw={"rows": 4})
    photo = FileField(
        _l("Photo"),
        description=_l(
            "JPEG, PNG or WebP, at most 8 MB. We remove the location and camera data stored in the file."
        ),
    )
    photo_description = StringField(
        _l("What does the photo show?"),
        validators=[Optional(), max_length(300)],
        description=_l("For people who cannot see the photo."),
    )
    remove_photo = BooleanField(_l("Remove the current photo"))

    def note_dropped_photo(self) -> str:
        """After a failed submission the browser empties the file input, so a chosen photo is
        gone: say so next to the field (the form cannot keep the file). Called by the template
        once every error is known; returns "" so it can be used in `{{ }}`."""
        if getattr(self, "_photo_noted", False):
            return ""
        if self.photo.data and not self.photo.errors and any(f.errors for f in self):
            self._photo_noted = True
            self.photo.description = _(
                "Please choose your photo again: after an error the form cannot keep it. %(hint)s",
                hint=self.photo.description,
            )
        return ""


class AnswerForm(FlaskForm):
    status = SelectField(_l("Status"), choices=choices(IDEA_STATUS_LABELS.items()), id="answer-status")
    response = TextAreaField(
        _l("Answer of the city"), validators=[Optional(), max_length(5000)], render_kw={"rows": 5}
    )
