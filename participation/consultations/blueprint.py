from flask import Blueprint

bp = Blueprint("consultations", __name__, template_folder="templates")
# JSON API v1 (api.py); every error under its prefix is problem+json (see init_app).
api_bp = Blueprint("consultations_api", __name__, url_prefix="/api/v1")
