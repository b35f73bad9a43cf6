"""Survey pages for students: take a survey at /join with a class code and their personal
code, without an account. The staff pages are in `surveys.routes`, whose blueprint this uses."""

import re
from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from app import throttle
from app.codes import normalise_code
from app.extensions import db
from app.retry import committed
from app.web import render, render_fragments, see_other
from surveys import join_limits, services
from surveys.forms import JoinForm
from surveys.models import SurveyResponse
from surveys.routes import bp

RESPONSE_KEY = "survey_response"
SESSION_KEY = "survey_session"
CARRY_PREFIX = "answer-"
_ITEM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_CARRIED = 200
NOT_ANSWERS = {"csrf_token", "class_code", "personal_code", "item", "confirm"}
STUDENT_ENDPOINTS = {"surveys.join", "surveys.take", "surveys.save_answer", "surveys.submit"}


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
        return _join_page(form, carried=carried, status=422)
    # Charged before the codes are looked up, so parallel guesses cannot slip past the limit
    # (see surveys.join_limits); a join that works gives its attempt back.
    attempt = throttle.claim(
        *join_limits.join_limits(request.remote_addr, form.class_code.data, form.personal_code.data)
    )
    if not attempt.allowed:
        page = _join_page(
            form, error=join_limits.wait_message(attempt.wait), carried=carried, status=429
        )
        return *page, {"Retry-After": str(attempt.wait)}
    try:
        response = services.join(form.class_code.data, form.personal_code.data)
    except services.AlreadySubmitted as refusal:
        db.session.rollback()
        throttle.refund(attempt)  # the right codes: not a guess
        return _join_page(form, error=str(refusal), status=409)
    except services.JoinRefused as refusal:
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
    throttle.refund(attempt)
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


def _not_saved(message: str, taking: services.Taking | None = None):
    """The fragment for an answer that was not saved: it says so where "Saved" shows, and in
    the box above the questions, and never says "Saved" (survey.js swaps it in)."""
    item_id = request.form.get("item") or ""
    counts = {}
    if taking is not None:
        counts = {
            "answered": services.answered_count(taking.response.id),
            "total": len(taking.instrument.items),
        }
    fragment = render_fragments(
        "surveys/take.html",
        ["item_state", "problem", "progress_text"],
        item=SimpleNamespace(id=item_id if _ITEM_NAME.match(item_id) else "answer"),
        problem=message,
        oob=True,
        **counts,
    )
    return fragment, 409


@bp.post("/join/answer")
def save_answer():
    """Save one answer the moment it is chosen (htmx); a tiny fragment says it is saved."""
    try:
        taking = _current_taking()
    except services.SurveyClosed:
        return _not_saved(services.CLOSED_NOT_SAVED)
    except services.JoinRefused as refusal:
        return _not_saved(str(refusal))
    item_id = request.form.get("item")
    try:
        item_id, value = services.parse_answer(
            taking.instrument, item_id, request.form.get(item_id or "")
        )
    except services.InvalidAnswer:
        abort(400)
    response_id = taking.response.id

    def save() -> int:
        services.save_answers(response_id, {item_id: value})
        return services.answered_count(response_id)

    try:
        answered = committed(save)  # again if the database was busy
    except services.JoinRefused as refusal:  # submitted or closed a moment ago
        db.session.rollback()
        return _not_saved(str(refusal), taking)
    return render_fragments(
        "surveys/take.html",
        ["item_state", "progress"],
        item=taking.instrument.item(item_id),
        saved=True,
        answered=answered,
        total=len(taking.instrument.items),
        oob=True,
    )


def _already_submitted(response_id: int, form) -> tuple:
    """A submit of a response already submitted: a double click or a retry (the same answers)
    goes to the thank-you page; changed answers are refused and nothing is written."""
    db.session.rollback()
    _forget_survey()
    try:
        instrument = services.instrument_of(
            db.session.get(SurveyResponse, response_id).session.instrument
        )
        answers = services.answers_from_form(instrument, form)
    except (AttributeError, services.InvalidAnswer):
        answers = None
    if answers is not None and services.submitted_unchanged(response_id, answers):
        return see_other(url_for("surveys.done"))
    return _join_page(JoinForm(formdata=None), error=services.SUBMITTED, status=409)


@bp.post("/join/submit")
def submit():
    """Save every answer of the form and mark the response submitted, after which they are
    final (the same submit again is harmless)."""
    try:
        taking = _current_taking()
    except services.SurveyClosed:
        return _not_taking(services.SurveyClosed(services.CLOSED_NOT_SENT))
    except services.AlreadySubmitted:
        return _already_submitted(session.get(RESPONSE_KEY), request.form)
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
    try:
        if unanswered and request.form.get("confirm") != "1":
            committed(lambda: services.save_answers(taking.response.id, answers))
            taking.answers = saved
            return _survey_page(taking, unanswered=unanswered)
        committed(lambda: services.submit(taking.response.id, answers))
    except services.SurveyClosed:  # closed a moment ago
        db.session.rollback()
        return _not_taking(services.SurveyClosed(services.CLOSED_NOT_SENT))
    except services.AlreadySubmitted:  # a double click: the twin submitted first
        return _already_submitted(taking.response.id, request.form)
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
