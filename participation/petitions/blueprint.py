from flask import Blueprint

bp = Blueprint("petitions", __name__, template_folder="templates")
api_bp = Blueprint("petitions_api", __name__, url_prefix="/api/v1")  # api.py; errors are problem+json
