"""Survey pages: staff open, watch, close and read results under /surveys; students take a
survey at /join with a class code and their personal code, without an account."""

import csv
import io
import re

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import selectinload

from app import audit
from app.access import get_or_404, school_staff_required, scoped
from app.codes import normalise_code
from app.extensions import db, limiter
from app.models import Group
from app.web import number_arg, render, render_fragments, see_other
from surveys import exports, services
from surveys.forms import JoinForm, OpenSessionForm
from surveys.models import SurveySession

bp = Blueprint(
    "surveys",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/surveys/static",
)

RESPONSE_KEY = "survey_response"
SESSION_KEY = "survey_session"
CARRY_PREFIX = "answer-"
_ITEM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_CARRIED = 200
NOT_ANSWERS = {"csrf_token", "class_code", "personal_code", "item", "confirm"}
STUDENT_ENDPOINTS = {"surveys.join", "surveys.take", "surveys.save_answer", "surveys.submit"}


# --- staff -----------------------------------------------------------------------------------


@bp.get("/surveys/")
@school_staff_required
def index():
    sessions = db.session.scalars(
        scoped(current_user, SurveySession)
        .options(
            selectinload(SurveySession.group),
            selectinload(SurveySession.instrument),
            selectinload(SurveySession.school),
        )
        .order_by(SurveySession.closed_at.is_not(None), SurveySession.opened_at.desc())
    ).all()
    counts = services.response_counts([s.id for s in sessions])
    return render(
        "surveys/index.html",
        sessions=sessions,
        counts=counts,
        no_counts=services.SessionCounts(),
    )


def _open_form() -> tuple[OpenSessionForm, dict]:
    """The form to open a session, and the instruments it offers (read once)."""
    form = OpenSessionForm()
    instruments = services.current_instruments()
    form.instrument.choices = [("", "Choose a questionnaire")] + [
        (key, instrument.title) for key, instrument in instruments.items()
    ]
    groups = db.session.scalars(
        scoped(current_user, Group).options(selectinload(Group.school)).order_by(Group.name)
    ).all()
    show_school = current_user.is_admin
    form.group.choices = [(0, "Choose a group")] + [
        (group.id, f"{group.name} ({group.school.name})" if show_school else group.name)
        for group in groups
    ]
    group_id = number_arg(request.args.get("group"))
    if request.method == "GET" and group_id is not None:
        # From a group's page: the group comes chosen (only if it is one of the choices).
        form.group.data = group_id
    return form, instruments


@bp.route("/surveys/new", methods=["GET", "POST"])
@school_staff_required
def new():
    form, instruments = _open_form()
    if form.validate_on_submit():
        group = get_or_404(current_user, Group, form.group.data)
        instrument = instruments[form.instrument.data]
        survey = services.open_session(current_user, group, instrument, form.wave.data)
        db.session.commit()
        flash(f"Opened {instrument.title} for {group.name}.", "success")
        return see_other(url_for("surveys.show", session_id=survey.id))
    status = 422 if request.method == "POST" else 200
    return render("surveys/new.html", form=form), status


def _show_context(survey: SurveySession) -> dict:
    return {
        "survey": survey,
        "rows": services.live_rows(survey),
        "join_url": url_for("surveys.join", _external=True),
    }


@bp.get("/surveys/<int:session_id>")
@school_staff_required
def show(session_id: int):
    survey = get_or_404(current_user, SurveySession, session_id)
    return render("surveys/show.html", **_show_context(survey))


@bp.get("/surveys/<int:session_id>/live")
@school_staff_required
def live(session_id: int):
    """The live panel alone, polled by the session page every few seconds."""
    survey = get_or_404(current_user, SurveySession, session_id)
    return render_fragments("surveys/show.html", ["live"], **_show_context(survey))


@bp.post("/surveys/<int:session_id>/close")
@school_staff_required
def close(session_id: int):
    survey = get_or_404(current_user, SurveySession, session_id)
    if services.close_session(current_user, survey):
        db.session.commit()
        flash(f"Closed the session {survey.class_code}. It takes no more answers.", "success")
    return see_other(url_for("surveys.show", session_id=survey.id))


@bp.get("/surveys/<int:session_id>/results")
@school_staff_required
def results(session_id: int):
    survey = get_or_404(current_user, SurveySession, session_id)
    return render("surveys/results.html", results=services.session_results(survey))


def _csv_download(survey: SurveySession, body: str, kind: str) -> Response:
    """The CSV as a download, after auditing the export (names, UPNs and answers leave)."""
    name = f"survey-{survey.class_code}-{kind}.csv"
    rows = max(sum(1 for _ in csv.reader(io.StringIO(body))) - 1, 0)
    group = survey.group.name if survey.group else ""
    audit.record(
        current_user,
        "survey_session.export",
        survey,
        summary=f"Exported the {kind} of {survey.class_code} ({group}): {rows} rows",
        after={"file": name, "kind": kind, "group": group, "rows": rows},
    )
    db.session.commit()
    response = Response("\ufeff" + body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/surveys/<int:session_id>/answers.csv")
@school_staff_required
def export_long(session_id: int):
    survey = get_or_404(current_user, SurveySession, session_id)
    return _csv_download(survey, exports.long_csv(services.session_results(survey)), "answers")


@bp.get("/surveys/<int:session_id>/scores.csv")
@school_staff_required
def export_wide(session_id: int):
    survey = get_or_404(current_user, SurveySession, session_id)
    return _csv_download(survey, exports.wide_csv(services.session_results(survey)), "scores")


# --- students --------------------------------------------------------------------------------


def _class_code_key() -> str:
    return "survey-class:" + normalise_code(request.form.get("class_code", ""))[:12]


def _join_failed(_response) -> bool:
    return bool(g.get("join_failed"))


def _carried(form, prefix: str = "") -> dict[str, str]:
    """Answers a student sent that could not be saved yet, to carry through a rejoin."""
    carried = {}
    for name, value in form.items():
        if not name.startswith(prefix):
            continue
        item_id = name[len(prefix) :]
        if item_id in NOT_ANSWERS:
            continue
        if _ITEM_NAME.match(item_id) and value.isdigit() and len(value) < 4:
            carried[item_id] = value
        if len(carried) >= MAX_CARRIED:
            break
    return carried


def _join_page(form: JoinForm, error: str | None = None, carried=None, status: int = 200):
    return (
        render_template("surveys/join.html", form=form, error=error, carried=carried or {}),
        status,
    )


def _forget_survey() -> None:
    session.pop(RESPONSE_KEY, None)
    session.pop(SESSION_KEY, None)


def _current_taking() -> services.Taking:
    """The response in this browser's cookie, checked; raise JoinRefused or SurveyClosed."""
    return services.taking(session.get(RESPONSE_KEY), session.get(SESSION_KEY))


@bp.route("/join", methods=["GET", "POST"])
# A class of 30 shares one address and some mistype, so the per-address limit is generous;
# the per-class-code limit is what stops guessing personal codes. Only failures count.
@limiter.limit("200 per 10 minutes", methods=["POST"], deduct_when=_join_failed)
@limiter.limit(
    "100 per 10 minutes", key_func=_class_code_key, methods=["POST"], deduct_when=_join_failed
)
def join():
    form = JoinForm()
    if request.method == "GET":
        # The next student on a shared device starts here: forget the last one's survey
        # (their answers are saved; their codes bring them back).
        _forget_survey()
        form.class_code.data = normalise_code(request.args.get("code", ""))[:12] or None
        return _join_page(form)
    carried = _carried(request.form, CARRY_PREFIX)
    if not form.validate_on_submit():
        g.join_failed = True
        return _join_page(form, carried=carried, status=422)
    try:
        response = services.join(form.class_code.data, form.personal_code.data)
    except services.JoinRefused as refusal:
        g.join_failed = True
        db.session.rollback()
        return _join_page(form, error=str(refusal), carried=carried, status=422)
    if carried:
        # Answers carried through a rejoin: keep the valid ones, as a save would.
        instrument = services.instrument_of(response.session.instrument)
        answers = {}
        for item_id, raw in carried.items():
            try:
                item_id, value = services.parse_answer(instrument, item_id, raw)
            except services.InvalidAnswer:
                continue
            answers[item_id] = value
        services.save_answers(response.id, answers)
    db.session.commit()
    session[RESPONSE_KEY] = response.id
    session[SESSION_KEY] = response.session_id
    if carried:
        flash("Your answers are back. Check them, then press Submit answers.", "success")
    return see_other(url_for("surveys.take"))


def _survey_page(taking: services.Taking, unanswered=None, status: int = 200):
    answers = taking.answers or services.saved_answers(taking.response.id)
    return (
        render(
            "surveys/take.html",
            taking=taking,
            instrument=taking.instrument,
            answers=answers,
            answered=len(answers),
            total=len(taking.instrument.items),
            unanswered=unanswered or [],
        ),
        status,
    )


def _not_taking(refusal: services.JoinRefused):
    """Send a student without a usable response back to the join page, with the reason."""
    _forget_survey()
    return _join_page(JoinForm(formdata=None), error=str(refusal), status=409)


@bp.get("/join/survey")
def take():
    try:
        taking = _current_taking()
    except services.SurveyClosed as closed:
        return _not_taking(closed)
    except services.JoinRefused:
        _forget_survey()
        return redirect(url_for("surveys.join"), code=303)
    return _survey_page(taking)


@bp.post("/join/answer")
def save_answer():
    """Save one answer the moment it is chosen (htmx); a tiny fragment says it is saved."""
    try:
        taking = _current_taking()
    except services.JoinRefused as refusal:
        return render_template("surveys/_save_problem.html", message=str(refusal)), 409
    item_id = request.form.get("item")
    try:
        item_id, value = services.parse_answer(
            taking.instrument, item_id, request.form.get(item_id or "")
        )
    except services.InvalidAnswer:
        abort(400)
    services.save_answers(taking.response.id, {item_id: value})
    answered = services.answered_count(taking.response.id)
    db.session.commit()
    return render_fragments(
        "surveys/take.html",
        ["item_state", "progress"],
        item=taking.instrument.item(item_id),
        saved=True,
        answered=answered,
        total=len(taking.instrument.items),
        oob=True,
    )


@bp.post("/join/submit")
def submit():
    """Save every answer of the form and mark the response submitted (again is harmless)."""
    try:
        taking = _current_taking()
    except services.SurveyClosed as closed:
        return _not_taking(closed)
    except services.JoinRefused:
        # Cookie gone (a new browser session, or submitted already): keep what they sent.
        _forget_survey()
        form = JoinForm(formdata=None)
        form.class_code.data = normalise_code(request.form.get("class_code", ""))[:12] or None
        message = "Enter your codes again to send these answers. Nothing you chose is lost."
        return _join_page(form, error=message, carried=_carried(request.form), status=409)
    try:
        answers = services.answers_from_form(taking.instrument, request.form)
    except services.InvalidAnswer:
        abort(400)
    saved = services.saved_answers(taking.response.id)
    saved.update(answers)
    unanswered = [item for item in taking.instrument.items if item.id not in saved]
    if unanswered and request.form.get("confirm") != "1":
        services.save_answers(taking.response.id, answers)
        db.session.commit()
        taking.answers = saved
        return _survey_page(taking, unanswered=unanswered)
    services.submit(taking.response.id, answers)
    db.session.commit()
    _forget_survey()
    return see_other(url_for("surveys.done"))


@bp.get("/join/done")
def done():
    return render_template("surveys/done.html")


@bp.errorhandler(CSRFError)
def csrf_refused(_error):
    """A student's page can outlive its cookie: never drop their answers silently."""
    if request.endpoint not in STUDENT_ENDPOINTS:
        return render_template(
            "errors/error.html",
            status=400,
            title="This form has expired",
            message="Please reload the page and try again. Nothing was saved.",
        ), 400
    if request.endpoint == "surveys.save_answer":
        message = "This page has expired, so that answer was not saved yet."
        return render_template("surveys/_save_problem.html", message=message), 400
    carried = _carried(request.form, CARRY_PREFIX if request.endpoint == "surveys.join" else "")
    form = JoinForm(formdata=None)
    form.class_code.data = normalise_code(request.form.get("class_code", ""))[:12] or None
    message = "This page expired. Enter your codes again" + (
        ": the answers you chose will be kept." if carried else "."
    )
    return _join_page(form, error=message, carried=carried, status=400)
