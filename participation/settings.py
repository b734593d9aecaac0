"""Every setting the platform reads, with its type, default and environment variable.

One frozen dataclass: the app factory turns it into Flask config, tests build their own
instance instead of patching the environment.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
JOB_MODES = ("thread", "worker", "immediate")


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    # "development", "testing" or "production" (PARTICIPATION_ENV)
    env: str = "development"
    secret_key: str | None = None
    database_url: str = field(default_factory=lambda: f"sqlite:///{INSTANCE_DIR / 'participation.db'}")
    redis_url: str | None = None
    # Background jobs (core/jobs.py, huey). JOBS_MODE: "thread" runs them in a consumer thread
    # of the web process (the default without Redis: `make run` needs nothing else), "worker"
    # leaves them to `flask jobs worker` (the default with REDIS_URL), "immediate" runs them
    # right after the commit in the process that committed (the default for the test suite).
    jobs_mode: str = ""
    # The queue lives in Redis (JOBS_REDIS_URL, else REDIS_URL) or, without one, in a SQLite
    # file (JOBS_SQLITE_PATH; empty: beside the SQLite database, or instance/jobs.db).
    jobs_redis_url: str | None = None
    jobs_sqlite_path: str = ""
    jobs_name: str = "participation"  # the queue's name, and so its Redis key prefix
    jobs_workers: int = 2  # threads that run jobs, in `flask jobs worker` or in thread mode
    jobs_retries: int = 5  # a failed job runs again this often ...
    jobs_retry_delay: int = 10  # ... first after this many seconds, then twice as long each time
    base_url: str = "http://127.0.0.1:5000"
    mail_server: str | None = None
    mail_port: int = 25
    mail_username: str | None = None
    mail_password: str | None = None
    mail_use_tls: bool = False
    mail_default_sender: str = "Beteiligung Leipzig <beteiligung@example.org>"
    mail_outbox_dir: str = str(INSTANCE_DIR / "mail")
    # address that receives accessibility feedback; empty means: every staff and admin account
    feedback_email: str | None = None
    ratelimit_enabled: bool = True
    # An OParl import started from the staff pages asks only hosts on the public internet
    # (COUNCIL_IMPORT_PRIVATE_HOSTS=true admits the intranet, for a council system inside the
    # city's network). `flask council import-oparl` on the server's command line may ask any.
    council_import_private_hosts: bool = False
    max_content_length: int = 16 * 1024 * 1024
    # Tile and WMS servers the maps may load images from, comma-separated origins such as
    # "https://geodienste.leipzig.de" (MAP_TILE_ORIGINS). They are added to the CSP img-src and
    # are the only other hosts a staff member may enter for a layer. Empty: nothing is ever
    # loaded from another host, and maps show the uploaded layers on a plain background.
    map_tile_origins: str = ""
    # The background map under every geographic map, on the city's own tile server:
    # BASEMAP_URL is an XYZ template with {z}, {x} and {y} (BASEMAP_KIND=xyz) or a WMS address
    # (BASEMAP_KIND=wms, with BASEMAP_WMS_LAYERS); BASEMAP_ATTRIBUTION is the credit the map
    # shows. Its origin joins the CSP img-src. Empty: maps say that no background is configured.
    basemap_url: str = ""
    basemap_kind: str = "xyz"
    basemap_wms_layers: str = ""
    basemap_attribution: str = ""
    # The legal pages, filled in by the operator (README, settings table). Lines of an address
    # are separated by "|". Unset in development: the pages show marked demo values; unset
    # elsewhere: visitors read that the details are missing and admins how to enter them.
    imprint_operator: str = ""  # name and postal address of the body that runs the platform
    imprint_representative: str = ""  # who represents it, e.g. the mayor
    imprint_email: str = ""
    imprint_phone: str = ""
    imprint_responsible: str = ""  # responsible for the content (§ 18 (2) MStV): name | address
    accessibility_statement_date: str = ""  # YYYY-MM-DD: when the statement was made or last reviewed
    # the enforcement body residents may turn to (BITV 2.0); in Saxony the Durchsetzungsstelle
    accessibility_enforcement_name: str = ""
    accessibility_enforcement_address: str = ""
    accessibility_enforcement_email: str = ""
    accessibility_enforcement_phone: str = ""
    accessibility_enforcement_url: str = ""
    # the language the city writes consultations and projects in (CONTENT_LANGUAGE): such text
    # is marked with it on pages in other languages
    content_language: str = "de"
    # the city's time zone (TIMEZONE): dates and times on pages, ends of participation periods
    timezone: str = "Europe/Berlin"
    # how many reverse proxies set X-Forwarded-* in front of the app (0: trust none)
    trusted_proxies: int = 0
    # argon2id cost; the defaults are argon2-cffi's RFC 9106 "low memory" profile
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    email_token_max_age: int = 48 * 3600
    # Live updates (participation/live): a comment line keeps each idle stream open through
    # proxies every this many seconds; each topic keeps its last events (at most this many,
    # for at most this long) so that a client resumes after a dropped connection instead of
    # reloading; Redis keys and the one pub/sub channel start with the prefix.
    live_heartbeat_seconds: int = 15
    live_poll_seconds: int = 20  # how often a page without a stream asks (the polling fallback)
    live_backlog_length: int = 100
    live_backlog_seconds: int = 3600
    live_channel_prefix: str = "participation:live"
    reset_token_max_age: int = 2 * 3600
    # Petitions (participation/petitions): supporters a draft needs before moderation, the
    # quorum and how long a petition collects; mailbox providers that ignore dots in the part
    # before the @ (for one signature per person); postcodes of the municipality (prefixes,
    # comma-separated: Leipzig's are 04xxx); how long links mailed before the close still count.
    petition_supporters_needed: int = 3
    petition_quorum: int = 1500
    petition_days_open: int = 42
    petition_dotless_domains: str = "gmail.com"
    petition_municipal_postcodes: str = "04"
    petition_confirm_grace_hours: int = 24
    # A moderator who opens a petition for a decision holds it this long for the others.
    petition_hold_minutes: int = 10
    # Moderation (participation/moderation): content reported by this many different people is
    # hidden until a moderator decides; a moderator handling a case holds it this long for the
    # others; authors may appeal a decision for this many days (six months, DSA Art. 20).
    # New content with more links than this goes into the queue (it stays visible).
    moderation_report_threshold: int = 3
    moderation_hold_minutes: int = 5
    moderation_appeal_days: int = 183
    moderation_max_links: int = 3
    # Signatures over these limits (per IP network, per mail domain, per petition and hour) are
    # held for staff instead of refused; domains of big mail providers are exempt from the
    # domain limit (comma-separated). RATELIMIT_ENABLED=false switches both off.
    petition_signatures_per_ip_hour: int = 20
    petition_signatures_per_domain_hour: int = 300
    petition_common_mail_domains: str = (
        "gmail.com,googlemail.com,web.de,gmx.de,gmx.net,t-online.de,outlook.com,hotmail.com,"
        "yahoo.com,yahoo.de,icloud.com,freenet.de,posteo.de,mailbox.org,aol.com,arcor.de"
    )
    # `flask petitions anonymize` erases names, addresses and IP hashes this many days after a
    # petition was answered or closed (the counts by district and day stay).
    petition_anonymize_after_days: int = 180

    ENV_NAMES = {
        "env": "PARTICIPATION_ENV",
    }

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for f in fields(cls):
            name = cls.ENV_NAMES.get(f.name, f.name.upper())
            if name not in environ or environ[name] == "":
                continue
            raw = environ[name]
            kind = f.type if isinstance(f.type, str) else f.type.__name__
            if kind.startswith("bool"):
                values[f.name] = _bool(raw)
            elif kind.startswith("int"):
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
        values.update(overrides)
        return cls(**values)

    @property
    def dotless_domains(self) -> tuple[str, ...]:
        return tuple(d.strip().lower() for d in self.petition_dotless_domains.split(",") if d.strip())

    @property
    def municipal_postcode_prefixes(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.petition_municipal_postcodes.split(",") if p.strip())

    @property
    def common_mail_domains(self) -> frozenset[str]:
        return frozenset(d.strip().lower() for d in self.petition_common_mail_domains.split(",") if d.strip())

    @property
    def tile_origins(self) -> tuple[str, ...]:
        """`map_tile_origins` as normalised origins (scheme://host[:port], lower case)."""
        return tuple(_origin(part) for part in self.map_tile_origins.split(",") if part.strip())

    @property
    def basemap(self) -> dict[str, str] | None:
        """The BASEMAP_* settings checked (a mistake stops the start), or None when unset."""
        url = self.basemap_url.strip()
        if not url:
            return None
        kind = self.basemap_kind.strip().lower()
        if kind not in ("xyz", "wms"):
            raise ValueError(f"BASEMAP_KIND: {self.basemap_kind!r} is neither 'xyz' nor 'wms'")
        if url.startswith("/") and not url.startswith("//"):
            origin = None  # served by this site
        else:
            parts = urlsplit(url)
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username:
                raise ValueError(
                    f"BASEMAP_URL: {url!r} is not an address like https://tiles.example.org/{{z}}/{{x}}/{{y}}.png"
                )
            origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if kind == "xyz" and not all(p in url for p in ("{z}", "{x}", "{y}")):
            raise ValueError("BASEMAP_URL: a tile address needs the placeholders {z}, {x} and {y}")
        if kind == "wms" and not self.basemap_wms_layers.strip():
            raise ValueError("BASEMAP_WMS_LAYERS: a WMS background needs at least one layer name")
        if not self.basemap_attribution.strip():
            raise ValueError("BASEMAP_ATTRIBUTION: the background map's source must be credited")
        return {
            "url": url,
            "kind": kind,
            "wms_layers": self.basemap_wms_layers.strip(),
            "attribution": self.basemap_attribution.strip(),
            "origin": origin,
        }

    @property
    def job_queue_redis_url(self) -> str | None:
        return self.jobs_redis_url or self.redis_url

    @property
    def job_mode(self) -> str:
        """JOBS_MODE checked, or chosen: immediate in tests, worker with Redis, thread otherwise."""
        mode = self.jobs_mode.strip().lower()
        if not mode:
            if self.testing:
                return "immediate"
            return "worker" if self.job_queue_redis_url else "thread"
        if mode not in JOB_MODES:
            raise ValueError(f"JOBS_MODE: {self.jobs_mode!r} is none of {', '.join(JOB_MODES)}")
        return mode

    @property
    def job_queue_file(self) -> Path:
        """The SQLite queue without Redis: next to a SQLite database, so that two checkouts or a
        test server never run each other's jobs against the wrong database."""
        if self.jobs_sqlite_path:
            return Path(self.jobs_sqlite_path)
        if self.database_url.startswith("sqlite:///") and ":memory:" not in self.database_url:
            database = Path(self.database_url.removeprefix("sqlite:///"))
            return database.with_name(f"{database.stem}-jobs.db")
        return INSTANCE_DIR / "jobs.db"

    @property
    def cache_type(self) -> str:
        if self.testing:
            return "NullCache"
        return "RedisCache" if self.redis_url else "SimpleCache"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def testing(self) -> bool:
        return self.env == "testing"

    def flask_config(self) -> dict[str, object]:
        if self.production and not self.secret_key:
            raise RuntimeError("SECRET_KEY must be set when PARTICIPATION_ENV=production")
        return {
            "SECRET_KEY": self.secret_key or "dev-only-not-secret",
            "TESTING": self.testing,
            "SQLALCHEMY_DATABASE_URI": _normalise_db_url(self.database_url),
            # compact JSON columns: stored geometries go out to the map as they are; idle
            # connections are checked before use by core.database.ping_when_idle instead
            "SQLALCHEMY_ENGINE_OPTIONS": {"json_serializer": compact_json},
            "MAX_CONTENT_LENGTH": self.max_content_length,
            "MAP_TILE_ORIGINS": self.tile_origins,  # parsed here so a typo stops the start
            "BASEMAP": self.basemap,  # checked here as well
            "JOBS_MODE": self.job_mode,  # and so is this
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.production,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.production,
            "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead: long forms must not expire
            "WTF_CSRF_HEADERS": ["X-CSRFToken"],
            # shared page fragments (core.fragments): Redis when there is one, so every worker
            # sees a change at once; in-process otherwise; none in tests, which roll back
            "CACHE_TYPE": self.cache_type,
            "CACHE_NO_NULL_WARNING": True,
            "CACHE_REDIS_URL": self.redis_url,
            "CACHE_KEY_PREFIX": "participation:",
            "RATELIMIT_ENABLED": self.ratelimit_enabled,
            "RATELIMIT_STORAGE_URI": self.redis_url or "memory://",
            "RATELIMIT_HEADERS_ENABLED": True,
            "RATELIMIT_STRATEGY": "moving-window",  # no burst of twice the limit at a window edge
            "BABEL_DEFAULT_LOCALE": "de",
            "CONTENT_LANGUAGE": self.content_language,
            "BABEL_DEFAULT_TIMEZONE": _timezone(self.timezone),
            "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
            "PREFERRED_URL_SCHEME": "https" if self.production else "http",
        }


def compact_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"TIMEZONE: {name!r} is not a time zone like Europe/Berlin") from error
    return name


def _origin(value: str) -> str:
    parts = urlsplit(value.strip())
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or parts.username
        or parts.password
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError(
            f"MAP_TILE_ORIGINS: {value.strip()!r} is not an origin like https://tiles.example.org"
        )
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _normalise_db_url(url: str) -> str:
    # Heroku-style postgres:// URLs and bare postgresql:// should use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
