"""Students taking a survey: joining with two codes, saving each answer, submitting."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Role
from surveys import join_limits, services
from surveys.instruments import load_all
from surveys.models import SurveyAnswer, SurveyResponse
from tests.conftest import make_app
from tests.factories import make_group, make_school, make_student, make_user

HX = {"HX-Request": "true"}
ENJOYMENT = load_all()["enjoyment"]


def open_class(school=None, instrument="enjoyment", size=3, name="9X1"):
    school = school or make_school("Northfield Academy")
    students = [make_student(school) for _ in range(size)]
    group = make_group(school, name=name, students=students)
    teacher = make_user(Role.TEACHER, school)
    survey = services.open_session(teacher, group, load_all()[instrument])
    db.session.commit()
    return SimpleNamespace(
        school=school, students=students, group=group, survey=survey, teacher=teacher
    )


@pytest.fixture
def klass(app):
    return open_class()


def join(client, klass, student, **extra):
    data = {"class_code": klass.survey.class_code, "personal_code": student.survey_code}
    data.update(extra)
    return client.post("/join", data=data)


def stored(response_id=None) -> dict:
    db.session.expire_all()
    stmt = select(SurveyAnswer.item_id, SurveyAnswer.value)
    if response_id is not None:
        stmt = stmt.where(SurveyAnswer.response_id == response_id)
    return {item: value for item, value in db.session.execute(stmt)}


def answer_rows() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(SurveyAnswer))


def test_join_page_has_the_two_labelled_codes(client):
    page = client.get("/join").get_data(as_text=True)
    assert '<label for="class_code">Class code</label>' in page
    assert '<label for="personal_code">Personal code</label>' in page
    assert 'hx-history="false"' in page


def test_a_valid_pair_opens_the_survey_grouped_by_scale(client, klass):
    student = klass.students[0]
    # a code typed in lower case with spaces and dashes still works
    response = join(
        client,
        klass,
        student,
        class_code=klass.survey.class_code[:3].lower() + " " + klass.survey.class_code[3:],
    )
    assert response.status_code == 303 and response.headers["Location"] == "/join/survey"
    page = client.get("/join/survey")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert '<h2 id="scale-enjoyment">Enjoyment of maths</h2>' in html
    for item in ENJOYMENT.items:
        assert f"<legend>{item.text}</legend>" in html
        for option in ENJOYMENT.options:
            input_id = f"{item.id}-{option.value}"
            assert f'id="{input_id}" name="{item.id}" value="{option.value}"' in html
            assert f'<label for="{input_id}">{option.label}</label>' in html
    assert html.count("<fieldset") == len(ENJOYMENT.items)
    assert '<button type="submit">Submit answers</button>' in html
    assert " style=" not in html and "<script>" not in html
    assert "0 of 12 answered" in html


def _refusal(response) -> str:
    match = re.search(
        r'<div class="error-summary"[^>]*>(.*?)</div>', response.get_data(as_text=True), re.S
    )
    return match.group(1) if match else ""


def test_every_refusal_is_the_same_and_reveals_nothing(client, klass):
    school = klass.school
    outsider = make_student(school, first_name="Notinthe", last_name="Group")
    opted_out = make_student(school, survey_opt_out=True, first_name="Optedout", last_name="Kid")
    leaver = make_student(school, left_on=date(2026, 1, 1), first_name="Left", last_name="Kid")
    klass.group.students.extend([opted_out, leaver])
    away = make_school("Away School")
    away_student = make_student(away, first_name="Secretive", last_name="Awaychild")
    make_group(away, name="9X1", students=[away_student])
    db.session.commit()
    code = klass.survey.class_code
    cases = [
        (code, "NOTACODE"),
        ("WRONG1", klass.students[0].survey_code),
        (code, outsider.survey_code),
        (code, opted_out.survey_code),
        (code, leaver.survey_code),
        (code, away_student.survey_code),
        ("", ""),
    ]
    refusals = set()
    for class_code, personal_code in cases:
        response = client.post(
            "/join", data={"class_code": class_code, "personal_code": personal_code}
        )
        assert response.status_code == 422
        body = response.get_data(as_text=True)
        for secret in ("Notinthe", "Optedout", "Left Kid", "Secretive", "Away School"):
            assert secret not in body
        if class_code and personal_code:
            refusals.add(_refusal(response))
    assert refusals == {"<p>" + services.REFUSED + "</p>"}
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_each_answer_is_saved_as_it_is_chosen(client, klass):
    join(client, klass, klass.students[0])
    response = client.post(
        "/join/answer",
        data={"item": "enj_boring", "enj_boring": "2", "enj_best_part": ""},
        headers=HX,
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert '<span id="state-enj_boring" class="save-state">Saved</span>' in fragment
    assert 'hx-swap-oob="innerHTML"' in fragment and "1 of 12 answered" in fragment
    assert 'role="status"' in fragment
    assert stored() == {"enj_boring": 2}
    # changing the answer, and the same request again, update the one row
    for _ in range(2):
        client.post("/join/answer", data={"item": "enj_boring", "enj_boring": "4"}, headers=HX)
    assert stored() == {"enj_boring": 4} and answer_rows() == 1
    response = client.post("/join/answer", data={"item": "enj_time_flies", "enj_time_flies": "1"})
    assert "2 of 12 answered" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {"item": "enj_boring", "enj_boring": "5"},
        {"item": "enj_boring", "enj_boring": "0"},
        {"item": "enj_boring", "enj_boring": "3.0"},
        {"item": "enj_boring", "enj_boring": "two"},
        {"item": "enj_boring", "enj_boring": "٣"},
        {"item": "enj_boring"},
        {"item": "no_such_item", "no_such_item": "3"},
        {"item": "csrf_token", "csrf_token": "3"},
        {"enj_boring": "3"},
    ],
)
def test_an_answer_outside_the_options_is_refused_and_not_stored(client, klass, data):
    join(client, klass, klass.students[0])
    response = client.post("/join/answer", data=data, headers=HX)
    assert response.status_code == 400
    assert answer_rows() == 0


def test_a_whole_form_with_one_bad_answer_stores_nothing(client, klass):
    join(client, klass, klass.students[0])
    data = {item.id: "3" for item in ENJOYMENT.items}
    data["enj_time_flies"] = "9"
    assert client.post("/join/submit", data=data).status_code == 400
    assert answer_rows() == 0
    db.session.expire_all()
    assert db.session.scalar(select(SurveyResponse.submitted_at)) is None


def test_rejoining_on_another_device_shows_the_saved_answers(app, client, klass):
    student = klass.students[0]
    join(client, klass, student)
    client.post("/join/answer", data={"item": "enj_for_fun", "enj_for_fun": "3"}, headers=HX)
    other_device = app.test_client()
    assert join(other_device, klass, student).status_code == 303
    html = other_device.get("/join/survey").get_data(as_text=True)
    assert 'id="enj_for_fun-3" name="enj_for_fun" value="3" checked' in html
    assert html.count(" checked") == 1
    assert "1 of 12 answered" in html
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_submitting_twice_or_retrying_changes_nothing(app, client, klass):
    join(client, klass, klass.students[0])
    cookie = client.get_cookie("tracker_session").value
    answers = {item.id: "3" for item in ENJOYMENT.items}
    first = client.post("/join/submit", data=answers)
    assert first.status_code == 303 and first.headers["Location"] == "/join/done"
    db.session.expire_all()
    submitted_at = db.session.scalar(select(SurveyResponse.submitted_at))
    assert submitted_at is not None
    # a double click or a retry sends the same cookie again
    client.set_cookie("tracker_session", cookie)
    again = client.post("/join/submit", data=answers)
    assert again.status_code == 303
    db.session.expire_all()
    assert stored() == {item.id: 3 for item in ENJOYMENT.items} and answer_rows() == 12
    assert db.session.scalar(select(SurveyResponse.submitted_at)) == submitted_at
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_after_submitting_the_device_keeps_nothing_and_the_answers_are_final(client, klass):
    student = klass.students[0]
    join(client, klass, student)
    answers = {item.id: "3" for item in ENJOYMENT.items}
    client.post("/join/submit", data=answers)
    # the next student on this Chromebook cannot see the answers
    assert client.get("/join/survey").headers["Location"] == "/join"
    # the back button and a changed answer: the form comes back to be sent with the codes
    changed = dict(answers, enj_best_part="1", class_code=klass.survey.class_code)
    response = client.post("/join/submit", data=dict(changed, confirm="1"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert '<input type="hidden" name="answer-enj_best_part" value="1">' in html
    assert "answer-confirm" not in html and "answer-class_code" not in html
    assert f'value="{klass.survey.class_code}"' in html
    # ...but the codes do not reopen a submitted response: the answers stay as sent
    carried = {f"answer-{k}": v for k, v in changed.items() if k != "class_code"}
    again = join(client, klass, student, **carried)
    assert again.status_code == 409
    assert "You have already sent your answers" in again.get_data(as_text=True)
    assert stored()["enj_best_part"] == 3
    assert client.get("/join/survey").headers["Location"] == "/join"


def test_an_old_copy_of_the_cookie_cannot_change_submitted_answers(app, client, klass):
    join(client, klass, klass.students[0])
    old_cookie = client.get_cookie("tracker_session").value
    answers = {item.id: "3" for item in ENJOYMENT.items}
    assert client.post("/join/submit", data=answers).status_code == 303
    replay = app.test_client()
    replay.set_cookie("tracker_session", old_cookie)
    saved = replay.post("/join/answer", data={"item": "enj_boring", "enj_boring": "1"}, headers=HX)
    assert saved.status_code == 409
    fragment = saved.get_data(as_text=True)
    assert "Saved" not in fragment and "Not saved" in fragment
    assert "You have already sent your answers" in fragment
    changed = dict(answers, enj_boring="1", confirm="1")
    resubmit = replay.post("/join/submit", data=changed)
    assert resubmit.status_code == 409
    assert "You have already sent your answers" in resubmit.get_data(as_text=True)
    assert replay.get("/join/survey").headers["Location"] == "/join"
    assert stored() == {item.id: 3 for item in ENJOYMENT.items}


def test_saving_after_the_session_closed_never_says_saved(client, klass):
    join(client, klass, klass.students[0])
    client.post("/join/answer", data={"item": "enj_boring", "enj_boring": "2"}, headers=HX)
    services.close_session(klass.teacher, klass.survey)
    db.session.commit()
    # the page was left open: the next answer chosen is refused, and the page says so
    response = client.post(
        "/join/answer", data={"item": "enj_for_fun", "enj_for_fun": "4"}, headers=HX
    )
    assert response.status_code == 409
    fragment = response.get_data(as_text=True)
    assert "Saved" not in fragment
    assert '<span id="state-enj_for_fun" class="save-state not-saved">Not saved</span>' in fragment
    assert "This survey has closed, so your last answer was not saved." in fragment
    assert '<p id="progress-text" hx-swap-oob="true">Not saved. </p>' in fragment
    assert stored() == {"enj_boring": 2}
    submit = client.post("/join/submit", data={"enj_boring": "4", "confirm": "1"})
    assert submit.status_code == 409
    assert "the answers on this page were not sent" in submit.get_data(as_text=True)
    assert stored() == {"enj_boring": 2}


def test_a_save_racing_the_close_is_refused_not_reported_saved(client, klass, monkeypatch):
    join(client, klass, klass.students[0])
    real_taking = services.taking

    def taking_then_closed(*args):
        # the teacher closes the session just after this save checked the cookie
        checked = real_taking(*args)
        services.close_session(klass.teacher, db.session.merge(klass.survey))
        db.session.commit()
        return checked

    monkeypatch.setattr(services, "taking", taking_then_closed)
    response = client.post(
        "/join/answer", data={"item": "enj_boring", "enj_boring": "2"}, headers=HX
    )
    assert response.status_code == 409
    fragment = response.get_data(as_text=True)
    assert "Saved" not in fragment and "0 of 12 answered" in fragment
    assert stored() == {}


def test_unanswered_questions_are_listed_before_submitting(client, klass):
    join(client, klass, klass.students[0])
    response = client.post("/join/submit", data={"enj_best_part": "4", "enj_boring": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "You have not answered 10 questions" in html
    assert 'href="#item-enj_time_flies"' in html
    assert 'id="enj_best_part-4" name="enj_best_part" value="4" checked' in html
    assert stored() == {"enj_best_part": 4, "enj_boring": 1}
    db.session.expire_all()
    assert db.session.scalar(select(SurveyResponse.submitted_at)) is None
    confirmed = client.post("/join/submit", data={"enj_best_part": "4", "confirm": "1"})
    assert confirmed.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(SurveyResponse.submitted_at)) is not None


def test_a_closed_session_takes_no_more_answers(client, klass):
    join(client, klass, klass.students[0])
    client.post("/join/answer", data={"item": "enj_boring", "enj_boring": "2"}, headers=HX)
    services.close_session(klass.teacher, klass.survey)
    db.session.commit()
    response = client.post(
        "/join/answer", data={"item": "enj_boring", "enj_boring": "4"}, headers=HX
    )
    assert response.status_code == 409 and "This survey has closed" in response.get_data(
        as_text=True
    )
    submit = client.post("/join/submit", data={"enj_boring": "4", "confirm": "1"})
    assert submit.status_code == 409
    assert stored() == {"enj_boring": 2}
    again = join(client, klass, klass.students[1])
    assert again.status_code == 422 and "This survey has closed" in again.get_data(as_text=True)
    # A wrong personal code for a closed session gets the very same answer: a closed session
    # tells nobody which personal codes are real.
    wrong = client.post(
        "/join", data={"class_code": klass.survey.class_code, "personal_code": "NOPE77"}
    )
    assert wrong.status_code == again.status_code
    assert _refusal(wrong) == _refusal(again) != ""
    assert services.REFUSED not in wrong.get_data(as_text=True)


def test_leaving_the_group_or_opting_out_ends_answering(client, klass):
    first, second = klass.students[0], klass.students[1]
    join(client, klass, first)
    klass.group.students.remove(first)
    db.session.commit()
    response = client.post(
        "/join/answer", data={"item": "enj_boring", "enj_boring": "2"}, headers=HX
    )
    assert response.status_code == 409 and services.REFUSED in response.get_data(as_text=True)
    other = client.application.test_client()
    join(other, klass, second)
    second.survey_opt_out = True
    db.session.commit()
    assert (
        other.post("/join/answer", data={"item": "enj_boring", "enj_boring": "2"}).status_code
        == 409
    )
    assert answer_rows() == 0


def test_a_student_never_gets_a_staff_session(client, klass):
    join(client, klass, klass.students[0])
    response = client.get("/students/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(f"/surveys/{klass.survey.id}").status_code == 302


SCHOOL = {"REMOTE_ADDR": "192.0.2.10"}  # a whole school behind one NAT address
GUESSER = {"REMOTE_ADDR": "198.51.100.7"}


def test_guessing_never_keeps_the_real_students_out(app, klass):
    room = [make_student(klass.school) for _ in range(30)]
    klass.group.students.extend(room)
    db.session.commit()
    guesser = app.test_client()
    code = klass.survey.class_code
    for n in range(join_limits.ADDRESS_FREE):
        response = guesser.post(
            "/join",
            data={"class_code": code, "personal_code": f"GUESS{n}"},
            environ_base=GUESSER,
        )
        assert response.status_code == 422
    # the guesser's address must now wait; the class, behind the school's address, never does
    stopped = guesser.post(
        "/join", data={"class_code": code, "personal_code": "GUESSX"}, environ_base=GUESSER
    )
    assert stopped.status_code == 429 and "Wait 10 minutes" in stopped.get_data(as_text=True)
    for student in room:
        browser = app.test_client()
        last = "R" if student.survey_code.endswith("Q") else "Q"
        mistyped = student.survey_code[:-1] + last  # each one's own typo first
        typo = browser.post(
            "/join", data={"class_code": code, "personal_code": mistyped}, environ_base=SCHOOL
        )
        assert typo.status_code == 422
        codes = {"class_code": code, "personal_code": student.survey_code}
        assert browser.post("/join", data=codes, environ_base=SCHOOL).status_code == 303


def test_one_personal_code_tried_with_many_class_codes_is_limited(client, klass):
    student = klass.students[0]
    for n in range(join_limits.PERSONAL_CODE_FREE):
        response = client.post(
            "/join", data={"class_code": f"WRONG{n}", "personal_code": student.survey_code}
        )
        assert response.status_code == 422
    assert join(client, klass, student).status_code == 429
    # another student at the same address is not affected
    assert join(client.application.test_client(), klass, klass.students[1]).status_code == 303


@pytest.fixture
def csrf_app(app, _schema):
    """An app with CSRF checks on; the `app` fixture empties the database afterwards."""
    csrf_on = make_app(_schema, WTF_CSRF_ENABLED=True)
    with csrf_on.app_context():
        yield csrf_on
        db.session.remove()


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_an_expired_page_keeps_the_answers_through_a_rejoin(csrf_app):
    klass = open_class()
    student = klass.students[0]
    client = csrf_app.test_client()
    token = _token(client.get("/join").get_data(as_text=True))
    codes = {"class_code": klass.survey.class_code, "personal_code": student.survey_code}
    assert client.post("/join", data=codes).status_code == 400  # no token
    assert client.post("/join", data=dict(codes, csrf_token=token)).status_code == 303
    html = client.get("/join/survey").get_data(as_text=True)
    header = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    saved = client.post(
        "/join/answer",
        data={"item": "enj_boring", "enj_boring": "2"},
        headers={**HX, "X-CSRFToken": header},
    )
    assert saved.status_code == 200
    # the cookie is lost (a cleared browser): the save is refused and the page says so
    client.delete_cookie("tracker_session")
    refused = client.post(
        "/join/answer",
        data={"item": "enj_for_fun", "enj_for_fun": "4"},
        headers={**HX, "X-CSRFToken": header},
    )
    assert refused.status_code == 400 and "expired" in refused.get_data(as_text=True)
    # the whole form is sent: it comes back as a rejoin that carries every answer
    form = {
        "csrf_token": header,
        "class_code": klass.survey.class_code,
        "enj_boring": "2",
        "enj_for_fun": "4",
    }
    rejoin = client.post("/join/submit", data=form)
    assert rejoin.status_code == 400
    html = rejoin.get_data(as_text=True)
    assert '<input type="hidden" name="answer-enj_for_fun" value="4">' in html
    assert "Enter your codes again" in html
    carried = {"answer-enj_boring": "2", "answer-enj_for_fun": "4"}
    back = client.post("/join", data=dict(codes, csrf_token=_token(html), **carried))
    assert back.status_code == 303
    db.session.expire_all()
    assert stored() == {"enj_boring": 2, "enj_for_fun": 4}
    klass_rows = db.session.scalar(select(func.count()).select_from(SurveyResponse))
    assert klass_rows == 1


def test_the_join_page_forgets_the_last_student_on_a_shared_device(client, klass):
    join(client, klass, klass.students[0])
    client.post("/join/answer", data={"item": "enj_boring", "enj_boring": "2"}, headers=HX)
    assert client.get("/join/survey").status_code == 200
    client.get("/join")
    response = client.get("/join/survey")
    assert response.status_code == 303 and response.headers["Location"] == "/join"
    assert stored() == {"enj_boring": 2}
