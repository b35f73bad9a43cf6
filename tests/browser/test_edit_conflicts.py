"""Results day in a real browser when someone else saves the same student's grade meanwhile:
the cell refuses, says who and when with both grades, keeps what was typed, and saves it
only when asked."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Role
from tests.browser.helpers import sign_in
from tests.factories import make_group, make_school, make_student, make_user
from tracking import services
from tracking.models import GradeRecord

pytestmark = pytest.mark.browser

QUERY = "qualification=gcse_maths&kind=final&tier=higher&date=2026-08-20"


def test_a_grade_saved_meanwhile_is_shown_in_the_cell_not_overwritten(app, page, live_server):
    school = make_school("Northfield Academy")
    ann = make_user(Role.LEAD, school, name="Ann Lee")
    ben = make_user(Role.TEACHER, school, name="Ben Ode")
    ada = make_student(school, year_group=11, first_name="Ada", last_name="Adams")
    group = make_group(school, name="11X1", students=[ada])
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True  # htmx must send the token from the page's header
    sign_in(page, live_server, ann)
    page.goto(f"{live_server}/results/grid?group={group.id}&{QUERY}")
    cell = page.get_by_label("Grade for Ada Adams")
    state = page.locator(f"#cell-{ada.id}-state")

    # Ben saves Ada's grade while Ann's grid is open.
    services.record_grade(ben, ada, "gcse_maths", "final", "7", "higher", date(2026, 8, 20))
    db.session.commit()

    cell.fill("8")
    cell.press("Tab")
    expect(state).to_have_attribute("role", "alert")
    expect(state).to_contain_text("Changed by Ben Ode at ")
    expect(state).to_contain_text("since you opened it: now 7 (20/08/2026); you typed 8")
    expect(cell).to_have_value("8")
    expect(cell).to_have_attribute("aria-describedby", f"cell-{ada.id}-state")

    page.get_by_role("button", name="Save 8 instead for Ada Adams").click()
    expect(state).to_have_text("Saved")
    expect(state).to_have_attribute("role", "status")
    assert page.console_errors == []
    db.session.expire_all()
    grades = db.session.scalars(select(GradeRecord.grade).order_by(GradeRecord.id)).all()
    assert grades == ["7", "8"]
