from flask import Blueprint

bp = Blueprint("pages", __name__, template_folder="templates")
