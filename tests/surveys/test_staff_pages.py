"""Staff survey pages: opening, the live panel, closing, results, exports, access rules."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.codes import ALPHABET
from app.extensions import db
from app.models import AuditEvent, Role
from surveys import join_limits, services
from surveys.instruments import Instrument, load_all
from surveys.models import SurveyInstrument, SurveyResponse, SurveySession
from surveys.waves import Wave, wave_of
from tests.conftest import make_app
from tests.factories import PASSWORD, make_group, make_school, make_student, make_user

INSTRUMENTS = load_all()
ENJOYMENT = INSTRUMENTS["enjoyment"]
# Three students' answers, hand-coded: after reverse coding (enj_boring and enj_would_drop)
# A scores 4 on every item, B 2 on every item, C 3,3,3,3,3,2.
ANSWERS = {
    "A": {"enj_best_part": 4, "enj_boring": 1, "enj_good_feeling": 4, "enj_for_fun": 4,
          "enj_would_drop": 1, "enj_time_flies": 4},
    "B": {"enj_best_part": 2, "enj_boring": 3, "enj_good_feeling": 2, "enj_for_fun": 2,
          "enj_would_drop": 3, "enj_time_flies": 2},
    "C": {"enj_best_part": 3, "enj_boring": 2, "enj_good_feeling": 3, "enj_for_fun": 3,
          "enj_would_drop": 2, "enj_time_flies": 2},
}  # fmt: skip


@pytest.fixture
def school(app):
    return make_school("Northfield Academy")


@pytest.fixture
def lead(school):
    return make_user(Role.LEAD, school)


def answered_session(school, opener, answers=ANSWERS, instrument=ENJOYMENT, submitted=True):
    """A session whose students (named by the keys of `answers`) answered and submitted,
    plus one student who never joined and one who opted out."""
    students = {name: make_student(school, first_name=name, last_name="Pupil") for name in answers}
    absent = make_student(school, first_name="Absent", last_name="Pupil")
    opted_out = make_student(school, first_name="Optout", last_name="Pupil", survey_opt_out=True)
    group = make_group(school, name="9X1", students=[*students.values(), absent, opted_out])
    survey = services.open_session(opener, group, instrument, wave="Autumn 2026")
    for name, student_answers in answers.items():
        response = SurveyResponse(session_id=survey.id, student_id=students[name].id)
        db.session.add(response)
        db.session.flush()
        if submitted:
            services.submit(response.id, student_answers)
        else:
            services.save_answers(response.id, student_answers)
    db.session.commit()
    return survey, students


def test_a_lead_opens_a_session_for_a_group(client, auth, school, lead):
    group = make_group(school, name="9X1", students=[make_student(school)])
    auth.login(lead)
    form = client.get("/surveys/new").get_data(as_text=True)
    assert "Enjoying maths" in form and "Confidence in maths" in form and "9X1" in form
    this_term = wave_of(date.today())
    assert f'<option selected value="{this_term.key}">{this_term.label}</option>' in form
    response = client.post(
        "/surveys/new", data={"instrument": "enjoyment", "group": group.id, "wave": this_term.key}
    )
    assert response.status_code == 303
    survey = db.session.scalars(select(SurveySession)).one()
    assert response.headers["Location"] == f"/surveys/{survey.id}"
    assert len(survey.class_code) == 6 and set(survey.class_code) <= set(ALPHABET)
    assert survey.instrument.version == ENJOYMENT.version
    assert survey.instrument.content == ENJOYMENT.to_dict()
    assert (survey.group_id, survey.school_id, survey.wave) == (group.id, school.id, this_term)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<p class="class-code">{survey.class_code}</p>' in page
    assert '<p class="join-url">localhost/join</p>' in page
    assert 'hx-trigger="every 3s"' in page
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.actor_id, event.entity_id) == (
        "survey_session.open",
        lead.id,
        survey.id,
    )


def test_the_wave_is_chosen_from_a_list_defaulting_to_this_term(client, auth, school, lead):
    group = make_group(school, name="9X1", students=[make_student(school)])
    auth.login(lead)
    form = client.get("/surveys/new").get_data(as_text=True)
    options = form.split('name="wave"')[1].split("</select>")[0]
    this_term = wave_of(date.today())
    assert '<label for="wave">Wave</label>' in form
    assert options.count("<option") >= 6 and options.count("selected") == 1
    assert f'<option selected value="{this_term.key}">{this_term.label}</option>' in options
    last_year = Wave(this_term.year - 1, "autumn")
    assert f'value="{last_year.key}">{last_year.label}</option>' in options
    # Free text, or a wave from long ago, is refused with a message and opens nothing.
    for typed in ("Autumn 2026", Wave(this_term.year - 5, "autumn").key, ""):
        response = client.post(
            "/surveys/new", data={"instrument": "enjoyment", "group": group.id, "wave": typed}
        )
        assert response.status_code == 422
        assert "Choose the wave from the list" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SurveySession)) == 0
    # An earlier term of the year can be chosen (answers collected late are filed in it).
    response = client.post(
        "/surveys/new", data={"instrument": "enjoyment", "group": group.id, "wave": last_year.key}
    )
    assert response.status_code == 303
    assert db.session.scalars(select(SurveySession)).one().wave == last_year


def test_a_label_that_names_no_wave_opens_nothing(app, school, lead):
    group = make_group(school, name="9X1")
    with pytest.raises(ValueError, match="'Wave 2' is not a wave"):
        services.open_session(lead, group, ENJOYMENT, wave="Wave 2")
    assert db.session.scalar(select(func.count()).select_from(SurveySession)) == 0
    assert services.open_session(lead, group, ENJOYMENT, wave="Spring 27").wave == Wave(
        2026, "spring"
    )


def test_a_teacher_may_open_but_not_for_another_schools_group(client, auth, school):
    teacher = make_user(Role.TEACHER, school)
    away_group = make_group(make_school("Away School"), name="Away set")
    auth.login(teacher)
    response = client.post("/surveys/new", data={"instrument": "enjoyment", "group": away_group.id})
    assert response.status_code == 422
    assert "Away set" not in response.get_data(as_text=True)
    bad = client.post("/surveys/new", data={"instrument": "nonsense", "group": away_group.id})
    assert bad.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(SurveySession)) == 0
    own = make_group(school, name="8Y2")
    db.session.commit()
    wave = wave_of(date.today()).key
    ok = client.post(
        "/surveys/new", data={"instrument": "self_efficacy", "group": own.id, "wave": wave}
    )
    assert ok.status_code == 303


def test_evaluators_and_visitors_cannot_use_the_staff_pages(client, auth, school, lead):
    survey, _ = answered_session(school, lead)
    urls = ["/surveys/", "/surveys/new", f"/surveys/{survey.id}", f"/surveys/{survey.id}/live",
            f"/surveys/{survey.id}/results", f"/surveys/{survey.id}/answers.csv",
            f"/surveys/{survey.id}/scores.csv"]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the sign-in page
    auth.login(make_user(Role.EVALUATOR))
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/surveys/{survey.id}/close").status_code == 403


@pytest.mark.parametrize("role", [Role.LEAD, Role.TEACHER])
def test_another_schools_session_is_not_found(client, auth, school, lead, role):
    away = make_school("Away School")
    survey, _ = answered_session(away, make_user(Role.LEAD, away))
    auth.login(make_user(role, school))
    for suffix in ("", "/live", "/results", "/answers.csv", "/scores.csv"):
        response = client.get(f"/surveys/{survey.id}{suffix}")
        assert response.status_code == 404, suffix
        assert "Pupil" not in response.get_data(as_text=True)
    assert client.post(f"/surveys/{survey.id}/close").status_code == 404
    db.session.expire_all()
    assert survey.closed_at is None
    assert survey.class_code not in client.get("/surveys/").get_data(as_text=True)


def test_admins_see_every_school(client, auth, school, lead):
    survey, _ = answered_session(school, lead)
    auth.login(make_user(Role.ADMIN))
    page = client.get("/surveys/").get_data(as_text=True)
    assert survey.class_code in page and "Northfield Academy" in page
    assert client.get(f"/surveys/{survey.id}/results").status_code == 200


def test_the_live_panel_shows_who_joined_and_submitted_never_answers(client, auth, school, lead):
    survey, students = answered_session(school, lead)
    # one more student joins and has answered, but has not submitted
    extra = make_student(school, first_name="Midway", last_name="Pupil")
    survey.group.students.append(extra)
    response = SurveyResponse(session_id=survey.id, student_id=extra.id)
    db.session.add(response)
    db.session.flush()
    services.save_answers(response.id, {"enj_best_part": 4})
    db.session.commit()
    auth.login(lead)
    fragment = client.get(f"/surveys/{survey.id}/live", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="live"')
    assert "4 joined · 3 submitted" in html and "of 6 in the group" in html
    assert "Pupil, Midway</td>\n          <td>Joined · answering" in html
    assert 'Pupil, Absent</td>\n          <td><span class="muted">Not joined' in html
    assert "Opted out" in html
    for option in ENJOYMENT.options:
        assert option.label not in html
    for item in ENJOYMENT.items:
        assert item.text not in html and item.id not in html


def test_closing_a_session(client, auth, school, lead):
    survey, _ = answered_session(school, lead)
    auth.login(lead)
    response = client.post(f"/surveys/{survey.id}/close")
    assert response.status_code == 303
    db.session.expire_all()
    assert survey.closed_at is not None
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "This session is closed" in page and "every 3s" not in page
    assert "Close the session" not in page
    # closing again changes nothing and records nothing more
    client.post(f"/surveys/{survey.id}/close")
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["survey_session.open", "survey_session.close"]


def test_results_match_hand_computed_values(client, auth, school, lead):
    survey, students = answered_session(school, lead)
    results = services.session_results(survey)
    assert (results.eligible, results.joined, results.submitted) == (4, 3, 3)
    assert results.response_rate == 0.75
    summary = results.summaries["enjoyment"]
    assert summary.n == 3 and summary.n_complete == 3
    assert summary.mean == pytest.approx((4 + 2 + 17 / 6) / 3)
    assert summary.sd == pytest.approx(1.00462, abs=1e-5)
    # k=6; item variances 1,1,1,1,1,4/3; variance of totals (24, 12, 17) is 109/3
    assert summary.alpha == pytest.approx(6 / 5 * (1 - (5 + 4 / 3) / (109 / 3)))
    by_name = {r.student.first_name: r.scores["enjoyment"] for r in results.students}
    assert by_name == {"A": 4.0, "B": 2.0, "C": pytest.approx(17 / 6)}
    auth.login(lead)
    html = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "75% (3 of 4 submitted)" in html
    assert (
        '<th scope="row">Enjoyment of maths</th><td class="num">3</td><td class="num">2.94</td>'
        '<td class="num">1.00</td><td class="num">0.99</td><td class="num">3</td>'
    ) in html
    assert "2.83" in html and "6 of 12" in html


def test_too_few_answers_give_no_score(client, auth, school, lead):
    sparse = {"D": {"enj_best_part": 4, "enj_boring": 1, "enj_for_fun": 4}}
    survey, _ = answered_session(school, lead, answers=sparse, submitted=False)
    results = services.session_results(survey)
    assert results.students[0].scores == {"enjoyment": None, "engagement": None}
    assert results.summaries["enjoyment"].n == 0 and results.submitted == 0
    assert results.response_rate == 0


def test_aspirations_are_reported_as_answer_counts(client, auth, school, lead):
    plans = {
        "A": {"asp_alevel_maths": 1},
        "B": {"asp_alevel_maths": 1},
        "C": {"asp_alevel_maths": 3},
    }
    survey, _ = answered_session(school, lead, answers=plans, instrument=INSTRUMENTS["aspirations"])
    auth.login(lead)
    html = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "Plans for maths" in html
    row = html.split("(If you already study it, choose Yes.)")[1].split("</tr>")[0]
    assert row == ('</th><td class="num">2</td><td class="num">0</td>'
                   '<td class="num">1</td>')  # fmt: skip


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_csv_exports_long_and_wide(client, auth, school, lead):
    survey, students = answered_session(school, lead)
    students["A"].first_name = "=HYPERLINK(1)"
    db.session.commit()
    auth.login(lead)
    long_rows = _csv(client.get(f"/surveys/{survey.id}/answers.csv"))
    assert len(long_rows) == 18
    first = long_rows[0]
    assert first["instrument"] == "enjoyment" and first["version"] == ENJOYMENT.version
    assert first["wave"] == "Autumn 2026/27" and first["group"] == "9X1"
    assert {(r["student"], r["item_id"], r["value"]) for r in long_rows} >= {
        ("'=HYPERLINK(1) Pupil", "enj_boring", "1"),
        ("B Pupil", "enj_would_drop", "3"),
    }
    assert {r["answer"] for r in long_rows if r["value"] == "4"} == {"Strongly agree"}
    wide_rows = _csv(client.get(f"/surveys/{survey.id}/scores.csv"))
    assert [(r["student"], r["score_enjoyment"], r["enj_boring"]) for r in wide_rows] == [
        ("'=HYPERLINK(1) Pupil", "4.0", "1"),
        ("B Pupil", "2.0", "3"),
        ("C Pupil", "2.8333", "2"),
    ]
    db.session.expire_all()
    exported = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "survey_session.export")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_id, e.entity_id, e.after["kind"], e.after["rows"]) for e in exported] == [
        (lead.id, survey.id, "answers", 18),
        (lead.id, survey.id, "scores", 3),
    ]
    assert exported[0].school_id == school.id and exported[0].after["group"] == "9X1"


def test_the_session_list_runs_a_fixed_number_of_queries(client, auth, school, lead, count_queries):
    answered_session(school, lead)
    auth.login(lead)
    client.get("/surveys/")
    with count_queries() as few:
        page = client.get("/surveys/")
    assert "9X1" in page.get_data(as_text=True)
    for n in range(5):
        group = make_group(school, name=f"10X{n}", students=[make_student(school)])
        services.open_session(lead, group, INSTRUMENTS["self_efficacy"])
    db.session.commit()
    with count_queries() as many:
        page = client.get("/surveys/")
    assert page.get_data(as_text=True).count("<tr>") == 7
    assert len(many) == len(few)


def test_a_session_keeps_the_version_it_used_after_the_file_changes(client, school, lead):
    survey, students = answered_session(school, lead)
    changed = ENJOYMENT.to_dict()
    changed.pop("version")
    changed["items"][0]["text"] = "Maths is the very best part of my week."
    new_version = Instrument.from_dict(changed)
    assert new_version.version != ENJOYMENT.version
    later = services.open_session(lead, survey.group, new_version)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SurveyInstrument)) == 2
    assert services.instrument_of(survey.instrument).items[0].text == ENJOYMENT.items[0].text
    assert services.instrument_of(later.instrument).items[0].text.startswith("Maths is the very")
    # the old session's scores are unchanged
    assert services.session_results(survey).summaries["enjoyment"].n == 3


def test_the_student_page_shows_every_scale_score_over_time(
    client, auth, school, lead, count_queries
):
    survey, students = answered_session(school, lead)
    survey.opened_at = datetime(2025, 10, 1, 9, 30)
    db.session.commit()
    auth.login(lead)
    url = f"/students/{students['B'].id}"
    client.get(url)
    with count_queries() as one_session:
        client.get(url)
    later = services.open_session(lead, survey.group, ENJOYMENT, wave="Summer 2026")
    efficacy = services.open_session(lead, survey.group, INSTRUMENTS["self_efficacy"])
    for session, answers in ((later, {**ANSWERS["A"]}), (efficacy, {"se_percentage": 3})):
        response = SurveyResponse(session_id=session.id, student_id=students["B"].id)
        db.session.add(response)
        db.session.flush()
        services.submit(response.id, answers)
    db.session.commit()
    with count_queries() as three_sessions:
        html = client.get(url).get_data(as_text=True)
    assert len(three_sessions) == len(one_session)
    section = html.split('id="survey-scores-heading"')[1]
    assert "<h3>Enjoyment of maths</h3>" in section
    assert "<h3>Confidence with maths tasks</h3>" in section
    table = section.split("<table")[1]
    assert table.index("01/10/2025") < table.index("Summer 2025/26")
    assert 'aria-label="Enjoyment of maths over time: 2.00, 4.00"' in section
    assert '<td class="num">2.00</td>' in section and '<td class="num">4.00</td>' in section
    assert "Too few answers" in section
    histories = services.scores_for_student(students["B"].id)
    assert [h.key for h in histories] == ["enjoyment", "engagement", "self_efficacy"]
    assert [p.score for p in histories[0].points] == [2.0, 4.0]


def test_the_live_panel_runs_a_fixed_number_of_queries(client, auth, school, lead, count_queries):
    survey, _ = answered_session(school, lead)
    auth.login(lead)
    url = f"/surveys/{survey.id}/live"
    client.get(url)
    with count_queries() as small:
        client.get(url, headers={"HX-Request": "true"})
    for _ in range(10):
        student = make_student(school)
        survey.group.students.append(student)
        response = SurveyResponse(session_id=survey.id, student_id=student.id)
        db.session.add(response)
        db.session.flush()
        services.save_answers(response.id, {"enj_best_part": 3})
    db.session.commit()
    with count_queries() as large:
        html = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "13 joined · 3 submitted" in html
    assert len(large) == len(small)


def test_deleting_a_group_keeps_its_sessions_and_answers(client, auth, school, lead):
    survey, _ = answered_session(school, lead)
    auth.login(lead)
    assert client.post(f"/groups/{survey.group_id}/delete").status_code == 303
    db.session.expire_all()
    assert survey.group_id is None
    assert services.session_results(survey).summaries["enjoyment"].n == 3
    for url in ("/surveys/", f"/surveys/{survey.id}", f"/surveys/{survey.id}/results"):
        response = client.get(url)
        assert response.status_code == 200 and "Group deleted" in response.get_data(as_text=True)


def test_scores_for_many_students_in_two_queries(school, lead, count_queries):
    survey, students = answered_session(school, lead)
    ids = [s.id for s in students.values()]
    nobody = make_student(school).id
    db.session.commit()
    with count_queries() as queries:
        histories = services.scores_for_students([*ids, nobody])
    assert len(queries) == 2
    assert histories[nobody] == []
    assert [h[0].points[0].score for h in (histories[i] for i in ids)] == [
        4.0,
        2.0,
        pytest.approx(17 / 6),
    ]
    assert (histories[ids[0]][0].low, histories[ids[0]][0].high) == (1, 4)
    assert services.scores_for_students([]) == {}


def test_a_group_page_opens_the_survey_form_with_that_group_chosen(client, auth):
    from app.models import Role
    from tests.factories import make_group, make_school, make_user

    school = make_school()
    lead = make_user(Role.LEAD, school)
    make_group(school, name="7A")
    group = make_group(school, name="9X1")
    auth.login(lead)
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert f'href="/surveys/new?group={group.id}"' in page
    form = client.get(f"/surveys/new?group={group.id}").get_data(as_text=True)
    assert f'<option selected value="{group.id}">9X1</option>' in form
    unknown = client.get("/surveys/new?group=999999").get_data(as_text=True)
    assert "<option selected" not in unknown.split('name="group"')[1].split("</select>")[0]


def test_many_failed_joins_offer_a_new_class_code(app, client, auth, school, lead):
    survey, students = answered_session(school, lead, submitted=False)
    old_code = survey.class_code
    auth.login(lead)
    html = client.get(f"/surveys/{survey.id}/live").get_data(as_text=True)
    assert "Many failed joins" not in html and "New class code" not in html
    # a student of the class already in, answering
    answering = app.test_client()
    codes = {"class_code": old_code, "personal_code": students["A"].survey_code}
    assert answering.post("/join", data=codes).status_code == 303
    guesser = app.test_client()
    for n in range(join_limits.MANY_FAILED):
        data = {"class_code": old_code, "personal_code": f"GUESS{n}"}
        assert guesser.post("/join", data=data).status_code == 422
    html = client.get(f"/surveys/{survey.id}/live").get_data(as_text=True)
    assert "Many failed joins" in html and f"{join_limits.MANY_FAILED} wrong codes" in html
    assert f'action="/surveys/{survey.id}/new-code"' in html and ">New class code</button>" in html
    response = client.post(f"/surveys/{survey.id}/new-code")
    assert response.status_code == 303
    db.session.expire_all()
    new_code = db.session.get(SurveySession, survey.id).class_code
    assert new_code != old_code
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert f'<p class="class-code">{new_code}</p>' in page and "Many failed joins" not in page
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "survey_session.new_code")
    ).one()
    assert event.actor_id == lead.id and event.before == {"class_code": old_code}
    # the old code stops working; the student already in carries on; the new code works
    codes_b = {"personal_code": students["B"].survey_code}
    assert (
        app.test_client().post("/join", data={"class_code": old_code, **codes_b}).status_code == 422
    )
    saved = answering.post("/join/answer", data={"item": "enj_boring", "enj_boring": "2"})
    assert saved.status_code == 200 and "Saved" in saved.get_data(as_text=True)
    assert (
        app.test_client().post("/join", data={"class_code": new_code, **codes_b}).status_code == 303
    )


def test_a_new_class_code_needs_a_csrf_token(school, lead, _schema):
    survey, _ = answered_session(school, lead, submitted=False)
    db.session.commit()
    csrf_on = make_app(_schema, WTF_CSRF_ENABLED=True)
    browser = csrf_on.test_client()
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        browser.get("/login").get_data(as_text=True),
    ).group(1)
    signed_in = browser.post(
        "/login", data={"email": lead.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 303
    assert browser.post(f"/surveys/{survey.id}/new-code").status_code == 400
    db.session.expire_all()
    assert db.session.get(SurveySession, survey.id).class_code == survey.class_code


def test_staff_reopen_one_students_answers(app, client, auth, school, lead):
    survey, students = answered_session(school, lead)
    auth.login(lead)
    html = client.get(f"/surveys/{survey.id}/live").get_data(as_text=True)
    student = students["B"]
    assert f'action="/surveys/{survey.id}/students/{student.id}/reopen"' in html
    assert f'aria-label="Reopen the answers of {student.full_name}"' in html
    codes = {"class_code": survey.class_code, "personal_code": student.survey_code}
    browser = app.test_client()
    assert browser.post("/join", data=codes).status_code == 409  # submitted: final
    assert client.post(f"/surveys/{survey.id}/students/{student.id}/reopen").status_code == 303
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "survey_response.reopen")
    ).one()
    assert event.actor_id == lead.id and student.full_name in event.summary
    # the student changes an answer and submits again
    assert browser.post("/join", data=codes).status_code == 303
    saved = browser.post("/join/answer", data={"item": "enj_boring", "enj_boring": "4"})
    assert saved.status_code == 200
    answers = {k: str(v) for k, v in ANSWERS["B"].items()}
    resubmitted = browser.post("/join/submit", data=dict(answers, enj_boring="4", confirm="1"))
    assert resubmitted.status_code == 303
    db.session.expire_all()
    response = db.session.scalars(
        select(SurveyResponse).where(SurveyResponse.student_id == student.id)
    ).one()
    assert response.submitted_at is not None
    assert services.saved_answers(response.id)["enj_boring"] == 4
    # another school's staff cannot reopen (404), and a student not in the session is 404
    other = make_school("Away School")
    outsider = make_student(other)
    db.session.commit()
    assert client.post(f"/surveys/{survey.id}/students/{outsider.id}/reopen").status_code == 404
