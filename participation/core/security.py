"""Security headers on every response, with a fresh CSP nonce per request."""

from __future__ import annotations

import secrets
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def tile_origins() -> tuple[str, ...]:
    """The tile and WMS servers the operator allowed (setting `map_tile_origins`, and the host of
    the background map, setting `basemap_url`); none by default."""
    origins = list(current_app.config.get("MAP_TILE_ORIGINS", ()))
    basemap = current_app.config.get("BASEMAP") or {}
    if basemap.get("origin") and basemap["origin"] not in origins:
        origins.append(basemap["origin"])
    return tuple(origins)


def is_allowed_tile_url(url: str) -> bool:
    """An address on this site ("/...", not "//host") or on one of the allowed origins, compared
    exactly by scheme and host (and port): the CSP admits nothing else."""
    url = (url or "").strip()
    if url.startswith("/"):
        return not url.startswith("//") and "\\" not in url
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if not parts.scheme or not parts.netloc or parts.username or parts.password:
        return False
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}" in tile_origins()


def origin_of(url: str | None) -> str | None:
    """The origin ("https://host[:port]") of an absolute http(s) address; None for a path on this site or
    anything else (the CSP then needs nothing added)."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username or parts.password:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def allow_media_from(*urls: str | None) -> str:
    """Let this response's page play media from where `urls` are (a council session's HLS
    stream and its recording: configured per meeting, so not in the site-wide policy). Adds
    their origins to media-src and connect-src (hls.js fetches playlists and segments) and
    blob: to media-src (Media Source Extensions play from a blob: URL), for this response
    only. Returns "" so that a template can call it where it shows the player."""
    allowed = g.setdefault("csp_media_origins", [])
    if "blob:" not in allowed:
        allowed.append("blob:")
    for url in urls:
        origin = origin_of(url)
        if origin is not None and origin not in allowed:
            allowed.append(origin)
    return ""


_STATIC_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


@lru_cache(maxsize=64)
def _policy(nonce: str | None, tiles: tuple[str, ...], media: tuple[str, ...]) -> str:
    img_src = " ".join(["'self'", "data:", "blob:", *tiles])
    media_src = " ".join(["'self'", *media])
    connect_src = " ".join(["'self'", *(origin for origin in media if origin != "blob:")])
    script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    style_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_src}",
            f"style-src {style_src}",
            f"img-src {img_src}",
            "font-src 'self'",
            f"connect-src {connect_src}",
            f"media-src {media_src}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _content_security_policy(nonce: str | None) -> str:
    policy = _policy(None, tile_origins(), tuple(g.get("csp_media_origins") or ()))
    if nonce is None:
        return policy  # the same for every answer without a nonce: built once, then cached
    return _policy.__wrapped__(nonce, tile_origins(), tuple(g.get("csp_media_origins") or ()))


def set_security_headers(response):
    headers = response.headers
    if "Content-Security-Policy" not in headers:
        # A nonce only where the answer used one (every page does, through base.html): a JSON
        # answer or a 304 has no scripts to admit, and the policy without one is cached.
        headers["Content-Security-Policy"] = _content_security_policy(g.get("csp_nonce"))
    for name, value in _STATIC_HEADERS:
        if name not in headers:
            headers[name] = value
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response


def init_security(app: Flask) -> None:
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["allow_media_from"] = allow_media_from
