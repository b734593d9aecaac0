"""Where to send someone after a form: only ever back into this site."""

from urllib.parse import urlsplit

from flask import redirect, request, url_for


def safe_next(default_endpoint: str = "pages.home") -> str:
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return url_for(default_endpoint)


def redirect_next(default_endpoint: str = "pages.home"):
    return redirect(safe_next(default_endpoint))
