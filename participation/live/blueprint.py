from flask import Blueprint

bp = Blueprint("live", __name__, url_prefix="/live")
