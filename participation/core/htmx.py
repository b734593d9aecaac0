"""Helpers for pages that are whole for a normal request and a fragment for htmx."""

from __future__ import annotations

from flask import make_response, render_template

from participation.extensions import htmx


def render_page_or_fragment(page: str, fragment: str, **context):
    """Render `page` normally, only `fragment` (which the page includes) for htmx requests."""
    template = fragment if htmx else page
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response
