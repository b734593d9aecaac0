from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.consultations import VERSION_GROUP as CONSULTATIONS
from participation.core import features, fragments
from participation.core.anonymous_pages import cached_for_anonymous
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.core.locale import LOCALE_COOKIE, LOCALE_SESSION_KEY, LOCALES
from participation.core.navigation import safe_next
from participation.core.pagination import paginate
from participation.core.settings_access import current_settings
from participation.core.viewer_pages import cached_for_viewers
from participation.council.page_cache import GROUP as COUNCIL
from participation.extensions import db, limiter
from participation.pages import legal, services
from participation.pages.blueprint import bp
from participation.pages.forms import FeedbackForm, HandleFeedbackForm
from participation.pages.models import AccessibilityFeedback
from participation.petitions import VERSION_GROUP as PETITIONS
from participation.projects import VERSION_GROUP as PROJECTS

# The home page lists open consultations and petitions, the next council meeting and the
# latest project updates; its overview is a fragment with its own short life as well, so
# signature counts there may be a minute or two behind, as they were before.
HOME_GROUPS = (CONSULTATIONS, PETITIONS, COUNCIL, PROJECTS)


@bp.get("/")
@cached_for_anonymous(HOME_GROUPS, seconds=30)
@cached_for_viewers(HOME_GROUPS, seconds=30)
def home():
    overview = fragments.cached(fragments.HOME_OVERVIEW, lambda: render_template("pages/_overview.html"))
    return render_template("pages/home.html", overview=overview)


@bp.get("/impressum")
def imprint():
    return render_template("pages/imprint.html", imprint=legal.imprint(current_settings()))


@bp.get("/datenschutz")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/nutzungsbedingungen")
def terms():
    return render_template("pages/terms.html")


@bp.get("/leichte-sprache")
def easy_language():
    return render_template("pages/easy_language.html")


@bp.route("/barrierefreiheit", methods=["GET", "POST"])
@limiter.limit("5 per 10 minutes", methods=["POST"])
@rerenders_on_csrf_error
def accessibility():
    form = FeedbackForm()
    if request.method == "GET" and not form.page_url.data:
        form.page_url.data = request.args.get("page", "")[:500]
    if form.validate_on_submit():
        services.submit_feedback(form.message.data, form.page_url.data, form.reply_email.data, current_user)
        db.session.commit()
        flash(_("Thank you. Your feedback has reached the city's accessibility team."), "success")
        return redirect(url_for("pages.accessibility"))
    return show_form("pages/accessibility.html", form, details=legal.accessibility(current_settings()))


@bp.get("/staff/")
def staff_overview():
    """One place for everything staff manage: each installed feature, feedback, and accounts."""
    return render_template("pages/staff_overview.html", sections=features.managed_by(current_user))


FEEDBACK_VIEWS = {"offen": False, "erledigt": True, "alle": None}  # ?zeigen=... -> handled filter


@bp.get("/staff/feedback")
def feedback_list():
    shown = request.args.get("zeigen", "offen")
    if shown not in FEEDBACK_VIEWS:
        shown = "offen"
    page = paginate(AccessibilityFeedback.newest_first(handled=FEEDBACK_VIEWS[shown]), per_page=20)
    return render_template(
        "pages/feedback_list.html", page=page, shown=shown, handle_form=HandleFeedbackForm(formdata=None),
        action_form=ActionForm(formdata=None),
    )


@bp.post("/staff/feedback/<int:feedback_id>/erledigt")
def handle_feedback(feedback_id: int):
    feedback = db.get_or_404(AccessibilityFeedback, feedback_id)
    form = HandleFeedbackForm()
    if not form.validate_on_submit():
        flash(_("The note is too long: please write at most 2,000 characters."), "error")
        return redirect(url_for("pages.feedback_list"))
    services.mark_handled(feedback, current_user, form.note.data or "")
    db.session.commit()
    flash(_("The feedback is marked as handled."), "success")
    return redirect(url_for("pages.feedback_list"))


@bp.post("/staff/feedback/<int:feedback_id>/wieder-offen")
def reopen_feedback(feedback_id: int):
    feedback = db.get_or_404(AccessibilityFeedback, feedback_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.reopen(feedback, current_user)
    db.session.commit()
    flash(_("The feedback is open again."), "success")
    return redirect(url_for("pages.feedback_list", zeigen="erledigt"))


@bp.get("/language/<code>")
def set_language(code: str):
    """The language switcher: a plain link that remembers the choice for this browser and
    reloads the page. Being a GET (a crawler or another site may follow it), it never touches
    the account's stored language, which mails use; only the account form saves that."""
    target = safe_next()
    response = redirect(target)
    if code in LOCALES:
        response.set_cookie(
            LOCALE_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
        if current_user.is_authenticated:
            session[LOCALE_SESSION_KEY] = code  # outranks the account's language on pages only
        else:
            session.pop(LOCALE_SESSION_KEY, None)  # the cookie decides for signed-out visitors
    return response
