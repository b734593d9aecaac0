"""Render plain <input> elements for WTForms fields.

WTForms builds each attribute through Markup.format; on a form page that was a fifth of the
server time. Text-like inputs and checkboxes are simple enough to write out directly, with
the same attributes (validation flags, render_kw, the caller's ARIA attributes); other
widgets (selects, radios, text areas) still render through WTForms.
"""

from markupsafe import Markup, escape

INPUT_TYPES = {
    "StringField": "text",
    "EmailField": "email",
    "PasswordField": "password",
    "SearchField": "search",
    "URLField": "url",
    "TelField": "tel",
    "IntegerField": "number",
    "DecimalField": "number",
    "FloatField": "number",
    "FiniteFloatField": "number",
    "DateField": "date",
    "HiddenField": "hidden",
    "BooleanField": "checkbox",
}
VALIDATION_FLAGS = ("required", "minlength", "maxlength", "min", "max", "pattern")


def render_input(field, attributes: dict | None = None) -> Markup:
    kind = INPUT_TYPES.get(field.type)
    if kind is None:
        return field(**(attributes or {}))
    attrs: dict[str, object] = {"type": kind, "id": field.id, "name": field.name}
    if kind == "checkbox":
        attrs["value"] = "y"
        attrs["checked"] = bool(field.data)
    elif kind != "password":  # a password is never sent back to the browser
        attrs["value"] = field._value()
    for flag in VALIDATION_FLAGS:
        value = getattr(field.flags, flag, None)
        if value not in (None, False):
            attrs[flag] = value
    attrs.update(field.render_kw or {})
    attrs.update(attributes or {})
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(name)
        elif value is not False and value is not None:
            parts.append(f'{name}="{escape(value)}"')
    return Markup("<input " + " ".join(parts) + ">")  # noqa: S704 - every value escaped above
