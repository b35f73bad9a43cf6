"""A student takes a survey on a phone while the teacher watches the live panel."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Role
from surveys import services
from surveys.instruments import load_all
from surveys.models import SurveyAnswer, SurveyResponse
from tests.browser.helpers import sign_in, unlabelled_fields
from tests.factories import make_group, make_school, make_student, make_user

pytestmark = pytest.mark.browser
# The first, six-item version of the enjoyment questionnaire (a version old sessions still
# use): the flows below count its six items.
ENJOYMENT = load_all(Path(__file__).parent.parent / "surveys" / "instruments_v1")["enjoyment"]
NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def open_session():
    school = make_school("Northfield Academy")
    amara = make_student(school, first_name="Amara", last_name="Okoye")
    others = [make_student(school) for _ in range(2)]
    group = make_group(school, name="9X1", students=[amara, *others])
    teacher = make_user(Role.TEACHER, school)
    survey = services.open_session(teacher, group, ENJOYMENT, wave="Autumn 2026")
    db.session.commit()
    return survey, amara, teacher


def item_group(page, item):
    return page.get_by_role("group", name=item.text)


def stored() -> dict:
    db.session.expire_all()
    return dict(db.session.execute(select(SurveyAnswer.item_id, SurveyAnswer.value)).all())


def test_a_student_answers_on_a_phone_and_the_teacher_sees_it(
    page, phone_page, live_server, open_session
):
    survey, amara, teacher = open_session
    sign_in(page, live_server, teacher)
    page.goto(f"{live_server}/surveys/{survey.id}")
    expect(page.locator(".class-code")).to_have_text(survey.class_code)
    expect(page.locator("#live-counts")).to_have_text("0 joined · 0 submitted")

    student = phone_page
    student.goto(f"{live_server}/join")
    assert student.evaluate(NO_HORIZONTAL_SCROLL)
    student.get_by_label("Class code").fill(survey.class_code.lower())
    student.get_by_label("Personal code").fill(amara.survey_code)
    student.get_by_role("button", name="Start").click()
    expect(student.get_by_role("heading", name="Enjoying maths")).to_be_visible()
    assert unlabelled_fields(student) == []
    assert student.evaluate(NO_HORIZONTAL_SCROLL)
    expect(page.locator("#live-counts")).to_have_text("1 joined · 0 submitted", timeout=8000)

    first, second, third = ENJOYMENT.items[:3]
    item_group(student, first).get_by_label("Strongly agree").check()
    expect(student.locator(f"#state-{first.id}")).to_have_text("Saved")
    expect(student.locator("#progress")).to_contain_text("1 of 6 answered")
    item_group(student, second).get_by_label("Disagree", exact=True).check()
    expect(student.locator("#progress")).to_contain_text("2 of 6 answered")
    # keyboard only: an arrow key moves the choice within the question and saves it
    item_group(student, second).get_by_label("Disagree", exact=True).focus()
    student.keyboard.press("ArrowDown")
    expect(item_group(student, second).get_by_label("Agree", exact=True)).to_be_checked()
    expect(student.locator(f"#state-{second.id}")).to_have_text("Saved")
    item_group(student, third).get_by_label("Agree", exact=True).check()
    expect(student.locator("#progress")).to_contain_text("3 of 6 answered")
    assert stored() == {first.id: 4, second.id: 3, third.id: 3}

    student.reload()
    expect(item_group(student, first).get_by_label("Strongly agree")).to_be_checked()
    expect(item_group(student, second).get_by_label("Agree", exact=True)).to_be_checked()
    expect(student.locator("#progress")).to_contain_text("3 of 6 answered")

    for item in ENJOYMENT.items[3:]:
        item_group(student, item).get_by_label("Disagree", exact=True).check()
    expect(student.locator("#progress")).to_contain_text("6 of 6 answered")
    assert student.evaluate(NO_HORIZONTAL_SCROLL)
    student.get_by_role("button", name="Submit answers").click()
    expect(student.get_by_role("heading", name="Thank you")).to_be_visible()

    expect(page.locator("#live-counts")).to_have_text("1 joined · 1 submitted", timeout=8000)
    expect(page.locator("#live")).to_contain_text("Submitted")
    assert len(stored()) == 6
    assert student.console_errors == [] and page.console_errors == []
    # leaving keeps nothing: the survey page no longer opens on this device
    student.goto(f"{live_server}/join/survey")
    expect(student.get_by_role("heading", name="Take a survey")).to_be_visible()


def test_the_survey_works_without_javascript(nojs_page, live_server, open_session):
    survey, amara, _teacher = open_session
    page = nojs_page
    page.goto(f"{live_server}/join")
    page.get_by_label("Class code").fill(survey.class_code)
    page.get_by_label("Personal code").fill(amara.survey_code)
    page.get_by_role("button", name="Start").click()
    for item in ENJOYMENT.items[:5]:
        item_group(page, item).get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("alert")).to_contain_text("You have not answered 1 question")
    expect(item_group(page, ENJOYMENT.items[0]).get_by_label("Agree", exact=True)).to_be_checked()
    item_group(page, ENJOYMENT.items[5]).get_by_label("Strongly disagree").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert len(stored()) == 6
    db.session.expire_all()
    assert db.session.scalar(select(SurveyResponse.submitted_at)) is not None
    assert re.search(r"/join/done$", page.url)
