from flask import Blueprint

bp = Blueprint("council", __name__, template_folder="templates")  # the pages
oparl_bp = Blueprint("oparl", __name__, url_prefix="/oparl/1.1")  # oparl_views.py; OParl error objects
