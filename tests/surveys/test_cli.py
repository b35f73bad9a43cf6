"""`flask surveys open|close|export` and the survey part of `flask demo`."""

import csv
import io
from datetime import date

from sqlalchemy import func, select

from app import demo
from app.codes import ALPHABET
from app.extensions import db
from app.models import AuditEvent
from surveys import services
from surveys.models import SurveyAnswer, SurveyResponse, SurveySession
from surveys.waves import wave_of
from tests.factories import make_group, make_school, make_student


def _class(urn="137999"):
    school = make_school("Northfield Academy", urn=urn)
    students = [make_student(school) for _ in range(2)]
    make_group(school, name="9X1", students=students)
    db.session.commit()
    return school, students


def test_open_prints_the_class_code_and_close_closes(runner):
    _class()
    result = runner.invoke(args=["surveys", "open", "enjoyment", "--school", "137999",
                                 "--group", "9X1", "--wave", "Autumn 2026"])  # fmt: skip
    assert result.exit_code == 0, result.output
    code = result.output.strip()
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    db.session.expire_all()
    survey = db.session.scalars(select(SurveySession)).one()
    assert (survey.class_code, survey.wave.label, survey.closed_at) == (
        code,
        "Autumn 2026/27",
        None,
    )
    result = runner.invoke(args=["surveys", "close", code.lower()])
    assert result.exit_code == 0 and f"Closed session {code}" in result.output
    db.session.expire_all()
    assert db.session.get(SurveySession, survey.id).closed_at is not None
    again = runner.invoke(args=["surveys", "close", code])
    assert again.exit_code == 0 and "already closed" in again.output
    labels = db.session.scalars(select(AuditEvent.actor_label)).all()
    assert labels == ["command line", "command line"]


def test_open_explains_what_is_wrong(runner):
    _class()
    cases = [
        (["nonsense", "--school", "137999", "--group", "9X1"], "No instrument 'nonsense'"),
        (["enjoyment", "--school", "000000", "--group", "9X1"], "No school has URN 000000"),
        (["enjoyment", "--school", "137999", "--group", "7Z9"], "has no group called 7Z9"),
        (
            ["enjoyment", "--school", "137999", "--group", "9X1", "--wave", "Wave 2"],
            "'Wave 2' is not a wave: give a term and a year, like Autumn 2026",
        ),
    ]
    for args, message in cases:
        result = runner.invoke(args=["surveys", "open", *args])
        assert result.exit_code != 0 and message in result.output, result.output
    assert db.session.scalar(select(func.count()).select_from(SurveySession)) == 0
    for command in (["close", "NOSUCH"], ["export", "NOSUCH"]):
        result = runner.invoke(args=["surveys", *command])
        assert result.exit_code != 0 and "No survey session has the class code" in result.output


def test_export_long_and_wide(runner):
    school, students = _class()
    survey = services.open_session(
        None, students[0].groups[0], services.current_instruments()["enjoyment"]
    )
    response = SurveyResponse(session_id=survey.id, student_id=students[0].id)
    db.session.add(response)
    db.session.flush()
    services.submit(response.id, {"enj_best_part": 4, "enj_boring": 1})
    db.session.commit()
    result = runner.invoke(args=["surveys", "export", survey.class_code])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["item_id"], r["value"]) for r in rows] == [
        ("enj_best_part", "4"),
        ("enj_boring", "1"),
    ]
    wide = runner.invoke(args=["surveys", "export", survey.class_code, "--wide"])
    rows = list(csv.DictReader(io.StringIO(wide.output)))
    assert len(rows) == 1 and rows[0]["answered"] == "2" and rows[0]["score_enjoyment"] == ""


def test_demo_has_waves_of_scores_and_an_open_session_to_take(app, client):
    demo.seed(students_per_year=8, today=date(2026, 11, 23))
    db.session.commit()
    open_sessions = db.session.scalars(
        select(SurveySession).where(SurveySession.closed_at.is_(None))
    ).all()
    assert [(s.group.name, s.school.urn) for s in open_sessions] == [("9X1", "137001")]
    waves = set(db.session.execute(select(SurveySession.wave_year, SurveySession.wave_term)))
    assert len(waves) >= 4
    # Years 10-11 answer the KS4 self-efficacy form, younger years the KS3 form.
    forms = {
        (s.group.name[:2], s.instrument.key)
        for s in db.session.scalars(select(SurveySession))
        if s.instrument.key.startswith("self_efficacy") and s.wave == wave_of(date(2026, 6, 16))
    }
    assert ("11", "self_efficacy_ks4") in forms and ("10", "self_efficacy") in forms
    assert ("10", "self_efficacy_ks4") not in forms  # Year 9 in June 2026
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) > 1000
    text = demo.logins_text()
    code = open_sessions[0].class_code
    assert f"class code {code}" in text
    personal = text.split("personal codes: ")[1].split(",")[0].split(" ")[0]
    joined = client.post("/join", data={"class_code": code, "personal_code": personal})
    assert joined.status_code == 303
    # scores change gently from wave to wave, not wildly
    student = open_sessions[0].group.students[0]
    for history in services.scores_for_student(student.id):
        scores = [p.score for p in history.points if p.score is not None]
        assert len(scores) >= 2
        assert all(1 <= s <= 4 for s in scores)
