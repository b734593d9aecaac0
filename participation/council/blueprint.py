from flask import Blueprint

bp = Blueprint("council", __name__, template_folder="templates")  # the pages
oparl_bp = Blueprint("oparl", __name__, url_prefix="/oparl/1.1")  # oparl_views.py; OParl error objects
api_bp = Blueprint("council_api", __name__, url_prefix="/api/v1")  # live_api.py; problem+json errors
