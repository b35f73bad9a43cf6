"""The real path, nothing faked: a lead opens an enjoyment survey on the web, a Year 9 student
answers it at /join, and their score reaches their page's chart, outcome 1 (`flask outcomes`)
and their PDF profile. Every other test of those three fakes the surveys area; this one does
not, so a break anywhere between an answer and a figure shows here."""

import json
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Role
from surveys.instruments import load_all
from surveys.models import SurveySession
from surveys.waves import wave_of
from tests.factories import make_group, make_school, make_student, make_user
from tests.profiles.conftest import pdf_text

HTMX = {"HX-Request": "true"}
# Agree-ish answers; the two reverse-coded items (enj_boring, enj_would_drop) count as 5 - v.
ANSWERS = {
    "enj_best_part": 4,
    "enj_boring": 1,  # counts as 4
    "enj_good_feeling": 3,
    "enj_for_fun": 3,
    "enj_would_drop": 2,  # counts as 3
    "enj_time_flies": 4,
    # The engagement scale of the same questionnaire (not part of this path's figures).
    "eng_try_hard": 3,
    "eng_keep_going": 3,
    "eng_join_in": 2,
    "eng_mind_wanders": 2,
    "eng_interested": 3,
    "eng_belong": 3,
}
SCORE = "3.50"  # (4 + 4 + 3 + 3 + 3 + 4) / 6


def test_answers_given_at_join_reach_the_chart_outcome_1_and_the_pdf(app, client, auth, runner):
    assert set(ANSWERS) == {item.id for item in load_all()["enjoyment"].items}
    school = make_school(name="Northfield Academy", urn="123456")
    lead = make_user(Role.LEAD, school)
    student = make_student(
        school, year_group=9, is_target=True, first_name="Amira", last_name="Khan"
    )
    classmate = make_student(school, year_group=9, is_target=True)  # never answers
    group = make_group(school, name="9X1", students=[student, classmate])
    db.session.commit()

    auth.login(lead)
    opened = client.post(
        "/surveys/new",
        data={"instrument": "enjoyment", "group": group.id, "wave": wave_of(date.today()).key},
    )
    assert opened.status_code == 303
    class_code = db.session.scalars(select(SurveySession.class_code)).one()
    auth.logout()

    # The student, in a browser of their own: two codes, one answer at a time, then submit.
    taking = app.test_client()
    joined = taking.post(
        "/join", data={"class_code": class_code, "personal_code": student.survey_code}
    )
    assert joined.headers["Location"] == "/join/survey"
    for n, (item_id, value) in enumerate(ANSWERS.items(), start=1):
        saved = taking.post("/join/answer", data={"item": item_id, item_id: value}, headers=HTMX)
        assert saved.status_code == 200
        assert f"{n} of {len(ANSWERS)} answered" in saved.get_data(as_text=True)
    submitted = taking.post("/join/submit", data={"class_code": class_code, **ANSWERS})
    assert submitted.headers["Location"] == "/join/done"

    auth.login(lead)
    # 1. The student's page: the chart (its accessible name) and the table beside it.
    page = client.get(f"/students/{student.id}").get_data(as_text=True)
    scores = page.split('id="survey-scores-heading"')[1]
    assert f'aria-label="Enjoyment of maths over time: {SCORE}"' in scores
    assert '<svg class="score-chart"' in scores
    assert f'<td class="num">{SCORE}</td>' in scores

    # 2. Outcome 1: the (pooled) wave mean is this student's score, over one of the two
    # students; with one wave nobody is paired yet.
    result = runner.invoke(args=["outcomes", "--school", "123456", "--json"])
    assert result.exit_code == 0, result.output
    outcomes = json.loads(result.output)
    enjoyment = outcomes["enjoyment"]
    assert outcomes["students"] == 2
    waves = enjoyment["pooled_wave_means"]
    assert [(w["wave"], w["n"]) for w in waves] == [(wave_of(date.today()).label, 1)]
    assert f"{waves[0]['mean']:.2f}" == SCORE
    (targets,) = [c for c in enjoyment["paired_change"] if c["group"] == "target"]
    assert (targets["n"], targets["unpaired"]) == (0, 1)
    assert targets["unscored"] == 1  # the classmate: no score, not silently dropped

    # 3. The PDF profile.
    profile = client.get(f"/students/{student.id}/profile.pdf")
    assert profile.mimetype == "application/pdf"
    assert f"Enjoyment of maths: latest {SCORE}" in pdf_text(profile.data)
