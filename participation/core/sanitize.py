"""The one bleach policy: all user-written text becomes HTML only through `render_markdown`."""

from __future__ import annotations

import bleach
import markdown
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _set_link_rel(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


def render_markdown(text: str) -> Markup:
    """Limited Markdown to safe HTML: raw HTML is escaped, links are marked as user content."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    linked = bleach.linkify(cleaned, callbacks=[_set_link_rel], skip_tags={"pre", "code"})
    return Markup(linked)  # noqa: S704 - sanitised by bleach just above
