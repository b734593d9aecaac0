import re

from tests.conftest import PASSWORD, csrf_token


def test_security_headers_on_every_response(client):
    for url in ("/", "/login", "/does-not-exist", "/healthz"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]


def test_every_script_carries_the_request_nonce(client):
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", response.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert nonce not in client.get("/").headers["Content-Security-Policy"]  # fresh for every request


def test_no_asset_comes_from_another_host(client):
    page = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_hsts_only_behind_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "max-age" in client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_session_cookie_is_httponly_and_samesite(client, user_factory):
    user_factory(email_address="anna@example.org")
    response = client.post(
        "/login", data={"csrf_token": csrf_token(client), "email": "anna@example.org", "password": PASSWORD}
    )
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_post_without_csrf_token_is_refused(client, login_as):
    login_as("resident")
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200  # still signed in


def test_htmx_can_send_the_token_as_a_header(client, login_as):
    login_as("resident")
    token = csrf_token(client, "/account")
    assert client.post("/logout", headers={"X-CSRFToken": token, "HX-Request": "true"}).status_code == 302


def test_production_refuses_to_start_without_a_secret_key():
    import pytest

    from participation import create_app
    from participation.settings import Settings

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Settings(env="production", database_url="sqlite://"))


def test_tile_servers_enter_the_csp_only_when_configured(settings, client):
    import dataclasses

    from participation import create_app

    img_src = re.search(r"img-src ([^;]+)", client.get("/healthz").headers["Content-Security-Policy"])
    assert img_src.group(1).split() == ["'self'", "data:", "blob:"]  # nothing from another host by default
    configured = create_app(
        dataclasses.replace(
            settings, map_tile_origins="https://geodienste.leipzig.de, https://Tiles.Example.org/"
        )
    )
    csp = configured.test_client().get("/healthz").headers["Content-Security-Policy"]
    img_src = re.search(r"img-src ([^;]+)", csp).group(1).split()
    assert img_src == [
        "'self'",
        "data:",
        "blob:",
        "https://geodienste.leipzig.de",
        "https://tiles.example.org",
    ]
    assert "geodienste" not in re.search(r"(script-src|connect-src) [^;]+", csp).group(0)


def test_tile_origins_come_from_the_environment_and_typos_stop_the_start():
    import pytest

    from participation.settings import Settings

    settings = Settings.from_env({"MAP_TILE_ORIGINS": "https://geodienste.leipzig.de"})
    assert settings.tile_origins == ("https://geodienste.leipzig.de",)
    assert Settings.from_env({}).tile_origins == ()
    for wrong in ("geodienste.leipzig.de", "https://geodienste.leipzig.de/wms", "ftp://x.org"):
        with pytest.raises(ValueError, match="MAP_TILE_ORIGINS"):
            Settings(map_tile_origins=wrong).flask_config()
