"""Extensions are created unbound here and bound to the app in create_app()."""

from flask import request
from flask_babel import Babel
from flask_caching import Cache
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from participation.core.models import Base


def _reads_only() -> bool:
    return request.method in {"GET", "HEAD", "OPTIONS"}


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
htmx = HTMX()
cache = Cache()
# Every write gets this default limit unless its view names a stricter one.
limiter = Limiter(
    key_func=get_remote_address,
    default_limits=["60 per minute"],
    default_limits_exempt_when=_reads_only,
)
