"""Survey pages for staff under /surveys: open, watch, close and read results. The pages
students use to take a survey (at /join) are in `surveys.student_routes`, on the same blueprint."""

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app import audit
from app.access import get_or_404, scoped
from app.extensions import db
from app.models import Group
from app.permissions import permission_required
from app.web import number_arg, render, render_fragments, see_other
from surveys import exports, join_limits, services
from surveys.forms import OpenSessionForm
from surveys.models import SurveySession
from surveys.waves import Wave, wave_choices, wave_of

bp = Blueprint(
    "surveys",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/surveys/static",
)


# --- staff -----------------------------------------------------------------------------------


@bp.get("/surveys/")
@permission_required("sessions.run")
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
    form.wave.choices = [(wave.key, wave.label) for wave in wave_choices(date.today())]
    if request.method == "GET":
        form.wave.data = wave_of(date.today()).key
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
@permission_required("sessions.run")
def new():
    form, instruments = _open_form()
    if form.validate_on_submit():
        group = get_or_404(current_user, Group, form.group.data)
        instrument = instruments[form.instrument.data]
        wave = Wave.from_key(form.wave.data)
        survey = services.open_session(current_user, group, instrument, wave)
        db.session.commit()
        flash(f"Opened {instrument.title} for {group.name}.", "success")
        return see_other(url_for("surveys.show", session_id=survey.id))
    status = 422 if request.method == "POST" else 200
    return render("surveys/new.html", form=form), status


def _show_context(survey: SurveySession) -> dict:
    failed = join_limits.failed_joins(survey) if survey.is_open else 0
    return {
        "survey": survey,
        "rows": services.live_rows(survey),
        "join_url": url_for("surveys.join", _external=True),
        "failed_joins": failed,
        "many_failed": failed >= join_limits.MANY_FAILED,
    }


@bp.get("/surveys/<int:session_id>")
@permission_required("sessions.run")
def show(session_id: int):
    survey = get_or_404(current_user, SurveySession, session_id)
    return render("surveys/show.html", **_show_context(survey))


@bp.get("/surveys/<int:session_id>/live")
@permission_required("sessions.run")
def live(session_id: int):
    """The live panel alone, polled by the session page every few seconds."""
    survey = get_or_404(current_user, SurveySession, session_id)
    return render_fragments("surveys/show.html", ["live"], **_show_context(survey))


@bp.post("/surveys/<int:session_id>/close")
@permission_required("sessions.run")
def close(session_id: int):
    survey = get_or_404(current_user, SurveySession, session_id)
    if services.close_session(current_user, survey):
        db.session.commit()
        flash(f"Closed the session {survey.class_code}. It takes no more answers.", "success")
    return see_other(url_for("surveys.show", session_id=survey.id))


@bp.post("/surveys/<int:session_id>/new-code")
@permission_required("sessions.run")
def new_code(session_id: int):
    """Someone is guessing with the class code: give the session a new one."""
    survey = get_or_404(current_user, SurveySession, session_id)
    old = services.new_class_code(current_user, survey)
    if old is not None:
        db.session.commit()
        flash(
            f"The new class code is {survey.class_code}; {old} no longer works. "
            "Students already answering carry on.",
            "success",
        )
    return see_other(url_for("surveys.show", session_id=survey.id))


@bp.post("/surveys/<int:session_id>/students/<int:student_id>/reopen")
@permission_required("sessions.run")
def reopen(session_id: int, student_id: int):
    """Let one student change their submitted answers (they join again with their codes)."""
    survey = get_or_404(current_user, SurveySession, session_id)
    row = next((r for r in services.live_rows(survey) if r.student.id == student_id), None)
    if row is None:
        abort(404)
    if services.reopen_response(current_user, survey, student_id):
        db.session.commit()
        flash(
            f"Reopened the answers of {row.student.full_name}: they can join again with their "
            "codes, change their answers and submit.",
            "success",
        )
    else:
        flash("Only submitted answers of an open session can be reopened.", "error")
    return see_other(url_for("surveys.show", session_id=survey.id))


@bp.get("/surveys/<int:session_id>/results")
@permission_required("sessions.run")
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
@permission_required("sessions.run")
def export_long(session_id: int):
    survey = get_or_404(current_user, SurveySession, session_id)
    return _csv_download(survey, exports.long_csv(services.session_results(survey)), "answers")


@bp.get("/surveys/<int:session_id>/scores.csv")
@permission_required("sessions.run")
def export_wide(session_id: int):
    survey = get_or_404(current_user, SurveySession, session_id)
    return _csv_download(survey, exports.wide_csv(services.session_results(survey)), "scores")
